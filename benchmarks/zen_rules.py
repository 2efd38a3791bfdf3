"""The BSU criteria as a GoRules ZEN decision table (JDM), generated from the rule set.

The table decides on plain facts (``naive.normalise``): cleaning dirty cells, finding
repeated NIKs and looking regions up stay in Python, as they would with any rules engine.
Rows are tried top to bottom and the first hit wins, so every ineligible rule comes
before every review rule. Values (cutoff, category, excluded groups, whether the cap is
inclusive) come from the rule set, so the table follows a change in the YAML.

    .venv/bin/python -m benchmarks.zen_rules > /tmp/bsu-2025.jdm.json   # open in the JDM editor
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from benchmarks.naive import ELIGIBLE, INELIGIBLE, REVIEW, Facts, Params
from bsu import RuleSet, load_ruleset

KEY = "bsu"
CHUNK = 20_000  # rows per evaluate_batch call: bounds the request list's memory
_INPUTS = (
    ("nik", "NIK"),
    ("participation", "Status kepesertaan"),
    ("registered", "Tanggal kepesertaan"),
    ("registeredState", "Tanggal terbaca"),
    ("category", "Kategori"),
    ("wage", "Upah"),
    ("wageState", "Upah terbaca"),
    ("employment", "Status pegawai"),
    ("pkh", "Penerima PKH"),
)


def _quoted(values: Sequence[str]) -> str:
    return ", ".join(json.dumps(v) for v in values)


def table_rules(params: Params) -> list[tuple[str, str, dict[str, str]]]:
    """(status, reason, {input field: unary test}) rows, first hit wins."""
    cutoff = params.cutoff.date().isoformat()
    above, within = (
        ("> capMax", "(capMin..capMax]")
        if params.cap_inclusive
        else (">= capMax", "[capMin..capMax)")
    )
    return [
        (INELIGIBLE, "PARTICIPANT_NOT_ACTIVE", {"participation": '"inactive"'}),
        (INELIGIBLE, "PARTICIPANT_JOINED_AFTER_CUTOFF", {"registered": f'> d("{cutoff}")'}),
        (
            INELIGIBLE,
            "CATEGORY_NOT_PU",
            {"category": f"$ not in [{_quoted([params.category, 'blank', 'unknown'])}]"},
        ),
        (INELIGIBLE, "WAGE_ABOVE_CAP", {"wage": above}),
        (INELIGIBLE, "EXCLUDED_ASN_TNI_POLRI", {"employment": _quoted(sorted(params.excluded))}),
        (INELIGIBLE, "EXCLUDED_PKH_RECIPIENT", {"pkh": "true"}),
        (REVIEW, "NIK_PROBLEM", {"nik": '$ != "ok"'}),
        (REVIEW, "PARTICIPATION_UNKNOWN", {"participation": '"unknown"'}),
        (REVIEW, "REGISTRATION_DATE_MISSING_OR_INVALID", {"registeredState": '$ != "ok"'}),
        (REVIEW, "CATEGORY_UNKNOWN", {"category": '"unknown"'}),
        (REVIEW, "WAGE_MISSING_OR_INVALID", {"wageState": '$ != "ok"'}),
        (REVIEW, "REGION_UNKNOWN", {"wage": within}),
        (REVIEW, "PKH_UNKNOWN", {"pkh": "null"}),
        (ELIGIBLE, "", {}),
    ]


def jdm(rules: RuleSet) -> dict[str, Any]:
    """The decision graph: input -> decision table -> output."""
    params = Params.of(rules)
    inputs = [{"id": f"in_{f}", "name": name, "field": f} for f, name in _INPUTS]
    outputs = [
        {"id": "out_status", "name": "Status", "field": "status"},
        {"id": "out_reason", "name": "Alasan", "field": "reason"},
    ]
    rows = []
    for n, (status, reason, tests) in enumerate(table_rules(params), start=1):
        row = {"_id": f"r{n}", **{f"in_{f}": tests.get(f, "") for f, _ in _INPUTS}}
        row["out_status"] = json.dumps(status)
        row["out_reason"] = json.dumps(reason)
        rows.append(row)

    def node(node_id: str, kind: str, x: int, content: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": node_id,
            "type": kind,
            "name": node_id,
            "position": {"x": x, "y": 100},
            "content": content,
        }

    return {
        "contentType": "application/vnd.gorules.decision",
        "nodes": [
            node("request", "inputNode", 0, {"schema": ""}),
            node(
                f"{rules.id}",
                "decisionTableNode",
                300,
                {
                    "hitPolicy": "first",
                    "inputs": inputs,
                    "outputs": outputs,
                    "rules": rows,
                    "passThrough": False,
                    "inputField": None,
                    "outputPath": None,
                    "executionMode": "single",
                },
            ),
            node("response", "outputNode", 700, {"schema": ""}),
        ],
        "edges": [
            {"id": "e1", "sourceId": "request", "targetId": rules.id, "type": "edge"},
            {"id": "e2", "sourceId": rules.id, "targetId": "response", "type": "edge"},
        ],
    }


class Decider:
    """A ZEN engine holding the table; decides facts in batches (``evaluate_batch``)."""

    def __init__(self, rules: RuleSet) -> None:
        import zen

        self.engine = zen.ZenEngine({"loader": {"type": "static", "content": {KEY: jdm(rules)}}})

    def statuses(self, facts: Sequence[Facts]) -> Iterator[str]:
        """The status of each fact row, in order."""
        for start in range(0, len(facts), CHUNK):
            requests = [{"key": KEY, "context": f} for f in facts[start : start + CHUNK]]
            for answer in self.engine.evaluate_batch(requests):  # type: ignore[arg-type]
                if not answer.get("success"):
                    raise RuntimeError(f"ZEN could not decide a row: {answer.get('error')}")
                yield str(answer["data"]["result"]["status"])


def main() -> None:
    print(json.dumps(jdm(load_ruleset("bsu-2025")), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
