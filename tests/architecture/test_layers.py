"""The shape of the code: a pure core, a documented CLI, an exact public API."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import bsu
from tests.cli.conftest import ROOT, run

EDGE_LIBRARIES = {
    "openpyxl",
    "python_calamine",
    "xlsxwriter",
    "sqlalchemy",
    "fastapi",
    "typer",
    "rich",
    "httpx",
    "uvicorn",
    "alembic",
    "psycopg",
}


def test_the_core_imports_no_io_library() -> None:
    code = (
        "import bsu.core.engine, bsu.core.explain, bsu.core.ruleset, sys;"
        " print(sorted(sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = {name.split(".")[0] for name in eval(done.stdout)}  # our own output
    assert loaded & EDGE_LIBRARIES == set()


def test_public_api_is_exact() -> None:
    assert sorted(bsu.__all__) == [
        "Decisions",
        "Outcome",
        "ReasonCode",
        "RuleSet",
        "Status",
        "evaluate",
        "load_ruleset",
    ]
    for name in bsu.__all__:
        assert hasattr(bsu, name)


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = (
        ["check"],
        ["rules", "list"],
        ["rules", "show"],
        ["serve"],
        ["db", "upgrade"],
        ["registry", "import"],
        ["registry", "status"],
        ["exclusions", "import"],
        ["coverage"],
        ["keys", "create"],
        ["keys", "list"],
        ["keys", "revoke"],
        ["keys", "open-local"],
        ["worker"],
        ["purge"],
    )
    for command in commands:
        done = run(*command, "--help")
        assert done.returncode == 0, done.stderr
        assert "Usage" in done.stdout
        assert f"bsu {' '.join(command)}" in readme


def test_readme_commands_are_the_ci_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, flags=re.S)
    test_command = next(b for b in blocks if "tools/test.sh" in b).strip()
    assert test_command in ci
    assert "pytest" in (ROOT / "tools" / "test.sh").read_text(encoding="utf-8")


def test_no_full_nik_in_log_calls() -> None:
    offenders = [
        f"{path}:{n}"
        for path in Path(ROOT / "bsu").rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"log(ger)?\.\w+\(.*nik", line, flags=re.I) and "mask" not in line
    ]
    assert offenders == []


# What each layer (folder of bsu/) may import besides itself, read off the import graph:
# the pure core sees only value parsers and the error tree; readers and writers know
# nothing of the service, the store or the edges; only the edges (api, cli) see everything.
ALLOWED_LAYERS = {
    "errors": set(),
    "values": {"errors"},
    "core": {"values", "errors"},
    "rosters": {"core", "values", "errors"},
    "results": {"core", "values", "errors", "rosters"},
    "coverage": {"core", "values", "errors", "results"},
    "store": {"core", "values", "errors", "privacy"},
    "privacy": {"service"},
    "service": {"core", "values", "errors", "rosters", "results", "coverage", "store", "privacy"},
}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_each_layer_imports_only_the_layers_below_it() -> None:
    from tests.architecture.test_imports import PACKAGE as package
    from tests.architecture.test_imports import graph

    crossings = sorted(
        f"{module} -> {target}"
        for module, targets in graph(package).items()
        if _layer(module) in ALLOWED_LAYERS
        for target in targets
        if _layer(target) not in {_layer(module), *ALLOWED_LAYERS[_layer(module)]}
    )
    assert crossings == []


def test_the_top_level_holds_only_a_handful_of_modules() -> None:
    package = Path(bsu.__file__).resolve().parent
    assert sorted(p.name for p in package.glob("*.py")) == [
        "__init__.py",
        "__main__.py",
        "errors.py",
    ]
