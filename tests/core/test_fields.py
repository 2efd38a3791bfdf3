"""The field registry: one declaration per roster field, and everyone reads it."""

from __future__ import annotations

import inspect

import pandas as pd
import pytest

from bsu.api.schemas import WorkerCheck
from bsu.core import fields, records
from bsu.core.checks import CHECKS
from bsu.core.evidence import LIST_KINDS
from bsu.core.gather import gather
from bsu.core.rulefile import REQUIRED_PARAMETERS
from bsu.core.ruleset import load_ruleset
from bsu.rosters.headers import field_for, header_key
from tests.support import VALID_WORKER


def test_the_canonical_record_is_the_registry_in_order() -> None:
    assert tuple(f.name for f in fields.REGISTRY) == records.FIELDS
    assert records.COLUMNS == records.LOCATION + records.FIELDS
    assert len(set(records.FIELDS)) == len(records.FIELDS)


def test_the_api_takes_one_worker_as_the_registry_declares_the_fields() -> None:
    """The request model keeps its own types and descriptions (its OpenAPI shape); its
    fields are the registry's, in the same order."""
    assert tuple(WorkerCheck.model_fields) == records.FIELDS


@pytest.mark.parametrize("declared", fields.REGISTRY, ids=lambda f: f.name)
def test_each_alias_names_its_field_and_no_other(declared: fields.Field) -> None:
    assert declared.aliases, "a field no header can name is never read from a roster"
    for alias in declared.aliases:
        assert field_for(alias) == declared.name, alias
        assert field_for(alias.upper()) == declared.name, alias
    others = {header_key(a) for f in fields.REGISTRY if f is not declared for a in f.aliases}
    assert {header_key(a) for a in declared.aliases}.isdisjoint(others)


@pytest.mark.parametrize("declared", [f for f in fields.REGISTRY if f.parser], ids=lambda f: f.name)
def test_each_parser_gives_one_column_per_name_it_is_gathered_as(declared: fields.Field) -> None:
    assert declared.parser is not None
    parsed = declared.parser(pd.Series(["x", None], dtype=object))
    outputs = parsed if isinstance(parsed, tuple) else (parsed,)
    assert len(outputs) == len(declared.parsed) >= 1


def test_only_fields_that_identify_a_person_are_personal() -> None:
    personal = {"nik", "name", "kpj", "account_number", "account_holder", "phone", "email"}
    assert personal == fields.PERSONAL


def test_a_writer_labels_and_formats_a_field_from_the_registry() -> None:
    assert fields.label("wage", "id") == "Upah"
    assert fields.label("wage", "en") == "Wage"
    assert fields.kind("wage") == "money"
    assert fields.kind("nik") == "nik"
    assert fields.kind("registered_on") == "date"
    assert fields.kind("pkh_recipient") == "flag"
    with pytest.raises(KeyError):
        fields.field("no_such_field")


def test_every_column_a_check_reads_is_gathered() -> None:
    rules = load_ruleset("bsu-2025")
    gathered = gather(records.frame([VALID_WORKER]), rules)
    for check in CHECKS.values():
        missing = set(check.columns) - set(gathered.columns)
        assert not missing, f"{check.criterion} reads {missing}, which nothing gathers"


def test_every_parameter_a_check_reads_is_one_the_loader_requires() -> None:
    """The loader checks each required parameter's type, so a check never meets a wrong one."""
    for check in CHECKS.values():
        assert set(check.parameters) <= set(REQUIRED_PARAMETERS), check.criterion
        signature = inspect.signature(check.run)
        assert len(signature.parameters) == len(check.columns) + len(check.parameters)


@pytest.mark.parametrize("kind", sorted(LIST_KINDS))
def test_each_list_kind_overrules_a_declared_field_with_an_evidence_column(kind: str) -> None:
    proof = LIST_KINDS[kind]
    overruled = fields.field(proof.field)
    assert overruled.evidence in fields.EVIDENCE_COLUMNS
    assert overruled.parsed, "a list overrules the parsed value of a field"
