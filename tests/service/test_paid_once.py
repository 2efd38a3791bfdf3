"""BSU is paid once per worker across every upload of a round (``bsu.store.claims``).

A NIK eligible in one done upload is ``NIK_DUPLICATE_ACROSS_EMPLOYERS`` (review) in any
later upload of the same round, and the earlier upload is checked again so that it says
so too; an employer is told only "another employer"; branch staff see batch and employer.
On SQLite and PostgreSQL, with the real worker, and with two worker processes finishing
uploads that share a NIK at the same time.
"""

from __future__ import annotations

import csv
import json
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from bsu.privacy.access import Principal, Role
from bsu.service.jobs import Worker
from bsu.service.settings import Settings
from bsu.store import batches, claims
from bsu.store.db import make_engine
from bsu.store.models import AuditRecord, Batch, NikClaim
from bsu.store.schema import upgrade
from tests.store.conftest import run_together
from tests.support import submit_file

HEADERS = ["NIK", "Nama", "Upah", "Status Kepesertaan", "Kategori", "Tanggal Terdaftar", "Wilayah"]
SHARED = "3275014101900001"  # on every roster below
ACROSS = "NIK_DUPLICATE_ACROSS_EMPLOYERS"


def _roster(folder: Path, name: str, niks: list[str], npp: str | None = None) -> Path:
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS + (["NPP"] if npp else []))
        for i, n in enumerate(niks):
            row = [n, f"Pekerja {i}", "3000000", "Aktif", "PU", "2024-01-15", "Kota Bekasi"]
            writer.writerow(row + ([npp] if npp else []))
    return path


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url)


@pytest.fixture
def engine(settings: Settings) -> Engine:
    made = make_engine(settings.resolved_database_url())
    upgrade(made)
    return made


def _drain(settings: Settings, engine: Engine) -> int:
    """Run the worker until the queue is empty; how many runs it took."""
    factory = sessionmaker(engine, expire_on_commit=False)
    worker = Worker.configured(settings, factory, engine)
    runs = 0
    # One turn of the worker's loop each: claim, give up on a batch whose attempts died,
    # or check it.
    while worker._turn():
        runs += 1
        assert runs < 20, "uploads kept sending each other back"
    return runs


def _rows(engine: Engine, batch_id: str) -> dict[str, tuple[str, list[str]]]:
    with Session(engine) as session:
        found, _ = batches.rows(session, batch_id, None, 0, 100)
        return {r.nik or "": (r.status, [str(x) for x in r.reasons_id]) for r in found}


def _batch(engine: Engine, batch_id: str) -> Batch:
    with Session(engine) as session:
        batch = session.get(Batch, batch_id)
        assert batch is not None
        return batch


def _actions(engine: Engine, batch_id: str) -> list[str]:
    with Session(engine) as session:
        query = select(AuditRecord.action).where(AuditRecord.batch_id == batch_id)
        return list(session.scalars(query.order_by(AuditRecord.id)))


def _reason(rows: dict[str, tuple[str, list[str]]], nik: str) -> str:
    status, reasons = rows[nik]
    assert status == "review", rows[nik]
    found = [r for r in reasons if "roster lain" in r]
    assert len(found) == 1, reasons
    return found[0]


def test_two_employers_sharing_a_nik_are_both_marked(
    tmp_path: Path, settings: Settings, engine: Engine
) -> None:
    first = _roster(tmp_path, "pt-satu.csv", [SHARED, "3275014101900002"])
    second = _roster(tmp_path, "pt-dua.csv", [SHARED, "3275014101900003"])
    with Session(engine) as session:
        a = submit_file(session, first, employer_id="11111111")
    assert _drain(settings, engine) == 1
    assert _rows(engine, a)[SHARED][0] == "eligible"

    with Session(engine) as session:
        b = submit_file(session, second, employer_id="22222222")
    # The second upload, then the first once more (sent back knowing the second).
    assert _drain(settings, engine) == 2

    rows_b = _rows(engine, b)
    told_b = _reason(rows_b, SHARED)
    assert "unggahan pemberi kerja lain" in told_b
    for secret in ("11111111", "pt-satu", a[:8]):
        assert secret not in told_b
    assert rows_b["3275014101900003"][0] == "eligible"

    rows_a = _rows(engine, a)
    told_a = _reason(rows_a, SHARED)
    assert "22222222" not in told_a and b[:8] not in told_a
    assert rows_a["3275014101900002"][0] == "eligible"
    assert _batch(engine, a).status == batches.DONE
    assert "batch.rechecked" in _actions(engine, a)
    assert "batch.rechecked" not in _actions(engine, b)
    # The first upload's result files were written again: they say so too.
    result_csv = Path(_batch(engine, a).result_csv or "").read_text(encoding="utf-8-sig")
    assert ACROSS in result_csv or "roster lain" in result_csv
    assert _batch(engine, b).summary["review"] == 1  # type: ignore[index]


