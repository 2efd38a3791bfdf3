"""Settings are read once, at the edge, and passed down: the library never reads the
environment (``bsu/service/settings.py`` does, for the CLI commands, the API app and the worker)."""

from __future__ import annotations

import ast
import functools
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import bsu
from bsu.service.settings import Settings

PACKAGE = Path(bsu.__file__).resolve().parent
ALLOWED_TO_READ_THE_ENVIRONMENT = {"service/settings.py"}
# Where a Settings may be built from the environment: the edges.
EDGES = ("service/settings.py", "cli/*.py", "api/app.py")
# Library code that still builds its own Settings when a caller gave none (a fallback, not
# the path of any command: each passes its own). To be passed down too, then removed here.
KNOWN_SETTINGS_READERS = {
    # install(level, settings=None): `bsu`'s main() installs before a command runs
    "privacy/logs.py",
    "privacy/pseudonyms.py",  # log_key(secret=None, data_dir=None): pseudonym() without a key
}
_ENVIRONMENT = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def environment_reads(source: str) -> list[int]:
    """The lines of ``source`` that touch the process environment through ``os``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in _ENVIRONMENT
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
        ) or (
            isinstance(node, ast.ImportFrom)
            and node.module == "os"
            and any(alias.name in _ENVIRONMENT for alias in node.names)
        ):
            lines.append(node.lineno)
    return sorted(lines)


def settings_built(source: str) -> list[int]:
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Settings"
    )


def _sources() -> list[tuple[str, str]]:
    return [
        (path.relative_to(PACKAGE).as_posix(), path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    ]


def test_only_the_settings_module_reads_the_environment() -> None:
    offenders = [
        f"bsu/{name}:{line}"
        for name, source in _sources()
        if name not in ALLOWED_TO_READ_THE_ENVIRONMENT
        for line in environment_reads(source)
    ]
    assert offenders == [], "os.environ / os.getenv outside bsu/service/settings.py"


def test_settings_are_built_at_the_edges_only() -> None:
    offenders = [
        f"bsu/{name}:{line}"
        for name, source in _sources()
        if not any(Path(name).match(edge) for edge in EDGES) and name not in KNOWN_SETTINGS_READERS
        for line in settings_built(source)
    ]
    assert offenders == [], "Settings() below the edges: take it as an argument"


@pytest.mark.parametrize(
    "source",
    [
        "import os\nx = os.environ.get('A')",
        "import os\nx = os.getenv('A')",
        "import os\ndef f():\n    os.environ['A'] = '1'",
        "from os import environ",
        "from os import getenv as g",
    ],
)
def test_the_scan_sees_each_way_of_reading_the_environment(source: str) -> None:
    assert environment_reads(source) != []


def test_the_documented_variables_reach_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BSU_XLSX_WRITER", "XlsxWriter")
    monkeypatch.setenv("BSU_RULES_DIR", "/srv/aturan")
    monkeypatch.setenv("BSU_REQUIRE_KEYS", "1")
    settings = Settings()
    assert settings.xlsx_writer == "XlsxWriter"
    assert settings.rules_dir == Path("/srv/aturan")
    assert settings.require_keys is True
    monkeypatch.setenv("BSU_RULES_DIR", "")  # empty: the shipped rule sets, as before
    assert Settings().rules_dir is None


def _serve(
    host: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, dict[str, Any]]:
    """Run ``bsu serve`` up to the moment it hands the app factory to uvicorn."""
    import uvicorn

    from bsu.cli import app as cli
    from bsu.cli import keys as cli_keys
    from bsu.store.keys import Access

    handed: dict[str, Any] = {}
    monkeypatch.setenv("BSU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BSU_REQUIRE_KEYS", raising=False)
    monkeypatch.setattr(cli_keys, "access_state", lambda: Access.KEYS)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: handed.update(app=app, **kw))
    done = CliRunner().invoke(cli.app, ["serve", "--host", host, "--port", "1"])
    assert done.exit_code == 0, done.output
    return handed["app"], handed


@pytest.mark.parametrize(("host", "required"), [("0.0.0.0", True), ("127.0.0.1", False)])
def test_serve_hands_its_settings_to_the_app_factory_not_the_environment(
    host: str, required: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bsu.api.app import app_factory

    factory, options = _serve(host, tmp_path, monkeypatch)
    assert options["factory"] is True
    assert isinstance(factory, functools.partial) and factory.func is app_factory
    (settings,) = factory.args
    assert isinstance(settings, Settings)
    assert settings.require_keys is required  # off loopback, keys are required
    assert settings.data_dir == tmp_path / "data"
    assert "BSU_REQUIRE_KEYS" not in os.environ


@pytest.mark.parametrize("wanted", ["xlsxwriter", "rustpy"])
def test_bsu_check_writes_with_the_library_bsu_xlsx_writer_names(
    wanted: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bsu.cli import app as cli
    from bsu.results import xlsx

    used: list[str] = []
    for library in ("rustpy", "xlsxwriter"):
        real = getattr(xlsx, f"_write_{library}")
        monkeypatch.setattr(
            xlsx,
            f"_write_{library}",
            lambda *a, _real=real, _name=library: (used.append(_name), _real(*a)),
        )
    monkeypatch.setenv("BSU_XLSX_WRITER", wanted)
    monkeypatch.setenv("BSU_DATA_DIR", str(tmp_path / "data"))
    roster = Path(__file__).resolve().parents[2] / "samples" / "roster-clean.xlsx"
    out = tmp_path / "hasil.xlsx"
    done = CliRunner().invoke(cli.app, ["check", str(roster), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert used == [wanted] and out.is_file()


def test_the_worker_writes_with_the_library_the_settings_name() -> None:
    from bsu.service.jobs import Worker

    settings = Settings(xlsx_writer="xlsxwriter", rules_dir=Path("/srv/aturan"))
    worker = Worker.configured(settings, sessions=None, engine=None)  # type: ignore[arg-type]
    assert (worker.xlsx_writer, worker.rules_dir) == ("xlsxwriter", Path("/srv/aturan"))
