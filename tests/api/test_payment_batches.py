"""The payment pre-check of an uploaded roster, on a real server with API keys: the rows
route gives each row's pre-check (the account in full to its owner, masked to branch
staff), the batch its counts, and the action list is served and audited like the trace."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, select

from bsu.store.models import AuditRecord
from bsu.values.account import masked
from tests.access.conftest import create_key, env_for
from tests.servers import Server, database, start_server, wait_for
from tests.support import request_id, write_xlsx

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
HEADERS = [
    "NIK",
    "Nama",
    "Upah",
    "Status Kepesertaan",
    "Tanggal Kepesertaan",
    "Bank",
    "No Rekening",
    "Atas Nama",
]
SHARED = "012345678901234"  # one BRI account given for two workers
ROSTER: list[list[Any]] = [
    HEADERS,
    ["3171011501900001", "Adi Nugroho", 3_000_000, "Aktif", "2024-01-15", "BRI", SHARED,
     "Adi Nugroho"],
    ["3171011501900002", "Rina Wati", 3_000_000, "Aktif", "2024-01-15", "Bank Mandiri",
     "1234567890123", "Budi Santoso"],
    ["3171011501900003", "Tono Sugiarto", 3_000_000, "Aktif", "2024-01-15", "BCA",
     "9876543210", "Tono Sugiarto"],
    ["3171011501900004", "Sari Lestari", 3_000_000, "Aktif", "2024-01-15", None, None, None],
    ["3171011501900005", "Dewi Anggraini", 9_000_000, "Aktif", "2024-01-15", "BRI",
     "111122223333444", "Dewi Anggraini"],
    ["3171011501900006", "Joko Susilo", 3_000_000, "Aktif", "2024-01-15", "BRI", SHARED,
     "Joko Susilo"],
    ["3171011501900007", "Eko Prasetyo", 3_000_000, "Aktif", "2024-01-15", "BNI",
     "1234567890", "Eko Prasetyo"],
]  # fmt: skip
# Per worker: channel and finding codes (Dewi earns above the cap: ineligible). An account
# that cannot be paid into as it stands (a duplicate, another's name) goes to PT Pos.
EXPECTED = {
    "Adi Nugroho": ("pos", ["ACCOUNT_DUPLICATE", "CHANNEL_POS"]),
    "Rina Wati": ("pos", ["ACCOUNT_NAME_MISMATCH", "CHANNEL_POS"]),
    "Tono Sugiarto": ("pos", ["CHANNEL_POS"]),
    "Sari Lestari": ("pos", ["ACCOUNT_MISSING", "CHANNEL_POS"]),
    "Dewi Anggraini": ("bri", []),
    "Joko Susilo": ("pos", ["ACCOUNT_DUPLICATE", "CHANNEL_POS"]),
    "Eko Prasetyo": ("bni", []),
}


@dataclass
class Keyed:
    server: Server
    env: dict[str, str]
    keys: dict[str, str]
    batch: dict[str, Any]  # the roster above, uploaded by the employer
    plain: dict[str, Any]  # a roster without bank columns, by the same employer

    def client(self, who: str) -> httpx.Client:
        return self.server.client(headers={"Authorization": f"Bearer {self.keys[who]}"})

    def rows(self, who: str, **params: Any) -> dict[str, Any]:
        with self.client(who) as c:
            answer = c.get(f"/v1/batches/{self.batch['id']}/rows", params=params)
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found


def _upload(server: Server, token: str, path: Path) -> dict[str, Any]:
    with server.client(headers={"Authorization": f"Bearer {token}"}) as c:
        sent = c.post("/v1/batches", files={"file": (path.name, path.read_bytes())})
        assert sent.status_code == 202, sent.text
        return wait_for(c, sent.headers["location"], {"done", "failed"})


@pytest.fixture(scope="module", params=DATABASES)
def keyed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Keyed]:
    tmp = tmp_path_factory.mktemp(f"payment-{request.param}")
    with database(request.param, tmp) as url:
        data = tmp / "data"
        env = env_for(data, url)
        keys = {
            "owner": create_key(
                env, "--role", "employer", "--employer", "EMP-A", "--branch", "JKT01",
                "--label", "PT Alfa HRD",
            ),
            "staff": create_key(
                env, "--role", "staff", "--branch", "JKT01", "--label", "Cabang Jakarta"
            ),
        }  # fmt: skip
        roster = write_xlsx(tmp / "gaji-rekening.xlsx", {"Pekerja": ROSTER})
        plain = write_xlsx(tmp / "gaji.xlsx", {"Pekerja": [row[:5] for row in ROSTER]})
        server = start_server(data, url, BSU_AUTH_CACHE_SECONDS="0")
        try:
            batch = _upload(server, keys["owner"], roster)
            assert batch["status"] == "done", batch
            other = _upload(server, keys["owner"], plain)
            assert other["status"] == "done", other
            yield Keyed(server, env, keys, batch, other)
        finally:
            server.stop()


def _by_name(rows: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in rows["data"]}


def test_each_row_carries_its_pre_check_beside_an_unchanged_decision(keyed: Keyed) -> None:
    rows = _by_name(keyed.rows("owner"))
    assert {name: (r["payment"]["channel"], [f["code"] for f in r["payment"]["findings"]])
            for name, r in rows.items()} == EXPECTED  # fmt: skip
    assert rows["Dewi Anggraini"]["status"] == "ineligible"
    assert {r["status"] for n, r in rows.items() if n != "Dewi Anggraini"} == {"eligible"}
    assert rows["Tono Sugiarto"]["payment"]["channel_label"] == "PT Pos Indonesia"
    assert rows["Adi Nugroho"]["payment"]["bank"] == "BRI"
    assert rows["Sari Lestari"]["payment"]["account_number"] is None


def test_the_owner_sees_the_accounts_in_full(keyed: Keyed) -> None:
    rows = _by_name(keyed.rows("owner"))
    adi, rina = rows["Adi Nugroho"]["payment"], rows["Rina Wati"]["payment"]
    assert (adi["account_number"], adi["account_holder"]) == (SHARED, "Adi Nugroho")
    assert (rina["account_number"], rina["account_holder"]) == ("1234567890123", "Budi Santoso")
    mismatch = rina["findings"][0]
    assert '"Budi Santoso"' in mismatch["message"] and '"Rina Wati"' in mismatch["message"]
    assert "baris 7" in adi["findings"][0]["message"]  # Joko's row, worded in Indonesian


def test_branch_staff_see_them_masked_like_niks(keyed: Keyed) -> None:
    with keyed.client("staff") as c:
        answer = c.get(f"/v1/batches/{keyed.batch['id']}/rows")
    assert answer.status_code == 200
    for account in (SHARED, "1234567890123", "9876543210", "111122223333444", "1234567890"):
        assert account not in answer.text
    assert "Budi Santoso" not in answer.text
    rows = _by_name(answer.json())
    adi, rina = rows["Adi Nugroho"]["payment"], rows["Rina Wati"]["payment"]
    assert adi["account_number"] == masked(SHARED) == "012*********234"
    assert adi["account_holder"] == "A** N******"
    assert (rina["account_number"], rina["account_holder"]) == ("123*******123", "B*** S******")
    mismatch = rina["findings"][0]
    assert '"B*** S******"' in mismatch["message"] and '"Rina Wati"' in mismatch["message"]
    # The rest of the pre-check is the owner's.
    owner = _by_name(keyed.rows("owner"))
    for name, row in rows.items():
        mine = owner[name]["payment"]
        assert {k: v for k, v in row["payment"].items() if k not in _PERSONAL} == {
            k: v for k, v in mine.items() if k not in _PERSONAL
        }


_PERSONAL = {"account_number", "account_holder", "findings"}


def test_rows_with_a_finding_are_found_by_the_query(keyed: Keyed) -> None:
    found = keyed.rows("owner", status="eligible", payment="findings")
    assert [r["name"] for r in found["data"]] == [
        "Adi Nugroho",
        "Rina Wati",
        "Tono Sugiarto",
        "Sari Lestari",
        "Joko Susilo",
    ]
    assert found["count"] == 5
    assert keyed.rows("owner", payment="findings")["count"] == 5  # Dewi has none
    with keyed.client("owner") as c:
        wrong = c.get(f"/v1/batches/{keyed.batch['id']}/rows", params={"payment": "all"})
    assert wrong.status_code == 422


def test_rows_speak_the_callers_language(keyed: Keyed) -> None:
    with keyed.client("owner") as c:
        answer = c.get(
            f"/v1/batches/{keyed.batch['id']}/rows", headers={"Accept-Language": "en"}
        ).json()
    adi = _by_name(answer)["Adi Nugroho"]["payment"]
    assert "row 7" in adi["findings"][0]["message"]


def test_the_batch_counts_its_eligible_rows_per_channel_and_finding(keyed: Keyed) -> None:
    with keyed.client("owner") as c:
        batch = c.get(f"/v1/batches/{keyed.batch['id']}").json()
    assert batch["payment"] == {
        "rows": 7,
        "eligible": 6,
        "with_findings": 5,
        "channels": [
            {"channel": "bsi", "label": "BSI", "count": 0},
            {"channel": "bri", "label": "BRI", "count": 0},
            {"channel": "bni", "label": "BNI", "count": 1},
            {"channel": "mandiri", "label": "Mandiri", "count": 0},
            {"channel": "btn", "label": "BTN", "count": 0},
            {"channel": "pos", "label": "PT Pos Indonesia", "count": 5},
        ],
        "findings": [
            {"code": "ACCOUNT_MISSING", "severity": "fix", "count": 1},
            {"code": "ACCOUNT_NAME_MISMATCH", "severity": "fix", "count": 1},
            {"code": "ACCOUNT_DUPLICATE", "severity": "fix", "count": 2},
            {"code": "CHANNEL_POS", "severity": "info", "count": 5},
        ],
    }
    assert batch["links"]["actions"] == f"/v1/batches/{keyed.batch['id']}/actions.csv"


def test_a_roster_without_account_data_has_no_pre_check(keyed: Keyed) -> None:
    with keyed.client("owner") as c:
        batch = c.get(f"/v1/batches/{keyed.plain['id']}").json()
        rows = c.get(f"/v1/batches/{keyed.plain['id']}/rows").json()
        actions = c.get(batch["links"]["actions"])
    assert "payment" not in batch
    assert [r["payment"] for r in rows["data"]] == [None] * 7
    assert actions.status_code == 200
    assert len(list(csv.reader(io.StringIO(actions.text.lstrip("\ufeff"))))) == 1  # header


def _actions(keyed: Keyed, who: str, rid: str) -> httpx.Response:
    with keyed.client(who) as c:
        return c.get(keyed.batch["links"]["actions"], headers={"X-Request-ID": rid})


def _audited(keyed: Keyed, rid: str) -> list[str]:
    engine = create_engine(keyed.env["BSU_DATABASE_URL"])
    try:
        with engine.connect() as c:
            query = select(AuditRecord.action).where(AuditRecord.request_id == rid)
            return list(c.scalars(query))
    finally:
        engine.dispose()


@pytest.mark.parametrize("who", ["owner", "staff"])
def test_the_action_list_is_served_and_audited_like_the_trace(keyed: Keyed, who: str) -> None:
    rid = request_id()
    answer = _actions(keyed, who, rid)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="rekening-gaji-rekening.csv"' in answer.headers["content-disposition"]
    table = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    body = "\n".join(";".join(line) for line in table[1:])
    for name in ("Adi Nugroho", "Rina Wati", "Tono Sugiarto", "Sari Lestari", "Joko Susilo"):
        assert name in body
    assert "Dewi Anggraini" not in body and "Eko Prasetyo" not in body  # ineligible; clean
    assert "ACCOUNT_NAME_MISMATCH" in body and "SIPP" in body
    assert _audited(keyed, rid) == ["batch.download.actions"]


def test_another_employer_cannot_fetch_the_action_list(keyed: Keyed) -> None:
    token = create_key(
        keyed.env, "--role", "employer", "--employer", "EMP-B", "--branch", "SBY01",
        "--label", "PT Beta HRD",
    )  # fmt: skip
    with keyed.server.client(headers={"Authorization": f"Bearer {token}"}) as c:
        answer = c.get(keyed.batch["links"]["actions"])
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "batch_not_found"
