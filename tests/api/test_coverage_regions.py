"""GET /v1/coverage/regions, regions.xlsx, trend.png, arrears and arrears.xlsx on a real
``bsu serve`` of each database kind, with API keys made by the real ``bsu keys create``.

The store is filled as branch staff fill it, with the real console script: two dated
registry extracts (``bsu registry import``), a workforce universe (``bsu coverage
import-universe``) and targets (``bsu coverage import-targets``), files written here.
The expected figures are computed by hand below, next to the data.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bsu.api.routes.coverage_regions import ARREARS_EXAMPLE, REGIONS_EXAMPLE
from bsu.core.words import say
from bsu.store.db import make_engine
from bsu.store.models import AuditRecord
from tests.api.conftest import EN, XLSX, error_of
from tests.servers import BSU, Server, database, start_server
from tests.support import fill, small_tmpfs

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
PNG = b"\x89PNG\r\n\x1a\n"
ROUTES = ("", "/regions", "/regions.xlsx", "/trend.png", "/arrears", "/arrears.xlsx")
DATA_ROUTES = ROUTES[1:]

REGISTRY_HEADER = (
    "NIK;KPJ;Nama;Status Kepesertaan;Kategori;Tanggal Kepesertaan;Iuran Terakhir;BLTH NA;"
    "NPP;Nama Perusahaan;Kab/Kota;No HP;Email"
)
SAWIT = ("NPP-61720001", "PT Sawit Contoh")
SAMBAS = ("NPP-61010001", "CV Contoh Sambas")
# (NIK, KPJ, name, status, category, last paid month, non-active since, employer, region,
# phone, e-mail): synthetic people, NIKs structurally valid (61.72 Singkawang, 61.01 Sambas).
_ADI = ("6172014101900001", "61000000001", "Adi Contoh", "Aktif", "PU")
_BUDI = ("6172014202900002", "61000000002", "Budi Contoh", "Aktif", "PU")
_CICI = ("6172014303900003", "61000000003", "Cici Contoh", "Aktif", "BPU")
_DEDI = ("6101014404900004", "61000000004", "Dedi Contoh", "Aktif", "PU")
_EKA = ("6101014505900005", "61000000005", "Eka Contoh", "Nonaktif", "PU")
_FANI = ("6172014606900006", "61000000006", "Fani Contoh", "Aktif", "PU")
_GITA = ("6172014707900007", "61000000007", "Gita Contoh", "Nonaktif", "PU")
_HADI = ("6101014808900008", "61000000008", "Hadi Contoh", "Aktif", "BPU")
SINGKAWANG = "Kota Singkawang"
SAMBAS_REGION = "Kabupaten Sambas"
NO_EMPLOYER = ("", "")

# The first extract, as of 2025-03-31:
#   61.72 Singkawang: active PU Adi, Budi; active BPU Cici -> protected 3
#   61.01 Sambas:     active PU Dedi; Eka non-active        -> protected 1
MARCH = (
    (*_ADI, "2025-03", "", *SAWIT, SINGKAWANG, "0812-0000-0001", "adi@contoh.invalid"),
    (*_BUDI, "2025-03", "", *SAWIT, SINGKAWANG, "", ""),
    (*_CICI, "2025-03", "", *NO_EMPLOYER, SINGKAWANG, "", ""),
    (*_DEDI, "2025-03", "", *SAMBAS, SAMBAS_REGION, "", ""),
    (*_EKA, "2024-12", "2025-01", *SAMBAS, SAMBAS_REGION, "0812-0000-0005", ""),
)
# The second extract, as of 2025-06-30 (the whole registry again):
#   61.72: active PU Adi, Budi, Fani = 3, active BPU Cici = 1 -> protected 4; Gita inactive
#   61.01: active PU Dedi = 1, active BPU Hadi = 1           -> protected 2; Eka inactive
#   province 61: protected 6
JUNE = (
    (*_ADI, "2025-06", "", *SAWIT, SINGKAWANG, "0812-0000-0001", "adi@contoh.invalid"),
    (*_BUDI, "2025-02", "", *SAWIT, SINGKAWANG, "0812-0000-0002", ""),
    (*_CICI, "2025-06", "", *NO_EMPLOYER, SINGKAWANG, "", ""),
    (*_DEDI, "2025-06", "", *SAMBAS, SAMBAS_REGION, "", ""),
    (*_EKA, "2024-12", "2025-01", *SAMBAS, SAMBAS_REGION, "0812-0000-0005", ""),
    (*_FANI, "2025-06", "", *SAWIT, SINGKAWANG, "", ""),
    (*_GITA, "2025-01", "2025-02", *SAWIT, SINGKAWANG, "0812-0000-0007", "gita@contoh.invalid"),
    (*_HADI, "2025-06", "", *NO_EMPLOYER, SAMBAS_REGION, "", ""),
)
# Universe (potential PU + BPU): 61.72 8 + 2 = 10; 61.01 15 + 5 = 20; no row of its own
# for province 61, so its universe is the sum of its regencies: 30.
UNIVERSE_SOURCE = "Contoh sintetis untuk uji, bukan data BPS"
UNIVERSE = (
    "Kode Wilayah;Wilayah;Potensi PU;Potensi BPU\n"
    "61.72;Kota Singkawang;8;2\n"
    "61.01;Kabupaten Sambas;15;5\n"
)
# Targets for 2025: national 32,15 %, Singkawang 50 %. Sambas and the province fall back
# to the national one (no province target).
TARGETS_SOURCE = "Target uji"
TARGETS = "Wilayah;Tahun;Target (%)\nNasional;2025;32,15\n61.72;2025;50\n"

# Hand-computed, as of 2025-06-30, year 2025:
#   61.72: 4 / 10 = 40.0 %; not protected 10 - 4 = 6; target 50 %: ceil(50 x 10 / 100) = 5,
#          gap 5 - 4 = 1; in March 3 / 10 = 30.0 %, change +10.0
#   61.01: 2 / 20 = 10.0 %; not protected 18; target 32,15 %: ceil(6.43) = 7, gap 7 - 2 = 5;
#          in March 1 / 20 = 5.0 %, change +5.0
#   61:    6 / 30 = 20.0 %; not protected 24; target 32,15 %: ceil(9.645) = 10, gap 4;
#          in March 4 / 30 = 13.3 %, change +6.7
EXPECTED_REGENCIES = {
    "61.72": {
        "active_pu": 3,
        "active_bpu": 1,
        "protected": 4,
        "inactive": 1,
        "universe_pu": 8,
        "universe_bpu": 2,
        "universe": 10,
        "not_protected": 6,
        "coverage_pct": 40.0,
        "target_pct": 50.0,
        "gap": 1,
        "change_pct": 10.0,
    },
    "61.01": {
        "active_pu": 1,
        "active_bpu": 1,
        "protected": 2,
        "inactive": 1,
        "universe_pu": 15,
        "universe_bpu": 5,
        "universe": 20,
        "not_protected": 18,
        "coverage_pct": 10.0,
        "target_pct": 32.15,
        "gap": 5,
        "change_pct": 5.0,
    },
}
EXPECTED_PROVINCE = {
    "protected": 6,
    "inactive": 2,
    "universe": 30,
    "not_protected": 24,
    "coverage_pct": 20.0,
    "target_pct": 32.15,
    "gap": 4,
    "change_pct": 6.7,
}
# Arrears, 3 months before 2025-06-30 (last paid before 2025-03), per NPP:
#   NPP-61720001: Adi, Budi, Fani, Gita registered; Gita non-active; Budi (2025-02) and
#                 Gita (2025-01) overdue
#   NPP-61010001: Dedi, Eka registered; Eka non-active and overdue (2024-12)
EXPECTED_ARREARS = {
    "NPP-61720001": {"registered": 4, "active": 3, "inactive": 1, "arrears": 2},
    "NPP-61010001": {"registered": 2, "active": 1, "inactive": 1, "arrears": 1},
}
# The account officer's call list: the non-active and the overdue.
EXPECTED_CALLS = {"6172014202900002", "6172014707900007", "6101014505900005"}


def registry_csv(path: Path, rows: tuple[tuple[str, ...], ...]) -> Path:
    lines = [REGISTRY_HEADER]
    for nik, kpj, name, status, category, last, since, npp, company, region, phone, mail in rows:
        registered = "2020-01-02"
        fields = (nik, kpj, name, status, category, registered, last, since, npp, company)
        lines.append(";".join((*fields, region, phone, mail)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def env_for(data: Path, url: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(data),
        "LANG": "C.UTF-8",
        "COLUMNS": "200",
        "BSU_DATA_DIR": str(data),
        "BSU_DATABASE_URL": url,
    }


def bsu(env: dict[str, str], *args: str | Path) -> str:
    """The real console script; its output, once it succeeded."""
    done = subprocess.run(
        [str(BSU), *map(str, args)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def create_key(env: dict[str, str], *args: str) -> str:
    token = bsu(env, "keys", "create", *args).splitlines()[0].strip()
    assert token.startswith("bsu_"), token
    return token


def import_registry(env: dict[str, str], work: Path) -> None:
    """The two dated extracts, oldest first: two snapshots."""
    march = registry_csv(work / "registry-2025-03.csv", MARCH)
    june = registry_csv(work / "registry-2025-06.csv", JUNE)
    bsu(env, "registry", "import", march, "--as-of", "2025-03-31")
    bsu(env, "registry", "import", june, "--as-of", "2025-06-30")


def import_universe_and_targets(env: dict[str, str], work: Path) -> None:
    universe = work / "semesta.csv"
    universe.write_text(UNIVERSE, encoding="utf-8")
    targets = work / "target.csv"
    targets.write_text(TARGETS, encoding="utf-8")
    bsu(
        env,
        "coverage",
        "import-universe",
        universe,
        "--source",
        UNIVERSE_SOURCE,
        "--as-of",
        "2024-08-01",
    )
    bsu(env, "coverage", "import-targets", targets, "--source", TARGETS_SOURCE)


@dataclass
class Stocked:
    """A server whose store holds what a test asked for, and keys of each role."""

    server: Server
    env: dict[str, str]
    keys: dict[str, str]  # staff, employer

    def client(self, who: str | None = "staff", **headers: str) -> httpx.Client:
        if who:
            headers["Authorization"] = f"Bearer {self.keys[who]}"
        return self.server.client(headers=headers)


@contextmanager
def stocked(
    kind: str,
    tmp: Path,
    registry: bool,
    universe: bool,
    data: Path | None = None,
    **server_env: str,
) -> Iterator[Stocked]:
    """Keys made before the server starts (so it requires them from its first request),
    then the imports asked for, with the real console script. ``data``: the data folder
    (default: in ``tmp``); ``server_env``: more settings of the server."""
    with database(kind, tmp) as url:
        data = data or tmp / "data"
        env = env_for(data, url)
        keys = {
            "staff": create_key(
                env, "--role", "staff", "--branch", "SKW01", "--label", "Cabang Singkawang"
            ),
            "employer": create_key(
                env, "--role", "employer", "--employer", "NPP-61720001", "--label", "PT Sawit"
            ),
        }
        if registry:
            import_registry(env, tmp)
        if universe:
            import_universe_and_targets(env, tmp)
        server = start_server(data, url, **server_env)
        try:
            yield Stocked(server, env, keys)
        finally:
            server.stop()


@pytest.fixture(scope="module", params=DATABASES)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def loaded(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stocked]:
    """Two registry snapshots, a universe and targets."""
    with stocked(kind, tmp_path_factory.mktemp(f"regions-{kind}"), True, True) as made:
        yield made


def by_code(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {str(row[key]): row for row in rows}


def actions_of(stocked: Stocked) -> list[str]:
    engine = make_engine(stocked.env["BSU_DATABASE_URL"])
    try:
        with Session(engine) as session:
            return list(session.scalars(select(AuditRecord.action).order_by(AuditRecord.id)))
    finally:
        engine.dispose()


def test_staff_see_each_region_against_its_universe_and_target(loaded: Stocked) -> None:
    with loaded.client() as c:
        answer = c.get("/v1/coverage/regions")
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    doc = answer.json()
    assert doc["lang"] == "id"
    assert doc["year"] == 2025
    assert doc["as_of"] == "2025-06-30"
    assert doc["missing"] == []
    assert UNIVERSE_SOURCE in doc["denominator"]

    regencies = by_code(doc["regencies"], "region_code")
    for code, expected in EXPECTED_REGENCIES.items():
        row = regencies[code]
        for column, value in expected.items():
            assert row[column] == pytest.approx(value, abs=0.05), (code, column, row)
    assert regencies["61.72"]["region"] == "Kota Singkawang"
    assert regencies["61.72"]["province"] == "Kalimantan Barat"
    assert regencies["61.72"]["target_source"] == TARGETS_SOURCE

    province = by_code(doc["provinces"], "province_code")["61"]
    assert province["province"] == "Kalimantan Barat"
    for column, value in EXPECTED_PROVINCE.items():
        assert province[column] == pytest.approx(value, abs=0.05), (column, province)

    # The trend: each snapshot's protected count per region, against the universe in use.
    trend = {(p["as_of"], p["code"]): p for p in doc["trend"]}
    assert trend[("2025-03-31", "61.72")]["protected"] == 3
    assert trend[("2025-03-31", "61.72")]["coverage_pct"] == pytest.approx(30.0)
    assert trend[("2025-06-30", "61.72")]["protected"] == 4
    assert trend[("2025-03-31", "61")]["protected"] == 4
    assert trend[("2025-06-30", "61")]["coverage_pct"] == pytest.approx(20.0)


def test_language_by_query_or_header(loaded: Stocked) -> None:
    with loaded.client() as c:
        english = c.get("/v1/coverage/regions", params={"lang": "en"}).json()
        header = c.get("/v1/coverage/regions", headers=EN).json()
        indonesian = c.get("/v1/coverage/regions", params={"lang": "id"}, headers=EN).json()
    assert english["lang"] == header["lang"] == "en"
    assert indonesian["lang"] == "id"
    assert english["denominator"] != indonesian["denominator"]
    assert english["regencies"] == indonesian["regencies"]  # the figures do not change


def test_a_target_year_without_targets_leaves_no_target_and_no_gap(loaded: Stocked) -> None:
    with loaded.client() as c:
        doc = c.get("/v1/coverage/regions", params={"year": 2030}).json()
    assert doc["year"] == 2030
    row = by_code(doc["regencies"], "region_code")["61.72"]
    assert row["coverage_pct"] == pytest.approx(40.0)
    assert row["target_pct"] is None and row["gap"] is None


def test_the_regional_workbook_is_streamed_and_not_kept(loaded: Stocked) -> None:
    data = Path(loaded.env["BSU_DATA_DIR"])
    with loaded.client() as c:
        answer = c.get("/v1/coverage/regions.xlsx")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == XLSX
    assert 'filename="cakupan-wilayah-2025-06-30.xlsx"' in answer.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert {"Ringkasan", "Per Kabupaten-Kota", "Per Provinsi", "Tren"} <= set(book.sheetnames)
    cells = [str(c) for row in book["Per Kabupaten-Kota"].iter_rows(values_only=True) for c in row]
    assert "Kota Singkawang" in cells and "Kabupaten Sambas" in cells
    summary = " ".join(str(c) for r in book["Ringkasan"].iter_rows(values_only=True) for c in r)
    assert UNIVERSE_SOURCE in summary
    left = [p for p in data.rglob("*") if p.suffix == ".xlsx" or ".coverage-" in p.name]
    assert left == []  # written, streamed and removed
    assert "coverage.download.regions" in actions_of(loaded)


def test_the_trend_chart_is_a_png(loaded: Stocked) -> None:
    with loaded.client() as c:
        answer = c.get("/v1/coverage/trend.png")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "image/png"
    assert answer.content.startswith(PNG)
    assert "coverage.read.trend" in actions_of(loaded)


def test_arrears_per_employer_with_the_workers_to_call(loaded: Stocked) -> None:
    with loaded.client() as c:
        answer = c.get("/v1/coverage/arrears", params={"months": 3})
        bare = c.get("/v1/coverage/arrears", params={"months": 3, "workers": "false"})
    assert answer.status_code == 200, answer.text
    doc = answer.json()
    assert doc["months"] == 3
    assert doc["as_of"] == "2025-06-30"
    employers = by_code(doc["employers"], "employer_id")
    for npp, expected in EXPECTED_ARREARS.items():
        row = employers[npp]
        assert {k: row[k] for k in expected} == expected, row
        assert row["message"]
    assert employers["NPP-61720001"]["employer_name"] == "PT Sawit Contoh"
    called = {w["nik"] for w in doc["workers"] if w["employer_id"] in EXPECTED_ARREARS}
    assert called == EXPECTED_CALLS  # full NIKs: the list is for staff
    gita = next(w for w in doc["workers"] if w["nik"] == "6172014707900007")
    assert gita["phone"] == "0812-0000-0007"
    assert gita["email"] == "gita@contoh.invalid"
    assert gita["last_contribution"] == "2025-01"

    assert bare.status_code == 200
    assert not bare.json().get("workers")
    assert bare.json()["employers"] == doc["employers"]
    assert actions_of(loaded).count("coverage.read.arrears") >= 2


def test_the_arrears_workbook(loaded: Stocked) -> None:
    with loaded.client() as c:
        answer = c.get("/v1/coverage/arrears.xlsx", params={"months": 3})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == XLSX
    assert 'filename="tunggakan-iuran-2025-06-30.xlsx"' in answer.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert {"Per Pemberi Kerja", "Daftar Tunggakan"} <= set(book.sheetnames)
    listed = [str(c) for r in book["Daftar Tunggakan"].iter_rows(values_only=True) for c in r]
    assert set(listed) >= EXPECTED_CALLS
    assert "coverage.download.arrears" in actions_of(loaded)


@pytest.mark.parametrize("route", ROUTES)
def test_an_employer_key_is_refused_everywhere(loaded: Stocked, route: str) -> None:
    with loaded.client("employer") as c:
        message = error_of(c.get(f"/v1/coverage{route}"), 403, "staff_only")
        english = error_of(c.get(f"/v1/coverage{route}", headers=EN), 403, "staff_only")
    assert "petugas cabang" in message
    assert "branch staff" in english


@pytest.mark.parametrize("route", ROUTES)
def test_without_a_key_nothing_is_served(loaded: Stocked, route: str) -> None:
    with loaded.client(None) as c:
        error_of(c.get(f"/v1/coverage{route}"), 401, "api_key_required")


@pytest.mark.parametrize(
    ("route", "params"),
    [
        ("/regions", {"year": "1999"}),
        ("/regions", {"year": "dua ribu"}),
        ("/regions", {"lang": "fr"}),
        ("/arrears", {"months": "0"}),
        ("/arrears.xlsx", {"months": "-3"}),
    ],
)
def test_a_bad_parameter_is_a_422_in_words(
    loaded: Stocked, route: str, params: dict[str, str]
) -> None:
    with loaded.client() as c:
        error_of(c.get(f"/v1/coverage{route}", params=params), 422, "validation_error")


def test_the_links_tell_the_page_the_caller_is_staff(loaded: Stocked) -> None:
    with loaded.client() as c:
        answer = c.get("/v1/coverage")
    assert answer.status_code == 200
    assert answer.json()["regions"] == "/v1/coverage/regions"


def test_without_a_registry_every_route_says_what_to_import(kind: str, tmp_path: Path) -> None:
    with stocked(kind, tmp_path, registry=False, universe=False) as bare, bare.client() as c:
        for route in DATA_ROUTES:
            message = error_of(c.get(f"/v1/coverage{route}"), 409, "registry_missing")
            assert message == say("regional_registry_needed", "id")
            assert "bsu registry import" in message
        english = error_of(c.get("/v1/coverage/regions", headers=EN), 409, "registry_missing")
        assert "bsu registry import FILE" in english
        assert c.get("/v1/coverage").status_code == 200  # the section still shows, to say so


def test_without_a_universe_the_counts_come_with_what_is_missing_and_no_percentage(
    kind: str, tmp_path: Path
) -> None:
    with stocked(kind, tmp_path, registry=True, universe=False) as partial, partial.client() as c:
        answer = c.get("/v1/coverage/regions")
        chart = c.get("/v1/coverage/trend.png")
        book = c.get("/v1/coverage/regions.xlsx")
    assert answer.status_code == 200, answer.text
    doc = answer.json()
    assert doc["missing"], doc
    assert any("import-universe" in line for line in doc["missing"])
    regencies = by_code(doc["regencies"], "region_code")
    assert regencies["61.72"]["protected"] == 4
    assert regencies["61.01"]["protected"] == 2
    percentages = [
        row[column]
        for row in (*doc["regencies"], *doc["provinces"])
        for column in ("coverage_pct", "universe", "not_protected", "gap", "change_pct")
    ]
    assert percentages and all(value is None for value in percentages)
    assert all(point["coverage_pct"] is None for point in doc["trend"])
    assert chart.status_code == 200 and chart.content.startswith(PNG)
    assert book.status_code == 200 and book.content.startswith(b"PK")


def test_each_read_is_audited_without_naming_a_worker(loaded: Stocked) -> None:
    with loaded.client() as c:
        assert c.get("/v1/coverage/regions").status_code == 200
    engine = make_engine(loaded.env["BSU_DATABASE_URL"])
    try:
        with Session(engine) as session:
            record = session.scalars(
                select(AuditRecord)
                .where(AuditRecord.action == "coverage.read.regions")
                .order_by(AuditRecord.id.desc())
            ).first()
    finally:
        engine.dispose()
    assert record is not None
    assert record.actor.startswith("staff:")
    assert record.batch_id is None
    assert record.ruleset_id == "bsu-2025"
    assert record.at is not None and record.at.date() >= dt.date(2025, 1, 1)
    assert "6172" not in str(record.detail)


def test_the_documented_examples_have_the_shape_served(loaded: Stocked) -> None:
    with loaded.client() as c:
        regions = c.get("/v1/coverage/regions").json()
        owed = c.get("/v1/coverage/arrears").json()
        schema = c.get("/openapi.json").json()
    assert set(REGIONS_EXAMPLE) == set(regions)
    assert set(REGIONS_EXAMPLE["totals"]) == set(regions["totals"])
    for table in ("regencies", "provinces", "trend"):
        assert set(REGIONS_EXAMPLE[table][0]) == set(regions[table][0]), table
    assert set(ARREARS_EXAMPLE) == set(owed)
    for table in ("employers", "workers"):
        assert set(ARREARS_EXAMPLE[table][0]) == set(owed[table][0]), table
    paths = {p for p in schema["paths"] if p.startswith("/v1/coverage")}
    assert paths == {f"/v1/coverage{route}" for route in ROUTES}
    documented = schema["components"]["schemas"]["RegionsPublic"]["examples"][0]
    assert documented["regencies"][0]["region_code"] == "61.72"
    assert schema["components"]["schemas"]["ArrearsPublic"]["examples"][0]["workers"]


def test_a_full_data_folder_is_a_typed_507_and_leaves_nothing(kind: str, tmp_path: Path) -> None:
    """The workbook is written in the data folder before it is streamed: with no room
    there, a 507 naming what the operator should do (the store, elsewhere, still works)."""
    with small_tmpfs(tmp_path / "disk", 8 * 1024 * 1024) as disk:
        data = disk / "data"
        ready = {"BSU_MIN_FREE_BYTES": str(1024 * 1024)}  # the tmpfs is ready while empty
        with stocked(kind, tmp_path, True, True, data, **ready) as full, full.client() as c:
            filler = fill(disk)
            for route in ("/regions.xlsx", "/arrears.xlsx"):
                message = error_of(c.get(f"/v1/coverage{route}"), 507, "storage_full")
                assert "BSU_DATA_DIR" in message
            assert [p for p in data.rglob("*") if ".coverage-" in p.name] == []
            assert c.get("/v1/coverage/regions").status_code == 200  # JSON needs no file
            filler.unlink()
            assert c.get("/v1/coverage/regions.xlsx").status_code == 200
        log = full.server.log.read_text(errors="replace")
        assert "Exception in ASGI application" not in log and "internal_error" not in log
