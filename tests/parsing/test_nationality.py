"""vocabulary.nationality: how rosters and extracts write citizenship. A foreign country is
a foreign national (WNA); a blank or a dash is not stated; anything else is not guessed."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bsu.values import vocabulary


def _one(value: object) -> tuple[object, bool]:
    parsed, empty = vocabulary.nationality(pd.Series([value], dtype=object))
    return parsed.iloc[0], bool(empty.iloc[0])


@pytest.mark.parametrize(
    "raw",
    [
        "WNI", "wni", " WNI ", "W.N.I.", "Indonesia", "INDONESIA", "Indonesian", "ID", "IDN",
        "Warga Negara Indonesia", "WN Indonesia", "Republik Indonesia", "WNI (Indonesia)",
        "Kewarganegaraan: WNI", "Bukan WNA", "Non-WNA",
    ],
)  # fmt: skip
def test_citizens(raw: str) -> None:
    assert _one(raw) == ("wni", False)


@pytest.mark.parametrize(
    "raw",
    [
        "WNA", "wna", "W.N.A.", "Asing", "Warga Negara Asing", "WN Asing", "Foreigner", "Expat",
        "TKA", "Tenaga Kerja Asing", "Non WNI", "Bukan WNI",
        # Countries foreign workers in Indonesia most often come from, as people write them.
        "China", "Tiongkok", "RRC", "People's Republic of China", "Jepang", "Japan",
        "Japanese", "Korea", "Korea Selatan", "South Korea", "Republic of Korea", "India",
        "Malaysia", "Singapura", "Singapore", "Filipina", "Philippines", "Australia",
        "Amerika", "Amerika Serikat", "USA", "United States", "Inggris", "Taiwan",
        "Thailand", "Vietnam", "Jerman", "Belanda", "WNA Jepang", "WN Jepang", "Jepang (WNA)",
    ],
)  # fmt: skip
def test_foreign_nationals(raw: str) -> None:
    assert _one(raw) == ("wna", False)


@pytest.mark.parametrize("raw", ["", " ", None, float("nan"), "-", "--", "–", "—"])
def test_blank_and_dashes_are_not_stated(raw: object) -> None:
    parsed, empty = _one(raw)
    assert pd.isna(parsed)
    assert empty is True


@pytest.mark.parametrize(
    "raw",
    [
        "WNI/WNA",  # both answers
        "WNI Jepang",  # a citizen and a foreign country: not guessed
        "Tionghoa",  # an ethnicity of Indonesian citizens, not a nationality
        "Chinese",  # ethnicity as often as nationality
        "?",
        "N/A",
        "Negara",
        "Dwi kewarganegaraan",
        "Mars",
        "1",
    ],
)
def test_values_not_recognised_are_not_guessed(raw: str) -> None:
    parsed, empty = _one(raw)
    assert pd.isna(parsed)
    assert empty is False


def test_a_column_keeps_its_index_and_order() -> None:
    values = pd.Series(["WNI", "", "Jepang", "x", "WNI"], index=[10, 11, 12, 13, 10])
    parsed, empty = vocabulary.nationality(values)
    assert list(parsed.index) == [10, 11, 12, 13, 10]
    assert parsed.tolist()[0::2] == ["wni", "wna", "wni"]
    assert empty.tolist() == [False, True, False, False, False]


_cells = st.one_of(st.text(), st.none(), st.floats(), st.integers(), st.booleans())


@given(st.lists(_cells, max_size=20))
def test_nationality_never_raises_and_a_blank_is_never_foreign(values: list[object]) -> None:
    parsed, empty = vocabulary.nationality(pd.Series(values, dtype=object))
    assert len(parsed) == len(empty) == len(values)
    assert set(parsed.dropna()) <= {vocabulary.CITIZEN, vocabulary.FOREIGN}
    assert parsed[empty.to_numpy()].isna().all()


@given(st.text(alphabet=" -–—\t", max_size=6))
def test_whitespace_and_dashes_are_always_blank(value: str) -> None:
    parsed, empty = _one(value)
    assert pd.isna(parsed) and empty
