"""A wage far below any minimum wage (a roster written in thousands) is never Layak: it
needs a look (WAGE_IMPLAUSIBLE), in every round; a wage at the bound or above is judged
as before."""

from __future__ import annotations

from typing import Any

import pytest

from bsu import evaluate, load_ruleset
from bsu.core.explain import explain
from bsu.core.reasons import ReasonCode, codes_in
from bsu.core.records import frame
from tests.support import VALID_WORKER

ROUNDS = ("bsu-2020", "bsu-2021", "bsu-2022", "bsu-2025")


def _judge(wage: Any, ruleset: str = "bsu-2025") -> tuple[str, list[str], str, str]:
    records = frame([{**VALID_WORKER, "wage": wage, "source": "roster.xlsx"}])
    records["row"] = [2]
    decisions = evaluate(records, load_ruleset(ruleset))
    f = decisions.frame
    codes = [c.value for c in codes_in(int(f["reasons"].iloc[0]))]
    text_id = explain(decisions, "id").messages_text().iloc[0]
    text_en = explain(decisions, "en").messages_text().iloc[0]
    return str(f["status"].iloc[0]), codes, text_id, text_en


@pytest.mark.parametrize(
    ("wage", "status", "codes"),
    [
        (3200, "review", ["WAGE_IMPLAUSIBLE"]),
        ("3.200", "review", ["WAGE_IMPLAUSIBLE"]),
        ("7.500", "review", ["WAGE_IMPLAUSIBLE"]),
        (1, "review", ["WAGE_IMPLAUSIBLE"]),
        (99999, "review", ["WAGE_IMPLAUSIBLE"]),
        (100000, "eligible", []),  # the bound itself is not implausible
        (3200000, "eligible", []),
        ("Rp3.200.000", "eligible", []),
        ("", "review", ["WAGE_MISSING"]),  # empty: missing, not implausible
        (0, "review", ["WAGE_INVALID"]),  # not a wage: invalid, not implausible
    ],
)
def test_a_wage_below_the_bound_needs_a_look(wage: Any, status: str, codes: list[str]) -> None:
    got_status, got_codes, _, _ = _judge(wage)
    assert (got_status, got_codes) == (status, codes)


def test_the_message_says_what_was_read_and_suggests_thousands() -> None:
    _, _, text_id, text_en = _judge("3.200")
    assert "Rp3.200," in text_id and "Rp3.200.000" in text_id and "ribuan" in text_id
    assert "Rp3.200," in text_en and "Rp3.200.000" in text_en and "thousands" in text_en
    assert "{" not in text_id + text_en


@pytest.mark.parametrize("ruleset", ROUNDS)
def test_every_round_words_the_reason_and_holds_the_bound(ruleset: str) -> None:
    rules = load_ruleset(ruleset)
    assert rules.param("wage_implausible_below_idr") == 100000
    assert rules.reason(ReasonCode.WAGE_IMPLAUSIBLE).outcome.value == "review"
    # The valid worker registered after the earlier rounds' cutoffs: other reasons too.
    status, codes, _, _ = _judge(7500, ruleset)
    assert status != "eligible" and "WAGE_IMPLAUSIBLE" in codes
    assert "WAGE_IMPLAUSIBLE" not in _judge(3200000, ruleset)[1]
