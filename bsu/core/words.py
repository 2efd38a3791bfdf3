"""The words of bsu's own screens and files, in Bahasa Indonesia and English.

One message catalogue, so that a command, a route or a writer never chooses between two
languages inline: it names a key and says it in the caller's language. The catalogue is
data, beside the rule sets it accompanies (``rules/words/*.yaml``, one file per place the
words are shown); a rule set's own wording (reasons, titles) stays in the rule set. A key
is said the same in both languages with the same ``{placeholders}``
(``tests/core/test_words.py``).
"""

from __future__ import annotations

import functools
import string
from pathlib import Path
from typing import Any

import yaml

from bsu.core.ruleset import Lang, Text, rules_dir


def folder() -> Path:
    return rules_dir() / "words"


@functools.cache
def catalogue() -> dict[str, Text]:
    """Every key of every catalogue file; a key defined twice is a mistake in the data."""
    words: dict[str, Text] = {}
    for path in sorted(folder().glob("*.yaml")):
        for key, entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if key in words:
                raise ValueError(f"{path.name}: the key {key!r} is defined twice")
            words[key] = Text.model_validate(entry)
    return words


def say(key: str, lang: Lang, /, **values: Any) -> str:
    """The words for ``key`` in ``lang``, with ``{name}`` filled from ``values``."""
    text = catalogue()[key].in_(lang)
    return text.format(**values) if values else text


def both(key: str, /, **values: Any) -> tuple[str, str]:
    """The words for ``key`` in Bahasa Indonesia and in English."""
    return say(key, "id", **values), say(key, "en", **values)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
