"""The rule sets, with criteria, parameters and citations."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from bsu.api.deps import LangDep, SettingsDep
from bsu.api.errors import ApiError
from bsu.api.schemas import ErrorPublic, RuleSetsPublic, RuleSetSummary
from bsu.errors import RuleSetError
from bsu.ruleset import available, load_ruleset, rules_dir

router = APIRouter(prefix="/v1/rulesets", tags=["rulesets"])


@router.get("", response_model=RuleSetsPublic)
def list_rulesets(settings: SettingsDep, lang: LangDep) -> RuleSetsPublic:
    directory = settings.rules_dir or rules_dir()
    data = []
    for name in available(directory):
        rs = load_ruleset(name, directory)
        data.append(
            RuleSetSummary(
                id=rs.id,
                version=rs.version,
                title=rs.spec.title.in_(lang),
                effective_from=rs.spec.effective.from_,
                effective_to=rs.spec.effective.to,
            )
        )
    return RuleSetsPublic(data=data, count=len(data))


@router.get("/{ruleset_id}", responses={404: {"model": ErrorPublic}})
def get_ruleset(ruleset_id: str, settings: SettingsDep) -> dict[str, Any]:
    """The whole rule set as its YAML file states it, with each reason's full citation."""
    directory = settings.rules_dir or rules_dir()
    if ruleset_id not in available(directory):
        raise ApiError(
            404,
            "ruleset_not_found",
            f"Aturan '{ruleset_id}' tidak ada.",
            f"Rule set '{ruleset_id}' does not exist.",
        )
    try:
        rs = load_ruleset(ruleset_id, directory)
    except RuleSetError as exc:  # pragma: no cover - shipped rule sets load
        raise ApiError(500, "ruleset_invalid", exc.message("id"), exc.message("en")) from exc
    spec = rs.spec.model_dump(mode="json", by_alias=True)
    spec["citations"] = {code.value: reason.citation for code, reason in rs.reasons.items()}
    return spec
