"""The sandbox's webhooks, received over real HTTP by a small server in the test.

Payload examples: idenfy-equals.md § 1.5 and § 2.5, swan-stora.md § 1.6 and § 2.6.
"""

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from idvdash.sandbox.catalog import ARRIVAL
from idvdash.sandbox.credentials import SANDBOX_CREDENTIALS, SANDBOX_WEBHOOK_SECRETS
from idvdash.sandbox.server import SandboxServer
from idvdash.sandbox.webhooks.changes import HORIZON

from .conftest import EQUALS_HEADERS, IDENFY_AUTH, STORA_HEADERS, shape_matches, stora_walk

# idenfy-equals.md § 1.5 (keys from the IdentificationWebhook schema); `data` is checked
# against /api/v2/data and `fileUrls` holds whichever files were captured.
IDENFY_WEBHOOK = {
    "final": True,
    "platform": "MOBILE",
    "scanRef": "5b7e10d2-9d42-11ef-8d0b-0242ac120002",
    "externalRef": None,
    "clientId": "client-000124",
    "companyId": None,
    "beneficiaryId": None,
    "startTime": 1731060760,
    "finishTime": 1731060842,
    "clientIp": "198.51.100.23",
    "clientIpCountry": "GB",
    "clientLocation": "London, United Kingdom",
    "gdcMatch": None,
    "manualAddress": None,
    "manualAddressMatch": False,
    "status": {
        "overall": "SUSPECTED",
        "fraudTags": ["DUPLICATE_FACE"],
        "mismatchTags": ["NAME"],
        "autoFace": "FACE_MATCH",
        "manualFace": "FACE_MATCH",
        "autoDocument": "DOC_VALIDATED",
        "manualDocument": "DOC_VALIDATED",
        "additionalSteps": None,
    },
    "data": None,
    "fileUrls": None,
    "additionalStepPdfUrls": {},
    "AML": None,
    "amlCheck": None,
    "LID": None,
    "CRIMINAL_CHECK": None,
    "riskAssessment": None,
}
# idenfy-equals.md § 2.5; `result` only when `completed`.
EQUALS_WEBHOOK = {
    "webhookEventTypeName": "IdentityVerificationStatusUpdated",
    "messageId": "0f4e6c2a-8b1d-4a7e-9c3f-5d2b1a0e9f87",
    "correlationId": "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    "applicationId": "e9293471-5eb3-4dbc-916c-dbaf9e2deefd",
    "associatedPersonId": "d4c3b2a1-5678-4e9a-bcde-f01234567890",
    "status": "completed",
    "result": "approved",
    "eventTime": "2026-03-02T09:41:07.512Z",
}
# swan-stora.md § 1.6.
SWAN_WEBHOOK = {
    "eventType": "User.Updated",
    "eventId": "5b1e0c6c-2f3a-4f0e-9a61-0c1d2e3f4a5b",
    "eventDate": "2021-08-18T09:35:46.673Z",
    "projectId": "<project id>",
    "resourceId": "4d102f73-cc4a-4f2e-8734-e2885df95abd",
}
# swan-stora.md § 2.6; `data.identity_verification` is compared with the API's own.
STORA_WEBHOOK = {
    "event": {
        "id": "evt_1234567890",
        "type": "identity_verification.succeeded",
        "api_version": "2025-09",
        "created_at": "2025-02-22T14:41:05Z",
        "data": {"identity_verification": None},
        "meta": {"curies": [{"name": "bo", "href": "x", "templated": True, "title": "x"}]},
    }
}
FAST_RETRIES = {"retry_delays": {kind: [0.05] * 7 for kind in SANDBOX_WEBHOOK_SECRETS}}


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    raw: bytes
    at: float

    @property
    def body(self) -> dict:
        return json.loads(self.raw)


