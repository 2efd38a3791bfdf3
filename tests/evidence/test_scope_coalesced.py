"""Concurrent single checks of an employer and of branch staff, submitted in one round of
the coalescer (``bsu.api.coalesce``), against a real store (SQLite and PostgreSQL) with
the samples' registry and lists: no request is judged on evidence loaded for the other.

All requests are submitted before the coalescer's consumer first runs, so they are taken
in one round; the round splits them by evidence scope into two groups. The employer's
answers are byte for byte those of an empty store; the staff's and the local user's use
the registry, and only theirs are audited.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bsu.api.routes.check import Checker, _Pending
from bsu.privacy.access import LOCAL, Principal, Role
from bsu.service.settings import Settings
from bsu.store import schema
from bsu.store.db import make_engine
from bsu.store.models import AuditRecord
from tests.evidence.conftest import NPP_B, load_evidence

BUNGA = {  # at NPP-32750001, Nonaktif in the registry (last paid 2024-11); roster: Aktif
    "nik": "3275016502920002",
    "name": "Bunga",
    "wage": 3000000,
    "participant_status": "Aktif",
    "registered_on": "2024-01-15",
    "region": "Kota Bekasi",
}
EMPLOYER = Principal(Role.EMPLOYER, "aaaaaaaaaaaa", "PT Dua", employer_id=NPP_B, branch="JKT01")
STAFF = Principal(Role.STAFF, "bbbbbbbbbbbb", "Cabang", branch="JKT01")
EACH = 24


@pytest.fixture
def store(database_url: str) -> Iterator[Engine]:
    load_evidence(database_url)
    engine = make_engine(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    schema.upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def _record(worker: dict[str, Any]) -> dict[str, Any]:
    from bsu.api.schemas import WorkerCheck

    return WorkerCheck.model_validate(worker).record()


async def _one_round(checker: Checker, pendings: list[_Pending]) -> list[bytes]:
    try:
        return list(await asyncio.gather(*(checker.check_one(p) for p in pendings)))
    finally:
        await checker.close()


def test_an_employer_and_staff_in_one_round_never_share_evidence(
    store: Engine, empty: Engine, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data", log_key="k" * 32)
    checker = Checker(settings, store)
    ruleset = checker.ruleset(None)
    record = _record(BUNGA)
    pendings = []
    for i in range(EACH):
        pendings.append(_Pending(record, ruleset, "id", (EMPLOYER, f"emp-{i}")))
        pendings.append(_Pending(record, ruleset, "id", (STAFF, f"staff-{i}")))
        pendings.append(_Pending(record, ruleset, "id", (LOCAL, f"local-{i}")))
    answers = asyncio.run(_one_round(checker, pendings))
    # One round, split by scope into two groups: the employer's, and staff with the local
    # user (both see everything).
    assert (checker.coalescer.groups, checker.coalescer.items) == (2, 3 * EACH)

    bare = Checker(settings, empty)
    [expected] = asyncio.run(_one_round(bare, [_Pending(record, bare.ruleset(None), "id")]))
    employer, full = answers[0::3], answers[1::3] + answers[2::3]
    assert all(a == expected for a in employer)
    assert all(b"CONTRIBUTION_NOT_PAID" in a and b"ekstrak 2025-05-02" in a for a in full)
    assert b"CONTRIBUTION_NOT_PAID" not in expected

    with Session(store) as session:
        audited = session.scalars(
            select(AuditRecord).where(AuditRecord.action == "check.evidence")
        ).all()
    # Staff and the local user are audited; the employer used nothing from the store.
    expected_ids = [f"{who}-{i}" for who in ("staff", "local") for i in range(EACH)]
    assert sorted(r.request_id or "" for r in audited) == sorted(expected_ids)
    assert {r.actor for r in audited} == {STAFF.actor, "local"}
