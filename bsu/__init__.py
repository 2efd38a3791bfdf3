"""bsu: checks worker rosters against the rules of Indonesia's wage subsidy (BSU).

The package is a pure core (``ruleset``, ``engine`` and the value parsers it uses) with
adapters at the edges (``roster`` reads files, ``report`` writes results, ``cli`` talks to
people). Data flows one way:

    roster file -> roster.read() -> canonical records -> engine.evaluate() -> decisions
                -> report (xlsx / csv / json / terminal)
"""

from bsu.core.engine import Decisions, evaluate
from bsu.core.reasons import Outcome, ReasonCode, Status
from bsu.core.ruleset import RuleSet, load_ruleset

__all__ = [
    "Decisions",
    "Outcome",
    "ReasonCode",
    "RuleSet",
    "Status",
    "evaluate",
    "load_ruleset",
]
__version__ = "0.1.0"
