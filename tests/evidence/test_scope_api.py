"""An employer key never reads the registry (issue 11, item 3; UU 27/2022).

On a real server with the samples' registry extract and PKH/ASN lists loaded: an employer
gets registry and list evidence only for the workers the registry places at its NPP; for
any other NIK the answer is byte for byte the answer of a server with no evidence at all
(no wage, no status, no list, not even PARTICIPANT_NOT_FOUND). Staff keep everything, and
each of their checks that used evidence is audited with pseudonyms, never a NIK.
"""

from __future__ import annotations

import json
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bsu.privacy.pseudonyms import pseudonym
from bsu.store.db import make_engine
from bsu.store.models import AuditRecord, NikClaim
from tests.evidence.conftest import SAMPLES, Scoped
from tests.servers import wait_for

ADI: dict[str, Any] = {
    "nik": "3275014101900001",
    "name": "Adi",
    "wage": 3000000,
    "participant_status": "Aktif",
    "registered_on": "2024-01-15",
    "region": "Kota Bekasi",
    "pkh_recipient": "Tidak",
    "employment_status": "Tetap",
}
BUNGA = {**ADI, "nik": "3275016502920002", "name": "Bunga"}  # last paid 2024-11 (registry)
FITRI = {**ADI, "nik": "3275015111930006", "name": "Fitri"}  # on the PKH list
NIA = {**ADI, "nik": "3216016603950101", "name": "Nia"}  # at NPP_B, on the ASN list
EKO = {**ADI, "nik": "3171012309910005", "name": "Eko"}  # in no registry
ALL = (ADI, BUNGA, FITRI, NIA, EKO)


ACROSS = "NIK_DUPLICATE_ACROSS_EMPLOYERS"


def codes(body: dict[str, Any]) -> list[str]:
    return [r["code"] for r in body["reasons"]]


def judged(body: dict[str, Any]) -> list[str]:
    """The reasons other than another upload holding the same worker."""
    return [c for c in codes(body) if c != ACROSS]


def bare_answer(scoped: Scoped, worker: dict[str, Any], lang: str = "id") -> bytes:
    with scoped.bare.client(headers={"Accept-Language": lang}) as c:
        got = c.post("/v1/check", json=worker)
    assert got.status_code == 200, got.text
    return got.content


def audits(scoped: Scoped, action: str = "check.evidence") -> list[AuditRecord]:
    engine = make_engine(scoped.url)
    try:
        with Session(engine) as session:
            return list(
                session.scalars(
                    select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.id)
                ).all()
            )
    finally:
        engine.dispose()


def log_key(scoped: Scoped) -> bytes:
    return (scoped.data / "log.key").read_bytes().strip()


def test_an_employer_sees_the_registry_for_its_own_workers(scoped: Scoped) -> None:
    with scoped.client("employer_a") as c:
        bunga = c.post("/v1/check", json=BUNGA).json()
        fitri = c.post("/v1/check", json=FITRI).json()
    assert codes(bunga) == ["CONTRIBUTION_NOT_PAID"]
    assert "ekstrak 2025-05-02" in bunga["evidence"]["active_participant"]
    assert codes(fitri) == ["EXCLUDED_PKH_RECIPIENT"]
    assert "PKH" in fitri["evidence"]["not_pkh_recipient"]


def test_another_employers_worker_is_judged_on_what_the_caller_sent(scoped: Scoped) -> None:
    """Byte-identical to a server with no evidence: at another NPP, in no registry, in a
    registry under no NPP the key holds, in both languages, single and batch checks."""
    cases = [
        ("employer_b", BUNGA),  # at NPP_A, Nonaktif there
        ("employer_b", FITRI),  # at NPP_A, on the PKH list
        ("employer_b", ADI),  # at NPP_A, its reported wage differs
        ("employer_a", NIA),  # at NPP_B, on the ASN list
        ("employer_a", EKO),  # in no registry: no PARTICIPANT_NOT_FOUND
        ("employer_c", BUNGA),  # an NPP the registry does not know
        ("employer_c", EKO),
    ]
    for who, worker in cases:
        for lang in ("id", "en"):
            with scoped.client(who, **{"Accept-Language": lang}) as c:
                got = c.post("/v1/check", json=worker)
            assert got.status_code == 200, got.text
            assert got.content == bare_answer(scoped, worker, lang), (who, worker["name"], lang)
            assert "evidence" not in got.json() or got.json()["evidence"] is None
    with scoped.client("employer_c") as c:
        many = c.post("/v1/check/batch", json=list(ALL))
    with scoped.bare.client() as c:
        expected = c.post("/v1/check/batch", json=list(ALL))
    assert many.status_code == 200, many.text
    assert many.content == expected.content


