"""``bsu coverage import-universe`` and ``bsu coverage import-targets`` through the real
console script, on a real store in BSU_DATA_DIR; ``bsu coverage ROSTER`` beside them is
covered by tests/coverage/test_cli.py."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.cli.conftest import BSU

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "coverage"
SYNTHETIC = "contoh sintetis, bukan data BPS"


def bsu(*args: str | Path, data: Path) -> subprocess.CompletedProcess[str]:
    """The console script in a fresh process whose store lives in ``data``."""
    return subprocess.run(
        [str(BSU), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "COLUMNS": "200",
            "LANG": "C.UTF-8",
            "HOME": str(data),
            "BSU_DATA_DIR": str(data),
        },
    )


def universe(data: Path, *extra: str, path: Path = SAMPLES / "universe.csv"):
    return bsu(
        "coverage", "import-universe", path, "--source", SYNTHETIC, "--as-of", "2024-08-01",
        *extra, data=data,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "loaded", "skipped", "again"),
    [
        (
            [],
            "universe.csv: semesta pekerja 4 wilayah dimuat (sumber: contoh sintetis, bukan "
            "data BPS; data per 2024-08-01).",
            "1 baris jumlah (Total, Jumlah, Indonesia) dilewati.",
            "universe.csv: sudah pernah dimuat dengan sumber dan tanggal yang sama, tidak ada "
            "perubahan (4 baris).",
        ),
        (
            ["--lang", "en"],
            "universe.csv: the workforce universe of 4 regions loaded (source: contoh "
            "sintetis, bukan data BPS; as of 2024-08-01).",
            "1 total rows (Total, Jumlah, Indonesia) skipped.",
            "universe.csv: already imported with the same source and date, nothing changed "
            "(4 rows).",
        ),
    ],
)
def test_import_universe_says_what_it_loaded_in_the_chosen_language(
    tmp_path: Path, lang: list[str], loaded: str, skipped: str, again: str
) -> None:
    done = universe(tmp_path, *lang)
    assert done.returncode == 0, done.stderr
    assert loaded in done.stdout and skipped in done.stdout
    assert done.stderr == ""
    repeated = universe(tmp_path, *lang)
    assert repeated.returncode == 0, repeated.stderr
    assert repeated.stdout.strip() == again


def test_a_universe_of_totals_says_it_has_no_pu_bpu_split(tmp_path: Path) -> None:
    table = tmp_path / "semesta.csv"
    table.write_text("Kabupaten/Kota,Semesta\nKota Singkawang,40\n", encoding="utf-8")
    done = universe(tmp_path / "data", "--lang", "en", path=table)
    assert done.returncode == 0, done.stderr
    assert "gives only a total universe per region (no PU/BPU split)" in done.stdout


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ([], "targets.csv: 6 target dimuat (sumber: Contoh)."),
        (["--lang", "en"], "targets.csv: 6 targets loaded (source: Contoh)."),
    ],
)
def test_import_targets(tmp_path: Path, lang: list[str], words: str) -> None:
    path = SAMPLES / "targets.csv"
    done = bsu("coverage", "import-targets", path, "--source", "Contoh", *lang, data=tmp_path)
    assert done.returncode == 0, done.stderr
    assert words in done.stdout


@pytest.mark.parametrize(
    ("command", "table", "words"),
    [
        (
            ["import-universe", "--source", "x", "--as-of", "2024-08-01"],
            "Kabupaten/Kota;PU;BPU\nKota Singkawang;1;2\nKota Atlantis;3;4\n",
            (
                "buruk.csv, baris 3, kolom 'Kabupaten/Kota': 'Kota Atlantis' bukan kabupaten",
                "buruk.csv, row 3, column 'Kabupaten/Kota': 'Kota Atlantis' is no regency",
            ),
        ),
        (
            ["import-universe", "--source", "x", "--as-of", "2024-08-01"],
            "Kabupaten/Kota;PU;BPU\nKota Singkawang;-1;2\n",
            ("baris 2, kolom 'PU': '-1' negatif", "row 2, column 'PU': '-1' is negative"),
        ),
        (
            ["import-targets", "--source", "x"],
            "Wilayah;Tahun;Target (%)\nNasional;2025;32,15 persen\n",
            (
                "baris 2, kolom 'Target (%)': '32,15 persen' bukan persentase",
                "row 2, column 'Target (%)': '32,15 persen' is not a percentage",
            ),
        ),
        (
            ["import-targets", "--source", " "],
            "Wilayah;Tahun;Target (%)\nNasional;2025;32\n",
            ("Sumber data kosong", "The source is empty"),
        ),
    ],
)
def test_a_refused_table_is_exit_2_with_its_words_and_nothing_else(
    tmp_path: Path, command: list[str], table: str, words: tuple[str, str]
) -> None:
    path = tmp_path / "buruk.csv"
    path.write_text(table, encoding="utf-8")
    done = bsu("coverage", command[0], path, *command[1:], data=tmp_path / "data")
    assert done.returncode == 2
    said = " ".join(done.stderr.split())
    assert f"Galat: {words[0]}" in said or words[0] in said
    assert words[1] in said and "Error:" in said
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("args", "missing"),
    [
        (["import-universe", "u.csv", "--as-of", "2024-08-01"], "--source"),
        (["import-universe", "u.csv", "--source", "BPS"], "--as-of"),
        (["import-targets", "t.csv"], "--source"),
    ],
)
def test_the_source_and_the_date_are_required(
    tmp_path: Path, args: list[str], missing: str
) -> None:
    done = bsu("coverage", *args, data=tmp_path)
    assert done.returncode == 2
    assert f"Missing option '{missing}'" in done.stderr
    assert f"Usage: bsu coverage {args[0]} [OPTIONS]" in done.stderr
    assert not (tmp_path / "bsu.db").exists()


def test_the_help_lists_the_imports_beside_the_rosters(tmp_path: Path) -> None:
    done = bsu("coverage", "--help", data=tmp_path)
    assert done.returncode == 0
    assert "import-universe" in done.stdout and "import-targets" in done.stdout
    assert "rosters" in done.stdout