class Receiver:
    """A local HTTP server recording every POST; it may fail the first requests."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.fail_first = 0
        self.status = 500
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    receiver.requests.append(
                        Received(self.path, dict(self.headers), raw, time.monotonic())
                    )
                    failing = len(receiver.requests) <= receiver.fail_first
                self.send_response(receiver.status if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def url(self, kind: str) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/webhooks/{kind}/"

    def received(self, kind: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if kind is None or r.path == f"/webhooks/{kind}/"]

    def wait_for(
        self, count: int, kind: str | None = None, timeout: float = 10.0
    ) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(got := self.received(kind)) < count:
            assert time.monotonic() < deadline, f"{len(got)} of {count} webhooks arrived"
            time.sleep(0.01)
        return got

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def hooked() -> Iterator[SandboxServer]:
    """A sandbox of its own, so that targets, faults and the clock stay in this test."""
    server = SandboxServer(size=200, seed=1).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def control(hooked: SandboxServer, http: requests.Session) -> Callable[..., requests.Response]:
    def call(method: str, path: str, **kwargs: object) -> requests.Response:
        return http.request(method, f"{hooked.url}/_control{path}", timeout=5, **kwargs)

    return call


def hex_hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def wait_until(predicate: Callable[[], object], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def first_idenfy(http, hooked, status: str) -> str:
    rows = http.get(
        hooked.base_urls["idenfy"] + "/kyc/identifications/",
        params={"perPage": 100},
        auth=IDENFY_AUTH,
        timeout=5,
    ).json()["results"]
    return next(r["scanRef"] for r in rows if r["status"] == status)


def idenfy_post(http, hooked, endpoint: str, scan_ref: str) -> dict:
    return http.post(
        f"{hooked.base_urls['idenfy']}/api/v2/{endpoint}",
        json={"scanRef": scan_ref},
        auth=IDENFY_AUTH,
        timeout=5,
    ).json()


def equals_rows(http, hooked, **params) -> list[dict]:
    return http.get(
        hooked.base_urls["equals"] + "/applications/identity-verification-sessions",
        params={"limit": 1000, **params},
        headers=EQUALS_HEADERS,
        timeout=5,
    ).json()["rows"]


def swan_query(http, hooked, query: str) -> dict:
    token = http.post(
        hooked.token_urls["swan"],
        data={**SANDBOX_CREDENTIALS["swan"], "grant_type": "client_credentials"},
        timeout=5,
    ).json()["access_token"]
    return http.post(
        hooked.base_urls["swan"],
        json={"query": query},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    ).json()["data"]


# -- payloads, signatures and ids, per provider ---------------------------------------------


def test_idenfy_callback_shape_signature_and_ids(hooked, receiver, control, http):
    assert control("POST", "/webhooks", json={"kind": "idenfy", "url": receiver.url("idenfy")})
    scan_ref = first_idenfy(http, hooked, "SUSPECTED")
    response = control("POST", "/webhooks/send", json={"kind": "idenfy", "external_id": scan_ref})
    assert response.status_code == 202
    assert response.json()["queued"][0]["event"] == "IDENTIFICATION_MANUAL_FINISHED"
    (got,) = receiver.wait_for(1)
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["Idenfy-Event-Type"] == "IDENTIFICATION_MANUAL_FINISHED"
    assert got.headers["Idenfy-Signature"] == hex_hmac(SANDBOX_WEBHOOK_SECRETS["idenfy"], got.raw)
    body = got.body
    assert shape_matches(body, IDENFY_WEBHOOK) == []
    status = idenfy_post(http, hooked, "status", scan_ref)
    assert (body["scanRef"], body["clientId"]) == (status["scanRef"], status["clientId"])
    assert body["final"] is True
    assert body["status"]["overall"] == status["status"] == "SUSPECTED"
    assert body["status"]["fraudTags"] == status["fraudTags"]
    assert body["status"]["manualDocument"] == status["manualDocument"]
    data = idenfy_post(http, hooked, "data", scan_ref)
    assert body["data"] == {k: v for k, v in data.items() if k not in ("scanRef", "clientId")}
    assert set(body["fileUrls"]) <= {"FRONT", "BACK", "FACE", "FRONT_VIDEO", "BACK_VIDEO"} | {
        "FACE_VIDEO"
    }
    assert isinstance(body["startTime"], int)
    assert body["startTime"] < body["finishTime"]


def test_equals_event_shape_signature_and_ids(hooked, receiver, control, http):
    secret = "0d6b1c8e-2f4a-4e7b-9c31-5a8d7e6f2b10"
    control(
        "POST",
        "/webhooks",
        json={"kind": "equals", "url": receiver.url("equals"), "secret": secret},
    )
    row = next(
        r
        for r in equals_rows(http, hooked)
        if r.get("result") == "approved" and "associatedPersonId" in r
    )
    payload = {"kind": "equals", "external_id": row["id"], "application_id": row["applicationId"]}
    assert control("POST", "/webhooks/send", json=payload).status_code == 202
    assert control("POST", "/webhooks/send", json=payload).status_code == 202
    first, second = receiver.wait_for(2)
    expected = base64.b64encode(hmac.digest(secret.encode(), first.raw, "sha256")).decode()
    assert first.headers["x-em-signature"] == expected
    body = first.body
    assert shape_matches(body, EQUALS_WEBHOOK) == []
    assert list(body) == list(EQUALS_WEBHOOK)
    assert {k: body[k] for k in ("correlationId", "applicationId", "associatedPersonId")} == {
        k: row[k] for k in ("correlationId", "applicationId", "associatedPersonId")
    }
    assert (body["status"], body["result"]) == ("completed", "approved")
    assert len(body["messageId"]) == 36
    assert body["messageId"] != second.body["messageId"]
    assert body["eventTime"].endswith("Z")
    assert len(body["eventTime"]) == 24


def test_equals_new_row_sends_a_verification_request(hooked, receiver, http):
    hooked.webhooks.target("equals", receiver.url("equals"))
    hooked.clock.advance(ARRIVAL)
    got = receiver.wait_for(1, timeout=5)[0].body
    assert got["webhookEventTypeName"] == "IdentityVerificationRequest"
    (row,) = equals_rows(http, hooked, applicationId=got["applicationId"])[:1]
    assert got["actionUrl"] == row["actionUrl"]
    assert got["associatedPersonId"] == row.get("associatedPersonId")
    assert set(got) == {
        "webhookEventTypeName",
        "messageId",
        "applicationId",
        "associatedPersonId",
        "name",
        "email",
        "actionUrl",
        "eventTime",
    }


def test_swan_notice_carries_only_the_user_id_and_the_shared_secret(hooked, receiver, http):
    secret = "7f3e2d1c-0b9a-4876-8543-210fedcba987"
    hooked.webhooks.target("swan", receiver.url("swan"), secret)
    data = swan_query(
        http,
        hooked,
        "{ users(first: 1) { edges { node { id identifications(first: 1) "
        "{ edges { node { id } } } } } } }",
    )
    user = data["users"]["edges"][0]["node"]
    ident = user["identifications"]["edges"][0]["node"]["id"]
    hooked.webhooks.send("swan", ident)
    hooked.webhooks.send("swan", user["id"], "User.Deactivated")
    first, second = receiver.wait_for(2)
    assert first.headers["x-swan-secret"] == secret
    assert "x-swan-signature" not in {k.lower() for k in first.headers}
    assert shape_matches(first.body, SWAN_WEBHOOK) == []
    assert first.body["eventType"] == "User.Updated"
    assert first.body["resourceId"] == second.body["resourceId"] == user["id"]
    assert second.body["eventType"] == "User.Deactivated"
    assert first.body["projectId"] == "idvdash"


def test_stora_event_signature_and_resource_as_the_api_shows_it(hooked, receiver, http):
    hooked.webhooks.target("stora", receiver.url("stora"))
    row = next(r for r in stora_walk(http, hooked) if r["status"] == "failed")
    hooked.webhooks.send("stora", row["id"])
    (got,) = receiver.wait_for(1)
    assert got.headers["User-Agent"] == "Stora-Webhooks/1.0"
    assert len(got.headers["X-Stora-Request-Id"]) == 36
    t, v1 = (part.split("=", 1)[1] for part in got.headers["X-Stora-Signature"].split(","))
    assert abs(int(t) - time.time()) < 60
    secret = SANDBOX_WEBHOOK_SECRETS["stora"]
    assert v1 == hex_hmac(secret, t.encode() + b"." + got.raw)
    assert shape_matches(got.body, STORA_WEBHOOK) == []
    assert got.body["event"]["type"] == "identity_verification.failed"
    assert got.body["event"]["id"].startswith("evt_")
    detail = http.get(
        hooked.base_urls["stora"] + f"/2025-09/identity_verifications/{row['id']}",
        params={"expand": "contact"},
        headers=STORA_HEADERS,
        timeout=5,
    ).json()["identity_verification"]
    assert got.body["event"]["data"]["identity_verification"] == detail


# -- the simulated clock --------------------------------------------------------------------


def test_clock_advance_sends_an_event_per_change_in_order(hooked, receiver, http, control):
    hooked.webhooks.target("stora", receiver.url("stora"))
    start = stora_walk(http, hooked, sort_by="updated_at")
    assert control("POST", "/clock", json={"advance": 6 * 3600}).status_code == 200
    assert hooked.webhooks.wait_idle(10)
    before = {r["id"]: r for r in start}
    after = {r["id"]: r for r in stora_walk(http, hooked)}
    changed = {i for i, r in after.items() if r != before.get(i)}
    assert len(changed) > 10
    events = [r.body["event"] for r in receiver.received("stora")]
    resources = [e["data"]["identity_verification"] for e in events]
    assert {r["id"] for r in resources} == changed
    times = [e["created_at"] for e in events]
    assert times == sorted(times)
    last = {r["id"]: r for r in resources}
    for idver in changed:
        assert last[idver]["status"] == after[idver]["status"]
        assert last[idver]["updated_at"] == after[idver]["updated_at"]
    assert all(
        e["type"] == f"identity_verification.{r['status']}"
        for e, r in zip(events, resources, strict=True)
    )


def test_idenfy_sends_the_preliminary_result_before_the_final_one(hooked, receiver, http):
    hooked.webhooks.target("idenfy", receiver.url("idenfy"))
    hooked.clock.advance(2 * 86400)
    assert hooked.webhooks.wait_idle(15)
    by_ref: dict[str, list[dict]] = {}
    for got in receiver.received("idenfy"):
        by_ref.setdefault(got.body["scanRef"], []).append(got.body)
    both = [bodies for bodies in by_ref.values() if len(bodies) == 2]
    assert both
    for auto, manual in both:
        assert (auto["final"], auto["status"]["overall"]) == (False, "REVIEWING")
        assert auto["status"]["manualDocument"] is None
        assert manual["final"] is True
        assert manual["status"]["overall"] != "REVIEWING"
    for ref, bodies in by_ref.items():
        status = idenfy_post(http, hooked, "status", ref)
        assert bodies[-1]["clientId"] == status["clientId"]


def test_every_kind_sends_on_advance_and_a_huge_advance_is_capped(hooked, receiver):
    for kind in SANDBOX_WEBHOOK_SECRETS:
        hooked.webhooks.target(kind, receiver.url(kind))
    hooked.webhooks.configure(limit=5)
    hooked.clock.advance(400 * 86400)
    assert hooked.webhooks.wait_idle(10)
    for kind in SANDBOX_WEBHOOK_SECRETS:
        assert 1 <= len(receiver.received(kind)) <= 5 * 2  # Equals: a session on two rows
    assert all(count == 1 for count in hooked.webhooks.settings()["truncated"].values())


def test_changes_before_a_target_was_set_are_not_sent(hooked, receiver):
    hooked.clock.advance(3600)
    hooked.webhooks.target("stora", receiver.url("stora"))
    assert hooked.webhooks.wait_idle(5)
    assert receiver.received() == []


def test_new_records_finish_within_the_horizon(hooked):
    for catalog in hooked.dataset.catalogs.values():
        for i in range(catalog.size, catalog.size + 300):
            plan = catalog.plan(i)
            assert plan[-1][0] - plan[0][0] < HORIZON


# -- faults -------------------------------------------------------------------------------


def test_bad_signature_fault_signs_with_a_wrong_key_once(hooked, receiver, control, http):
    hooked.webhooks.target("idenfy", receiver.url("idenfy"))
    armed = control(
        "POST",
        "/faults",
        json={"provider": "idenfy", "endpoint": "webhook", "fault": "bad_signature"},
    )
    assert armed.status_code == 201
    scan_ref = first_idenfy(http, hooked, "APPROVED")
    hooked.webhooks.send("idenfy", scan_ref)
    hooked.webhooks.send("idenfy", scan_ref)
    bad, good = receiver.wait_for(2)
    secret = SANDBOX_WEBHOOK_SECRETS["idenfy"]
    assert bad.headers["Idenfy-Signature"] != hex_hmac(secret, bad.raw)
    assert good.headers["Idenfy-Signature"] == hex_hmac(secret, good.raw)
    assert [d["fault"] for d in hooked.webhooks.deliveries()] == ["bad_signature", None]


def test_bad_signature_for_swan_is_a_wrong_secret(hooked, receiver, http):
    hooked.webhooks.target("swan", receiver.url("swan"))
    hooked.faults.add(provider="swan", endpoint="webhook", fault="bad_signature")
    user = swan_query(http, hooked, "{ users(first: 1) { edges { node { id } } } }")
    hooked.webhooks.send("swan", user["users"]["edges"][0]["node"]["id"])
    (got,) = receiver.wait_for(1)
    assert got.headers["x-swan-secret"] != SANDBOX_WEBHOOK_SECRETS["swan"]


def test_duplicate_fault_delivers_the_same_message_twice(hooked, receiver, http):
    hooked.webhooks.target("equals", receiver.url("equals"))
    hooked.faults.add(provider="equals", endpoint="webhook", fault="duplicate")
    row = equals_rows(http, hooked)[0]
    hooked.webhooks.send("equals", row["id"], application_id=row["applicationId"])
    first, second = receiver.wait_for(2)
    assert first.raw == second.raw
    assert first.headers["x-em-signature"] == second.headers["x-em-signature"]
    log = hooked.webhooks.deliveries("equals")
    assert [d["duplicate"] for d in log] == [False, True]
    assert log[0]["key"] == log[1]["key"] == first.body["messageId"]


def test_out_of_order_fault_holds_an_event_until_the_next_one(hooked, receiver, http):
    hooked.webhooks.target("stora", receiver.url("stora"))
    hooked.faults.add(provider="stora", endpoint="webhook", fault="out_of_order", delay=30)
    idver = stora_walk(http, hooked)[0]["id"]
    (held,) = hooked.webhooks.send("stora", idver, "identity_verification.processing")
    assert hooked.webhooks.pending() == 1
    (later,) = hooked.webhooks.send("stora", idver)
    first, second = receiver.wait_for(2)
    assert [first.body["event"]["id"], second.body["event"]["id"]] == [later["key"], held["key"]]


def test_out_of_order_releases_a_held_event_after_its_delay(hooked, receiver, http):
    hooked.webhooks.target("stora", receiver.url("stora"))
    hooked.faults.add(provider="stora", endpoint="webhook", fault="out_of_order", delay=0.2)
    sent = time.monotonic()
    hooked.webhooks.send("stora", stora_walk(http, hooked)[0]["id"])
    (got,) = receiver.wait_for(1)
    assert got.at - sent >= 0.2


def test_delay_fault_holds_events(hooked, receiver, http):
    hooked.webhooks.target("stora", receiver.url("stora"))
    hooked.faults.add(provider="stora", endpoint="webhook", fault="delay", delay=0.3, times=1)
    idver = stora_walk(http, hooked)[0]["id"]
    sent = time.monotonic()
    (delayed,) = hooked.webhooks.send("stora", idver)
    (prompt,) = hooked.webhooks.send("stora", idver)
    first, second = receiver.wait_for(2)
    assert first.body["event"]["id"] == prompt["key"]
    assert second.body["event"]["id"] == delayed["key"]
    assert second.at - sent >= 0.3


def test_webhook_faults_and_request_faults_stay_apart(hooked, receiver, http):
    hooked.webhooks.target("idenfy", receiver.url("idenfy"))
    hooked.faults.add(provider="*", endpoint="*", fault="server_error")
    hooked.faults.add(provider="idenfy", fault="duplicate")
    with pytest.raises(ValueError, match="not a webhook fault"):
        hooked.faults.add(provider="idenfy", endpoint="webhook", fault="rate_limit")
    hooked.webhooks.send("idenfy", hooked.dataset.idenfy.scan_ref(0), "IDENTIFICATION")
    assert len(receiver.wait_for(2)) == 2
    assert [f.fault for f in hooked.faults.active()] == ["server_error"]
    response = http.post(
        hooked.base_urls["idenfy"] + "/api/v2/status",
        json={"scanRef": hooked.dataset.idenfy.scan_ref(0)},
        auth=IDENFY_AUTH,
        timeout=5,
    )
    assert response.status_code == 500


# -- delivery and retries -------------------------------------------------------------------


def test_a_failing_receiver_gets_retries_until_it_answers(hooked, receiver, control, http):
    receiver.fail_first = 2
    assert control("POST", "/webhooks/settings", json=FAST_RETRIES).status_code == 200
    control("POST", "/webhooks", json={"kind": "equals", "url": receiver.url("equals")})
    row = equals_rows(http, hooked)[0]
    hooked.webhooks.send("equals", row["id"], application_id=row["applicationId"])
    got = receiver.wait_for(3)
    assert len({r.body["messageId"] for r in got}) == 1
    assert {r.raw for r in got} == {got[0].raw}
    assert hooked.webhooks.wait_idle(5)
    log = control("GET", "/webhooks/deliveries", params={"kind": "equals"}).json()["deliveries"]
    assert [(d["attempt"], d["status"], d["delivered"]) for d in log] == [
        (1, 500, False),
        (2, 500, False),
        (3, 200, True),
    ]
    assert [d["retry_in"] for d in log] == [0.05, 0.05, None]
    assert all(d["key"] == got[0].body["messageId"] for d in log)
    assert len(receiver.received()) == 3


def test_retries_stop_after_max_attempts_and_on_connection_errors(hooked, receiver, http):
    receiver.fail_first = 100
    receiver.status = 503
    hooked.webhooks.configure(max_attempts=3, retry_scale=60_000)
    hooked.webhooks.target("swan", receiver.url("swan"))
    hooked.webhooks.target("stora", "http://127.0.0.1:9/unreachable")
    user = swan_query(http, hooked, "{ users(first: 1) { edges { node { id } } } }")
    hooked.webhooks.send("swan", user["users"]["edges"][0]["node"]["id"])
    hooked.webhooks.send("stora", hooked.dataset.stora.idver_id(3))
    assert hooked.webhooks.wait_idle(10)
    assert len(receiver.received("swan")) == 3
    for kind in ("swan", "stora"):
        log = hooked.webhooks.deliveries(kind)
        assert [d["attempt"] for d in log] == [1, 2, 3]
        assert log[-1]["retry_in"] is None
        assert not any(d["delivered"] for d in log)
    assert {d["status"] for d in hooked.webhooks.deliveries("swan")} == {503}
    assert all(d["error"] and d["status"] is None for d in hooked.webhooks.deliveries("stora"))


def test_documented_schedules_scaled(hooked):
    webhooks = hooked.webhooks
    assert webhooks.delays("equals") == (5.0,) * 7
    assert webhooks.delays("swan") == (0.5,) * 7
    assert webhooks.delays("stora") == (1.0, 5.0, 30.0, 120.0, 300.0, 600.0)
    assert webhooks.delays("idenfy") == (0.5 / 60,)
    webhooks.configure(retry_scale=1, max_attempts=10_000)
    assert len(webhooks.delays("equals")) == 14 * 24 * 12
    assert len(webhooks.delays("swan")) == 7


# -- the control API ------------------------------------------------------------------------


def test_targets_are_listed_with_masked_secrets_and_removed(hooked, receiver, control):
    for kind in ("idenfy", "swan"):
        created = control("POST", "/webhooks", json={"kind": kind, "url": receiver.url(kind)})
        assert created.status_code == 201
    listed = control("GET", "/webhooks")
    assert [t["kind"] for t in listed.json()["targets"]] == ["idenfy", "swan"]
    for kind in ("idenfy", "swan"):
        assert SANDBOX_WEBHOOK_SECRETS[kind] not in listed.text
        assert SANDBOX_WEBHOOK_SECRETS[kind][-4:] in listed.text
    assert control("DELETE", "/webhooks", params={"kind": "swan"}).json()["targets"] == [
        {
            "kind": "idenfy",
            "url": receiver.url("idenfy"),
            "secret": listed.json()["targets"][0]["secret"],
        }
    ]
    assert control("DELETE", "/webhooks").json() == {"targets": []}
    hooked.clock.advance(86400)
    assert hooked.webhooks.wait_idle(5)
    assert receiver.received() == []
    refused = control("POST", "/webhooks/send", json={"kind": "idenfy", "external_id": "x"})
    assert refused.status_code == 400


def test_delete_stops_pending_retries(hooked, receiver, http):
    receiver.fail_first = 100
    hooked.webhooks.configure(retry_delays={"stora": [0.3] * 6})
    hooked.webhooks.target("stora", receiver.url("stora"))
    hooked.webhooks.send("stora", hooked.dataset.stora.idver_id(5))
    receiver.wait_for(1)
    hooked.webhooks.clear("stora")
    assert hooked.webhooks.wait_idle(2)
    time.sleep(0.4)
    assert len(receiver.received()) == 1


def test_deliveries_never_show_the_secret(hooked, receiver, control):
    secret = "a-very-private-signing-key"
    hooked.webhooks.target("idenfy", receiver.url("idenfy"), secret)
    hooked.webhooks.send("idenfy", hooked.dataset.idenfy.scan_ref(1), "IDENTIFICATION")
    receiver.wait_for(1)
    wait_until(lambda: hooked.webhooks.deliveries())
    text = control("GET", "/webhooks/deliveries").text
    assert secret not in text
    (entry,) = json.loads(text)["deliveries"]
    assert {"kind", "event", "key", "status", "error", "attempt", "time"} <= set(entry)
    assert control("DELETE", "/webhooks/deliveries").json() == {"deliveries": []}
    assert hooked.webhooks.deliveries() == []


@pytest.mark.parametrize(
    ("path", "payload", "status"),
    [
        ("/webhooks", {"kind": "nope", "url": "http://127.0.0.1:1/"}, 400),
        ("/webhooks", {"kind": "idenfy", "url": "not a url"}, 400),
        ("/webhooks", {"kind": "swan", "url": "http://127.0.0.1:1/", "secret": "x" * 37}, 400),
        ("/webhooks", {"kind": "idenfy"}, 400),
        ("/webhooks/send", {"kind": "stora", "external_id": "idver_nothing"}, 404),
        ("/webhooks/send", {"kind": "stora", "external_id": "idver_x", "event": "nope"}, 404),
        ("/webhooks/settings", {"retry_scale": 0}, 400),
        ("/webhooks/settings", {"max_attempts": 1.5}, 400),
        ("/webhooks/settings", {"unknown": 1}, 400),
    ],
)
def test_control_rejects_bad_requests(hooked, control, path, payload, status):
    hooked.webhooks.target("stora", "http://127.0.0.1:1/")
    assert control("POST", path, json=payload).status_code == status


def test_unknown_event_for_a_real_record_is_400(hooked, control):
    hooked.webhooks.target("stora", "http://127.0.0.1:1/")
    idver = hooked.dataset.stora.idver_id(0)
    response = control(
        "POST", "/webhooks/send", json={"kind": "stora", "external_id": idver, "event": "nope"}
    )
    assert response.status_code == 400
    assert "unknown event" in response.json()["error"]
