"""A NUL or a lone UTF-16 surrogate anywhere a caller can put text is a typed 4xx, never a
500, on SQLite and PostgreSQL, and the keep-alive connection stays open (issue 11, item 8).

The matrix is derived from the server's own OpenAPI document: every path parameter, every
query parameter and every string field of every JSON body; a route added later is covered
without editing this file. All of a test's requests go over one HTTP/1.1 connection, which
must answer a last ``/healthz`` (a 500 used to close it).
"""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bsu.api.plain import bad_json_text
from tests.servers import Server, database, start_server
from tests.support import VALID_WORKER

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
# What goes into a URL (already percent-encoded) and into a JSON string (already escaped).
URL_VALUES = {"nul": "%00", "nul inside": "ab%00cd", "utf-8 of a surrogate": "%ED%A0%80"}
JSON_VALUES = {
    "lone high surrogate": r"\ud800",
    "lone low surrogate": r"\udc00",
    "high then text": r"x\udbffy",
    "low before high": r"\udc00\ud800",
    "nul": r"a\u0000b",
    "nul alone": r"\u0000",
}
CSV = b"NIK;Nama;Upah\n3275014101900001;Adi Nugroho;3000000\n"


@pytest.fixture(scope="module", params=DATABASES)
def api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp(f"plain-{request.param}")
    with database(request.param, tmp) as url:
        running = start_server(tmp / "data", url, BSU_UPLOAD_RATE_LIMIT_PER_MINUTE="0")
        try:
            yield running
        finally:
            running.stop()


class Connection:
    """One raw HTTP/1.1 keep-alive connection: what httpx would not send, and proof that
    the server kept the connection (it answers the next request on the same socket)."""

    def __init__(self, server: Server) -> None:
        where = urlsplit(server.url)
        self.sock = socket.create_connection((where.hostname, where.port), timeout=30)
        self.buffer = b""

    def close(self) -> None:
        self.sock.close()

    def request(
        self, method: str, target: str, headers: dict[str, bytes] | None = None, body: bytes = b""
    ) -> tuple[int, dict[str, str], bytes]:
        lines = [f"{method} {target} HTTP/1.1".encode(), b"Host: 127.0.0.1"]
        lines += [name.encode() + b": " + value for name, value in (headers or {}).items()]
        lines.append(f"Content-Length: {len(body)}".encode())
        self.sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        while b"\r\n\r\n" not in self.buffer:
            self._more()
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        answer = {
            k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)
        }
        length = int(answer.get("content-length", "0"))
        while len(self.buffer) < length:
            self._more()
        content, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(status_line.split()[1]), answer, content

    def _more(self) -> None:
        piece = self.sock.recv(65536)
        if not piece:
            raise AssertionError("the server closed the keep-alive connection")
        self.buffer += piece


@pytest.fixture
def conn(api: Server) -> Iterator[Connection]:
    connection = Connection(api)
    try:
        yield connection
        # The same connection still answers: no request above ended it.
        status, _, _ = connection.request("GET", "/healthz")
        assert status == 200
    finally:
        connection.close()
    assert api.process.poll() is None


def _openapi(api: Server) -> dict[str, Any]:
    with api.client() as c:
        doc: dict[str, Any] = c.get("/openapi.json").json()
    return doc


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            yield path, method.upper(), op


def _fill(path: str, value: str | None = None) -> str:
    """A path with its parameters filled: ``value`` for each, else a plausible unknown id."""
    for name in ("batch_id", "ruleset_id"):
        plausible = str(uuid.uuid4()) if name == "batch_id" else "bsu-2025"
        path = path.replace("{" + name + "}", plausible if value is None else value)
    assert "{" not in path, f"a path parameter this test does not know: {path}"
    return path


def _typed(status: int, content: bytes, expected: tuple[int, ...], where: str) -> str:
    assert status in expected, (where, status, content[:300])
    body = json.loads(content)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, (where, body)
    code: str = body["error"]["code"]
    return code


