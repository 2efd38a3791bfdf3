"""How a roster was read, through the API: ``map`` on the upload chooses a column over the
automatic choice, the batch keeps its reading and ``GET /v1/batches/{id}`` answers it as
``sources`` in the caller's language; a ``map`` that cannot be read is refused before
anything is kept, one naming a header the roster lacks fails the batch with the headers
present. On a real ``bsu serve`` of each database kind, with no upload rate limit (the
folder's shared servers keep theirs for the tests that count on it)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select

from bsu.api.routes.batches import sources_public
from bsu.rosters.reading import IgnoredColumn, Note, SheetRead, SkippedRow
from bsu.service.batch_results import stored_reading
from bsu.store.db import make_engine
from bsu.store.models import Base, Batch
from bsu.store.schema import upgrade
from tests.api.conftest import DATABASES, EN, error_of, uploads_of
from tests.servers import Server, database, start_server, wait_for
from tests.support import write_xlsx

HEADERS = [
    "NIK",
    "NIK KTP",
    "Nama",
    "Gaji Pokok",
    "Total Upah",
    "Status Kepesertaan",
    "Tanggal Kepesertaan",
    "Kab/Kota",
]
# "NIK" holds the employee code, "NIK KTP" the 16-digit NIK; "Gaji Pokok" stands beside
# "Total Upah" (read by itself, the checker judges the total); a totals row closes it.
WORKERS = [
    ["EMP0001", "3273056010900010", "Siti Rahma", 2_500_000, 3_000_000, "Aktif", "15/01/2024"],
    ["EMP0002", "3275014507850003", "Ani Lestari", 2_700_000, 3_200_000, "Aktif", "01/02/2024"],
    ["EMP0003", "3171012902960001", "Budi Santoso", 3_100_000, 4_000_000, "Aktif", "10/03/2023"],
]
WORKERS = [[*w, "Kota Bekasi"] for w in WORKERS]
TOTALS = ["JUMLAH", None, None, 8_300_000, 10_200_000, None, None, None]
BASIC = [w[3] for w in WORKERS]
NIKS = [w[1] for w in WORKERS]


@pytest.fixture(scope="module", params=DATABASES)
def reader(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp(f"reading-{request.param}")
    with database(request.param, tmp) as url:
        running = start_server(
            tmp / "data",
            url,
            BSU_RATE_LIMIT_PER_MINUTE="0",
            BSU_UPLOAD_RATE_LIMIT_PER_MINUTE="0",
        )
        try:
            yield running
        finally:
            running.stop()


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rosters")
    return write_xlsx(folder / "karyawan.xlsx", {"Karyawan": [HEADERS, *WORKERS, TOTALS]})


def post(server: Server, path: Path, maps: Any = None, key: str | None = None) -> httpx.Response:
    data = {"map": maps} if maps is not None else None
    headers = {"Idempotency-Key": key} if key else None
    with server.client() as client:
        return client.post(
            "/v1/batches",
            files={"file": (path.name, path.read_bytes())},
            data=data,
            headers=headers,
        )


def checked(server: Server, answer: httpx.Response, **kwargs: Any) -> dict[str, Any]:
    assert answer.status_code == 202, answer.text
    with server.client(**kwargs) as client:
        return dict(wait_for(client, answer.headers["location"], {"done", "failed"}))


def read_options(server: Server, batch_id: str) -> Any:
    engine = create_engine(server.env["BSU_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return connection.scalar(select(Batch.read_options).where(Batch.id == batch_id))
    finally:
        engine.dispose()


def test_a_mapping_chooses_the_column_and_the_batch_shows_how_it_was_read(
    reader: Server, roster: Path
) -> None:
    answer = post(reader, roster, ["nik=NIK KTP", "wage=Gaji Pokok"])
    batch = checked(reader, answer)
    assert (batch["status"], batch["error"]) == ("done", None), batch
    assert read_options(reader, batch["id"]) == {
        "mapping": {"nik": "NIK KTP", "wage": "Gaji Pokok"}
    }
    assert batch["summary"]["total"] == 3, "the JUMLAH row is no worker"

    (source,) = batch["sources"]
    assert (source["file"], source["sheet"], source["header_row"], source["rows"]) == (
        "karyawan.xlsx",
        "Karyawan",
        1,
        3,
    )
    assert source["columns"]["nik"] == ["NIK KTP"]
    assert source["columns"]["wage"] == ["Gaji Pokok"], "as mapped, over the automatic choice"
    assert source["columns"]["name"] == ["Nama"]
    assert {c["header"] for c in source["ignored_columns"]} >= {"NIK", "Total Upah"}
    assert [s["row"] for s in source["skipped_rows"]] == [5]
    assert all(s["code"] and s["why"] for s in source["skipped_rows"])
    assert any("dibaca dari kolom 'NIK KTP'" in line for line in source["lines"]), source
    assert any("dibaca dari kolom 'Gaji Pokok'" in line for line in source["lines"]), source
    assert any(line.startswith("Baris 5 dilewati") for line in source["lines"]), source
    # The older field keeps its shape for the clients that read it.
    assert batch["sheets"] == [
        {"source": "karyawan.xlsx", "sheet": "Karyawan", "header_row": 1, "rows": 3}
    ]
    with reader.client() as client:
        rows = client.get(batch["links"]["rows"]).json()["data"]
        english = client.get(batch["links"]["self"], headers=EN).json()
    assert [r["nik"] for r in rows] == NIKS
    assert [r["wage"] for r in rows] == BASIC
    assert [r["row"] for r in rows] == [2, 3, 4]

    (said,) = english["sources"]
    assert said["columns"] == source["columns"]
    assert [s["code"] for s in said["skipped_rows"]] == [s["code"] for s in source["skipped_rows"]]
    assert any("read from column 'NIK KTP'" in line for line in said["lines"]), said
    assert any(line.startswith("Row 5 skipped") for line in said["lines"]), said
    for line in source["lines"] + said["lines"]:
        assert not any(nik in line for nik in NIKS), "a reading never quotes a NIK"


@pytest.mark.parametrize(
    "maps",
    [
        ["nik=NIK KTP", "wage=Gaji Pokok"],  # the field repeated
        "nik=NIK KTP\nwage=Gaji Pokok",  # one field, a pair per line
        "  NIK = \"NIK KTP\"\r\n\r\nwage='Gaji Pokok'  ",  # as people type it
    ],
    ids=["repeated", "lines", "typed"],
)
def test_a_mapping_may_come_in_several_fields_or_lines(
    reader: Server, roster: Path, maps: Any
) -> None:
    batch = checked(reader, post(reader, roster, maps))
    assert batch["status"] == "done", batch
    expected = {"mapping": {"nik": "NIK KTP", "wage": "Gaji Pokok"}}
    assert read_options(reader, batch["id"]) == expected
    assert batch["sources"][0]["columns"]["wage"] == ["Gaji Pokok"]


def test_without_a_mapping_nothing_is_stored_as_asked(reader: Server, roster: Path) -> None:
    batch = checked(reader, post(reader, roster))
    assert batch["status"] == "done", batch
    assert read_options(reader, batch["id"]) is None
    (source,) = batch["sources"]
    assert source["columns"]["wage"] == ["Total Upah"], "the automatic choice"
    assert source["columns"]["nik"] == ["NIK KTP"], "chosen by its cells"


@pytest.mark.parametrize(
    ("maps", "quoted"),
    [
        (["wage"], "wage"),  # no "="
        (["wage="], "wage="),  # no header
        (["=Total Upah"], "=Total Upah"),  # no field
        (["gaji=Total Upah"], "gaji"),  # a field bsu does not know
        (["nik=NIK KTP", "upah_pokok=Gaji Pokok"], "upah_pokok"),
    ],
)
def test_a_mapping_that_cannot_be_read_is_refused_before_anything_is_kept(
    reader: Server, roster: Path, maps: list[str], quoted: str
) -> None:
    before = uploads_of(reader)
    answer = post(reader, roster, maps)
    message = error_of(answer, 422, "map_invalid")
    assert quoted in message
    assert "wage" in message and "registered_on" in message, "the known fields are listed"
    assert uploads_of(reader) == before, "the file is not kept"
    with reader.client(headers=EN) as client:
        english = error_of(
            client.post(
                "/v1/batches",
                files={"file": (roster.name, roster.read_bytes())},
                data={"map": maps},
            ),
            422,
            "map_invalid",
        )
    assert "Known fields" in english


def test_a_mapping_to_a_header_the_roster_lacks_fails_the_batch_naming_the_headers(
    reader: Server, roster: Path
) -> None:
    batch = checked(reader, post(reader, roster, ["wage=Upah Bersih"]))
    assert batch["status"] == "failed", batch
    assert batch["error"]["code"] == "roster_map_unknown_header"
    message = batch["error"]["message"]
    assert "Upah Bersih" in message
    assert "NIK KTP" in message and "Gaji Pokok" in message, "the headers present"
    assert batch["sources"] == []


def test_the_same_key_with_another_mapping_is_another_upload(reader: Server, roster: Path) -> None:
    key = f"reading-{uuid.uuid4()}"
    first = post(reader, roster, ["nik=NIK KTP"], key=key)
    assert first.status_code == 202, first.text
    again = post(reader, roster, "nik = NIK KTP", key=key)
    assert again.status_code == 202, again.text
    assert again.json()["id"] == first.json()["id"], "a retry finds its batch"
    error_of(post(reader, roster, ["nik=NIK"], key=key), 422, "idempotency_key_reused")
    message = error_of(post(reader, roster, key=key), 422, "idempotency_key_reused")
    assert "map" in message


# --- the stored reading, worded when asked -----------------------------------------------

OLD = {"source": "lama.xlsx", "sheet": "Pekerja", "header_row": 2, "rows": 7}
READ = SheetRead(
    "baru.xlsx",
    "Karyawan",
    1,
    3,
    {"nik": "NIK KTP"},
    ignored=(IgnoredColumn("NIK", Note.of("map_malformed", item="NIK", fields="nik")),),
    skipped=(SkippedRow(5, Note.of("map_unknown_field", field="JUMLAH", fields="nik")),),
)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (OLD, [("lama.xlsx", "Pekerja", 2, 7, {}, 0)]),  # stored before readings were
        ({"header_row": 2, "rows": 7}, []),  # purged: counts only, nothing to show
        (stored_reading(READ), [("baru.xlsx", "Karyawan", 1, 3, {"nik": ["NIK KTP"]}, 1)]),
        # A note whose words are no longer in the catalogue: the sheet, without its notes.
        (
            {**stored_reading(READ), "notices": [{"code": "gone_from_catalogue", "params": {}}]},
            [("baru.xlsx", "Karyawan", 1, 3, {}, 0)],
        ),
    ],
    ids=["old", "purged", "full", "stale"],
)
def test_a_stored_reading_is_worded_in_each_language(
    entry: dict[str, Any], expected: list[tuple[Any, ...]]
) -> None:
    for lang in ("id", "en"):
        sources = sources_public([entry], lang)
        assert [
            (s.file, s.sheet, s.header_row, s.rows, s.columns, len(s.skipped_rows)) for s in sources
        ] == expected
        for s in sources:
            assert s.lines and s.file in s.lines[0]


def test_a_number_a_note_quotes_is_stored_masked() -> None:
    quoted = SheetRead(
        "r.xlsx",
        "S",
        1,
        1,
        {},
        skipped=(SkippedRow(9, Note.of("map_unknown_field", field="3273056010900010", fields="")),),
    )
    kept = stored_reading(quoted)
    assert "3273056010900010" not in repr(kept)
    assert kept["skipped"][0]["why"]["params"]["field"].endswith("0010")


def test_the_migrations_give_batches_the_columns_of_the_model(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    about_batches = [d for d in differences if "batches" in repr(d)]
    assert about_batches == []
