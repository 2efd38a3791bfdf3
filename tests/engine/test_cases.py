"""Runs the YAML cases beside this file: one worker (or a few) in, decision and reasons out.

Each case starts from a worker who meets every criterion and changes only what it names,
so a case reads as the rule it tests. A case may also give:

- ``registry``: rows of a participant registry extract (``nik`` defaults to the valid
  worker's; ``status``, ``category``, ``registered_on``, ``last_contribution``,
  ``nonactive_since``, ``nationality``, ``reported_wage`` as an extract writes them). They
  are written as a real extract file and read as ``bsu registry import`` reads one, then
  looked up as the store gives them to the engine.
- ``parameters``: rule-set parameters to change (``{active_means: status_only}``): the
  rule set is written anew with them and loaded (and validated) as any rule file is.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from bsu import evaluate, load_ruleset
from bsu.core.evidence import NO_EVIDENCE, Evidence, registry_frame
from bsu.core.explain import explain
from bsu.core.reasons import ReasonCode, codes_in
from bsu.core.records import frame
from bsu.core.ruleset import RuleSet, load_ruleset_file, rules_dir
from bsu.rosters import extracts
from tests.support import VALID_WORKER

CASES = Path(__file__).parent / "cases"
# How an extract heads each registry column a case may give.
REGISTRY_HEADERS = {
    "nik": "NIK",
    "status": "Status Kepesertaan",
    "category": "Kategori",
    "registered_on": "Tanggal Kepesertaan",
    "last_contribution": "Iuran Terakhir",
    "nonactive_since": "BLTH NA",
    "nationality": "Kewarganegaraan",
    "reported_wage": "Upah yang Dilaporkan",
}
EXTRACT_DATE = "2025-05-02"


def _cases() -> list[Any]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            out.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return out


def ruleset_with(parameters: dict[str, Any], folder: Path) -> RuleSet:
    """bsu-2025 with some parameters changed: its file and tables copied to ``folder``,
    the values replaced, and the copy loaded by the ordinary loader."""
    if not parameters:
        return load_ruleset("bsu-2025")
    source = rules_dir() / "bsu-2025.yaml"
    spec = yaml.safe_load(source.read_text(encoding="utf-8"))
    for name, value in parameters.items():
        assert name in spec["parameters"], f"bsu-2025 has no parameter {name}"
        spec["parameters"][name]["value"] = value
    for table in (spec["tables"]["regions"], spec["tables"]["minimum_wages"]):
        shutil.copy(rules_dir() / table, folder / table)
    path = folder / "bsu-2025.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_ruleset_file(path)


def registry_from(rows: list[dict[str, Any]], folder: Path) -> Evidence:
    """The case's registry rows, written as an extract (CSV), read the way an import reads
    one, and framed as a store lookup frames them."""
    if not rows:
        return NO_EVIDENCE
    table = pd.DataFrame([{"nik": VALID_WORKER["nik"], **row} for row in rows], dtype=object)
    unknown = set(table.columns) - set(REGISTRY_HEADERS)
    assert not unknown, f"registry columns a case may not give: {unknown}"
    path = folder / "registry.csv"
    table.rename(columns=REGISTRY_HEADERS).to_csv(path, sep=";", index=False)
    participants, skipped = extracts.registry(path).rows()
    assert skipped == 0, "every registry row of a case needs a valid NIK"
    registry = registry_frame(participants.assign(label=EXTRACT_DATE))
    return Evidence(registry=registry, registry_label=EXTRACT_DATE)


@pytest.mark.parametrize("case", _cases())
def test_case(case: dict[str, Any], tmp_path: Path) -> None:
    workers = case.get("workers") or [case["worker"]]
    records = frame([{**VALID_WORKER, **w, "source": "roster.xlsx"} for w in workers])
    records["row"] = range(2, 2 + len(workers))
    rules = ruleset_with(case.get("parameters", {}), tmp_path)
    evidence = registry_from(case.get("registry", []), tmp_path)
    decisions = evaluate(records, rules, evidence)
    frame_ = decisions.frame

    statuses = case.get("statuses") or [case["status"]]
    assert frame_["status"].tolist() == statuses

    expected_reasons = case.get("reasons_by_row") or [case.get("reasons", [])]
    got = [[c.value for c in codes_in(int(m))] for m in frame_["reasons"]]
    assert [sorted(r) for r in got] == [sorted(r) for r in expected_reasons]
    for reasons in expected_reasons:
        for code in reasons:
            assert code in ReasonCode.__members__

    if "wage_cap" in case:
        assert frame_["wage_cap"].iloc[0] == case["wage_cap"]

    eligible = frame_["status"].eq("eligible")
    assert (frame_.loc[eligible, "benefit"] == 600000).all()
    assert (frame_.loc[~eligible, "benefit"] == 0).all()

    messages = explain(decisions, "id").messages_text().tolist()
    english = explain(decisions, "en").messages_text().tolist()
    for text, en, reasons in zip(messages, english, expected_reasons, strict=True):
        assert bool(text) == bool(reasons)
        assert bool(en) == bool(reasons)
        assert "{" not in text and "{" not in en, "a placeholder was left unfilled"
    for text, needle in zip(messages, case.get("message_contains", []), strict=False):
        if needle is not None:
            assert needle in text
    for text, needle in zip(english, case.get("message_contains_en", []), strict=False):
        if needle is not None:
            assert needle in text
