"""People's names compared as a bank compares them, but told apart kindly: the holder of
an account against the worker it is meant for.

A bank's matching is strict ("any difference in spelling or word order"), so the
pre-check flags every difference that survives what is plainly not part of a name:
case, spacing, punctuation, accents, titles and honorifics (H., Hj., Ir., S.E., Bpk.,
Ibu, ...), and the order of the words. What is left is either the same name, a close one
(a dropped or added name, an initial, a spelling variant, two words written as one) or a
different one. A shared common word ("Muhammad", "Siti") alone never makes two names
close.

Names are cleaned for all rows at once (Arrow's regexes, in C++); only the distinct pairs
whose words differ are looked at one by one, and nothing about a person is remembered
past the call (names are personal data).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bsu.values.text import as_text, by_unique


class NameMatch(StrEnum):
    SAME = "same"
    CLOSE = "close"
    DIFFERENT = "different"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Written before a name: religious, academic and courtesy titles.
PREFIX_TITLES = _words(
    """
    HAJJAH HAJAH HAJI HJ H KYAI KH USTADZAH USTADZ UST IR DRS DRA DRG DRH DR PROF
    BAPAK BPK PAK IBU BU SDRI SDR SAUDARA SAUDARI TUAN TN NYONYA NY NONA NN MRS MR MS MISS
    """
)
# Written after a name: degrees, with or without their dots ("S.Kom.", "SKom").
SUFFIX_TITLES = _words(
    """
    SE SH ST SS SP SM SAG SHI SIP SKM SKG SKH SKP SPD SPDI SPDSD SSI SSOS SKOM SIKOM SKEP
    SKED SPSI SPT SST STP SFARM SGZ SAK SEI SEAK SHUT SPI SSN SAB SDS STH STHI SSAS
    SPOG SPA SPB SPPD SPM SPS SPJP SPKK SPAN SPRAD
    MM MT MSI MPD MPDI MH MHI MKOM MBA MSC MA MAG MKES MKEP MAP MAK MENG MEC MHUM MPH MSE
    MSM MSP MTI MIKOM MARS MFARM MKM MSOS MSN MAB LLM LC PHD BA BSC DIPL CPA AK CA
    AMD AMDKEP AMDKEB AMDFARM AMDAK AMDKES AMDGZ AMDTEK AMDPAR AMDKOM AMK AMKEP AMKEB
    AMA AMAPD AMG AMF AMR AMTE
    """
)
# Either side: "(Alm.)" follows a name as often as it precedes one.
EITHER_TITLES = _words("ALMARHUMAH ALMARHUM ALMH ALM")
TITLES = frozenset(PREFIX_TITLES + SUFFIX_TITLES + EITHER_TITLES)


def _longest_first(titles: tuple[str, ...]) -> str:
    return "|".join(sorted(titles, key=len, reverse=True))


def _dotted(title: str) -> str:
    """A degree's letters, each optionally followed by a dot (and spaces after it)."""
    return "(?:\\. *)?".join(title)


# Text is upper case with only letters, dots, commas and single spaces when these run.
_LEADING = re.compile(f"^(?:(?:{_longest_first(PREFIX_TITLES + EITHER_TITLES)})[., ][ .,]*)+")
_DEGREE = "|".join(
    [_dotted(t) for t in sorted(SUFFIX_TITLES + EITHER_TITLES, key=len, reverse=True)]
    + ["[A-Z]{1,2}(?:\\.[A-Z]{1,4})+"]  # any dotted degree ("S.Pd.I", "A.Md.Kep")
)
_TRAILING = re.compile(f"(?:[ ,]+(?:{_DEGREE})\\.?)+[ .,]*$")

# Name words so common that sharing one alone says nothing (written forms; compared by
# their spelling skeleton, so "Mochamad" is "Muhammad" here too).
_COMMON_WRITTEN = """
    MUHAMMAD MUHAMAD MOHAMMAD MOHAMAD MOCHAMMAD MOCHAMAD MUHAMMED MOHAMMED AHMAD ACHMAD
    ABDUL ABDUR SITI NUR NURUL SRI DEWI PUTRI PUTRA AGUS RADEN ANDI DWI TRI EKA
    I NI MADE WAYAN KADEK KETUT NYOMAN KOMANG PUTU GEDE LUH GUSTI AYU ANAK AGUNG IDA BAGUS
"""
# Abbreviations people and banks write for a common word ("Moh. Rizki", "Abd. Rahman").
_ABBREVIATIONS = frozenset(_words("MOH MUH MHD MUHD MOHD MOCH MUCH MOCHD MUCHD MUHAM MOHAM ABD ST"))

