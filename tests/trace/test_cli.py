"""``bsu check --format trace``: the audit record of a run, through the real command."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from pathlib import Path

import pytest

from bsu import __version__
from bsu.core.ruleset import load_ruleset, rules_dir
from bsu.results.trace import SCHEMA, ruleset_sha256
from tests.cli.conftest import ROOT
from tests.trace.conftest import Run, canonical, without_created_at

SAMPLES = ROOT / "samples"
RULES = load_ruleset("bsu-2025")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _trace(cli: Run, *args: str | Path) -> tuple[str, dict]:
    done = cli("check", *args, "--format", "trace")
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(done.stdout)


def test_two_runs_on_the_same_inputs_give_the_same_bytes_but_for_created_at(
    cli: Run, rosters: list[Path], tmp_path: Path
) -> None:
    first = tmp_path / "jejak-1.json"
    done = cli("check", *rosters, "--format", "trace", "--out", first)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "", "the trace went to --out; stdout stays empty"
    assert str(first) in done.stderr
    assert not list(tmp_path.glob("*.xlsx")), "--format trace writes no workbook"
    time.sleep(1.1)  # a second later: any other clock reading would show
    second, _ = _trace(cli, *rosters)
    text = first.read_text(encoding="utf-8")
    assert text != second or "created_at" not in text
    assert without_created_at(text) == without_created_at(second)
    # Written as documented: keys sorted, fixed separators, one line end.
    assert canonical(json.loads(text)) == text


def test_the_trace_says_what_the_decisions_were_made_from(cli: Run, rosters: list[Path]) -> None:
    _, doc = _trace(cli, *rosters)
    assert doc["schema"] == SCHEMA == "bsu.trace.v1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", doc["created_at"])
    assert doc["engine"] == {"name": "bsu", "version": __version__}

    rules = doc["ruleset"]
    assert (rules["id"], rules["version"], rules["status"]) == ("bsu-2025", "2025.1", "final")
    assert rules["draft_reason"] is None and doc["banner"] is None
    assert rules["sha256"] == ruleset_sha256(RULES)
    shipped = rules_dir()
    assert rules["files"] == [
        {"file": name, "sha256": _sha256(shipped / name)}
        for name in sorted(
            ["bsu-2025.yaml", RULES.spec.tables.regions, RULES.spec.tables.minimum_wages or ""]
        )
    ]
    assert rules["effective"] == {"from": "2025-06-01", "to": "2025-12-31"}
    assert rules["benefit"] == {
        "months": 2,
        "monthly_idr": 300_000,
        "total_idr": 600_000,
        "formula": "2 x Rp300.000 = Rp600.000",
    }
    assert [p["name"] for p in rules["parameters"]] == sorted(RULES.spec.parameters)
    for entry in rules["parameters"]:
        declared = RULES.spec.parameters[entry["name"]]
        assert entry["citation"] == declared.citation
        assert entry["confirmed"] is declared.confirmed
        assert entry["source_url"] == declared.source_url
        assert entry["note"] == declared.note
    cutoff = next(p for p in rules["parameters"] if p["name"] == "participation_cutoff")
    assert cutoff["value"] == "2025-04-30"
    assert [c["id"] for c in rules["criteria"]] == [c.id for c in RULES.criteria()]
    assert [d["id"] for d in rules["defaults"]] == sorted(RULES.spec.defaults)
    assert rules["minimum_wages"]["file"] == RULES.spec.tables.minimum_wages
    assert rules["minimum_wages"]["year"] == 2025

    assert [i["file"] for i in doc["inputs"]] == ["pt-satu.xlsx", "pt-dua.csv"]
    assert doc["evidence"] == []
    assert doc["summary"]["total"] == len(doc["rows"]) == 5


def test_each_input_is_named_with_its_hash_and_how_it_was_read(
    cli: Run, rosters: list[Path]
) -> None:
    _, doc = _trace(cli, *rosters)
    assert [(i["file"], i["sha256"]) for i in doc["inputs"]] == [
        (p.name, _sha256(p)) for p in rosters
    ]
    sheet = doc["inputs"][0]["sheets"][0]
    assert (sheet["sheet"], sheet["header_row"], sheet["rows"]) == ("Pekerja", 1, 4)
    assert sheet["columns"]["nik"] == "NIK" and sheet["columns"]["wage"] == "Upah"
    assert doc["inputs"][1]["sheets"][0]["rows"] == 1


def test_every_row_carries_its_reasons_and_a_check_of_every_criterion(
    cli: Run, rosters: list[Path]
) -> None:
    _, doc = _trace(cli, *rosters)
    criteria = [c.id for c in RULES.criteria()]
    rows = {(r["source"], r["row"]): r for r in doc["rows"]}
    for row in doc["rows"]:
        assert [c["criterion"] for c in row["checks"]] == criteria
        assert isinstance(row["nik"], str) and len(row["nik"]) == 16
        failed = {c["criterion"] for c in row["checks"] if c["outcome"] != "pass"}
        assert bool(failed) == bool(row["reasons"]) == (row["status"] != "eligible")
    eligible = rows[("pt-satu.xlsx", 2)]
    assert (eligible["status"], eligible["reasons"], eligible["benefit"]) == (
        "eligible",
        [],
        600_000,
    )
    assert eligible["nik"] == "3275014101900001"
    above = rows[("pt-satu.xlsx", 3)]
    assert above["reasons"] == ["WAGE_ABOVE_CAP"] and above["benefit"] == 0
    assert rows[("pt-satu.xlsx", 4)]["reasons"] == ["PARTICIPANT_NOT_ACTIVE"]
    assert rows[("pt-dua.csv", 2)]["sheet"] is None
    reasons = doc["summary"]["reasons"]
    assert reasons["WAGE_ABOVE_CAP"] == 1 and reasons["PARTICIPANT_NOT_ACTIVE"] == 1


@pytest.mark.parametrize("changed", ["bsu-2025.yaml", "regions", "minimum_wages"])
def test_the_rule_set_hash_changes_with_any_of_its_files(tmp_path: Path, changed: str) -> None:
    shipped = rules_dir()
    copied = tmp_path / "rules"
    copied.mkdir()
    names = ["bsu-2025.yaml", RULES.spec.tables.regions, RULES.spec.tables.minimum_wages or ""]
    for name in names:
        shutil.copy(shipped / name, copied / name)
    same = load_ruleset("bsu-2025", copied)
    assert ruleset_sha256(same) == ruleset_sha256(RULES), "the hash is of bytes, not of paths"
    name = changed if changed.endswith(".yaml") else getattr(RULES.spec.tables, changed)
    with (copied / name).open("a", encoding="utf-8") as f:
        f.write("\n" if name.endswith(".csv") else "# a comment\n")
    other = tmp_path / "other"
    shutil.copytree(copied, other)  # a new path: the loader's cache does not answer
    assert ruleset_sha256(load_ruleset("bsu-2025", other)) != ruleset_sha256(RULES)


def test_the_evidence_imports_used_are_named_with_their_hashes_and_dates(cli: Run) -> None:
    extract = SAMPLES / "registry-extract.csv"
    pkh = SAMPLES / "exclusions-pkh.csv"
    loaded = cli("registry", "import", extract, "--as-of", "2025-05-02")
    assert loaded.returncode == 0, loaded.stderr
    listed = cli(
        "exclusions",
        "import",
        "--list",
        "pkh",
        pkh,
        "--source",
        "Kemensos",
        "--as-of",
        "2025-06-01",
    )
    assert listed.returncode == 0, listed.stderr
    text, doc = _trace(cli, SAMPLES / "roster-clean.xlsx")
    assert doc["evidence"] == [
        {
            "kind": "list:pkh",
            "label": "PKH 2025-06-01 (Kemensos)",
            "as_of": "2025-06-01",
            "file": pkh.name,
            "sha256": _sha256(pkh),
            "source": "Kemensos",
            "scope": "all",
        },
        {
            "kind": "registry",
            "label": "2025-05-02",
            "as_of": "2025-05-02",
            "file": extract.name,
            "sha256": _sha256(extract),
            "source": None,
            "scope": "all",
        },
    ]
    # The rows judged on it say so, criterion by criterion.
    evidence = {c["evidence"] for r in doc["rows"] for c in r["checks"]}
    assert {"registry", "list:pkh"} <= evidence
    again, _ = _trace(cli, SAMPLES / "roster-clean.xlsx")
    assert without_created_at(text) == without_created_at(again)
