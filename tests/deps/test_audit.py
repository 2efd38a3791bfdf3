"""The dependency audit fails on a known-vulnerable version of what parses user input, and
passes on the versions installed: pip-audit itself when its vulnerability service answers,
and tools/audit.sh (what CI runs) in either case."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIP_AUDIT = Path(sys.executable).with_name("pip-audit")
VULNERABLE = "starlette==0.27.0\npython-multipart==0.0.6\n"
ADVISORY = re.compile(r"\b(GHSA-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}|PYSEC-\d+-\d+|CVE-\d+-\d+)\b")


def _requirements(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "requirements.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)


def test_pip_audit_names_the_vulnerabilities_of_pinned_versions(tmp_path: Path) -> None:
    done = _run(
        str(PIP_AUDIT),
        "--progress-spinner",
        "off",
        "--no-deps",
        "--disable-pip",
        "-r",
        str(_requirements(tmp_path, VULNERABLE)),
    )
    output = done.stdout + done.stderr
    if not ADVISORY.search(output):
        pytest.skip(
            "pip-audit's vulnerability service is unreachable from this machine (it could not "
            "audit starlette 0.27.0, a version with published advisories): "
            + " | ".join(line for line in output.splitlines() if "audited" in line)[:300]
        )
    assert done.returncode != 0, output
    assert "starlette" in output and "python-multipart" in output


def test_the_ci_audit_fails_on_known_vulnerable_versions_and_names_them(tmp_path: Path) -> None:
    done = _run("bash", "tools/audit.sh", "-r", str(_requirements(tmp_path, VULNERABLE)))
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    for package in ("starlette", "python-multipart"):
        named = [line for line in output.splitlines() if package in line]
        assert any(ADVISORY.search(line) for line in named), output


def test_the_ci_audit_passes_the_installed_parsers(tmp_path: Path) -> None:
    from importlib.metadata import version

    pins = "".join(
        f"{name}=={version(name)}\n"
        for name in ("starlette", "python-multipart", "openpyxl", "defusedxml")
    )
    done = _run("bash", "tools/audit.sh", "-r", str(_requirements(tmp_path, pins)))
    assert done.returncode == 0, done.stdout + done.stderr