_VOWELS = frozenset("AEIOU")
# Old (van Ophuijsen, Soewandi) spellings and common variants, in this order.
_REWRITES = (
    ("OE", "U"),
    ("DJ", "J"),
    ("TJ", "C"),
    ("SJ", "SY"),
    ("NJ", "NY"),
    ("CH", "H"),
    ("KH", "H"),
    ("DH", "D"),
    ("TH", "T"),
    ("PH", "F"),
    ("Q", "K"),
    ("SY", "S"),
)
_Y_AS_I = re.compile("Y(?![AEIOU])")
_DOUBLED = re.compile(r"(.)\1+")
# Letters a spelling variant may swap inside a word (besides a vowel for a vowel), and
# at its start.
_SWAPS = frozenset(
    frozenset(p) for p in ("ZS", "FP", "FV", "PV", "DT", "JY", "CK", "CH", "IY", "BP")
)
_FIRST_SWAPS = frozenset(frozenset(p) for p in ("JY", "CK", "CH"))
_PARTNERS = {x: "".join(sorted(p - {x})) for p in _FIRST_SWAPS for x in p}
_FUZZY_LENGTH = 5  # shorter names differ by one letter too often ("Rina", "Rini")

_EXACT, _SPELLED, _MISSPELLED, _JOINED, _SHORTENED = range(5)  # likeness, strongest first


def skeleton(word: str) -> str:
    """A name word as its spelling variants share it: "SOEPARMAN" and "SUPARMAN",
    "MUHAMMAD" and "MUHAMAD", "SYAIFUL" and "SAIFUL" give one skeleton each."""
    for old, new in _REWRITES:
        if old in word:
            word = word.replace(old, new)
    if "Y" in word:
        word = _Y_AS_I.sub("I", word)
    word = _DOUBLED.sub(r"\1", word)
    if len(word) > 2 and word[-1] == "H" and word[-2] in _VOWELS:
        word = word[:-1]
    if word.endswith("D"):
        word = word[:-1] + "T"
    return word


_COMMON = frozenset(skeleton(w) for w in _COMMON_WRITTEN.split())


_FEW = 64  # names up to this many are cleaned one by one (see ``words``)
_APOSTROPHES = re.compile("['`\u00b4\u2018\u2019\u02bc]")  # "Ma'ruf" is "Maruf"
_UNSPACED = re.compile("[^A-Z., ]|  |^ | $")  # text to rewrite with ...
_NOT_NAME = re.compile("[^A-Z.,]+")  # ... each run of these as one space
_UNWORDED = re.compile("[^A-Z ]|  |^ | $")  # and, titles gone, with ...
_NOT_LETTERS = re.compile("[^A-Z]+")  # ... each run of these as one space
_LETTER = re.compile("[A-Z]")


def key(names: pd.Series) -> pd.Series:
    """Each name as words without titles, sorted: "H. Budi Santoso, S.E." and "santoso
    budi" both give "BUDI SANTOSO"; "" when blank."""
    return by_unique(words(names), _sorted_words)


def words(names: pd.Series) -> pd.Series:
    """Each name as its words without titles, in their order, upper case and separated by
    single spaces (an object column; "" when blank).

    Many names at once are rewritten by Arrow (RE2, in C++); a few (an API check) by
    Python's ``re``, whose compiled patterns are kept, where RE2 would compile the long
    pattern of degrees again on every call (a millisecond or two). Both run the same
    patterns in the same order."""
    out = as_text(names).to_numpy(dtype=object, copy=True)
    filled = out != ""
    count = int(np.count_nonzero(filled))
    if count > _FEW:
        out[filled] = _many_words(out[filled])
    elif count:
        out[filled] = [_one_name_words(text) for text in out[filled].tolist()]
    return pd.Series(out, index=names.index, dtype=object)


