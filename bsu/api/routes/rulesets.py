"""The rule sets, with criteria, parameters and citations.

A rule set is named by its id in the server's rules folder (``BSU_RULES_DIR`` or the
shipped copy), never by a path. A rule file there that does not load is the operator's to
fix: the list leaves it out and logs why; asking for it is a fixed 500 that quotes nothing
of the file.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter

from bsu.api.deps import LangDep, SettingsDep
from bsu.api.errors import RULESET_NOT_FOUND
from bsu.api.schemas import ErrorPublic, RuleSetsPublic, RuleSetSummary
from bsu.core.rulefile import DEFAULT_CRITERIA
from bsu.core.ruleset import available, load_ruleset, rules_dir, unknown_ruleset
from bsu.errors import RuleSetError
from bsu.results.model import plain

log = logging.getLogger("bsu.api")
router = APIRouter(prefix="/v1/rulesets", tags=["rulesets"])


@router.get("", response_model=RuleSetsPublic)
def list_rulesets(settings: SettingsDep, lang: LangDep) -> RuleSetsPublic:
    directory = settings.rules_dir or rules_dir()
    data = []
    for name in available(directory):
        try:
            rs = load_ruleset(name, directory)
        except RuleSetError as exc:  # the operator's to fix; the others are still listed
            log.error("rule set %s left out of the list: %s", name, exc.message("en"))
            continue
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


@router.get("/{ruleset_id}", responses={404: RULESET_NOT_FOUND, 500: {"model": ErrorPublic}})
def get_ruleset(ruleset_id: str, settings: SettingsDep) -> dict[str, Any]:
    """The whole rule set as its YAML file states it (parameters and criteria with their
    quotes and notes, the defaults with their rationale, the minimum-wage table's year and
    note, ``status`` and ``draft_reason``), with each reason's full citation, the benefit
    as months x the monthly amount, and the criterion each default serves."""
    directory = settings.rules_dir or rules_dir()
    known = available(directory)
    if ruleset_id not in known:
        raise unknown_ruleset(ruleset_id, known)
    rs = load_ruleset(ruleset_id, directory)  # a broken file: RuleSetError, a fixed 500
    spec = rs.spec.model_dump(mode="json", by_alias=True)
    spec["citations"] = {code.value: reason.citation for code, reason in rs.reasons.items()}
    # What one eligible worker receives: months x the monthly amount.
    spec["benefit"] = {
        "months": rs.param("benefit_months"),
        "monthly_idr": rs.param("benefit_monthly_idr"),
        "total_idr": plain(rs.benefit()),
    }
    # Each data-gap default with the criterion it serves.
    for name, default in spec["defaults"].items():
        default["criterion"] = DEFAULT_CRITERIA.get(name)
    return spec
