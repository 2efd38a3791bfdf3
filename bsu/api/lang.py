"""The caller's language from ``Accept-Language``: English if preferred, else Indonesian."""

from __future__ import annotations

from fastapi import Request

from bsu.core.ruleset import Lang


def parse(header: str | None) -> Lang:
    best: tuple[float, Lang] = (0.0, "id")
    for part in (header or "").split(","):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        lang: Lang | None = "en" if tag.startswith("en") else "id" if tag.startswith("id") else None
        if lang and quality > best[0]:
            best = (quality, lang)
    return best[1]


def language_of(request: Request) -> Lang:
    return parse(request.headers.get("accept-language"))