def _upper(text: str) -> str:
    """Upper case without accents ("JOSÉ" as "JOSE"), for text that is not ASCII (both
    ways take this one, as Arrow and Python differ on such letters)."""
    decomposed = unicodedata.normalize("NFKD", text.upper())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _one_name_words(text: str) -> str:
    text = text.upper() if text.isascii() else _upper(text)
    text = _APOSTROPHES.sub("", text)
    if _UNSPACED.search(text):
        text = _NOT_NAME.sub(" ", text).strip()
    for titles in (_LEADING, _TRAILING):
        if titles.search(text):
            rest = titles.sub(" ", text).strip()
            text = rest if _LETTER.search(rest) else text
    if _UNWORDED.search(text):
        text = _NOT_LETTERS.sub(" ", text).strip()
    return text


def _many_words(values: np.ndarray) -> np.ndarray:
    text = pa.array(values, type=pa.string())
    ascii_ = pc.string_is_ascii(text)
    text = pc.if_else(ascii_, pc.ascii_upper(text), text)
    text = _rewrite(text, pc.invert(ascii_), _upper_each)
    text = _rewrite(text, _APOSTROPHES, lambda part: _sub(part, _APOSTROPHES, ""))
    text = _rewrite(text, _UNSPACED, lambda part: _spaced(part, _NOT_NAME))
    text = _rewrite(text, _LEADING, lambda part: _without(part, _LEADING))
    text = _rewrite(text, _TRAILING, lambda part: _without(part, _TRAILING))
    text = _rewrite(text, _UNWORDED, lambda part: _spaced(part, _NOT_LETTERS))
    found: np.ndarray = text.to_numpy(zero_copy_only=False)
    return found


def _rewrite(text: Any, rows: Any, how: Callable[[Any], Any]) -> Any:
    """``text`` with the rows a pattern finds (or a boolean array) rewritten by ``how``."""
    if isinstance(rows, re.Pattern):
        rows = pc.match_substring_regex(text, rows.pattern)
    if not pc.any(rows).as_py():
        return text
    return pc.replace_with_mask(text, rows, how(pc.filter(text, rows)))


def _sub(text: Any, pattern: re.Pattern[str], by: str) -> Any:
    return pc.replace_substring_regex(text, pattern.pattern, by)


def _spaced(text: Any, runs: re.Pattern[str]) -> Any:
    return pc.utf8_trim_whitespace(_sub(text, runs, " "))


def _upper_each(text: Any) -> Any:
    return pa.array([_upper(t) for t in text.to_pylist()], type=pa.string())


def _without(text: Any, titles: re.Pattern[str]) -> Any:
    """``text`` without the titles ``titles`` finds, unless nothing of a name would be
    left (a worker named "Ibu" stays "Ibu")."""
    rest = _spaced(text, titles)
    return pc.if_else(pc.match_substring_regex(rest, _LETTER.pattern), rest, text)


def _sorted_words(ordered: pd.Series) -> pd.Series:
    return ordered.map(lambda text: " ".join(sorted(text.split()))).astype(object)


def compare(holders: pd.Series, workers: pd.Series) -> pd.Series:
    """Per row (the two columns row for row), how the holder's name compares with the
    worker's (``NameMatch`` values, as an object column); None when either is blank.

    Names written alike are found for all rows at once; only the distinct pairs that
    differ are looked at word by word. A worker's name is not even cleaned on a row
    without a holder's name (most rosters give none)."""
    out = np.full(len(holders), None, dtype=object)
    held = words(holders).to_numpy(dtype=object)
    given = held != ""
    if not given.any():
        return pd.Series(out, index=holders.index, dtype=object)
    rows = np.flatnonzero(given)
    h = held[rows]
    w = words(workers.iloc[rows]).to_numpy(dtype=object)
    same = h == w
    out[rows[same]] = NameMatch.SAME.value
    differ = ~same & (w != "")
    if differ.any():
        pairs = pd.Series(h[differ], dtype=object) + "|" + pd.Series(w[differ], dtype=object)
        codes, distinct = pd.factorize(pairs.to_numpy(dtype=object))
        skeletons: dict[str, str] = {}  # for this call only
        answers = [_match(pair, skeletons) for pair in distinct.tolist()]
        out[rows[differ]] = pd.Series(answers, dtype=object).to_numpy()[codes]
    return pd.Series(out, index=holders.index, dtype=object)


