"""An exclusion list proves what its kind says, and nothing else."""

from __future__ import annotations

import pandas as pd
import pytest

from bsu import evaluate, load_ruleset
from bsu.core.evidence import Evidence, ExclusionList
from bsu.core.reasons import ReasonCode, codes_in
from bsu.core.records import frame
from bsu.errors import BsuError
from tests.support import VALID_WORKER

RULES = load_ruleset("bsu-2025")
NIK = VALID_WORKER["nik"]


def _judged(kind: str) -> tuple[pd.DataFrame, list[ReasonCode]]:
    listed = ExclusionList(kind, pd.Index([NIK], dtype=object), f"{kind.upper()} 2025-06-01")
    decisions = evaluate(frame([VALID_WORKER]), RULES, Evidence(lists=(listed,)))
    return decisions.frame, codes_in(int(decisions.frame["reasons"].iloc[0]))


def test_a_list_of_a_kind_bsu_does_not_know_is_refused_not_taken_for_asn() -> None:
    """A Kartu Prakerja list (no such kind yet) was once applied as if it were an ASN, TNI
    or Polri list: the engine wrote any kind that was not PKH into the employment status."""
    with pytest.raises(BsuError, match="prakerja") as raised:
        _judged("prakerja")
    assert raised.value.code == "list_unknown"


@pytest.mark.parametrize("kind", ["asn", "tni", "polri"])
def test_a_civil_service_list_overrules_the_employment_status_only(kind: str) -> None:
    judged, reasons = _judged(kind)
    assert reasons == [ReasonCode.EXCLUDED_ASN_TNI_POLRI]
    assert judged["employment_class"].iloc[0] == kind
    assert judged["employment_status_raw"].iloc[0] == kind.upper()
    assert judged["evidence_employment"].iloc[0] == f"list:{kind}"
    assert judged["evidence_pkh"].iloc[0] == "roster"


def test_the_pkh_list_overrules_the_pkh_answer_only() -> None:
    judged, reasons = _judged("pkh")
    assert reasons == [ReasonCode.EXCLUDED_PKH_RECIPIENT]
    assert bool(judged["pkh"].iloc[0]) is True
    assert judged["evidence_pkh"].iloc[0] == "list:pkh"
    assert judged["employment_class"].iloc[0] == "other"
    assert judged["evidence_employment"].iloc[0] == "roster"