def test_a_mixed_batch_gives_evidence_for_the_employers_rows_only(scoped: Scoped) -> None:
    with scoped.client("employer_a") as c:
        rows = c.post("/v1/check/batch", json=[BUNGA, NIA, EKO]).json()["data"]
    bunga, nia, eko = rows
    assert codes(bunga) == ["CONTRIBUTION_NOT_PAID"]
    # Nia (another NPP, on the ASN list) and Eko (no registry) are the same answer: the
    # caller's own data, every criterion from the roster.
    assert nia == eko
    assert nia["status"] == "eligible" and nia["reasons"] == []
    assert set(nia["evidence"].values()) == {"roster pemberi kerja"}


def test_staff_keep_full_evidence_and_each_check_is_audited(scoped: Scoped) -> None:
    before = len(audits(scoped))
    request_id = f"t-{uuid.uuid4().hex[:8]}"
    with scoped.client("staff", **{"X-Request-ID": request_id}) as c:
        eko = c.post("/v1/check", json=EKO).json()
        nia = c.post("/v1/check", json=NIA).json()
        many = c.post("/v1/check/batch", json=[BUNGA, FITRI, {**ADI, "nik": "123"}])
    assert codes(eko) == ["PARTICIPANT_NOT_FOUND"]
    assert codes(nia) == ["EXCLUDED_ASN_TNI_POLRI"]
    assert many.status_code == 200
    records = audits(scoped)[before:]
    assert len(records) == 3, [r.detail for r in records]
    key = log_key(scoped)
    staff_id = scoped.keys["staff"].split("_")[1]
    for record, niks in zip(records, [[EKO], [NIA], [BUNGA, FITRI]], strict=True):
        assert record.actor.startswith(f"staff:{staff_id} ")
        assert record.request_id == request_id
        assert record.batch_id is None
        detail = record.detail or {}
        assert detail["niks"] == len(niks)
        assert sorted(detail["pseudonyms"]) == sorted(pseudonym(w["nik"], key) for w in niks)
        text = json.dumps(detail)
        assert not re.search(r"(?<![0-9a-f])[0-9]{10,}", text), text
        assert not any(w["nik"] in text for w in ALL)
        assert detail["registry"][0]["as_of"] == "2025-05-02"
        assert {x["list"] for x in detail["lists"]} == {"pkh", "asn"}


def test_an_employers_checks_outside_its_scope_are_not_audited(scoped: Scoped) -> None:
    """Nothing from the store was used, so there is nothing to record; the check of its
    own worker is recorded with that worker's pseudonym only."""
    before = len(audits(scoped))
    with scoped.client("employer_a") as c:
        c.post("/v1/check/batch", json=[NIA, EKO]).raise_for_status()
    assert len(audits(scoped)) == before
    with scoped.client("employer_a") as c:
        c.post("/v1/check/batch", json=[BUNGA, NIA, EKO]).raise_for_status()
    [record] = audits(scoped)[before:]
    assert record.actor.startswith("employer:")
    assert (record.detail or {})["pseudonyms"] == [pseudonym(BUNGA["nik"], log_key(scoped))]
    assert "file" not in json.dumps(record.detail)


def _upload(client: httpx.Client, path: Path) -> dict[str, Any]:
    sent = client.post("/v1/batches", files={"file": (path.name, path.read_bytes())})
    assert sent.status_code == 202, sent.text
    return wait_for(client, sent.headers["location"], {"done", "failed"})


def _rows(client: httpx.Client, batch: dict[str, Any]) -> list[dict[str, Any]]:
    got = client.get(f"/v1/batches/{batch['id']}/rows", params={"page_size": 1000})
    assert got.status_code == 200, got.text
    return list(got.json()["data"])


def _forget_earlier_uploads(scoped: Scoped) -> None:
    """The server is shared by the package: other tests' uploads of the same workers would
    make them "on another roster" here (paid once across uploads), which a server without
    evidence (``bare``) cannot say. Their claims are dropped, as if the round began now."""
    engine = make_engine(scoped.url)
    try:
        with Session(engine) as session, session.begin():
            session.execute(delete(NikClaim))
    finally:
        engine.dispose()