def _match(pair: str, skeletons: dict[str, str]) -> str:
    """Two names written differently, as ordered words ("HOLDER|WORKER"). Symmetric:
    looked at in one order whichever side each name is on."""
    first, second = sorted(pair.split("|"))
    return _Pair(first.split(), second.split(), skeletons).verdict()


class _Pair:
    """The words of two names paired one to one: the same words first, then the
    strongest likeness first. Only the words left unpaired by the same words are looked
    at closely (most pairs differ by one word or two)."""

    def __init__(self, a: list[str], b: list[str], skeletons: dict[str, str]) -> None:
        self.a, self.b = a, b
        self.skeletons = skeletons
        self.left_a = set(range(len(a)))
        self.left_b = set(range(len(b)))
        self.strong: list[str] = []  # words matched by more than an initial
        at: dict[str, list[int]] = {}
        for j, word in enumerate(b):
            at.setdefault(word, []).append(j)
        for i, word in enumerate(a):
            found = at.get(word)
            if found:
                self.left_a.discard(i)
                self.left_b.discard(found.pop(0))
                self.strong.append(word)
        self.sa = {i: self.skeleton(a[i]) for i in self.left_a}
        self.sb = {j: self.skeleton(b[j]) for j in self.left_b}

    def skeleton(self, word: str) -> str:
        found = self.skeletons.get(word)
        if found is None:
            found = self.skeletons[word] = skeleton(word)
        return found

    def verdict(self) -> str:
        if not self.left_a and not self.left_b:
            return NameMatch.SAME.value
        if self.left_a and self.left_b and not self._pair_alike():
            return NameMatch.DIFFERENT.value
        if (self.left_a and self.left_b) or not self.strong:
            return NameMatch.DIFFERENT.value
        dropped = self.left_a or self.left_b
        if dropped and all(self.skeleton(w) in _COMMON for w in self.strong):
            return NameMatch.DIFFERENT.value
        return NameMatch.CLOSE.value

    def _pair_alike(self) -> bool:
        """Pair the words left by likeness, strongest first, then as written together,
        then by initials; False when neither name could be matched whole anyway."""
        links = self._links()
        if links is None:
            return False
        for likeness, i, j in links:
            if likeness < _JOINED:
                self._link(i, j, strong=True)
        if self.left_a and self.left_b:
            self._pair_joined()
        for likeness, i, j in links:
            if likeness == _SHORTENED:
                self._link(i, j, strong=False)
        return True

    def _links(self) -> list[tuple[int, int, int]] | None:
        """Each pair of alike words left as (likeness, i, j), strongest first; None when
        neither name could be matched whole. Only words whose first letters could be
        alike are compared (as a word of the other name, or as the first half of a word
        the other name writes as two)."""
        starting: dict[str, list[int]] = {}
        for j, sy in self.sb.items():
            for letter in {self.b[j][0], sy[0]}:
                starting.setdefault(letter, []).append(j)
        near = {
            i: {j for letter in _openings(self.a[i], si) for j in starting.get(letter, ())}
            for i, si in self.sa.items()
        }
        reached = set().union(*near.values())
        if not _coverable({i for i, n in near.items() if n}, self.left_a) and not _coverable(
            reached, self.left_b
        ):
            return None
        return sorted(
            (likeness, i, j)
            for i, js in near.items()
            for j in js
            if (likeness := _likeness(self.a[i], self.sa[i], self.b[j], self.sb[j])) is not None
        )

    def _link(self, i: int, j: int, *, strong: bool) -> None:
        if i in self.left_a and j in self.left_b:
            self.left_a.discard(i)
            self.left_b.discard(j)
            if strong:
                self.strong.append(self.a[i])

    def _pair_joined(self) -> None:
        """A name written as one word on one side and two on the other ("Nuraini" and
        "Nur Aini", "Abdurrahman" and "Abdul Rahman")."""
        for one, s_one, two, s_two, left_one, left_two in (
            (self.a, self.sa, self.b, self.sb, self.left_a, self.left_b),
            (self.b, self.sb, self.a, self.sa, self.left_b, self.left_a),
        ):
            for i in sorted(left_one):
                for j in sorted(left_two):
                    if j + 1 not in left_two or two[j][0] != one[i][0]:
                        continue
                    if abs(len(s_one[i]) - len(s_two[j]) - len(s_two[j + 1])) > 2:
                        continue
                    s_joined = self.skeleton(two[j] + two[j + 1])
                    if s_joined == s_one[i] or _misspelled(s_one[i], s_joined):
                        left_one.discard(i)
                        left_two.difference_update((j, j + 1))
                        self.strong.append(one[i])
                        break


