"""The message catalogue: every key said in both languages, with the same placeholders."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import bsu
from bsu.core import words

PACKAGE = Path(bsu.__file__).resolve().parent


@pytest.mark.parametrize("key", sorted(words.catalogue()))
def test_each_key_has_the_same_placeholders_in_both_languages(key: str) -> None:
    text = words.catalogue()[key]
    assert words.placeholders(text.id) == words.placeholders(text.en), key


def test_say_fills_placeholders_in_the_callers_language() -> None:
    assert words.say("rule_set", "id") == "Aturan"
    assert words.say("rule_set", "en") == "Rule set"
    assert words.both("legal_basis") == ("Dasar hukum", "Legal basis")


def test_an_unknown_key_is_a_mistake_not_a_blank() -> None:
    with pytest.raises(KeyError):
        words.say("no_such_words", "id")


def test_a_key_defined_twice_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.yaml").write_text("x:\n  id: satu\n  en: one\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("x:\n  id: dua\n  en: two\n", encoding="utf-8")
    monkeypatch.setattr(words, "folder", lambda: tmp_path)
    words.catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match="defined twice"):
            words.catalogue()
    finally:
        words.catalogue.cache_clear()


def _inline_language_choices(source: str) -> list[int]:
    """Lines choosing between two wordings inline: ``a if en else b``, ``a if lang == "en"
    else b`` (and their negations)."""

    def about_english(test: ast.expr) -> bool:
        if isinstance(test, ast.UnaryOp):
            return about_english(test.operand)
        if isinstance(test, ast.Name):
            return test.id in {"en", "english"}
        if isinstance(test, ast.Compare):
            parts = [test.left, *test.comparators]
            return any(isinstance(p, ast.Constant) and p.value == "en" for p in parts)
        return False

    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.IfExp)
        and about_english(node.test)
        and all(isinstance(side, ast.Constant | ast.JoinedStr) for side in (node.body, node.orelse))
        and not _language_code(node)
    )


def _language_code(node: ast.IfExp) -> bool:
    """``"en" if ... else "id"`` picks a language, it does not word anything."""
    sides = {getattr(side, "value", None) for side in (node.body, node.orelse)}
    return sides == {"en", "id"}


def test_no_inline_choice_between_languages() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE).as_posix()}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line in _inline_language_choices(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "say it through bsu.core.words (rules/words/*.yaml)"
