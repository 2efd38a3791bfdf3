"""The CLI ends with one exit code per kind of error, chosen in one place
(``bsu.cli.common.exit_code``) by the error's class in ``bsu.errors``."""

from __future__ import annotations

import pytest

from bsu import errors
from bsu.cli.common import EXIT_USER_ERROR, exit_code, fail
from bsu.errors import BsuError


def _classes() -> list[type[BsuError]]:
    found: list[type[BsuError]] = [BsuError]
    for cls in found:
        found.extend(c for c in cls.__subclasses__() if c.__module__ == errors.__name__)
    return found


@pytest.mark.parametrize("cls", _classes(), ids=lambda cls: cls.__name__)
def test_every_error_a_person_can_act_on_ends_with_2(cls: type[BsuError]) -> None:
    error = BsuError.__new__(cls)
    assert exit_code(error) == EXIT_USER_ERROR


def test_fail_says_both_languages_and_ends_with_the_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ended = fail(errors.RuleSetNotFound("Aturan 'x' tidak ada.", "Rule set 'x' does not exist."))
    assert ended.exit_code == EXIT_USER_ERROR
    said = capsys.readouterr().err
    assert "Aturan 'x' tidak ada." in said and "Rule set 'x' does not exist." in said
