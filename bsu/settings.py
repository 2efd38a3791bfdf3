"""Settings read from the environment (prefix ``BSU_``), only by the CLI and the API."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BSU_")

    rules_dir: Path | None = None
    ruleset: str = "bsu-2025"
    lang: Literal["id", "en"] = "id"
