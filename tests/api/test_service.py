"""Rule sets, health, the OpenAPI document and the error shape of unknown addresses."""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel, ValidationError

from bsu.api import schemas as api_schemas
from bsu.api.schemas import CheckPublic, ErrorPublic
from bsu.core.reasons import ReasonCode
from tests.api.conftest import EN, error_of


def test_the_rule_sets_are_listed(client: httpx.Client) -> None:
    body = client.get("/v1/rulesets").json()
    assert body["count"] == len(body["data"]) >= 1
    by_id = {rs["id"]: rs for rs in body["data"]}
    rs = by_id["bsu-2025"]
    assert (rs["id"], rs["version"]) == ("bsu-2025", "2025.1")
    assert rs["title"] == "Bantuan Subsidi Upah (BSU) 2025"
    for listed in body["data"]:
        assert listed["effective_from"] <= listed["effective_to"]
    english = {r["id"]: r for r in client.get("/v1/rulesets", headers=EN).json()["data"]}
    assert english["bsu-2025"]["title"] == "Wage Subsidy (BSU) 2025"


def test_a_rule_set_shows_its_criteria_parameters_and_citations(client: httpx.Client) -> None:
    response = client.get("/v1/rulesets/bsu-2025")
    assert response.status_code == 200
    rs = response.json()
    assert (rs["id"], rs["version"]) == ("bsu-2025", "2025.1")
    assert rs["parameters"]["wage_cap_idr"]["value"] == 3_500_000
    assert rs["parameters"]["wage_cap_idr"]["citation"].startswith("Pasal 3")
    assert rs["criteria"], "the criteria are listed"
    assert set(rs["citations"]) == {code.value for code in ReasonCode}
    assert "Permenaker No. 5 Tahun 2025" in rs["citations"]["WAGE_ABOVE_CAP"]
    assert "Pasal 3" in rs["citations"]["WAGE_ABOVE_CAP"]
    assert "Permenaker No. 5 Tahun 2025" in [basis["short"] for basis in rs["legal_basis"]]


def test_an_unknown_rule_set_is_not_found(client: httpx.Client) -> None:
    assert "bsu-1999" in error_of(client.get("/v1/rulesets/bsu-1999"), 404, "ruleset_not_found")
    english = error_of(client.get("/v1/rulesets/bsu-1999", headers=EN), 404, "ruleset_not_found")
    assert "does not exist" in english


def test_health_and_readiness(client: httpx.Client) -> None:
    health = client.get("/healthz")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    ready = client.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


def _body_examples(openapi: dict[str, Any], path: str) -> list[Any]:
    content = openapi["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    schema = content.get("schema", {})
    found = list(content.get("examples", {}).values()) + schema.get("examples", [])
    if "example" in content:
        found.append(content["example"])
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        found += openapi["components"]["schemas"][name].get("examples", [])
    return [e.get("value", e) if isinstance(e, dict) and "value" in e else e for e in found]


def test_openapi_documents_the_bodies_with_examples(client: httpx.Client) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    openapi = response.json()
    [example, *_] = _body_examples(openapi, "/v1/check")
    assert example["nik"] == "3275014101900001"
    # The example a reader copies from /docs works as it stands.
    checked = client.post("/v1/check", json=example)
    assert checked.status_code == 200, checked.text

    schemas = openapi["components"]["schemas"]
    for name in ("CheckPublic", "BatchPublic", "ErrorPublic"):
        assert schemas[name].get("examples"), f"{name} has no example"
    assert schemas["ErrorPublic"]["examples"][0]["error"]["code"]
    check_example = CheckPublic.model_validate(schemas["CheckPublic"]["examples"][0])
    citations = client.get("/v1/rulesets/bsu-2025").json()["citations"]
    for reason in check_example.reasons:
        assert reason.citation == citations[reason.code], "the example cites the rule set"
    ErrorPublic.model_validate(schemas["ErrorPublic"]["examples"][0])
    for path in ("/v1/check", "/v1/batches", "/v1/batches/{batch_id}"):
        assert path in openapi["paths"]


def test_every_example_in_openapi_is_valid_for_its_model(client: httpx.Client) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    wrong = {}
    checked = 0
    for name, schema in schemas.items():
        model = getattr(api_schemas, name, None)
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        for example in schema.get("examples", []):
            checked += 1
            try:
                model.model_validate(example)
            except ValidationError as exc:
                wrong[name] = str(exc)
    assert checked >= 3
    assert wrong == {}


def test_the_docs_page_is_html(client: httpx.Client) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "swagger" in response.text.lower() and "/openapi.json" in response.text


def test_unknown_addresses_and_methods_answer_in_the_error_shape(client: httpx.Client) -> None:
    assert error_of(client.get("/v1/tidak-ada"), 404, "not_found") == "Alamat tidak ditemukan."
    assert error_of(client.get("/v1/tidak-ada", headers=EN), 404, "not_found") == "Not found."
    error_of(client.get("/v1/check"), 405, "method_not_allowed")
    error_of(client.delete("/v1/rulesets/bsu-2025"), 405, "method_not_allowed")
