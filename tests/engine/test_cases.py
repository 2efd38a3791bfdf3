"""Runs the YAML cases beside this file: one worker (or a few) in, decision and reasons out.

Each case starts from a worker who meets every criterion and changes only what it names,
so a case reads as the rule it tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bsu import evaluate, load_ruleset
from bsu.core.explain import explain
from bsu.core.reasons import ReasonCode, codes_in
from bsu.core.records import frame
from tests.support import VALID_WORKER

CASES = Path(__file__).parent / "cases"


def _cases() -> list[Any]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            out.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return out


@pytest.mark.parametrize("case", _cases())
def test_case(case: dict[str, Any]) -> None:
    workers = case.get("workers") or [case["worker"]]
    records = frame([{**VALID_WORKER, **w, "source": "roster.xlsx"} for w in workers])
    records["row"] = range(2, 2 + len(workers))
    decisions = evaluate(records, load_ruleset("bsu-2025"))
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
