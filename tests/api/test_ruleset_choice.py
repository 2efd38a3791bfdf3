"""A rule set is chosen over HTTP by its id, from the server's own folder, and nothing else:
a path, a traversal or a very long value is a typed 404 ``ruleset_not_found`` naming the
valid ids on every route that takes one (a NUL: 422 ``request_malformed``), never a file
opened, never the server's paths or a file's content (issue 11, item 4; issue 12, item 6).

The server runs with ``BSU_RULES_DIR`` on a copy of the shipped rules plus a broken rule
set holding a secret; beside that folder lies a secret "rule set" a traversal would reach
(a valid one, so that loading it would visibly succeed).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import EN, error_of
from tests.servers import Server, database, start_server
from tests.support import VALID_WORKER

DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
ROOT = Path(__file__).resolve().parents[2]
SECRET = "hunter2-rahasia"
CSV = b"NIK;Nama;Upah\n3275014101900001;Adi Nugroho;3000000\n"
VALID = ("bsu-2020", "bsu-2021", "bsu-2022", "bsu-2025")


@dataclass
class Rules:
    server: Server
    folder: Path  # BSU_RULES_DIR
    outside: Path  # a valid rule set outside it: outside/stolen.yaml


@pytest.fixture(scope="module", params=DATABASES)
def rules(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Rules]:
    tmp = tmp_path_factory.mktemp(f"rules-{request.param}")
    folder = tmp / "srv" / "rules"
    shutil.copytree(ROOT / "rules", folder)
    (folder / "broken.yaml").write_text(f"id: broken\npassword: {SECRET}\n", encoding="utf-8")
    outside = tmp / "outside"
    outside.mkdir()
    stolen = (ROOT / "rules" / "bsu-2025.yaml").read_text(encoding="utf-8")
    stolen = stolen.replace("id: bsu-2025\n", "id: stolen\n", 1)
    stolen = stolen.replace(
        "regions_kemendagri_2025.csv", str(folder / "regions_kemendagri_2025.csv")
    )
    stolen = stolen.replace("minimum_wages_2025.csv", str(folder / "minimum_wages_2025.csv"))
    (outside / "stolen.yaml").write_text(f"# {SECRET}\n{stolen}", encoding="utf-8")
    (outside / "secret.yaml").write_text(f"password: {SECRET}\nkey: 1\n", encoding="utf-8")
    with database(request.param, tmp) as url:
        server = start_server(
            tmp / "data", url, BSU_RULES_DIR=str(folder), BSU_UPLOAD_RATE_LIMIT_PER_MINUTE="0"
        )
        try:
            yield Rules(server, folder, outside)
        finally:
            server.stop()


def _values(r: Rules) -> dict[str, str]:
    """Every way a value could try to leave the folder; none of them may."""
    up = "../" * 12
    return {
        "relative traversal": "../../outside/stolen",
        "relative traversal with .yaml": "../../outside/stolen.yaml",
        "deep traversal": up + str(r.outside / "stolen")[1:],
        "absolute path": str(r.outside / "stolen.yaml"),
        "absolute path no suffix": str(r.outside / "stolen"),
        "absolute secret": str(r.outside / "secret.yaml"),
        "url-encoded traversal": "%2e%2e%2f%2e%2e%2foutside%2fstolen",
        "backslashes": "..\\..\\outside\\stolen",
        "nul": "bsu-2025\x00",
        "nul then yaml": "bsu-2025\x00.yaml",
        "very long": "a" * 5000,
        "very long yaml": "b" * 4000 + ".yaml",
        "file name of a real one": "bsu-2025.yaml",
        "folder itself": ".",
        "empty-ish": " ",
        "unknown id": "bsu-1999",
        "a table": "regions_kemendagri_2025",
    }


def _no_leak(r: Rules, response: httpx.Response) -> str:
    """The refusal names the valid ids, and nothing of the server's disk."""
    text = response.text
    message = error_of(response, 404, "ruleset_not_found")
    assert all(v in message for v in VALID), message
    for leak in (SECRET, str(r.folder), str(r.outside), "/tmp", "password", "stolen", ".yaml"):
        assert leak not in text, (leak, text[:300])
    return message


ROUTES = ["check", "check/batch", "batches"]


def _send(c: httpx.Client, route: str, value: str, headers: dict[str, str]) -> httpx.Response:
    if route == "check":
        return c.post("/v1/check", params={"rules": value}, json=VALID_WORKER, headers=headers)
    if route == "check/batch":
        return c.post(
            "/v1/check/batch", params={"rules": value}, json=[VALID_WORKER], headers=headers
        )
    return c.post(
        "/v1/batches",
        files={"file": ("roster.csv", CSV)},
        data={"ruleset": value},
        headers=headers,
    )


