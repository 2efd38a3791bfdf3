"""Rule sets: one YAML file per BSU round in ``rules/``, validated when loaded.

A rule set carries everything a decision depends on: parameters with their citations,
the criteria, the reasons each criterion gives with their wording in Bahasa Indonesia and
English, and the reference tables (regions, minimum wages). A typo in a rule file is a
``RuleSetError`` naming the file and the field, never a crash later in the engine. The
file's schema is ``bsu.core.rulefile``; this module finds, reads and caches rule sets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

import pandas as pd
import yaml
from pydantic import ValidationError

from bsu.core.reasons import Outcome, ReasonCode
from bsu.core.rulefile import LANGS, Criterion, Lang, RuleSetFile, Text, check_complete
from bsu.errors import RuleSetError, RuleSetNotFound

# Where the many modules that name a language or a wording import them from.
__all__ = [
    "LANGS",
    "CitedReason",
    "Lang",
    "RuleSet",
    "Text",
    "available",
    "load_ruleset",
    "load_ruleset_file",
    "rules_dir",
    "unknown_ruleset",
]


@dataclass(frozen=True)
class CitedReason:
    """A reason as a rule set words and cites it."""

    code: ReasonCode
    outcome: Outcome
    message: Text
    criterion: Criterion
    citation: str


@dataclass(frozen=True, eq=False)
class RuleSet:
    """A loaded, validated rule set with its reference tables (compared by identity)."""

    spec: RuleSetFile
    path: Path
    regions: pd.DataFrame
    minimum_wages: pd.DataFrame
    reasons: dict[ReasonCode, CitedReason]

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def version(self) -> str:
        return self.spec.version

    def param(self, name: str) -> Any:
        return self.spec.parameters[name].value

    def benefit(self) -> float:
        """What one eligible worker receives: months x the monthly amount."""
        return float(self.param("benefit_months")) * float(self.param("benefit_monthly_idr"))

    @property
    def draft(self) -> bool:
        return self.spec.status == "draft"

    def reason(self, code: ReasonCode) -> CitedReason:
        return self.reasons[code]

    def phrase(self, name: str, lang: Lang) -> str:
        return self.spec.phrases[name].in_(lang)

    def criteria(self) -> Iterator[Criterion]:
        return iter(self.spec.criteria)


def _cited_reasons(spec: RuleSetFile) -> dict[ReasonCode, CitedReason]:
    out: dict[ReasonCode, CitedReason] = {}
    for criterion in spec.criteria:
        for code, reason in criterion.reasons.items():
            out[code] = CitedReason(
                code=code,
                outcome=reason.outcome,
                message=reason.message,
                criterion=criterion,
                citation=f"{spec.citation_prefix}, {criterion.citation}",
            )
    return out


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice, which would silently drop a rule."""


