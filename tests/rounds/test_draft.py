"""A draft rule set (``status: draft``, a round announced but not set in a regulation) is
usable, and every output made under it says so first, with the reason: the terminal, the
JSON, the workbook, the trace, the API's answers and the upload page. The CSV, a table for
programs, carries no banner (README); it says so on stderr. No draft ships in ``rules/``.

The draft is written by each test: the shipped bsu-2025 and its tables, copied to a
folder of the test's own with ``status: draft`` and a reason."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bsu.core.ruleset import available, load_ruleset, rules_dir
from bsu.core.words import say
from tests.cli.conftest import BSU, ROOT
from tests.servers import start_server, wait_for

ROSTER = ROOT / "samples" / "roster-clean.xlsx"
REASON = {
    "id": "Kriteria putaran ini belum diterbitkan dalam peraturan menteri.",
    "en": "The criteria of this round are not published in a ministerial regulation yet.",
}
HEAD = 'id: bsu-2025\nversion: "2025.1"\n'
LANGS = ("id", "en")


def _rules(folder: Path, draft: bool, reason: bool = True) -> Path:
    """bsu-2025 and its tables copied to ``folder`` as ``bsu-next``, a draft or final."""
    shipped = rules_dir()
    spec = load_ruleset("bsu-2025").spec
    folder.mkdir(parents=True, exist_ok=True)
    for name in (spec.tables.regions, spec.tables.minimum_wages or ""):
        shutil.copy(shipped / name, folder / name)
    text = (shipped / "bsu-2025.yaml").read_text(encoding="utf-8")
    assert text.count(HEAD) == 1
    head = 'id: bsu-next\nversion: "2026.0"\n'
    if draft:
        head += "status: draft\n"
        if reason:
            head += f"draft_reason:\n  id: {REASON['id']}\n  en: {REASON['en']}\n"
    (folder / "bsu-next.yaml").write_text(text.replace(HEAD, head), encoding="utf-8")
    return folder / "bsu-next.yaml"


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    return _rules(tmp_path / "draft", draft=True)


@pytest.fixture
def final(tmp_path: Path) -> Path:
    return _rules(tmp_path / "final", draft=False)


def _banner(lang: str) -> str:
    return say("results_draft_banner", lang, ruleset="bsu-next 2026.0", reason=REASON[lang])  # type: ignore[arg-type]


def run(*args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The real console script, in a fresh process, with an empty data folder of its own
    (no store: no evidence)."""
    return subprocess.run(
        [str(BSU), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "COLUMNS": "200",
            "LANG": "C.UTF-8",
            "BSU_DATA_DIR": tempfile.mkdtemp(prefix="bsu-draft-"),
            **env,
        },
    )


def test_no_draft_ships() -> None:
    """No sourced criteria exist for the next round (research findings 2026-12, section
    7): every shipped rule set is final."""
    for round_id in available():
        assert not load_ruleset(round_id).draft, round_id


def test_a_draft_without_its_reason_is_refused(tmp_path: Path) -> None:
    done = run("check", ROSTER, "--rules", _rules(tmp_path, draft=True, reason=False))
    assert done.returncode == 2
    assert "draft_reason" in done.stderr


@pytest.mark.parametrize("lang", LANGS)
def test_the_terminal_summary_opens_with_the_banner(draft: Path, final: Path, lang: str) -> None:
    done = run("check", ROSTER, "--rules", draft, "--lang", lang)
    assert done.returncode == 0, done.stderr
    first = next(line for line in done.stdout.splitlines() if line.strip())
    assert first.strip() == _banner(lang)
    plain = run("check", ROSTER, "--rules", final, "--lang", lang)
    assert plain.returncode == 0, plain.stderr
    assert REASON[lang] not in plain.stdout and "DRAF" not in plain.stdout


@pytest.mark.parametrize("lang", LANGS)
def test_json_carries_the_status_the_reason_and_the_banner(
    draft: Path, final: Path, lang: str
) -> None:
    done = run("check", ROSTER, "--rules", draft, "--format", "json", "--lang", lang)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["ruleset"] == {
        "id": "bsu-next",
        "version": "2026.0",
        "status": "draft",
        "draft_reason": REASON[lang],
    }
    assert doc["banner"] == _banner(lang)
    assert _banner(lang) in done.stderr, "a person reading the terminal sees it too"
    plain = json.loads(run("check", ROSTER, "--rules", final, "--format", "json").stdout)
    assert plain["ruleset"]["status"] == "final" and "banner" not in plain


