"""What identifies a person never outlives its check in the process (UU 27/2022): parsed
vocabularies, wages and dates are remembered between checks to make small checks cheap,
but a NIK, a name or a KPJ is not."""

from __future__ import annotations

from bsu import evaluate, load_ruleset
from bsu.core.explain import explain
from bsu.core.records import frame
from bsu.values import text
from tests.support import VALID_WORKER

NIK, NAME, KPJ = "3275014101909876", "Sinta Purnamasari", "KPJ-77311"


def test_a_check_leaves_no_nik_name_or_kpj_in_the_remembered_values() -> None:
    worker = {**VALID_WORKER, "nik": NIK, "name": NAME, "kpj": KPJ, "wage": "Rp 4.123.456"}
    decisions = evaluate(frame([worker, {**worker, "row": 2}]), load_ruleset("bsu-2025"))
    explain(decisions, "id").rows()  # the duplicate NIK is worded too
    kept = repr([key for memo in text._memo.values() for key in memo])
    assert "Rp 4.123.456" in kept  # the memo is in use: this test can see into it
    for personal in (NIK, NAME, KPJ):
        assert personal not in kept
