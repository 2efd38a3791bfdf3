"""The name matcher (``bsu.values.person_names``): an account holder's name against the
worker's, as a bank's strict matching would see them but told apart kindly. Tables of
names as employers and banks write them, then properties. Synthetic names only."""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bsu.values import person_names
from bsu.values.person_names import NameMatch

SAME, CLOSE, DIFFERENT = NameMatch.SAME, NameMatch.CLOSE, NameMatch.DIFFERENT


def _compare(holder: Any, worker: Any) -> NameMatch | None:
    found = person_names.compare(pd.Series([holder], dtype=object), pd.Series([worker]))
    value = found.iloc[0]
    return None if value is None else NameMatch(value)


@pytest.mark.parametrize(
    ("holder", "worker", "expected"),
    [
        # Case, spacing, punctuation, word order.
        ("Budi Santoso", "BUDI SANTOSO", SAME),
        ("  budi   santoso ", "Budi Santoso", SAME),
        ("Santoso Budi", "Budi Santoso", SAME),
        ("Santoso, Budi", "Budi Santoso", SAME),
        ("Ma'ruf Hidayat", "Maruf Hidayat", SAME),
        ("Ma\u2019ruf Hidayat", "Maruf Hidayat", SAME),
        ("Jos\u00e9 Rizal", "Jose Rizal", SAME),
        ("Siti-Aminah", "Siti Aminah", SAME),
        ("Budi\u00a0Santoso", "Budi Santoso", SAME),
        # Titles and honorifics before the name, degrees after it.
        ("H. Budi Santoso, S.E.", "santoso budi", SAME),
        ("Hj. Siti Aminah", "Siti Aminah", SAME),
        ("Hj.Siti Aminah", "Siti Aminah", SAME),
        ("Ir. Bambang Wijaya, M.M.", "Bambang Wijaya", SAME),
        ("Bpk. Agus Salim", "Agus Salim", SAME),
        ("Ibu Dewi Lestari", "Dewi Lestari", SAME),
        ("Drs. Rahmat Hidayat, S.Kom., M.Kom.", "Rahmat Hidayat", SAME),
        ("Prof. Dr. Ir. H. Ahmad Fauzi, M.Sc.", "Ahmad Fauzi", SAME),
        ("Rina Wulandari, A.Md.", "Rina Wulandari", SAME),
        ("Rina Wulandari, A.Md.Kep", "Rina Wulandari", SAME),
        ("Rina Wulandari S.Pd.I", "Rina Wulandari", SAME),
        ("Rina Wulandari, S. E.", "Rina Wulandari", SAME),
        ("Eko Prasetyo SE MM", "Eko Prasetyo", SAME),
        ("dr. Yohana Sari, Sp.OG", "Yohana Sari", SAME),
        ("Sdri. Wulan Sari", "Wulan Sari", SAME),
        ("Alm. Slamet Riyadi", "Slamet Riyadi (Alm)", SAME),
        ("Ibu", "Ibu", SAME),  # a title alone is kept: there is nothing else to compare
        # A name dropped or added.
        ("Budi Santoso", "Budi", CLOSE),
        ("Budi Santoso Wijaya", "Budi Wijaya", CLOSE),
        ("Rizki", "Muhammad Rizki", CLOSE),
        ("Siti Aminah", "Aminah", CLOSE),
        # An initial or an abbreviation.
        ("M. Rizki", "Muhammad Rizki", CLOSE),
        ("M. Rizki", "Muhammad Rizki Pratama", CLOSE),
        ("Moh. Rizki", "Muhammad Rizki", CLOSE),
        ("Mhd Rizki", "Muhammad Rizki", CLOSE),
        ("Abd. Rahman", "Abdul Rahman", CLOSE),
        ("Muhammad R.", "Muhammad Rizki", CLOSE),
        ("Budi S.", "Budi Santoso", CLOSE),
        # Spelling variants, old spellings, typing slips.
        ("Syaiful Anwar", "Saiful Anwar", CLOSE),
        ("Muhamad Iqbal", "Muhammad Iqbal", CLOSE),
        ("Mohammad Iqbal", "Muhammad Iqbal", CLOSE),
        ("Mochammad Ali", "Muhammad Ali", CLOSE),
        ("Noer Hasanah", "Nur Hasanah", CLOSE),
        ("Soeparman", "Suparman", CLOSE),
        ("Djoko Susilo", "Joko Susilo", CLOSE),
        ("Tjahjo Kumolo", "Cahyo Kumolo", CLOSE),
        ("Annisa Rahma", "Anisa Rahma", CLOSE),
        ("Rizky Pratama", "Rizki Pratama", CLOSE),
        ("Yusuf Hamzah", "Jusuf Hamzah", CLOSE),
        ("Achmad Fauzi", "Ahmad Fauzi", CLOSE),
        ("Chairul Tanjung", "Khairul Tanjung", CLOSE),
        ("Slamet Riyadi", "Selamet Riyadi", CLOSE),
        ("Rahmat Hidayat", "Rahmad Hidayat", CLOSE),
        ("Fatimah Zahra", "Fatima Zahra", CLOSE),
        ("Ramadhan Saputra", "Ramadan Saputra", CLOSE),
        ("Shanti Dewi", "Santi Dewi", CLOSE),
        ("Setyawan Budi", "Setiawan Budi", CLOSE),
        ("Kurniawan Budi", "Kurniwan Budi", CLOSE),  # a letter dropped in a long word
        # Two words written as one.
        ("Nuraini", "Nur Aini", CLOSE),
        ("Nuraini Lestari", "Nur Aini", CLOSE),
        ("Abdurrahman Wahid", "Abdul Rahman Wahid", CLOSE),
        # A different person, even with a common first name or one letter apart.
        ("Muhammad Rizki", "Muhammad Fajar", DIFFERENT),
        ("Muhammad", "Muhammad Rizki", DIFFERENT),
        ("Siti", "Siti Aminah", DIFFERENT),
        ("Siti Aminah", "Siti Rahmawati", DIFFERENT),
        ("M. Rizki", "Muhammad Fajar", DIFFERENT),
        ("Budi Santoso", "Agus Salim", DIFFERENT),
        ("Rina Susanti", "Rini Susanti", DIFFERENT),
        ("Yanto Wibowo", "Yanti Wibowo", DIFFERENT),
        ("Yanti Lestari", "Santi Lestari", DIFFERENT),
        ("Maria Ulfa", "Marta Ulfa", DIFFERENT),
        ("Dani Saputra", "Doni Saputra", DIFFERENT),
        ("I Made Sudarta", "I Made Wirawan", DIFFERENT),
        ("Putu Ayu", "Putu Ayu Lestari", DIFFERENT),
        ("M. R.", "Muhammad Rizki", DIFFERENT),  # initials alone prove nothing
        ("PT Maju Jaya", "Budi Santoso", DIFFERENT),  # a company's account
        # Blank on either side: nothing to compare.
        ("", "Budi Santoso", None),
        (None, "Budi Santoso", None),
        ("Budi Santoso", math.nan, None),
        ("  ", "Budi Santoso", None),
        ("-", "Budi Santoso", None),
    ],
)
def test_names_as_written(holder: Any, worker: Any, expected: NameMatch | None) -> None:
    assert _compare(holder, worker) == expected
    assert _compare(worker, holder) == expected


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("H. Budi Santoso, S.E.", "BUDI SANTOSO"),
        ("santoso budi", "BUDI SANTOSO"),
        ("Prof. Dr. Ir. H. Ahmad Fauzi, M.Sc.", "AHMAD FAUZI"),
        ("Hj.Siti Aminah,S.Pd", "AMINAH SITI"),
        ("Ibu", "IBU"),
        ("H.", "H"),
        ("", ""),
        (None, ""),
        (12345, ""),
    ],
)
def test_key(written: Any, key: str) -> None:
    assert person_names.key(pd.Series([written], dtype=object)).tolist() == [key]


