"""The wage built from its parts (``bsu.core.wages``), as a property over generated rows:
whatever amounts and however they are typed, the wage judged is the total when one is
given, else the basic wage plus the fixed allowance, else the daily wage x the rule set's
factor plus the allowance; and the basis says which."""

from __future__ import annotations

from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bsu import evaluate, load_ruleset
from bsu.core.records import frame
from bsu.values.numbers import id_number
from tests.support import VALID_WORKER

RULES = load_ruleset("bsu-2025")
FACTOR = float(RULES.param("wage_daily_factor"))
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Whole rupiah, as a roster or a request writes them: a number, "3400000", "Rp3.400.000".
amounts = st.integers(min_value=1, max_value=50_000_000)


def typed(amount: int) -> st.SearchStrategy[Any]:
    return st.sampled_from(
        [amount, str(amount), f"Rp{id_number(amount)}", f"{id_number(amount)},-"]
    )


cells = st.one_of(st.none(), amounts.flatmap(typed))
allowances = st.one_of(st.none(), st.just(0), st.just("-"), amounts.flatmap(typed))


def _amount(cell: Any) -> float:
    if cell is None or cell == "-":
        return 0.0
    digits = "".join(ch for ch in str(cell).split(",")[0] if ch.isdigit())
    return float(digits)


@PROPERTY
@given(st.lists(st.tuples(cells, cells, allowances, cells), min_size=1, max_size=12))
def test_the_wage_judged_is_built_from_the_first_part_given(rows: list[tuple[Any, ...]]) -> None:
    records = frame(
        [
            {
                **VALID_WORKER,
                "nik": f"327501410190{i:04d}",
                "wage": total,
                "basic_wage": basic,
                "fixed_allowance": allowance,
                "daily_wage": daily,
            }
            for i, (total, basic, allowance, daily) in enumerate(rows, start=1)
        ]
    )
    f = evaluate(records, RULES).frame
    for (total, basic, allowance, daily), wage, basis in zip(
        rows, f["wage"], f["wage_basis"], strict=True
    ):
        extra = _amount(allowance)
        if total is not None:
            expected, kind = _amount(total), "total"
        elif basic is not None:
            expected = _amount(basic) + extra
            kind = "basic_only" if allowance is None else "components"
        elif daily is not None:
            expected, kind = _amount(daily) * FACTOR + extra, "daily"
        else:
            assert pd.isna(wage) and basis is None
            continue
        assert (wage, basis) == (expected, kind)