def test_an_employers_upload_is_scoped_like_its_checks(scoped: Scoped) -> None:
    roster = SAMPLES / "roster-clean.xlsx"  # the workers of NPP_A (and Eko)
    _forget_earlier_uploads(scoped)
    with scoped.client("employer_b") as c:
        other = _upload(c, roster)
        other_rows = _rows(c, other)
        other_csv = c.get(f"/v1/batches/{other['id']}/result.csv").content
    with scoped.bare.client() as c:
        bare = _upload(c, roster)
        bare_rows = _rows(c, bare)
        bare_csv = c.get(f"/v1/batches/{bare['id']}/result.csv").content
    assert other["status"] == "done", other
    assert other_rows == bare_rows
    assert other_csv == bare_csv
    assert other["summary"] == bare["summary"]
    assert other.get("evidence") is None

    with scoped.client("employer_a") as c:
        own = _upload(c, roster)
        own_rows = _rows(c, own)
    by_name = {r["name"]: r for r in own_rows}
    # employer_b's upload holds the same workers: each is also "on another roster" (paid
    # once across uploads, bsu.store.claims), named to employer_a only as another employer.
    assert all(ACROSS in codes(r) for r in own_rows if r["status"] != "ineligible")
    assert judged(by_name["Bunga Lestari"]) == ["CONTRIBUTION_NOT_PAID"]
    assert judged(by_name["Fitri Handayani"]) == ["EXCLUDED_PKH_RECIPIENT"]
    assert "PARTICIPANT_NOT_FOUND" not in codes(by_name["Eko Saputra"])
    assert "NPP" not in json.dumps(own_rows).replace("NPP Anda", "")
    notice = own["evidence"]
    assert notice["scope"] == "employer"
    assert [r["as_of"] for r in notice["registry"]] == ["2025-05-02"]
    # Only the list that decided one of its workers; no file names of the branch's.
    assert [x["list"] for x in notice["lists"]] == ["pkh"]
    assert "file" not in json.dumps(notice)
    assert "NPP Anda" in notice["message"]


def test_staff_coverage_of_an_employers_upload_counts_the_whole_registry(
    scoped: Scoped,
) -> None:
    """The employer's rows are judged on its share, but the coverage report (staff only)
    counts its workers against the whole registry: a worker protected through another
    NPP is protected all the same, and a worker absent from the registry is named."""
    roster = SAMPLES / "roster-clean.xlsx"  # the workers of NPP_A (and Eko)
    with scoped.client("employer_b") as c:
        theirs = _upload(c, roster)
        assert c.get(f"/v1/batches/{theirs['id']}/coverage").status_code == 403
    with scoped.client("staff") as c:
        own = _upload(c, roster)
        # The staff upload shares the employer's workers: the employer's upload is sent
        # back to be checked again (paid once across uploads) before its coverage is read.
        wait_for(c, f"/v1/batches/{theirs['id']}", {"done"})
        got = c.get(f"/v1/batches/{theirs['id']}/coverage")
        want = c.get(f"/v1/batches/{own['id']}/coverage")
    assert got.status_code == 200, got.text
    assert want.status_code == 200, want.text
    totals = got.json()["totals"]
    assert totals == want.json()["totals"]
    assert totals["active"] > 0 and totals["inactive"] > 0 and totals["not_registered"] > 0
    outreach = {r["name"]: r["why"] for r in got.json()["outreach"]}
    assert outreach["Eko Saputra"] == "not_registered"
    assert outreach["Bunga Lestari"] == "inactive"


def test_a_staff_upload_names_every_extract_and_list_in_force(scoped: Scoped) -> None:
    roster = SAMPLES / "roster-clean.xlsx"
    with scoped.client("staff") as c:
        batch = _upload(c, roster)
        english = c.get(f"/v1/batches/{batch['id']}", headers={"Accept-Language": "en"}).json()
    notice = batch["evidence"]
    assert notice["scope"] == "all"
    assert notice["registry"] == [{"as_of": "2025-05-02", "file": "registry-extract.csv"}]
    assert {(x["list"], x["as_of"], x["source"]) for x in notice["lists"]} == {
        ("pkh", "2025-06-01", "Kemensos"),
        ("asn", "2025-06-01", "BKN"),
    }
    assert "registry-extract.csv" in notice["message"]
    assert "Kemensos" in english["evidence"]["message"]
    assert english["evidence"]["message"] != notice["message"]


def test_concurrent_employer_and_staff_checks_keep_their_own_scope(scoped: Scoped) -> None:
    """Coalesced on the server: 32 employer and 32 staff checks of the same worker at once."""
    expected = bare_answer(scoped, BUNGA)
    with scoped.client("employer_b") as employer, scoped.client("staff") as staff:

        def one(i: int) -> tuple[str, bytes]:
            who, client = ("employer", employer) if i % 2 else ("staff", staff)
            got = client.post("/v1/check", json=BUNGA)
            assert got.status_code == 200, got.text
            return who, got.content

        with ThreadPoolExecutor(max_workers=16) as pool:
            answers = list(pool.map(one, range(64)))
    for who, body in answers:
        if who == "employer":
            assert body == expected
        else:
            assert b"CONTRIBUTION_NOT_PAID" in body
