"""Registry extracts and exclusion lists in the store, on SQLite and on PostgreSQL:
imports (idempotent, newest data wins, malformed NIKs skipped), lookups, the audit trail,
and that a lookup reads in a few bulk queries, never one per NIK."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from bsu.core.engine import evaluate
from bsu.core.reasons import codes_in
from bsu.core.records import frame
from bsu.core.ruleset import load_ruleset
from bsu.errors import BsuError
from bsu.rosters import extracts
from bsu.store import schema
from bsu.store.db import make_engine
from bsu.store.evidence import load
from bsu.store.imports import import_exclusions, import_registry
from bsu.store.models import (
    AuditRecord,
    ExclusionEntry,
    ExclusionImport,
    RegistryImport,
    RegistryParticipant,
)
from tests.support import VALID_WORKER, write_xlsx

MAY = dt.date(2025, 5, 2)
JUNE = dt.date(2025, 6, 1)
APRIL = dt.date(2025, 4, 1)
HEADERS = [
    "NIK",
    "KPJ",
    "Nama",
    "Status Kepesertaan",
    "Kategori",
    "Tanggal Kepesertaan",
    "Upah yang Dilaporkan",
    "Iuran Terakhir",
    "BLTH NA",
    "Kewarganegaraan",
    "NPP",
    "Nama Perusahaan",
]


def nik(i: int) -> str:
    return f"3275010101900{i:03d}"


def person(i: int, status: str = "Aktif", category: str = "PU", **more: Any) -> dict[str, Any]:
    return {
        "NIK": nik(i),
        "KPJ": f"2101{i:07d}",
        "Nama": f"Peserta {i}",
        "Status Kepesertaan": status,
        "Kategori": category,
        "Tanggal Kepesertaan": dt.datetime(2019, 3, i),
        "Upah yang Dilaporkan": 3_000_000 + 100_000 * i,
        "Iuran Terakhir": "2025-04",
        "BLTH NA": None,
        "Kewarganegaraan": "WNI",
        "NPP": "NPP-32750001",
        "Nama Perusahaan": "PT Sinar Contoh",
        **more,
    }


# Six usable rows (one NIK written with dashes, which are stripped) and two malformed NIKs.
# The second stopped paying in January 2025 and became non-active (BLTH NA) in February,
# written as a date (a date cell in .xlsx and .parquet); the fifth is a foreign national.
EXTRACT = [
    person(1),
    person(2, "Nonaktif", **{"Iuran Terakhir": "Jan-25", "BLTH NA": dt.datetime(2025, 2, 1)}),
    person(3, category="BPU"),
    person(4, **{"Tanggal Kepesertaan": dt.datetime(2025, 5, 1)}),
    person(5, **{"Kewarganegaraan": "Jepang"}),
    {**person(6), "NIK": "3275-0101-0190-0006"},
    {**person(7), "NIK": "123"},
    {**person(8), "NIK": "32750101019000"},
]
USABLE = [nik(i) for i in range(1, 7)]


def write_registry(path: Path, rows: list[dict[str, Any]]) -> Path:
    """A registry extract as branch staff get it: .csv (text), .xlsx (typed cells, NIK as
    text) or .parquet (typed columns)."""
    table = pd.DataFrame(rows, columns=HEADERS)
    if path.suffix == ".csv":
        text = table.assign(
            **{"Tanggal Kepesertaan": table["Tanggal Kepesertaan"].dt.strftime("%Y-%m-%d")}
        )
        text.to_csv(path, sep=";", index=False)
    elif path.suffix == ".xlsx":
        cells = [
            [v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in r]
            for r in table.itertuples(index=False)
        ]
        write_xlsx(path, {"Peserta": [HEADERS, *cells]})
    else:
        table.to_parquet(path, index=False)
    return path


def write_list(path: Path, niks: list[str]) -> Path:
    lines = ["NIK;Nama", *(f"{n};Nama {i}" for i, n in enumerate(niks))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def store(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    schema.upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def participants(engine: Engine) -> dict[str, tuple[Any, ...]]:
    """Every registry row by NIK, without the import it came from."""
    with Session(engine) as session:
        return {
            p.nik: (
                p.kpj,
                p.status,
                p.category,
                p.registered_on,
                p.last_contribution,
                p.nonactive_since,
                p.nationality,
                p.reported_wage,
                p.employer_id,
                p.employer_name,
                p.as_of,
            )
            for p in session.scalars(select(RegistryParticipant))
        }


def count(engine: Engine, model: Any, *where: Any) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def audit_actions(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(AuditRecord.action).order_by(AuditRecord.id)))


def entries(engine: Engine, kind: str) -> set[str]:
    with Session(engine) as session:
        return set(session.scalars(select(ExclusionEntry.nik).where(ExclusionEntry.list == kind)))


# --- registry ----------------------------------------------------------------------------


def test_a_registry_extract_is_imported_once(store: Engine, tmp_path: Path) -> None:
    path = write_registry(tmp_path / "registri.csv", EXTRACT)
    done = import_registry(store, extracts.registry(path), MAY, "petugas")
    assert (done.rows, done.skipped, done.already) == (6, 2, False)

    rows = participants(store)
    assert sorted(rows) == USABLE
    assert rows[nik(1)] == (
        "21010000001",
        "active",
        "PU",
        dt.date(2019, 3, 1),
        "2025-04",
        None,
        "wni",
        3_100_000,
        "NPP-32750001",
        "PT Sinar Contoh",
        MAY,
    )
    assert rows[nik(2)][1] == "inactive"
    assert rows[nik(2)][4:6] == ("2025-01", "2025-02")  # months kept as YYYY-MM
    assert rows[nik(5)][6] == "wna"
    assert rows[nik(3)][2] == "BPU"
    assert rows[nik(4)][3] == dt.date(2025, 5, 1)

    again = import_registry(store, extracts.registry(path), MAY, "petugas")
    assert again.already is True
    assert (again.import_id, again.rows) == (done.import_id, 6)
    assert count(store, RegistryImport) == 1
    assert participants(store) == rows
    assert audit_actions(store) == ["registry.imported"]
    with Session(store) as session:
        detail = session.scalars(select(AuditRecord.detail)).one()
    assert detail is not None
    assert (detail["file"], detail["rows"], detail["as_of"]) == ("registri.csv", 6, "2025-05-02")


def test_newer_data_wins_whatever_the_order_of_imports(store: Engine, tmp_path: Path) -> None:
    import_registry(
        store, extracts.registry(write_registry(tmp_path / "mei.csv", EXTRACT)), MAY, "petugas"
    )
    first = participants(store)

    # June: two NIKs changed status; the others are not in this extract and stay.
    june = [person(1, "Nonaktif"), person(2, "Aktif")]
    done = import_registry(
        store, extracts.registry(write_registry(tmp_path / "juni.csv", june)), JUNE, "petugas"
    )
    assert (done.rows, done.already) == (2, False)
    after_june = participants(store)
    assert after_june[nik(1)][1] == "inactive" and after_june[nik(1)][-1] == JUNE
    assert after_june[nik(2)][1] == "active" and after_june[nik(2)][-1] == JUNE
    assert {n: after_june[n] for n in USABLE[2:]} == {n: first[n] for n in USABLE[2:]}

    # April, imported last: never overwrites newer rows; a NIK only it holds is added.
    april = [person(1, "Aktif"), person(2, "Nonaktif"), person(3, category="PU"), person(9)]
    import_registry(
        store, extracts.registry(write_registry(tmp_path / "april.csv", april)), APRIL, "petugas"
    )
    after_april = participants(store)
    assert {n: after_april[n] for n in USABLE} == after_june
    assert after_april[nik(9)][-1] == APRIL
    assert count(store, RegistryImport) == 3
    assert audit_actions(store) == ["registry.imported"] * 3

    evidence = load(store, [nik(1), nik(3), nik(9)])
    assert evidence.registry_label == "2025-06-01"
    assert evidence.registry is not None
    assert evidence.registry["label"].to_dict() == {
        nik(1): "2025-06-01",
        nik(3): "2025-05-02",
        nik(9): "2025-04-01",
    }
    assert evidence.registry["status"].to_dict() == {
        nik(1): "inactive",
        nik(3): "active",
        nik(9): "active",
    }


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_xlsx_and_parquet_extracts_import_as_csv_does(
    store: Engine, tmp_path: Path, suffix: str
) -> None:
    from_csv = import_registry(
        store, extracts.registry(write_registry(tmp_path / "r.csv", EXTRACT)), MAY, "p"
    )
    expected = participants(store)
    other = import_registry(
        store, extracts.registry(write_registry(tmp_path / f"r{suffix}", EXTRACT)), MAY, "p"
    )
    assert (other.rows, other.skipped, other.already) == (from_csv.rows, from_csv.skipped, False)
    assert other.import_id != from_csv.import_id
    assert participants(store) == expected
    with Session(store) as session:
        stored = set(session.scalars(select(RegistryParticipant.nik)))
        sources = set(session.scalars(select(RegistryParticipant.import_id)))
    assert stored == set(USABLE)
    assert sources == {other.import_id}


# --- exclusion lists ---------------------------------------------------------------------


def test_an_exclusion_list_replaces_its_entries_and_is_idempotent(
    store: Engine, tmp_path: Path
) -> None:
    first = write_list(tmp_path / "pkh-1.csv", [nik(1), nik(2), "123"])
    done = import_exclusions(
        store, "pkh", extracts.exclusion_list(first), "Kemensos", JUNE, "petugas"
    )
    assert (done.rows, done.skipped, done.already) == (2, 1, False)
    assert entries(store, "pkh") == {nik(1), nik(2)}

    again = import_exclusions(
        store, "pkh", extracts.exclusion_list(first), "Kemensos", JUNE, "petugas"
    )
    assert (again.already, again.import_id, again.rows) == (True, done.import_id, 2)
    assert count(store, ExclusionImport) == 1

    asn = import_exclusions(
        store,
        "asn",
        extracts.exclusion_list(write_list(tmp_path / "asn.csv", [nik(4)])),
        "BKN",
        JUNE,
        "petugas",
    )
    assert asn.rows == 1

    second = write_list(tmp_path / "pkh-2.csv", [nik(2), nik(3)])
    newer = import_exclusions(
        store, "pkh", extracts.exclusion_list(second), "Kemensos", dt.date(2025, 7, 1), "petugas"
    )
    assert (newer.rows, newer.already) == (2, False)
    assert entries(store, "pkh") == {nik(2), nik(3)}
    assert entries(store, "asn") == {nik(4)}
    with Session(store) as session:
        owners = set(
            session.scalars(select(ExclusionEntry.import_id).where(ExclusionEntry.list == "pkh"))
        )
    assert owners == {newer.import_id}

    with pytest.raises(BsuError) as raised:
        import_exclusions(
            store, "bansos", extracts.exclusion_list(second), "Kemensos", JUNE, "petugas"
        )
    assert raised.value.code == "list_unknown"
    assert "bansos" in raised.value.message("id") and "bansos" in raised.value.message("en")
    assert count(store, ExclusionImport) == 3

    assert audit_actions(store) == [
        "exclusions.imported.pkh",
        "exclusions.imported.asn",
        "exclusions.imported.pkh",
    ]


def test_load_returns_only_the_asked_niks(store: Engine, tmp_path: Path) -> None:
    empty = load(store, [nik(1)])
    assert (empty.registry, empty.lists, empty.registry_label) == (None, (), "")
    assert empty.empty

    import_registry(
        store, extracts.registry(write_registry(tmp_path / "r.csv", EXTRACT)), MAY, "petugas"
    )
    import_exclusions(
        store,
        "pkh",
        extracts.exclusion_list(write_list(tmp_path / "pkh.csv", [nik(1), nik(5)])),
        "Kemensos",
        JUNE,
        "p",
    )
    import_exclusions(
        store,
        "asn",
        extracts.exclusion_list(write_list(tmp_path / "asn.csv", [nik(4)])),
        "BKN",
        JUNE,
        "p",
    )

    asked = [nik(1), nik(2), nik(1), nik(99), "123", "", nik(3)]
    evidence = load(store, asked)
    assert evidence.registry is not None
    assert sorted(evidence.registry.index) == [nik(1), nik(2), nik(3)]
    assert evidence.registry_label == "2025-05-02"
    row = evidence.registry.loc[nik(1)]
    assert (row["status"], row["category"], row["reported_wage"], row["label"]) == (
        "active",
        "PU",
        3_100_000,
        "2025-05-02",
    )
    assert row["registered_on"] == pd.Timestamp("2019-03-01")
    assert (row["nationality"], row["last_paid_month"]) == ("wni", 2025 * 12 + 3)
    assert pd.isna(row["nonactive_month"])
    stopped = evidence.registry.loc[nik(2)]
    assert (stopped["last_paid_month"], stopped["nonactive_month"]) == (2025 * 12, 2025 * 12 + 1)
    lists = {listed.kind: listed for listed in evidence.lists}
    assert set(lists) == {"pkh", "asn"}
    assert list(lists["pkh"].niks) == [nik(1)]
    assert list(lists["asn"].niks) == []
    assert lists["pkh"].label == "PKH 2025-06-01 (Kemensos)"
    assert lists["asn"].label == "ASN 2025-06-01 (BKN)"

    # What the engine makes of it.
    workers = [
        {**VALID_WORKER, "nik": n, "participant_status": "Aktif"}
        for n in (nik(1), nik(2), nik(3), nik(99))
    ]
    decisions = evaluate(frame(workers), load_ruleset("bsu-2025"), evidence)
    assert [[c.value for c in codes_in(int(m))] for m in decisions.frame["reasons"]] == [
        ["EXCLUDED_PKH_RECIPIENT"],
        ["CONTRIBUTION_NOT_PAID", "PARTICIPANT_NONACTIVE_BY_CUTOFF"],
        ["CATEGORY_NOT_PU"],
        ["PARTICIPANT_NOT_FOUND"],
    ]


# --- bulk ----------------------------------------------------------------------------------

BIG = 200_000
ASKED = 50_000


def test_a_large_registry_is_read_in_a_few_queries(store: Engine, tmp_path: Path) -> None:
    seq = np.arange(BIG)
    niks = pd.Series([f"3275{i:012d}" for i in seq], dtype=object)
    table = pd.DataFrame(
        {
            "NIK": niks,
            "Status Kepesertaan": np.where(seq % 2 == 0, "Aktif", "Nonaktif"),
            "Kategori": "PU",
            "Tanggal Kepesertaan": "2020-01-01",
            "Upah": (3_000_000 + seq % 1000).astype(str),
        }
    )
    path = tmp_path / "besar.csv"
    table.to_csv(path, sep=";", index=False)
    done = import_registry(store, extracts.registry(path), MAY, "petugas")
    assert (done.rows, done.skipped) == (BIG, 0)
    assert count(store, RegistryParticipant) == BIG
    listed = niks.iloc[::50].tolist()  # 4,000 NIKs, 2,000 of them among those asked
    import_exclusions(
        store,
        "pkh",
        extracts.exclusion_list(write_list(tmp_path / "pkh.csv", listed)),
        "Kemensos",
        JUNE,
        "p",
    )

    asked = niks.iloc[::4].tolist()
    assert len(asked) == ASKED
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(store, "before_cursor_execute", seen)
    try:
        evidence = load(store, asked)
    finally:
        event.remove(store, "before_cursor_execute", seen)

    assert evidence.registry is not None
    assert len(evidence.registry) == ASKED
    assert evidence.registry.loc[asked[1], "status"] == "active"  # asked[1] is row 4: even
    [pkh] = evidence.lists
    assert len(pkh.niks) == len(set(listed) & set(asked)) == 2_000
    # ≈ 50,000/5,000 lookups for the registry and as many for the one list, plus a few.
    assert len(statements) <= 30, f"{len(statements)} statements"
    lookups = [s for s in statements if "IN (" in s.upper() or "= ANY" in s.upper()]
    assert len(lookups) >= 2, statements  # the listener saw the registry and list lookups


def test_an_older_exclusion_list_does_not_replace_a_newer_one(
    store: Engine, tmp_path: Path
) -> None:
    newer = write_list(tmp_path / "pkh-juni.csv", [nik(1), nik(2)])
    older = write_list(tmp_path / "pkh-mei.csv", [nik(3)])
    import_exclusions(
        store, "pkh", extracts.exclusion_list(newer), "Kemensos", dt.date(2025, 6, 1), "test"
    )
    with pytest.raises(BsuError) as refused:
        import_exclusions(
            store, "pkh", extracts.exclusion_list(older), "Kemensos", dt.date(2025, 5, 1), "test"
        )
    assert refused.value.code == "list_older"
    assert "2025-06-01" in refused.value.message("en")
    assert entries(store, "pkh") == {nik(1), nik(2)}
