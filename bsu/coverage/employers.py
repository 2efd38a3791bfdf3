"""Who a roster's employer is: the NPP most of its workers have in the registry, else the
roster's own NPP column, else the uploading key's employer id; the file name only when
none of these says. Pure: decisions in, one row per roster file out.

CONTRACT (helper "employers-outreach" implements; the lead's worker imports it).
"""

from __future__ import annotations

import pandas as pd

from bsu.core.engine import Decisions

BASES = ("registry", "column", "key", "file")
COLUMNS = ("npp", "name", "basis", "label")  # label: "PT Maju Jaya (NPP 12345678)"


def identify(decisions: Decisions, key_employer_id: str | None = None) -> pd.DataFrame:
    """Index: each roster source (file) in the decisions; ``COLUMNS``. ``basis`` is one of
    ``BASES``; ``npp``/``name`` None where unknown; ``label`` always set."""
    raise NotImplementedError