def _openings(word: str, s_word: str) -> set[str]:
    """The first letters a word alike to this one may start with."""
    return {word[0], s_word[0], *_PARTNERS.get(s_word[0], "")}


def _coverable(found: set[int], left: set[int]) -> bool:
    """Whether every word ``left`` of a name may be matched: it has a like word in the
    other name (``found``), or is the second half of two words the other name writes as
    one (its neighbour then has one)."""
    return all(k in found or (k - 1 in found and k - 1 in left) for k in left)


def _likeness(a: str, sa: str, b: str, sb: str) -> int | None:
    """How alike two words are (``_EXACT`` ... ``_SHORTENED``), None when not at all."""
    if a == b:
        return _EXACT
    if len(a) > 1 and len(b) > 1:
        if sa == sb:
            return _SPELLED
        if _misspelled(sa, sb):
            return _MISSPELLED
    if _shortens(a, b, sb) or _shortens(b, a, sa):
        return _SHORTENED
    return None


def _misspelled(sa: str, sb: str) -> bool:
    """One letter apart, as spelling variants and typing slips are: a vowel for a vowel,
    a pair such as Z/S, one letter more (a vowel or H, or any in a long word), two
    letters swapped in a long word. Never the last letter ("Rina" and "Rini", "Yanto" and
    "Yanti" are different names) and never in a short word."""
    if min(len(sa), len(sb)) < _FUZZY_LENGTH or abs(len(sa) - len(sb)) > 1:
        return False
    if sa[0] != sb[0] and frozenset((sa[0], sb[0])) not in _FIRST_SWAPS:
        return False
    if len(sa) == len(sb):
        diff = [i for i, (x, y) in enumerate(zip(sa, sb, strict=True)) if x != y]
        last = len(sa) - 1
        if len(diff) == 1:
            i = diff[0]
            pair = frozenset((sa[i], sb[i]))
            if i == last:
                return False
            return pair in _FIRST_SWAPS if i == 0 else pair <= _VOWELS or pair in _SWAPS
        if len(diff) == 2:
            i, k = diff
            swapped = sa[i] == sb[k] and sa[k] == sb[i]
            return swapped and k == i + 1 and k < last and len(sa) > _FUZZY_LENGTH
        return False
    short, long = (sa, sb) if len(sa) < len(sb) else (sb, sa)
    i = next((n for n, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short))
    if i == 0 or i == len(long) - 1 or long[i + 1 :] != short[i:]:
        return False
    return long[i] in _VOWELS or long[i] == "H" or len(short) > _FUZZY_LENGTH


def _shortens(short: str, full: str, s_full: str) -> bool:
    """An initial ("M" for "Muhammad") or a known abbreviation ("MOH", "ABD") of ``full``."""
    if len(short) == 1:
        return len(full) > 1 and (full[0] == short or s_full[:1] == short)
    if short not in _ABBREVIATIONS or len(full) <= len(short) or full[0] != short[0]:
        return False
    return _in_order(_consonants(short[1:]), _consonants(full[1:]))


def _consonants(text: str) -> str:
    return "".join(c for c in text if c not in _VOWELS)


def _in_order(part: str, whole: str) -> bool:
    """Whether the letters of ``part`` appear in ``whole`` in the same order."""
    rest = iter(whole)
    return all(c in rest for c in part)