def test_a_column_keeps_its_index_and_gives_none_not_nan() -> None:
    index = pd.Index([10, 20, 30, 40])
    holders = pd.Series(["Budi Santoso", None, "M. Rizki", "Agus"], index=index, dtype=object)
    workers = pd.Series(["budi santoso", "Siti", "Muhammad Rizki", None], index=index)
    found = person_names.compare(holders, workers)
    assert found.index.equals(index)
    assert found.dtype == object
    assert found.tolist() == ["same", None, "close", None]


def test_arrow_string_columns_compare_as_object_columns() -> None:
    """CSV and Parquet rosters hand over Arrow strings."""
    holders = pd.Series(["Budi Santoso", "Hj. Siti Aminah", None], dtype="str")
    workers = pd.Series(["Santoso Budi", "Siti Aminah, S.E.", "Agus"], dtype="str")
    assert person_names.compare(holders, workers).tolist() == ["same", "same", None]


def test_each_distinct_pair_is_looked_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows written alike cost nothing word by word; a pair repeated on many rows is
    looked at once."""
    seen: list[str] = []
    real = person_names._match

    def counting(pair: str, skeletons: dict[str, str]) -> str:
        seen.append(pair)
        return real(pair, skeletons)

    monkeypatch.setattr(person_names, "_match", counting)
    holders = ["Budi Santoso"] * 500 + ["M. Rizki"] * 300 + ["Agus Salim"] * 200
    workers = ["Budi Santoso"] * 500 + ["Muhammad Rizki"] * 300 + ["Agus Salim"] * 200
    found = person_names.compare(pd.Series(holders, dtype=object), pd.Series(workers))
    assert found.value_counts().to_dict() == {"same": 700, "close": 300}
    assert seen == ["M RIZKI|MUHAMMAD RIZKI"]


def test_a_roster_sized_column_looks_only_at_differing_pairs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Twenty thousand rows, a tenth of them written differently: the nine tenths that
    differ only by titles are settled without a Python call, each differing pair costs
    one (how fast that is, is measured in ``benchmarks/payment_precheck.py``, never
    asserted as a time)."""
    calls: list[str] = []
    real = person_names._match

    def counting(pair: str, skeletons: dict[str, str]) -> str:
        calls.append(pair)
        return real(pair, skeletons)

    monkeypatch.setattr(person_names, "_match", counting)
    first = ["Budi", "Siti", "Agus", "Dewi", "Rizki", "Putri", "Eko", "Nur", "Joko", "Sri"]
    last = ["Santoso", "Wijaya", "Lestari", "Hidayat", "Pratama", "Saputra", "Wibowo"]
    tail = [a + b + c for a in "bdgkmprst" for b in "aiueo" for c in "nrslkmtdgh"]
    workers = [f"{first[i % 10]} {last[i % 7]} {tail[i % 450]}ono" for i in range(20_000)]
    holders = [
        f"{w[0]}. {w.split(maxsplit=1)[1]}" if i % 10 == 0 else f"H. {w}, S.E."
        for i, w in enumerate(workers)
    ]
    found = person_names.compare(pd.Series(holders, dtype=object), pd.Series(workers))
    assert found.value_counts().to_dict() == {"same": 18_000, "close": 2_000}
    assert len(calls) == len(set(calls)) <= 2_000


