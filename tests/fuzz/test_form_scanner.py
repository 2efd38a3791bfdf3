"""The multipart scanner of bsu.api.limits.forms on any body cut into any chunks: it counts the
parts of a well-formed form exactly, wherever the chunks split delimiters and headers;
refuses too many parts or an oversized field whatever the split; never raises; and never
holds more than a delimiter and a field's worth of bytes."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bsu.api.limits.forms import MultipartScanner

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MAX_PARTS, MAX_FIELD = 4, 256
boundaries = st.text(alphabet="abcXYZ0123456789'()+_,-./:=?", min_size=1, max_size=70)
# (name, content, is a file)
parts = st.tuples(
    st.text(alphabet="abcdefgh_", min_size=1, max_size=8), st.binary(max_size=600), st.booleans()
)


def form(boundary: str, pieces: list[tuple[str, bytes, bool]], preamble: bytes = b"") -> bytes:
    out = preamble + (b"\r\n" if preamble else b"")
    for name, content, is_file in pieces:
        disposition = f'form-data; name="{name}"' + ('; filename="r.csv"' if is_file else "")
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        out += b"Content-Type: text/csv\r\n\r\n" if is_file else b"\r\n"
        out += content + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def cut(body: bytes, points: list[int]) -> list[bytes]:
    marks = sorted({0, len(body), *(p % (len(body) + 1) for p in points)})
    return [body[a:b] for a, b in itertools.pairwise(marks)]


def scan(boundary: str, chunks: list[bytes]) -> tuple[MultipartScanner, tuple[str, object] | None]:
    scanner = MultipartScanner(boundary.encode(), MAX_PARTS, MAX_FIELD)
    for chunk in chunks:
        refusal = scanner.feed(chunk)
        if refusal is not None:
            return scanner, refusal
        assert len(scanner.buffer) <= MAX_FIELD + len(scanner.delimiter) + 4
    return scanner, None


def _no_delimiter(boundary: str, pieces: list[tuple[str, bytes, bool]]) -> bool:
    delimiter = f"\r\n--{boundary}".encode()
    return all(delimiter not in b"\r\n" + content for _, content, _ in pieces)


@FUZZ
@given(boundaries, st.lists(parts, max_size=MAX_PARTS), st.lists(st.integers(0, 10**6)))
def test_a_form_within_the_limits_passes_however_it_is_cut(
    boundary: str, pieces: list[tuple[str, bytes, bool]], points: list[int]
) -> None:
    assume(_no_delimiter(boundary, pieces))
    pieces = [(n, c if f else c[:MAX_FIELD], f) for n, c, f in pieces]
    scanner, refusal = scan(boundary, cut(form(boundary, pieces), points))
    assert refusal is None
    assert scanner.parts == len(pieces) and scanner.state == "epilogue"


@FUZZ
@given(
    boundaries,
    st.lists(parts, min_size=MAX_PARTS + 1, max_size=MAX_PARTS + 6),
    st.lists(st.integers(0, 10**6)),
)
def test_too_many_parts_are_refused_however_they_are_cut(
    boundary: str, pieces: list[tuple[str, bytes, bool]], points: list[int]
) -> None:
    assume(_no_delimiter(boundary, pieces))
    pieces = [(n, c[:MAX_FIELD], f) for n, c, f in pieces]
    scanner, refusal = scan(boundary, cut(form(boundary, pieces), points))
    assert refusal is not None and refusal[0] == "form_too_many_parts"
    assert scanner.parts == MAX_PARTS + 1


@FUZZ
@given(
    boundaries,
    st.integers(MAX_FIELD + 1, 4 * MAX_FIELD),
    st.sampled_from(["field", "preamble"]),
    st.lists(st.integers(0, 10**6)),
)
def test_an_oversized_field_or_preamble_is_refused_however_it_is_cut(
    boundary: str, size: int, where: str, points: list[int]
) -> None:
    big = b"a" * size
    if where == "field":
        body = form(boundary, [("file", b"x" * 5000, True), ("ruleset", big, False)])
    else:
        body = form(boundary, [("file", b"x", True)], preamble=big)
    _, refusal = scan(boundary, cut(body, points))
    assert refusal is not None and refusal[0] == "form_field_too_large"


@FUZZ
@given(boundaries, st.lists(st.binary(max_size=300), max_size=30))
def test_any_bytes_are_scanned_without_raising_or_hoarding(
    boundary: str, chunks: list[bytes]
) -> None:
    scan(boundary, chunks)
