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