def _body_for(op: dict[str, Any]) -> tuple[dict[str, bytes], bytes]:
    """A valid body for an operation (JSON or the upload form), with its headers."""
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        schema = content["application/json"]["schema"]
        worker = json.dumps(VALID_WORKER).encode()
        body = b"[" + worker + b"]" if schema.get("type") == "array" else worker
        return {"Content-Type": b"application/json"}, body
    if "multipart/form-data" in content:
        return _form([("file", b"roster.csv", CSV)])
    return {}, b""


def _form(parts: list[tuple[str, bytes | None, bytes]]) -> tuple[dict[str, bytes], bytes]:
    body = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"'.encode()
        if filename is not None:
            disposition += b'; filename="' + filename + b'"'
        body += b"--B\r\nContent-Disposition: " + disposition + b"\r\n\r\n" + data + b"\r\n"
    return {"Content-Type": b"multipart/form-data; boundary=B"}, body + b"--B--\r\n"


def test_a_nul_in_any_path_parameter_is_404(api: Server, conn: Connection) -> None:
    tried = 0
    for path, method, op in _operations(_openapi(api)):
        if "{" not in path:
            continue
        headers, body = _body_for(op)
        for name, value in URL_VALUES.items():
            where = f"{method} {path} {name}"
            status, _, content = conn.request(method, _fill(path, value), headers, body)
            _typed(status, content, (404,), where)
            tried += 1
    assert tried >= 3 * 7, "every id route of the API is tried"


def test_a_nul_in_any_query_parameter_is_a_typed_4xx(api: Server, conn: Connection) -> None:
    tried = set()
    for path, method, op in _operations(_openapi(api)):
        headers, body = _body_for(op)
        for param in op.get("parameters", []):
            if param["in"] != "query":
                continue
            for name, value in URL_VALUES.items():
                where = f"{method} {path}?{param['name']} {name}"
                target = f"{_fill(path)}?{param['name']}={value}"
                status, _, content = conn.request(method, target, headers, body)
                tried.add(param["name"])
                if param["name"] == "batch_id" and status == 200:
                    # A filter no batch id can match: nothing found, and no query made.
                    assert json.loads(content)["count"] == 0, where
                    continue
                _typed(status, content, (404, 422), where)
    assert {"batch_id", "rules", "status", "page"} <= tried, tried


