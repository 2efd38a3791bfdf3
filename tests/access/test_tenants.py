"""No employer can read, list, download or learn the existence of another's batch."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.access.conftest import CLEAN, Tenants

# Every route that takes a batch id, and whether it is for branch staff only.
ID_ROUTES = [
    ("/v1/batches/{id}", False),
    ("/v1/batches/{id}/rows", False),
    ("/v1/batches/{id}/result.xlsx", False),
    ("/v1/batches/{id}/result.csv", False),
    ("/v1/batches/{id}/trace", False),
    ("/v1/batches/{id}/actions.csv", False),
    ("/v1/batches/{id}/duplicates", False),
    ("/v1/batches/{id}/coverage", True),
    ("/v1/batches/{id}/coverage.xlsx", True),
]


def _get(t: Tenants, who: str | None, route: str, batch_id: str) -> httpx.Response:
    with t.client(who) as c:
        return c.get(route.format(id=batch_id))


def test_every_id_route_was_listed(tenants: Tenants) -> None:
    """The matrix below covers every GET route of the app that takes a batch id."""
    with tenants.client("staff_jkt") as c:
        paths = c.get("/openapi.json").json()["paths"]
    with_id = {p for p, ops in paths.items() if "{batch_id}" in p and "get" in ops}
    assert with_id == {r.replace("{id}", "{batch_id}") for r, _ in ID_ROUTES}


@pytest.mark.parametrize(("route", "staff_only"), ID_ROUTES)
@pytest.mark.parametrize("outsider", ["employer_b", "staff_sby"])
def test_another_tenants_batch_answers_exactly_like_a_missing_one(
    tenants: Tenants, route: str, staff_only: bool, outsider: str
) -> None:
    if staff_only and outsider.startswith("employer"):
        pytest.skip("an employer gets 403 on staff routes before any lookup (tested below)")
    real, missing = tenants.batch_a["id"], str(uuid.uuid4())
    foreign = _get(tenants, outsider, route, real)
    absent = _get(tenants, outsider, route, missing)
    assert foreign.status_code == absent.status_code == 404, foreign.text
    assert foreign.json() == {
        "error": {
            **absent.json()["error"],
            "message": absent.json()["error"]["message"].replace(missing, real),
        }
    }
    assert foreign.json()["error"]["code"] == "batch_not_found"
    assert set(foreign.headers) - {"date", "x-request-id"} == set(absent.headers) - {
        "date",
        "x-request-id",
    }


@pytest.mark.parametrize(("route", "staff_only"), ID_ROUTES)
@pytest.mark.parametrize("insider", ["employer_a", "employer_a2", "staff_jkt"])
def test_the_owner_and_its_branch_see_the_batch(
    tenants: Tenants, route: str, staff_only: bool, insider: str
) -> None:
    answer = _get(tenants, insider, route, tenants.batch_a["id"])
    if staff_only and insider.startswith("employer"):
        assert answer.status_code == 403, answer.text
        assert answer.json()["error"]["code"] == "staff_only"
    elif staff_only:
        # Visible to its branch: checked without a registry, so there is no coverage.
        assert answer.status_code == 409, answer.text
        assert answer.json()["error"]["code"] == "registry_missing"
    else:
        assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(("route", "staff_only"), [r for r in ID_ROUTES if r[1]])
@pytest.mark.parametrize("batch", ["own", "missing"])
def test_an_employer_on_a_staff_route_gets_403_whatever_the_id(
    tenants: Tenants, route: str, staff_only: bool, batch: str
) -> None:
    batch_id = tenants.batch_a["id"] if batch == "own" else str(uuid.uuid4())
    answer = _get(tenants, "employer_a", route, batch_id)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "staff_only"


def test_an_employer_on_the_audit_log_gets_403(tenants: Tenants) -> None:
    with tenants.client("employer_a") as c:
        answer = c.get("/v1/audit")
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "staff_only"


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("employer_a", True),
        ("employer_a2", True),
        ("employer_b", False),
        ("staff_jkt", True),
        ("staff_sby", False),
    ],
)
def test_a_list_holds_only_the_callers_batches(tenants: Tenants, who: str, sees: bool) -> None:
    with tenants.client(who) as c:
        listed = c.get("/v1/batches", params={"page_size": 100}).json()
    ids = {b["id"] for b in listed["data"]}
    assert (tenants.batch_a["id"] in ids) is sees
    assert listed["count"] == len(ids)


@pytest.mark.parametrize(
    "route",
    ["/v1/batches", "/v1/batches/{id}", "/v1/batches/{id}/rows", "/v1/audit"],
)
@pytest.mark.parametrize("key", [None, "bsu_000000000000_" + "x" * 43, "not-a-key"])
def test_without_a_valid_key_nothing_is_answered(
    tenants: Tenants, route: str, key: str | None
) -> None:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    with tenants.server.client(headers=headers) as c:
        answer = c.get(route.format(id=tenants.batch_a["id"]))
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == ("api_key_invalid" if key else "api_key_required")
    assert answer.headers["www-authenticate"].startswith("Bearer")


def test_a_check_and_an_upload_need_a_key_too(tenants: Tenants) -> None:
    with tenants.client(None) as c:
        assert c.post("/v1/check", json={"nik": "3275014101900001"}).status_code == 401
        sent = c.post("/v1/batches", files={"file": (CLEAN.name, CLEAN.read_bytes())})
        assert sent.status_code == 401
        # What needs no key: health, the rule sets (public law), the page.
        assert c.get("/healthz").status_code == 200
        assert c.get("/v1/rulesets").status_code == 200
        assert c.get("/").status_code == 200
    with tenants.client("employer_b") as c:
        assert c.post("/v1/check", json={"nik": "3275014101900001"}).status_code == 200


def test_the_key_header_may_also_be_x_api_key(tenants: Tenants) -> None:
    with tenants.server.client(headers={"X-API-Key": tenants.keys["employer_a"]}) as c:
        assert c.get(f"/v1/batches/{tenants.batch_a['id']}").status_code == 200


def test_one_idempotency_key_used_by_two_employers_makes_two_batches(tenants: Tenants) -> None:
    key = {"Idempotency-Key": f"upload-{uuid.uuid4()}"}
    made = []
    for who in ("employer_a", "employer_b", "employer_a2"):
        with tenants.client(who) as c:
            sent = c.post(
                "/v1/batches", files={"file": (CLEAN.name, CLEAN.read_bytes())}, headers=key
            )
            assert sent.status_code == 202, sent.text
            made.append(sent.json()["id"])
    a, b, a2 = made
    assert a != b, "employer B must not meet employer A's batch through a shared key"
    assert a == a2, "two keys of one employer are one tenant: the retry finds the batch"
