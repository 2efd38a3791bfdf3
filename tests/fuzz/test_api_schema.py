"""Schemathesis against the OpenAPI document of a real ``bsu serve``: every operation with
generated requests that fit the schema and requests that do not, a bounded number of
examples each (about 25 s in all).

What must hold: no 5xx, and every response has a documented content type and matches the
schema of its status code. Rate limits are off on this server, so that a 429 cannot cut
the run short. (Schemathesis' own pytest integration, ``from_fixture``, does not run
under pytest 9, so each operation's strategy is driven with Hypothesis here.)
"""

from __future__ import annotations

from collections.abc import Iterator

import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    CheckFunction,
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.servers import Server, unlimited_server

EXAMPLES = hypothesis.settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with unlimited_server(tmp_path_factory.mktemp("fuzzed")) as running:
        yield running


@pytest.fixture(scope="module")
def api_schema(fuzzed: Server) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{fuzzed.url}/openapi.json")


def failures_of(api: schemathesis.BaseSchema, checks: list[CheckFunction]) -> list[str]:
    """Each operation's first failure (shrunk by Hypothesis), as text."""
    failures = []
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 10, [op.label for op in operations]
    for operation in operations:
        cases = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @hypothesis.given(case=cases)
        @EXAMPLES
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=checks)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # Schemathesis' FailureGroup
            failures.append(f"{operation.label}: {exc}")
    return failures


def test_no_server_error_and_every_response_matches_its_schema(
    api_schema: schemathesis.BaseSchema, fuzzed: Server
) -> None:
    checks = [not_a_server_error, content_type_conformance, response_schema_conformance]
    failures = failures_of(api_schema, checks)
    assert not failures, "\n\n".join(failures)
    assert fuzzed.process.poll() is None


def test_every_status_code_is_documented(api_schema: schemathesis.BaseSchema) -> None:
    failures = failures_of(api_schema, [status_code_conformance])
    assert not failures, "\n\n".join(failures)