def _string_fields(doc: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """The properties of a JSON body's object (or of its array's items) that take text."""
    if schema.get("type") == "array":
        schema = schema["items"]
    if "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    fields = []
    for name, prop in schema.get("properties", {}).items():
        kinds = [prop.get("type")] + [alt.get("type") for alt in prop.get("anyOf", [])]
        if "string" in kinds:
            fields.append(name)
    return fields


def test_a_lone_surrogate_or_nul_in_any_json_string_is_422(api: Server, conn: Connection) -> None:
    doc = _openapi(api)
    tried = 0
    for path, method, op in _operations(doc):
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        schema = content["application/json"]["schema"]
        fields = _string_fields(doc, schema)
        assert len(fields) >= 10, (path, fields)
        for field in fields:
            for name, escaped in JSON_VALUES.items():
                worker = json.dumps({**VALID_WORKER, field: "@"}).replace('"@"', f'"{escaped}"')
                body = f"[{worker}]" if schema.get("type") == "array" else worker
                where = f"{method} {path} {field} {name}"
                status, _, answer = conn.request(
                    method, path, {"Content-Type": b"application/json"}, body.encode()
                )
                assert _typed(status, answer, (422,), where) == "request_malformed", where
                assert escaped.encode() not in answer, "the value is not echoed"
                tried += 1
        # A surrogate pair (an emoji) and an escaped backslash before 'u0000' are text.
        for fine in (r"Adi \ud83d\ude00", r"C:\\u0000"):
            worker = json.dumps({**VALID_WORKER, "name": "@"}).replace('"@"', f'"{fine}"')
            body = f"[{worker}]" if schema.get("type") == "array" else worker
            status, _, answer = conn.request(
                method, path, {"Content-Type": b"application/json"}, body.encode()
            )
            assert status == 200, (path, fine, answer[:300])
    assert tried >= 2 * 10 * len(JSON_VALUES)


def test_the_upload_form_and_headers_never_give_a_500(api: Server, conn: Connection) -> None:
    surrogate = "\ud800".encode("utf-8", "surrogatepass")  # b"\xed\xa0\x80": not UTF-8
    cases = {
        "ruleset not utf-8": _form([("file", b"r.csv", CSV), ("ruleset", None, surrogate)]),
        "ruleset with nul": _form([("file", b"r.csv", CSV), ("ruleset", None, b"bsu\x002025")]),
        "filename with nul": _form([("file", b"r\x00x.csv", CSV)]),
        "filename not utf-8": _form([("file", b"r" + surrogate + b".csv", CSV)]),
    }
    for where, (headers, body) in cases.items():
        status, _, content = conn.request("POST", "/v1/batches", headers, body)
        assert status < 500, (where, status, content[:300])
        if status >= 400:
            _typed(status, content, (404, 413, 415, 422), where)
        else:
            assert b"\x00" not in content and surrogate not in content, where
    headers, body = _form([("file", b"r.csv", CSV)])
    for name in ("Idempotency-Key", "X-Request-ID", "Accept-Language", "Authorization"):
        status, answer, content = conn.request(
            "POST", "/v1/batches", {**headers, name: b"k" + surrogate}, body
        )
        assert status < 500, (name, status, content[:300])
        assert surrogate.decode("latin-1") not in answer.get("x-request-id", "")


def test_a_nul_in_a_header_is_refused_before_the_app(api: Server) -> None:
    """The HTTP parser itself refuses a NUL in a header (a plain 400, connection closed):
    the request never reaches the app, and the server lives on."""
    for name in ("Idempotency-Key", "X-Request-ID", "Authorization"):
        connection = Connection(api)
        try:
            status, _, _ = connection.request("GET", "/v1/batches", {name: b"a\x00b"})
        except AssertionError:
            status = 400  # closed without an answer: refused all the same
        finally:
            connection.close()
        assert 400 <= status < 500, (name, status)
    with httpx.Client(base_url=api.url) as c:
        assert c.get("/healthz").status_code == 200


# Text built of pieces that matter often enough: NUL, both halves of a surrogate pair
# (adjacent halves form a pair once JSON-decoded), and text that merely looks like an
# escape (a backslash, then "u0000" or "ud800").
TRICKY = st.lists(
    st.one_of(
        st.characters(exclude_categories=()),
        st.sampled_from(
            ["\x00", "\ud800", "\udbff", "\udc00", "\udfff", "\\", "\\u0000", "\\ud800"]
        ),
    ),
    max_size=8,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.lists(TRICKY, max_size=4))
def test_the_scan_finds_exactly_the_nuls_and_lone_surrogates(texts: list[str]) -> None:
    """Over arbitrary text, escaped as any JSON encoder may (ASCII-only, or raw UTF-8 where
    it can be), the byte scan refuses exactly the documents whose decoded strings a UTF-8
    encoder or PostgreSQL could not take."""

    def unfit(text: str) -> bool:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return "\x00" in text

    document = {"name": texts, "nested": [{"k": t} for t in texts]}
    sent = json.dumps(document).encode()
    meant = json.loads(sent)["name"]  # adjacent halves of a pair decode as one character
    expected = any(unfit(t) for t in meant)
    assert bad_json_text(sent) == expected
    if not expected:
        assert not bad_json_text(json.dumps(json.loads(sent), ensure_ascii=False).encode())
