"""Loading rule sets: the shipped ones load, and every broken file is named with its field."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bsu import evaluate, load_ruleset
from bsu.core.reasons import ReasonCode
from bsu.core.records import frame
from bsu.core.ruleset import available, rules_dir
from bsu.errors import RuleSetError
from tests.support import VALID_WORKER

RULES = Path(__file__).resolve().parents[2] / "rules"


def _copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def _edit(directory: Path, edit: str, replacement: str) -> None:
    path = directory / "bsu-2025.yaml"
    text = path.read_text(encoding="utf-8")
    assert edit in text, f"fixture edit not found: {edit!r}"
    path.write_text(text.replace(edit, replacement, 1), encoding="utf-8")


def test_shipped_rule_sets_load() -> None:
    assert "bsu-2025" in available(RULES)
    rs = load_ruleset("bsu-2025", RULES)
    assert rs.id == "bsu-2025"
    assert set(rs.reasons) == set(ReasonCode)
    for reason in rs.reasons.values():
        assert reason.citation.startswith(rs.spec.citation_prefix)


def test_rules_dir_points_at_the_repository_copy() -> None:
    assert (rules_dir() / "bsu-2025.yaml").is_file()


def test_minimum_wage_rows_have_sources() -> None:
    rs = load_ruleset("bsu-2025", RULES)
    assert rs.minimum_wages["source_url"].str.startswith("http").all()
    assert rs.regions["source"].ne("").all()


@pytest.mark.parametrize(
    ("edit", "replacement", "words"),
    [
        ("  wage_cap_idr:\n    value: 3500000", "  wage_cap_idr:\n    value: lots", "wage_cap_idr"),
        ("    value: 2025-04-30", "    value: 2025-04-31", "participation_cutoff"),
        ("  benefit_idr:\n", "  benefit_idr_typo:\n", "benefit_idr"),
        ("        outcome: review\n", "        outcome: maybe\n", "outcome"),
        ("      NIK_MISSING:\n", "      NIK_MISING:\n", "NIK_MISING"),
        ("id: bsu-2025\n", "id: bsu-2025\nid: bsu-2026\n", "duplicate key"),
        ("  regions: regions_kemendagri_2025.csv", "  regions: nowhere.csv", "tables.regions"),
        ("    confirmed: true\n", "    confirmed: true\n    surprise: 1\n", "surprise"),
        ("  region_missing:\n", "  region_gone:\n", "region_missing"),
    ],
    ids=[
        "wage cap not a number",
        "impossible date",
        "parameter renamed",
        "unknown outcome",
        "misspelt reason code",
        "duplicate key",
        "missing table",
        "unknown field",
        "missing phrase",
    ],
)
def test_broken_rule_file_names_file_and_field(
    tmp_path: Path, edit: str, replacement: str, words: str
) -> None:
    directory = _copy_rules(tmp_path)
    _edit(directory, edit, replacement)
    with pytest.raises(RuleSetError) as err:
        load_ruleset("bsu-2025", directory)
    for lang in ("id", "en"):
        message = err.value.message(lang)
        assert "bsu-2025.yaml" in message or "nowhere.csv" in message
        assert words in message


def test_unknown_rule_set_lists_the_known_ones() -> None:
    with pytest.raises(RuleSetError, match="bsu-2025"):
        load_ruleset("bsu-1999", RULES)


def test_changing_the_cap_in_yaml_changes_decisions(tmp_path: Path) -> None:
    worker = {**VALID_WORKER, "wage": 3400000, "region": "Kota Semarang"}
    shipped = evaluate(frame([worker]), load_ruleset("bsu-2025", RULES))
    assert shipped.frame["status"].tolist() == ["eligible"]

    directory = _copy_rules(tmp_path)
    _edit(directory, "  wage_cap_idr:\n    value: 3500000", "  wage_cap_idr:\n    value: 3000000")
    lowered = evaluate(frame([worker]), load_ruleset("bsu-2025", directory))
    assert lowered.frame["status"].tolist() == ["ineligible"]
    assert lowered.frame["wage_cap"].tolist() == [3000000]


def test_changing_the_cutoff_in_yaml_changes_decisions(tmp_path: Path) -> None:
    worker = {**VALID_WORKER, "registered_on": "2025-05-15"}
    assert evaluate(frame([worker]), load_ruleset("bsu-2025", RULES)).frame["status"].tolist() == [
        "ineligible"
    ]
    directory = _copy_rules(tmp_path)
    _edit(directory, "    value: 2025-04-30", "    value: 2025-05-31")
    later = evaluate(frame([worker]), load_ruleset("bsu-2025", directory))
    assert later.frame["status"].tolist() == ["eligible"]


def test_changing_an_outcome_in_yaml_changes_the_status(tmp_path: Path) -> None:
    directory = _copy_rules(tmp_path)
    data = yaml.safe_load((directory / "bsu-2025.yaml").read_text(encoding="utf-8"))
    pkh = next(c for c in data["criteria"] if c["id"] == "not_pkh_recipient")
    pkh["reasons"]["EXCLUDED_PKH_RECIPIENT"]["outcome"] = "review"
    (directory / "bsu-2025.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    worker = {**VALID_WORKER, "pkh_recipient": "Ya"}
    decided = evaluate(frame([worker]), load_ruleset("bsu-2025", directory))
    assert decided.frame["status"].tolist() == ["review"]


def test_no_regulation_number_is_written_in_python() -> None:
    """Amounts, dates and article numbers belong in rules/, not in the code."""
    package = Path(__file__).resolve().parents[2] / "bsu"
    forbidden = re.compile(
        r"3[._]?500[._]?000|600[._]?000|100[._]?000\b|2025-04-30|Permenaker|Pasal \d"
    )
    offenders = [
        f"{path.name}:{n}: {line.strip()}"
        for path in package.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if forbidden.search(line)
    ]
    assert offenders == []