# --- properties ---------------------------------------------------------------------------

_NAME_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10).filter(
    lambda w: w.upper() not in person_names.TITLES
)
_NAME = st.lists(_NAME_WORD, min_size=1, max_size=5)
_BEFORE = st.sampled_from(
    ["H.", "Hj.", "Ir.", "Dr.", "Drs.", "Dra.", "Prof.", "Bpk.", "Bapak", "Ibu", "Sdr.", "Hj"]
)
_AFTER = st.sampled_from(
    [", S.E.", ", S.Kom.", ", A.Md.", ", M.M.", " S.H.", ", S.Pd.", " SE", ", M.Kes.", ", S.T."]
)
_BLANK = st.one_of(
    st.sampled_from([None, math.nan, pd.NA, ""]),
    st.text(alphabet=" \t\n.,-'/()0123456789", max_size=8),
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_compare_is_symmetric(a: str, b: str) -> None:
    assert _compare(a, b) == _compare(b, a)


@settings(max_examples=300, deadline=None)
@given(_NAME, _NAME)
def test_compare_is_symmetric_on_names(a: list[str], b: list[str]) -> None:
    assert _compare(" ".join(a), " ".join(b)) == _compare(" ".join(b), " ".join(a))


@settings(max_examples=300, deadline=None)
@given(_NAME, st.lists(_BEFORE, max_size=3), st.lists(_AFTER, max_size=2), st.randoms())
def test_titles_and_word_order_keep_a_name_the_same(
    name: list[str], before: list[str], after: list[str], random: Any
) -> None:
    shuffled = list(name)
    random.shuffle(shuffled)
    written = " ".join([*before, *(w.capitalize() for w in shuffled)]) + "".join(after)
    assert _compare(written, " ".join(name)) == SAME


@settings(max_examples=200, deadline=None)
@given(_BLANK, st.one_of(_NAME.map(" ".join), _BLANK))
def test_a_blank_name_compares_as_none(blank: Any, other: Any) -> None:
    assert _compare(blank, other) is None
    assert _compare(other, blank) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=30), st.none(), st.integers(), st.floats())))
def test_words_are_capital_letters_and_single_spaces(cells: list[Any]) -> None:
    words = person_names.words(pd.Series(cells, dtype=object))
    assert len(words) == len(cells)
    for text in words:
        assert re.fullmatch(r"(?:[A-Z]+(?: [A-Z]+)*)?", text), text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=5))
def test_many_names_and_a_few_are_cleaned_alike(cells: list[str]) -> None:
    """A big roster's names go through Arrow, an API check's through Python: the same
    words either way."""
    many = person_names.words(pd.Series(cells * 40, dtype=object)).tolist()
    few = [person_names.words(pd.Series([c], dtype=object)).iloc[0] for c in cells]
    assert many == few * 40
