"""Loading rule sets: the shipped ones load, and every broken file is named with its field."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
        ("  benefit_months:\n", "  benefit_month:\n", "benefit_months"),
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


def _mutate(directory: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = directory / "bsu-2025.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _drop_default(data: dict[str, Any]) -> None:
    del data["defaults"]["category_blank_is_pu"]


def _unknown_default(data: dict[str, Any]) -> None:
    data["defaults"]["blank_wage_is_zero"] = data["defaults"]["category_blank_is_pu"]


def _draft_without_reason(data: dict[str, Any]) -> None:
    data["status"] = "draft"


def _unknown_active_means(data: dict[str, Any]) -> None:
    data["parameters"]["active_means"]["value"] = "paid_somehow"


def _benefit_as_one_amount(data: dict[str, Any]) -> None:
    params = data["parameters"]
    params["benefit_idr"] = {**params.pop("benefit_monthly_idr"), "value": 600000}
    del params["benefit_months"]


def _benefit_months_not_whole(data: dict[str, Any]) -> None:
    data["parameters"]["benefit_months"]["value"] = 1.5


def _unknown_status(data: dict[str, Any]) -> None:
    data["status"] = "proposed"


def _empty_quote(data: dict[str, Any]) -> None:
    data["parameters"]["wage_cap_idr"]["quote"]["text"] = ""


def _default_without_rationale(data: dict[str, Any]) -> None:
    del data["defaults"]["pkh_blank_is_not_recipient"]["rationale"]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_drop_default, ["defaults.category_blank_is_pu", "missing"]),
        (_unknown_default, ["defaults.blank_wage_is_zero", "unknown default"]),
        (_draft_without_reason, ["draft_reason"]),
        (_unknown_active_means, ["parameters.active_means", "contribution_paid"]),
        (_benefit_as_one_amount, ["parameters.benefit_months", "benefit_monthly_idr"]),
        (_benefit_months_not_whole, ["parameters.benefit_months", "wrong type"]),
        (_unknown_status, ["status"]),
        (_empty_quote, ["wage_cap_idr.quote.text"]),
        (_default_without_rationale, ["pkh_blank_is_not_recipient.rationale"]),
    ],
    ids=[
        "a default the engine applies is not declared",
        "an unknown default",
        "a draft without draft_reason",
        "an unknown active_means",
        "benefit_idr instead of months x monthly amount",
        "benefit_months not a whole number",
        "an unknown status",
        "an empty quote",
        "a default without its rationale",
    ],
)
def test_schema_refuses_an_incomplete_rule_set_naming_the_field(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], words: list[str]
) -> None:
    directory = _copy_rules(tmp_path)
    _mutate(directory, change)
    with pytest.raises(RuleSetError) as err:
        load_ruleset("bsu-2025", directory)
    for lang in ("id", "en"):
        message = err.value.message(lang)
        assert "bsu-2025.yaml" in message
        for word in words:
            assert word in message, (lang, word, message)


def test_a_draft_with_its_reason_loads_and_says_so(tmp_path: Path) -> None:
    directory = _copy_rules(tmp_path)

    def draft(data: dict[str, Any]) -> None:
        data["status"] = "draft"
        data["draft_reason"] = {"id": "Peraturan belum terbit.", "en": "Not yet published."}

    _mutate(directory, draft)
    rs = load_ruleset("bsu-2025", directory)
    assert rs.draft
    assert not load_ruleset("bsu-2025", RULES).draft


@pytest.mark.parametrize("round_id", available(RULES))
def test_every_parameter_criterion_and_default_is_sourced_and_cited(round_id: str) -> None:
    """A value with no source is not shipped: every parameter names its source, every
    criterion stands on the rule set's legal basis (each with its source), and each one,
    like each default, carries a citation."""
    spec = load_ruleset(round_id, RULES).spec
    assert spec.legal_basis
    for basis in spec.legal_basis:
        assert re.match(r"https?://", basis.source_url), basis.short
    for name, param in spec.parameters.items():
        assert re.match(r"https?://", param.source_url), name
        assert param.citation.strip(), name
        if param.quote is not None:
            assert re.match(r"https?://", param.quote.source_url), name
    for criterion in spec.criteria:
        assert criterion.citation.strip(), criterion.id
        if criterion.quote is not None:
            assert re.match(r"https?://", criterion.quote.source_url), criterion.id
    for name, default in spec.defaults.items():
        assert default.citation.strip(), name
        assert default.source_url is None or re.match(r"https?://", default.source_url), name
    if spec.tables.minimum_wages is not None:
        assert spec.tables.minimum_wages_year == spec.effective.from_.year
        assert spec.tables.minimum_wages_note


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