@pytest.mark.parametrize("route", ROUTES)
def test_no_value_leaves_the_rule_folder(rules: Rules, route: str) -> None:
    with rules.server.client() as c:
        for name, value in _values(rules).items():
            if route == "batches" and "\x00" in value:
                continue  # a form field cannot carry a NUL through httpx; see below
            for headers in ({}, EN):
                response = _send(c, route, value, headers)
                if "\x00" in value:  # refused before any route (tests/api/test_plain_text.py)
                    error_of(response, 422, "request_malformed")
                    assert SECRET not in response.text and "/tmp" not in response.text
                    continue
                _no_leak(rules, response)
            assert c.get("/healthz").status_code == 200, name
        # The valid ones still work, each as itself.
        ok = _send(c, route, "bsu-2022", {})
        assert ok.status_code in (200, 202), ok.text
    assert rules.server.process.poll() is None


def test_a_nul_in_the_form_field_is_refused_typed(rules: Rules) -> None:
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="r.csv"\r\n\r\n'
        + CSV
        + b'\r\n--b\r\nContent-Disposition: form-data; name="ruleset"\r\n\r\nbsu-2025\x00'
        + b"\r\n--b--\r\n"
    )
    with rules.server.client() as c:
        response = c.post(
            "/v1/batches", content=body, headers={"Content-Type": "multipart/form-data; boundary=b"}
        )
    assert response.status_code in (404, 422), response.text
    assert response.json()["error"]["code"] in ("ruleset_not_found", "request_malformed")
    assert SECRET not in response.text and str(rules.folder) not in response.text


def test_the_rule_set_route_takes_only_an_id(rules: Rules) -> None:
    with rules.server.client() as c:
        for name, value in _values(rules).items():
            if any(c in value for c in "/%\\\x00") or value.strip() in ("", "."):
                continue  # another address, or refused before routing: tried raw below
            response = c.get(f"/v1/rulesets/{value}")
            assert response.status_code == 404, (name, response.text[:300])
            _no_leak(rules, response)
        for raw in (
            "/v1/rulesets/..%2F..%2Foutside%2Fstolen",
            "/v1/rulesets/%2e%2e%2f%2e%2e%2foutside%2fstolen",
            "/v1/rulesets/%2Ftmp%2Fsecret.yaml",
            "/v1/rulesets/bsu-2025%00",
            "/v1/rulesets/..%5C..%5Coutside%5Cstolen",
        ):
            response = c.get(raw)
            assert response.status_code == 404, (raw, response.text[:300])
            assert response.json()["error"]["code"] in ("ruleset_not_found", "not_found")
            assert SECRET not in response.text and "/tmp" not in response.text
        assert c.get("/v1/rulesets/bsu-2022").json()["id"] == "bsu-2022"


def test_a_broken_rule_set_in_the_folder_never_shows_its_content(rules: Rules) -> None:
    with rules.server.client() as c:
        answers = [
            c.get("/v1/rulesets/broken"),
            c.post("/v1/check", params={"rules": "broken"}, json=VALID_WORKER),
            c.post("/v1/check/batch", params={"rules": "broken"}, json=[VALID_WORKER]),
            _send(c, "batches", "broken", {}),
        ]
        listed = c.get("/v1/rulesets")
    for response in answers:
        assert response.status_code == 500, response.text
        assert response.json()["error"]["code"] == "ruleset_invalid", response.text
        for leak in (SECRET, "password", str(rules.folder), "/tmp", ".yaml", "Field required"):
            assert leak not in response.text, (leak, response.text)
    # The list still shows the rule sets that load.
    assert listed.status_code == 200, listed.text
    assert {rs["id"] for rs in listed.json()["data"]} == set(VALID)
    assert SECRET not in listed.text


@pytest.mark.parametrize("route", [*ROUTES, "rulesets"])
def test_an_unknown_rule_set_is_404_on_every_route_that_takes_one(rules: Rules, route: str) -> None:
    """The same status, code and wording wherever the id is given (it was 422 on three
    routes and 404 on one)."""
    with rules.server.client() as c:
        for headers, words in (({}, "tidak ada"), (EN, "does not exist")):
            if route == "rulesets":
                response = c.get("/v1/rulesets/bsu-1999", headers=headers)
            else:
                response = _send(c, route, "bsu-1999", headers)
            message = error_of(response, 404, "ruleset_not_found")
            assert "bsu-1999" in message and words in message, message
            assert all(v in message for v in VALID), message


def test_the_schema_documents_the_404_of_every_route_that_takes_a_rule_set(rules: Rules) -> None:
    with rules.server.client() as c:
        paths = c.get("/openapi.json").json()["paths"]
    for path, method in (
        ("/v1/check", "post"),
        ("/v1/check/batch", "post"),
        ("/v1/batches", "post"),
        ("/v1/rulesets/{ruleset_id}", "get"),
    ):
        documented = paths[path][method]["responses"]
        assert "404" in documented, (path, sorted(documented))
