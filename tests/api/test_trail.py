"""The whole decision over HTTP: ``checks`` on ``/v1/check``, ``/v1/check/batch`` and a
batch's rows (kept in the store), and ``/v1/rulesets/{id}`` with what the rule set assumes,
quotes and notes."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import Engine, select

from bsu import load_ruleset
from bsu.store.models import BatchRow
from tests.api.conftest import EN, Uploaded
from tests.support import VALID_WORKER

RULES = load_ruleset("bsu-2025")
CRITERIA = [c.id for c in RULES.criteria()]


def _by_criterion(checks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    assert [c["criterion"] for c in checks] == CRITERIA
    return {c["criterion"]: c for c in checks}


def test_one_worker_answers_with_every_criterion_in_order(client: httpx.Client) -> None:
    worker = {**VALID_WORKER, "wage": 3_650_000, "region": "Kabupaten Morowali"}
    answer = client.post("/v1/check", json=worker).json()
    assert answer["status"] == "eligible"
    checks = _by_criterion(answer["checks"])
    assert {c["outcome"] for c in checks.values()} == {"pass"}
    wage = checks["wage_within_cap"]
    assert wage["values"] == {
        "wage": 3_650_000,
        "wage_basis": "total",
        "basic_wage": None,
        "fixed_allowance": None,
        "daily_wage": None,
        "cap": 3_800_000,
        "cap_source": "UMK Kabupaten Morowali 2025",
        "region_code": "72.06",
        "region_state": "found",
    }
    assert wage["evidence"] == "roster" and "evidence_label" not in wage
    assert wage["citation"] == RULES.reason(next(iter(RULES.spec.criteria[3].reasons))).citation
    assert checks["wage_earner_category"]["default"] == "category_blank_is_pu"
    assert "default" not in checks["active_participant"]
    # No words of one language: the same checks whatever the caller reads.
    assert client.post("/v1/check", json=worker, headers=EN).json()["checks"] == answer["checks"]


def test_a_list_of_workers_each_with_its_checks(client: httpx.Client) -> None:
    workers = [
        {**VALID_WORKER, "nationality": "WNA"},
        {**VALID_WORKER, "nik": "3275014101900002", "wage": "", "daily_wage": 140_001},
    ]
    answer = client.post("/v1/check/batch", json=workers).json()
    foreign, daily = (_by_criterion(r["checks"]) for r in answer["data"])
    assert [r["status"] for r in answer["data"]] == ["ineligible", "review"]
    citizen = foreign["citizen_with_nik"]
    assert (citizen["outcome"], citizen["reasons"]) == ("fail", ["NOT_CITIZEN"])
    assert citizen["values"]["nationality"] == "wna"
    wage = daily["wage_within_cap"]
    assert (wage["outcome"], wage["reasons"]) == ("review", ["REGION_UNKNOWN"])
    assert (wage["values"]["wage"], wage["values"]["daily_wage"]) == (3_500_025, 140_001)


def test_a_batchs_rows_keep_their_checks(
    client: httpx.Client, clean: Uploaded, store: Engine
) -> None:
    rows = client.get(f"{clean.url}/rows").json()["data"]
    assert len(rows) == 12
    for row in rows:
        outcomes = {c["outcome"] for c in _by_criterion(row["checks"]).values()}
        assert (row["status"] == "eligible") == (outcomes == {"pass"})
        assert (row["status"] == "ineligible") == ("fail" in outcomes)
    english = client.get(f"{clean.url}/rows", headers=EN).json()["data"]
    assert [r["checks"] for r in english] == [r["checks"] for r in rows]
    with store.connect() as db:
        kept = db.execute(
            select(BatchRow.checks).where(BatchRow.batch_id == clean.id).order_by("position")
        ).scalars()
        assert list(kept) == [r["checks"] for r in rows]


def test_the_rule_set_says_what_it_assumes_quotes_and_notes(client: httpx.Client) -> None:
    spec = client.get("/v1/rulesets/bsu-2025").json()
    assert (spec["status"], spec["draft_reason"]) == ("final", None)
    assert spec["benefit"] == {"months": 2, "monthly_idr": 300_000, "total_idr": 600_000}
    assert spec["tables"]["minimum_wages_year"] == 2025
    assert "Morowali Utara" in spec["tables"]["minimum_wages_note"]
    assert set(spec["defaults"]) == {
        "nationality_blank_not_stated",
        "category_blank_is_pu",
        "fixed_allowance_blank_is_none",
        "employment_blank_not_excluded",
        "pkh_blank_is_not_recipient",
    }
    category = spec["defaults"]["category_blank_is_pu"]
    assert category["criterion"] == "wage_earner_category"
    assert category["field"] == "participant_category"
    assert category["assumed"] == {"id": "Penerima Upah (PU)", "en": "wage earner (PU)"}
    assert category["message"]["id"] == "{count} baris: kategori kosong, dianggap PU"
    assert category["rationale"]["en"].startswith("An employer's roster lists its own workers")
    assert spec["parameters"]["wage_cap_idr"]["quote"]["text"].startswith("gaji/upah paling")
    wage = next(c for c in spec["criteria"] if c["id"] == "wage_within_cap")
    assert wage["quote"]["text"] == "terdiri atas upah pokok dan tunjangan tetap"
    assert "Pasal 4" in wage["note"]