def test_the_csv_stays_a_clean_table_and_the_banner_goes_to_stderr(
    draft: Path, final: Path
) -> None:
    done = run("check", ROSTER, "--rules", draft, "--format", "csv")
    plain = run("check", ROSTER, "--rules", final, "--format", "csv")
    assert done.returncode == plain.returncode == 0, done.stderr
    assert done.stdout == plain.stdout, "the same table under a draft and a final rule set"
    assert _banner("id") in done.stderr and "DRAF" not in plain.stderr


def test_the_trace_names_the_draft_in_both_languages(draft: Path) -> None:
    done = run("check", ROSTER, "--rules", draft, "--format", "trace")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["ruleset"]["status"] == "draft"
    assert doc["ruleset"]["draft_reason"] == REASON
    assert doc["banner"] == {lang: _banner(lang) for lang in LANGS}


@pytest.mark.parametrize("writer", ["rustpy", "xlsxwriter"])
@pytest.mark.parametrize("lang", LANGS)
def test_every_sheet_of_the_workbook_shows_the_banner_first(
    draft: Path, tmp_path: Path, writer: str, lang: str
) -> None:
    out = tmp_path / "hasil.xlsx"
    done = run(
        "check", ROSTER, "--rules", draft, "--out", out, "--lang", lang, BSU_XLSX_WRITER=writer
    )
    assert done.returncode == 0, done.stderr
    book = load_workbook(out, read_only=False)
    summary, *sheets = book.worksheets
    assert summary["A2"].value == _banner(lang), "Ringkasan: right under the title"
    assert sheets, book.sheetnames
    heading = say("results_column_source", lang)  # type: ignore[arg-type]
    for sheet in sheets:
        assert sheet["A1"].value == _banner(lang), sheet.title
        assert sheet["A2"].value == heading, sheet.title
        assert sheet.freeze_panes == "A3", sheet.title


@pytest.fixture
def draft_server(draft: Path, tmp_path: Path) -> Any:
    url = f"sqlite:///{tmp_path / 'bsu.db'}"
    server = start_server(
        tmp_path / "data", url, BSU_RULES_DIR=str(draft.parent), BSU_RULESET="bsu-next"
    )
    try:
        yield server
    finally:
        server.stop()


def test_the_api_answers_say_the_rule_set_is_a_draft(draft_server: Any) -> None:
    with draft_server.client(headers={"Accept-Language": "en"}) as c:
        one = c.post("/v1/check", json={"nik": "3275014101900001", "wage": 3_000_000})
        assert one.status_code == 200, one.text
        assert one.json()["ruleset"] == {
            "id": "bsu-next",
            "version": "2026.0",
            "status": "draft",
            "draft_reason": REASON["en"],
        }
        many = c.post("/v1/check/batch", json=[{"nik": "3275014101900001"}]).json()
        assert many["data"][0]["ruleset"]["status"] == "draft"

        sent = c.post("/v1/batches", files={"file": (ROSTER.name, ROSTER.read_bytes())})
        assert sent.status_code == 202, sent.text
        for answer in (sent.json(), wait_for(c, sent.headers["location"], {"done", "failed"})):
            assert answer["ruleset"]["status"] == "draft"
            assert answer["ruleset"]["draft_reason"] == REASON["en"]
            assert answer["ruleset"]["banner"] == _banner("en")
        indonesian = c.get(sent.headers["location"], headers={"Accept-Language": "id"}).json()
        assert indonesian["ruleset"]["banner"] == _banner("id")
        listed = c.get("/v1/batches").json()["data"]
        assert listed[0]["ruleset"]["status"] == "draft"
        trace = c.get(sent.json()["links"]["trace"]).json()
        assert trace["banner"] == {lang: _banner(lang) for lang in LANGS}

        page = c.get("/").text
        assert 'id="draft-banner"' in page
        script = c.get("/static/app.js").text
        assert 'rules.status === "draft"' in script and "rules.banner" in script
