"""``--rules`` on the command line (issue 11, item 4): an id is looked up in the rules
folder and never walks directories; a value ending in ``.yaml``/``.yml`` is the user's own
rule file, on their own machine, loaded on purpose, and its errors may quote it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

BSU = Path(sys.executable).with_name("bsu")
ROOT = Path(__file__).resolve().parents[2]
ROSTER = ROOT / "samples" / "roster-clean.xlsx"
VALID = ("bsu-2020", "bsu-2021", "bsu-2022", "bsu-2025")


def run(*args: str | Path, rules: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "COLUMNS": "200",
        "LANG": "C.UTF-8",
        "BSU_DATA_DIR": tempfile.mkdtemp(prefix="bsu-cli-"),
    }
    if rules is not None:
        env["BSU_RULES_DIR"] = str(rules)
    return subprocess.run(
        [str(BSU), *map(str, args)], capture_output=True, text=True, timeout=120, env=env
    )


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """(rules folder, a valid rule set "stolen" outside it at ../outside/stolen.yaml)."""
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    outside = tmp_path / "outside"
    outside.mkdir()
    text = (ROOT / "rules" / "bsu-2025.yaml").read_text(encoding="utf-8")
    text = text.replace("id: bsu-2025\n", "id: stolen\n", 1)
    for table in ("regions_kemendagri_2025.csv", "minimum_wages_2025.csv"):
        text = text.replace(table, str(folder / table))
    (outside / "stolen.yaml").write_text(text, encoding="utf-8")
    return folder, outside / "stolen.yaml"


def _refused(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.returncode, done.stdout[-500:], done.stderr)
    assert "Traceback" not in done.stderr
    return done.stderr


@pytest.mark.parametrize(
    "value",
    [
        "../outside/stolen",
        "../../../../../../../../../../{tmp}/outside/stolen",
        "/{tmp}/outside/stolen",
        "..\\outside\\x",
    ],
    ids=["relative", "deep", "absolute without suffix", "backslashes"],
)
def test_an_id_never_walks_directories(layout: tuple[Path, Path], value: str) -> None:
    folder, stolen = layout
    value = value.format(tmp=str(stolen.parents[1]).lstrip("/"))
    done = run("check", ROSTER, "--rules", value, "--format", "json", rules=folder)
    said = _refused(done)
    assert all(v in said for v in VALID), said
    assert '"stolen"' not in done.stdout


def test_rules_show_and_coverage_take_ids_the_same_way(layout: tuple[Path, Path]) -> None:
    folder, _ = layout
    for args in (
        ("rules", "show", "../outside/stolen"),
        ("coverage", ROSTER, "--rules", "../outside/stolen"),
    ):
        said = _refused(run(*args, rules=folder))
        assert "bsu-2025" in said, (args, said)


def test_the_users_own_rule_file_is_loaded_on_purpose(layout: tuple[Path, Path]) -> None:
    folder, stolen = layout
    done = run("check", ROSTER, "--rules", stolen, "--format", "json", rules=folder)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ruleset"]["id"] == "stolen"
    shown = run("rules", "show", stolen, rules=folder)
    assert shown.returncode == 0 and "stolen" in shown.stdout, shown.stderr


def test_the_users_own_file_missing_or_broken_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "mine.yaml"
    said = _refused(run("check", ROSTER, "--rules", missing))
    assert str(missing) in said
    missing.write_text("id: mine\nwage: lots\n", encoding="utf-8")
    said = _refused(run("check", ROSTER, "--rules", missing))
    assert str(missing) in said and "version" in said  # the user's own file: quoted freely


# --- bsu rules show: what is assumed, quoted and noted -------------------------------------


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        (
            "id",
            [
                "Bantuan per pekerja: 2 bulan x Rp300.000 = Rp600.000",
                "Tabel upah minimum: minimum_wages_2025.csv (tahun 2025,",
                'Bunyi pasal: "terdiri atas upah pokok dan tunjangan tetap"',
                "Catatan: NIK yang sah tidak membuktikan WNI",
                "Anggapan untuk isian kosong",
                "- category_blank_is_pu: isian 'Kategori' yang kosong dianggap Penerima Upah (PU)",
                "Alasan: Roster pemberi kerja memuat pekerjanya sendiri",
                "Dasar hukum: Permenaker No. 10 Tahun 2022 jo. Permenaker No. 5 Tahun 2025, "
                "Pasal 3 ayat (2) huruf e (belum dikonfirmasi)",
            ],
        ),
        (
            "en",
            [
                "Benefit per worker: 2 months x Rp300.000 = Rp600.000",
                "Minimum-wage table: minimum_wages_2025.csv (year 2025,",
                'The article\'s words: "terdiri atas upah pokok dan tunjangan tetap"',
                "Assumptions for empty cells",
                "- pkh_blank_is_not_recipient: an empty 'PKH recipient' cell is taken as not a "
                "PKH recipient",
                "Why: Employers seldom know their workers' social aid",
            ],
        ),
    ],
)
def test_rules_show_says_what_is_assumed_quoted_and_noted(lang: str, lines: list[str]) -> None:
    done = run("rules", "show", "bsu-2025", "--lang", lang)
    assert done.returncode == 0, done.stderr
    shown = [line.strip() for line in done.stdout.splitlines()]
    for expected in lines:
        assert any(line.startswith(expected) for line in shown), expected
    note = "Tidak ditemukan sumber UMK 2025 untuk: Kabupaten Morowali Utara"
    assert note in " ".join(shown)
    for name in ("nationality_blank_not_stated", "fixed_allowance_blank_is_none"):
        assert any(line.startswith(f"- {name}:") for line in shown), name
    assert not any("DRAF" in line or "DRAFT" in line for line in shown)


def test_rules_show_puts_a_draft_banner_first(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    path = folder / "bsu-2025.yaml"
    text = path.read_text(encoding="utf-8")
    draft = (
        "status: draft\ndraft_reason:\n"
        "  id: Peraturan putaran ini belum terbit.\n"
        "  en: This round's regulation is not out yet.\n"
    )
    path.write_text(text.replace("citation_prefix:", draft + "citation_prefix:", 1), "utf-8")
    for lang, banner, reason in (
        ("id", "DRAF:", "Peraturan putaran ini belum terbit."),
        ("en", "DRAFT:", "This round's regulation is not out yet."),
    ):
        done = run("rules", "show", "bsu-2025", "--lang", lang, rules=folder)
        assert done.returncode == 0, done.stderr
        first, second = done.stdout.splitlines()[:2]
        assert first.startswith(banner) and second == reason
