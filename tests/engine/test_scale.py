"""Behaviour that only shows on large or lopsided inputs: bounded work and messages."""

from __future__ import annotations

import pytest

from bsu import evaluate, load_ruleset
from bsu.core.explain import explain
from bsu.core.reasons import ReasonCode, Status
from bsu.core.records import frame
from tests.support import VALID_WORKER


@pytest.mark.parametrize(
    ("sources", "same_more", "elsewhere_more"),
    [
        # One NIK dragged down 3.000 rows of one file: 10 rows named, the rest counted.
        (["a.xlsx"] * 3000, 2989, 0),
        # Split over two employers' files: each side names 10 of the other's rows.
        (["a.xlsx"] * 1500 + ["b.xlsx"] * 1500, 1489, 1490),
    ],
)
def test_a_nik_repeated_thousands_of_times_names_ten_places_and_counts_the_rest(
    sources: list[str], same_more: int, elsewhere_more: int
) -> None:
    records = frame([{**VALID_WORKER, "source": s, "row": i + 2} for i, s in enumerate(sources)])
    decisions = evaluate(records, load_ruleset("bsu-2025"))
    assert set(decisions.frame["status"]) == {Status.REVIEW.value}
    messages = explain(decisions, "en").messages
    first = str(messages[ReasonCode.NIK_DUPLICATE.value].iloc[0])
    assert f"and {same_more} more rows" in first
    assert first.count("row ") == 10
    if elsewhere_more:
        across = str(messages[ReasonCode.NIK_DUPLICATE_ACROSS_EMPLOYERS.value].iloc[0])
        assert f"and {elsewhere_more} more rows" in across
        assert across.count("b.xlsx row") == 10
    else:
        assert ReasonCode.NIK_DUPLICATE_ACROSS_EMPLOYERS.value not in messages
    assert max(messages.stack().str.len()) < 1000


def test_rows_checked_as_separate_requests_are_not_duplicates_of_each_other() -> None:
    """The API checks many callers' workers in one pass: only rows of one request count."""
    records = frame(
        [
            {**VALID_WORKER, "source": "request-1", "row": 1},
            {**VALID_WORKER, "source": "request-2", "row": 1},
            {**VALID_WORKER, "source": "request-2", "row": 2},
        ]
    )
    rules = load_ruleset("bsu-2025")
    separate = evaluate(records, rules, separate_sources=True).frame["status"].tolist()
    assert separate == [Status.ELIGIBLE.value, Status.REVIEW.value, Status.REVIEW.value]
    together = evaluate(records, rules).frame["status"].tolist()
    assert together == [Status.REVIEW.value] * 3