def _no_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    keys: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in keys:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        keys.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)
# Dates stay text until pydantic reads them, so an impossible date names its field.
_UniqueKeyLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def rules_dir() -> Path:
    """The rule sets shipped with bsu: the package's copy, else the repository's. The
    default folder; another (``BSU_RULES_DIR``, ``Settings.rules_dir``) is the caller's to
    pass, so that the library never reads the environment."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "_rules"
    if packaged.is_dir():
        return packaged
    return package.parent / "rules"


def available(directory: Path | None = None) -> list[str]:
    """The ids of the rule sets in ``directory``, sorted."""
    directory = directory or rules_dir()
    return sorted(p.stem for p in directory.glob("*.yaml"))


# How much of an unknown id a message may repeat: a plain id, never a path or a long text.
_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def load_ruleset(ruleset_id: str | Path = "bsu-2025", directory: Path | None = None) -> RuleSet:
    """Load the rule set ``ruleset_id`` from ``directory`` (default: ``rules_dir()``).

    An id is looked up in the folder's list, never joined into a path: a value from a
    request or a command line cannot reach any other file. A ``Path`` (a Python caller's
    explicit choice) is loaded as the file it names; see ``load_ruleset_file``."""
    if isinstance(ruleset_id, Path):
        return load_ruleset_file(ruleset_id)
    directory = directory or rules_dir()
    known = available(directory)
    if ruleset_id not in known:
        raise unknown_ruleset(ruleset_id, known)
    return _load((directory / f"{ruleset_id}.yaml").resolve())


def load_ruleset_file(path: Path) -> RuleSet:
    """Load a rule set from a file the user named on purpose (their own machine, their own
    file); its errors quote the file, which is theirs to see."""
    return _load(path.resolve())


def unknown_ruleset(given: str, known: list[str]) -> RuleSetNotFound:
    """``ruleset_not_found``, naming the valid ids; the value given is repeated only when it
    is a plain short id, so an error never echoes a path or a long text back."""
    choices = ", ".join(known) or "-"
    shown = f" '{given}'" if _PLAIN_ID.fullmatch(given) else ""
    return RuleSetNotFound(
        f"Aturan{shown} tidak ada. Pilih salah satu: {choices}.",
        f"Rule set{shown} does not exist. Choose one of: {choices}.",
    )


@cache
def _load(path: Path) -> RuleSet:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except OSError as exc:
        raise RuleSetError(
            f"{path}: berkas aturan tidak dapat dibuka ({exc.strerror}).",
            f"{path}: the rule file cannot be opened ({exc.strerror}).",
        ) from exc
    except (yaml.YAMLError, ValueError) as exc:
        raise RuleSetError(
            f"{path}: YAML tidak sah: {exc}", f"{path}: invalid YAML: {exc}"
        ) from exc
    try:
        spec = RuleSetFile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise RuleSetError(
            f"{path}: isian aturan tidak sah: {problems}",
            f"{path}: invalid rule set field: {problems}",
        ) from exc
    check_complete(path, spec)
    regions = _read_table(path.parent / spec.tables.regions, "tables.regions", REGION_COLUMNS)
    if spec.tables.minimum_wages is None:
        wages = pd.DataFrame({c: pd.Series(dtype=object) for c in WAGE_COLUMNS})
    else:
        wages = _read_table(
            path.parent / spec.tables.minimum_wages, "tables.minimum_wages", WAGE_COLUMNS
        )
    unknown = set(wages["region_code"]) - set(regions["code"])
    if unknown:
        raise RuleSetError(
            f"{path}: tables.minimum_wages memuat kode wilayah yang tidak ada: {sorted(unknown)}",
            f"{path}: tables.minimum_wages has region codes that do not exist: {sorted(unknown)}",
        )
    return RuleSet(
        spec=spec,
        path=path,
        regions=regions,
        minimum_wages=wages,
        reasons=_cited_reasons(spec),
    )


REGION_COLUMNS = ("code", "level", "name", "province_code", "province_name", "source")
WAGE_COLUMNS = ("region_code", "region_name", "kind", "amount_idr", "source_url")


def _read_table(path: Path, field: str, columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as exc:
        raise RuleSetError(
            f"{path} ({field}): tabel tidak dapat dibaca: {exc}",
            f"{path} ({field}): the table cannot be read: {exc}",
        ) from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise RuleSetError(
            f"{path} ({field}): kolom tidak ada: {', '.join(missing)}",
            f"{path} ({field}): missing columns: {', '.join(missing)}",
        )
    frame = frame.astype(object)
    frame = frame.apply(lambda col: col.str.strip())
    if "amount_idr" in frame:
        amounts = pd.to_numeric(frame["amount_idr"], errors="coerce")
        if amounts.isna().any():
            bad = frame.loc[amounts.isna(), "region_name"].tolist()
            raise RuleSetError(
                f"{path} ({field}): amount_idr bukan angka untuk {bad}",
                f"{path} ({field}): amount_idr is not a number for {bad}",
            )
        frame["amount_idr"] = amounts.astype(float)
    return cast(pd.DataFrame, frame)