def test_staff_see_whose_upload_and_one_owners_uploads_are_versions(
    tmp_path: Path, settings: Settings, engine: Engine
) -> None:
    with Session(engine) as session:
        a = submit_file(session, _roster(tmp_path, "pt-satu.csv", [SHARED]), employer_id="11111111")
    _drain(settings, engine)
    with Session(engine) as session:
        # The same employer's corrected roster: a version of its own, not a second claim.
        again = submit_file(
            session, _roster(tmp_path, "ulang.csv", [SHARED]), employer_id="11111111"
        )
    _drain(settings, engine)
    assert _rows(engine, again)[SHARED][0] == "eligible"
    with Session(engine) as session:
        staff = submit_file(session, _roster(tmp_path, "cabang.csv", [SHARED]))
    _drain(settings, engine)
    named = _reason(_rows(engine, staff), SHARED)
    assert "NPP 11111111" in named and a[:8] in named and again[:8] in named

    factory = sessionmaker(engine)
    with factory() as session:
        shared = claims.shared_with(session, staff)
    assert sorted(b for _n, b, _s in shared) == sorted([a, again])
    viewer = claims.Viewer(Principal(Role.EMPLOYER, employer_id="22222222").evidence_scope)
    assert viewer.label(_batch(engine, a)) is None
    assert claims.Viewer(None).label(_batch(engine, a)) == "NPP 11111111"


def test_without_a_key_the_rosters_npp_says_whose_it_is(
    tmp_path: Path, settings: Settings, engine: Engine
) -> None:
    """Branch staff upload two files of one employer (its NPP column) and one of another:
    the two of one NPP are versions of one roster; the other employer's is compared."""
    with Session(engine) as session:
        may = submit_file(session, _roster(tmp_path, "gaji-mei.csv", [SHARED], "61720001"))
    _drain(settings, engine)
    with Session(engine) as session:
        fixed = submit_file(session, _roster(tmp_path, "gaji-mei-revisi.csv", [SHARED], "61720001"))
    _drain(settings, engine)
    assert _rows(engine, fixed)[SHARED][0] == "eligible"
    assert _batch(engine, fixed).employer_npp == "61720001"
    assert _batch(engine, fixed).employer_basis == "column"
    with Session(engine) as session:
        other = submit_file(session, _roster(tmp_path, "lain.csv", [SHARED], "61010002"))
    _drain(settings, engine)
    named = _reason(_rows(engine, other), SHARED)
    assert may[:8] in named and fixed[:8] in named and "NPP 61720001" in named


def test_an_upload_checked_again_many_times_is_not_taken_for_a_dying_one(
    tmp_path: Path, settings: Settings, engine: Engine
) -> None:
    """Five employers submit the same worker one after another: the first upload is sent
    back four times. Its attempts ended done, not with a dead process: it is never
    abandoned (the worker gives up on a batch after three attempts that died)."""
    uploads = []
    for i in range(5):
        with Session(engine) as session:
            roster = _roster(tmp_path, f"pt-{i}.csv", [SHARED])
            uploads.append(submit_file(session, roster, employer_id=f"{i + 1}" * 8))
        _drain(settings, engine)
    assert _actions(engine, uploads[0]).count("batch.rechecked") == 4
    for batch_id in uploads:
        assert _batch(engine, batch_id).status == batches.DONE
        _reason(_rows(engine, batch_id), SHARED)


def test_a_round_is_its_own(tmp_path: Path, settings: Settings, engine: Engine) -> None:
    with Session(engine) as session:
        a = submit_file(session, _roster(tmp_path, "a.csv", [SHARED]), employer_id="11111111")
    _drain(settings, engine)
    with Session(engine) as session:
        session.execute(
            update(NikClaim).where(NikClaim.batch_id == a).values(ruleset_id="bsu-2022")
        )
        session.commit()
    with Session(engine) as session:
        b = submit_file(session, _roster(tmp_path, "b.csv", [SHARED]), employer_id="22222222")
    _drain(settings, engine)
    assert _rows(engine, b)[SHARED][0] == "eligible"


WORKER_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from sqlalchemy.orm import sessionmaker
    from bsu.service.jobs import Worker
    from bsu.service.settings import Settings
    from bsu.store import batches
    from bsu.store.db import make_engine

    settings = Settings(data_dir=Path(sys.argv[2]), database_url=sys.argv[1])
    engine = make_engine(sys.argv[1])
    factory = sessionmaker(engine, expire_on_commit=False)
    worker = Worker.configured(settings, factory, engine)
    print("ready", flush=True)
    sys.stdin.readline()
    runs = 0
    idle = 0
    while idle < 3:
        claimed = batches.claim(factory, 60)
        if claimed is None:
            idle += 1
            time.sleep(0.3)
            continue
        idle = 0
        worker.run_one(*claimed)
        runs += 1
    print(runs, flush=True)
    """
)


def test_two_processes_finishing_together_mark_every_upload(
    tmp_path: Path, settings: Settings, engine: Engine, database_url: str
) -> None:
    uploads = []
    with Session(engine) as session:
        for i in range(4):
            roster = _roster(tmp_path, f"pt-{i}.csv", [SHARED, f"32750141019001{i + 10}"])
            uploads.append(submit_file(session, roster, employer_id=f"{i + 1}" * 8))
    script = WORKER_SCRIPT.replace("sys.argv[2]", repr(str(settings.data_dir)))
    outcomes = run_together(script, database_url, 2, timeout=300)
    assert all(o.code == 0 for o in outcomes), [o.err[-2000:] for o in outcomes]
    # Every upload is done, and each says that the shared NIK is elsewhere.
    for batch_id in uploads:
        assert _batch(engine, batch_id).status == batches.DONE
        rows = _rows(engine, batch_id)
        _reason(rows, SHARED)
        assert sum(status == "eligible" for status, _ in rows.values()) == 1
    with Session(engine) as session:
        claimed = session.scalars(
            select(NikClaim.batch_id).where(NikClaim.nik == SHARED, NikClaim.claimed.is_(True))
        ).all()
    assert sorted(claimed) == sorted(uploads)
    print(json.dumps([o.out for o in outcomes]))
