"""The registry counted at each import: the points of the coverage trend.

``take_snapshot`` runs inside ``bsu.store.imports.import_registry``'s transaction, right
after the upsert: one ``INSERT ... SELECT ... GROUP BY`` over the whole
``registry_participants`` table (the latest known state of every participant, whichever
import brought it), per work region, category and status. Counts only, no NIK. Read them
with ``bsu.store.coverage.snapshots``. (Its own module: ``bsu.store.coverage`` imports
``bsu.store.imports``, which calls this.)
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, func, insert, literal, select
from sqlalchemy.orm import Session

from bsu.store.models import RegistryParticipant, RegistrySnapshot


def take_snapshot(session: object, import_id: int, as_of: dt.date) -> None:
    """Count the whole registry (one GROUP BY) into ``registry_snapshots`` for this
    import; called by ``imports.import_registry`` inside its transaction."""
    if not isinstance(session, Session):
        raise TypeError(f"take_snapshot needs a SQLAlchemy Session, not {type(session)}")
    who = RegistryParticipant
    counted = select(
        literal(import_id, Integer),
        literal(as_of, Date),
        who.region_code,
        who.category,
        who.status,
        func.count(),
    ).group_by(who.region_code, who.category, who.status)
    columns = ["import_id", "as_of", "region_code", "category", "status", "participants"]
    session.execute(insert(RegistrySnapshot).from_select(columns, counted))
