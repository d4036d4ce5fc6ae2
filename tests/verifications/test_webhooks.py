"""Webhooks: every provider's delivery checked, stored, answered, then written once.

Signatures here are computed independently of idvdash's code, from the providers'
documents (CONTRACTS.md § Webhooks); re-reads go over real HTTP to the sandbox.
"""

import base64
import hashlib
import hmac
import json
import time
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idvdash.providers.models import ProviderAccount
from idvdash.providers.registry import client_for
from idvdash.verifications import sync, webhooks
from idvdash.verifications.models import Outcome, Verification, WebhookEvent

pytestmark = pytest.mark.django_db

SECRET = "whsec-test-7d1c0e5b"
CREDENTIAL = {
    "idenfy": "webhook_signing_key",
    "equals": "webhook_secret",
    "swan": "webhook_secret",
    "stora": "webhook_secret",
}


def hook_account(make_account, kind: str, *, secret: str | None = SECRET, **overrides):
    account = make_account(kind, **overrides)
    if secret is not None:
        account.credentials = {**account.credentials, CREDENTIAL[kind]: secret}
        account.save()
    return account


def signed(kind: str, body: bytes, *, secret: str = SECRET, at: int | None = None) -> dict:
    """The headers a provider sends with `body` (as Django test client META keys)."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256)
    if kind == "idenfy":
        return {"HTTP_IDENFY_SIGNATURE": digest.hexdigest()}
    if kind == "equals":
        return {"HTTP_X_EM_SIGNATURE": base64.b64encode(digest.digest()).decode()}
    if kind == "swan":
        return {"HTTP_X_SWAN_SECRET": secret}
    stamp = str(int(time.time()) if at is None else at)
    mac = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"HTTP_X_STORA_SIGNATURE": f"t={stamp},v1={mac}"}


def post(client, account, body: bytes, headers: dict, **extra):
    url = reverse("webhook", args=[account.name])
    return client.post(url, body, content_type="application/json", **headers, **extra)


def first_record(account):
    client = client_for(account)
    try:
        return next(client.iter_pages()).records[0]
    finally:
        client.close()


def idenfy_body(scan_ref: str, overall: str, *, final: bool = True, finish: int = 1_780_000_000):
    return json.dumps(
        {
            "final": final,
            "platform": "MOBILE",
            "scanRef": scan_ref,
            "clientId": "client-webhook-1",
            "startTime": finish - 90,
            "finishTime": finish,
            "status": {
                "overall": overall,
                "fraudTags": [],
                "mismatchTags": ["NAME"],
                "autoFace": "FACE_MATCH",
                "manualFace": None,
                "autoDocument": "DOC_VALIDATED",
                "manualDocument": None,
            },
            "data": {"docFirstName": "JOHN", "docLastName": "SMITH", "docNumber": "123456789"},
            "fileUrls": {"FRONT": "https://files.example/FRONT.png"},
        }
    ).encode()


def equals_body(application_id: str, *, message_id: str | None = None) -> bytes:
    return json.dumps(
        {
            "webhookEventTypeName": "IdentityVerificationStatusUpdated",
            "messageId": message_id or str(uuid.uuid4()),
            "applicationId": application_id,
            "status": "completed",
            "result": "approved",
            "eventTime": "2026-11-01T12:00:00.000Z",
        }
    ).encode()


def swan_body(user_id: str, *, event_id: str | None = None) -> bytes:
    return json.dumps(
        {
            "eventType": "User.Updated",
            "eventId": event_id or str(uuid.uuid4()),
            "eventDate": "2026-11-01T12:00:00.000Z",
            "projectId": "project-1",
            "resourceId": user_id,
        }
    ).encode()


def stora_body(verification: dict, *, event_id: str | None = None) -> bytes:
    return json.dumps(
        {
            "event": {
                "id": event_id or f"evt_{uuid.uuid4().hex[:16]}",
                "type": f"identity_verification.{verification.get('status', 'processing')}",
                "api_version": "2025-09",
                "created_at": "2026-11-01T12:00:00Z",
                "data": {"identity_verification": verification},
            }
        }
    ).encode()


def good_delivery(kind: str, account) -> bytes:
    """A delivery that names a record the sandbox really has."""
    record = first_record(account)
    if kind == "idenfy":
        return idenfy_body(record.external_id, "APPROVED")
    if kind == "equals":
        return equals_body(record.payload["applicationId"])
    if kind == "swan":
        return swan_body(record.subject_ref)
    return stora_body({"id": record.external_id})


KINDS = ["idenfy", "equals", "swan", "stora"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_signed_delivery_is_stored_answered_and_then_written_once(client, make_account, kind):
    account = hook_account(make_account, kind)
    body = good_delivery(kind, account)

    response = post(client, account, body, signed(kind, body))

    assert response.status_code == 200
    assert response.content == webhooks.STORED.encode()
    event = WebhookEvent.objects.get(account=account)
    assert event.state == WebhookEvent.State.PENDING
    assert not Verification.objects.exists()  # nothing is written before processing

    call_command("process_webhooks", verbosity=0)

    event.refresh_from_db()
    assert event.state == WebhookEvent.State.PROCESSED, event.error
    assert Verification.objects.filter(account=account).exists()
    assert set(event.changed.all()) == set(Verification.objects.filter(account=account))


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_delivery_twice_is_answered_2xx_and_changes_nothing(client, make_account, kind):
    account = hook_account(make_account, kind)
    body = good_delivery(kind, account)
    post(client, account, body, signed(kind, body))
    call_command("process_webhooks", verbosity=0)
    before = list(Verification.objects.values_list("pk", "raw", "last_synced_at"))

    again = post(client, account, body, signed(kind, body))
    call_command("process_webhooks", verbosity=0)

    assert again.status_code == 200
    assert again.content == webhooks.DUPLICATE.encode()
    assert WebhookEvent.objects.count() == 1
    assert list(Verification.objects.values_list("pk", "raw", "last_synced_at")) == before


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("how", ["wrong secret", "no signature", "tampered body"])
def test_a_forged_delivery_is_401_and_stores_nothing(client, make_account, kind, how):
    if kind == "swan" and how == "tampered body":
        pytest.skip("Swan signs nothing: its shared secret cannot tell a tampered body")
    account = hook_account(make_account, kind)
    body = good_delivery(kind, account)
    headers = {
        "wrong secret": signed(kind, body, secret="not-the-secret"),
        "no signature": {},
        "tampered body": signed(kind, body),
    }[how]
    sent = body.replace(b"}", b', "x": 1}', 1) if how == "tampered body" else body

    response = post(client, account, sent, headers)

    assert response.status_code == 401
    assert not WebhookEvent.objects.exists()
    assert SECRET not in response.content.decode()


def test_a_stora_delivery_signed_more_than_five_minutes_ago_is_a_replay(client, make_account):
    account = hook_account(make_account, "stora")
    body = good_delivery("stora", account)

    response = post(client, account, body, signed("stora", body, at=int(time.time()) - 301))

    assert response.status_code == 401
    assert "five minutes" in response.content.decode()
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_an_account_without_a_webhook_secret_refuses_with_403(client, make_account, kind):
    account = hook_account(make_account, kind, secret=None)
    body = b"{}"

    response = post(client, account, body, signed(kind, body))

    assert response.status_code == 403
    assert CREDENTIAL[kind] in response.content.decode()
    assert not WebhookEvent.objects.exists()


def test_an_unknown_account_is_404(client):
    response = client.post(
        reverse("webhook", args=["nobody"]), b"{}", content_type="application/json"
    )

    assert response.status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_a_body_that_is_not_what_the_provider_sends_is_400(client, make_account, kind):
    account = hook_account(make_account, kind)
    other = {"idenfy": "swan", "equals": "idenfy", "swan": "stora", "stora": "equals"}[kind]
    for body in (b"not json", b"[1, 2]", good_delivery_shape(other)):
        response = post(client, account, body, signed(kind, body))

        assert response.status_code == 400, body
        assert body.decode(errors="replace") not in response.content.decode()
    assert not WebhookEvent.objects.exists()


def good_delivery_shape(kind: str) -> bytes:
    """A well-formed delivery of `kind` naming made-up ids (no sandbox needed)."""
    return {
        "idenfy": idenfy_body("scan-x", "APPROVED"),
        "equals": equals_body("app-x"),
        "swan": swan_body("user-x"),
        "stora": stora_body({"id": "idver_x"}),
    }[kind]


def test_a_delivery_larger_than_a_mebibyte_is_413(client, make_account):
    account = hook_account(make_account, "idenfy")
    body = b'{"scanRef": "x", "pad": "' + b"a" * (1024 * 1024) + b'"}'

    response = post(client, account, body, signed("idenfy", body))

    assert response.status_code == 413
    assert not WebhookEvent.objects.exists()


def test_the_receiver_needs_no_sign_in_and_no_csrf_token(make_account):
    from django.test import Client

    account = hook_account(make_account, "idenfy")
    body = idenfy_body("scan-csrf", "APPROVED")

    response = post(Client(enforce_csrf_checks=True), account, body, signed("idenfy", body))

    assert response.status_code == 200


def test_only_post_is_answered(client, make_account):
    account = hook_account(make_account, "idenfy")

    assert client.get(reverse("webhook", args=[account.name])).status_code == 405


def test_an_idenfy_webhook_teaches_client_id_and_times_without_a_status_call(client, make_account):
    account = hook_account(make_account, "idenfy", base_url="http://127.0.0.1:9")
    body = idenfy_body("scan-times", "SUSPECTED", finish=1_780_000_000)
    post(client, account, body, signed("idenfy", body))

    call_command("process_webhooks", verbosity=0)  # the account's API is unreachable

    row = Verification.objects.get(account=account, external_id="scan-times")
    assert row.subject_ref == "client-webhook-1"
    assert row.outcome == Outcome.SUSPECTED
    assert row.provider_updated_at.timestamp() == 1_780_000_000
    assert row.provider_created_at.timestamp() == 1_780_000_000 - 90
    assert "NAME" in row.reason_codes


def test_personal_data_in_an_idenfy_webhook_is_never_kept(client, make_account):
    account = hook_account(make_account, "idenfy", base_url="http://127.0.0.1:9")
    body = idenfy_body("scan-personal", "APPROVED")
    post(client, account, body, signed("idenfy", body))
    call_command("process_webhooks", verbosity=0)

    stored = json.dumps(list(WebhookEvent.objects.values()), default=str) + json.dumps(
        list(Verification.objects.values("raw", "detail")), default=str
    )
    for personal in ("JOHN", "SMITH", "123456789", "files.example", "198.51"):
        assert personal not in stored


def test_a_preliminary_idenfy_result_never_replaces_a_final_one(client, make_account):
    account = hook_account(make_account, "idenfy", base_url="http://127.0.0.1:9")
    final = idenfy_body("scan-order", "APPROVED", final=True)
    preliminary = idenfy_body("scan-order", "SUSPECTED", final=False)

    for body in (final, preliminary):  # delivered out of order
        post(client, account, body, signed("idenfy", body))
        call_command("process_webhooks", verbosity=0)

    row = Verification.objects.get(external_id="scan-order")
    assert row.outcome == Outcome.APPROVED
    assert WebhookEvent.objects.filter(state=WebhookEvent.State.PROCESSED).count() == 2


def test_an_older_stora_event_never_overwrites_a_newer_one(client, make_account):
    account = hook_account(make_account, "stora", base_url="http://127.0.0.1:9")
    newer = {
        "id": "idver_order",
        "status": "succeeded",
        "created_at": "2026-10-01T10:00:00Z",
        "updated_at": "2026-10-01T12:00:00Z",
        "contact": {"id": "con_1", "full_name": "Jane Roe", "email": "jane@example.com"},
    }
    older = {**newer, "status": "processing", "updated_at": "2026-10-01T11:00:00Z"}

    for verification in (newer, older):
        body = stora_body(verification)
        post(client, account, body, signed("stora", body))
        call_command("process_webhooks", verbosity=0)

    row = Verification.objects.get(external_id="idver_order")
    assert row.outcome == Outcome.APPROVED
    assert row.subject_ref == "con_1"
    assert "Jane" not in json.dumps(row.raw)


def test_a_failed_event_stays_visible_is_retried_later_and_then_succeeds(
    client, make_account, sandbox
):
    account = hook_account(make_account, "swan", base_url="http://127.0.0.1:9")
    body = swan_body("user-unreachable")
    post(client, account, body, signed("swan", body))

    with pytest.raises(Exception, match="1 webhook event"):
        call_command("process_webhooks", verbosity=0)

    event = WebhookEvent.objects.get()
    assert event.state == WebhookEvent.State.FAILED
    assert "could not be reached" in event.error
    assert event.attempts == 1
    assert event.next_attempt_at is not None
    assert webhooks.process_due() == (0, 0)  # not due again yet

    account.base_url = sandbox.base_urls["swan"]
    account.save()
    user = first_record(account).subject_ref
    event.reference = user
    event.save()
    call_command("process_webhooks", verbosity=0)

    event.refresh_from_db()
    assert event.state == WebhookEvent.State.PROCESSED
    assert event.error == ""
    assert Verification.objects.filter(account=account, subject_ref=user).exists()


def test_processing_writes_through_the_sync_write_path(client, make_account):
    # A row the sync wrote first is updated in place, not duplicated.
    account = hook_account(make_account, "stora")
    sync.sync_account(account=account)
    record = first_record(account)
    rows = Verification.objects.count()
    body = stora_body({"id": record.external_id})

    post(client, account, body, signed("stora", body))
    call_command("process_webhooks", verbosity=0)

    assert Verification.objects.count() == rows
    assert WebhookEvent.objects.get().state == WebhookEvent.State.PROCESSED


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(KINDS),
    body=st.binary(max_size=400)
    | st.dictionaries(st.text(max_size=12), st.text(max_size=12)).map(
        lambda d: json.dumps(d).encode()
    ),
    headers=st.dictionaries(
        st.sampled_from(
            [
                "HTTP_IDENFY_SIGNATURE",
                "HTTP_X_EM_SIGNATURE",
                "HTTP_X_SWAN_SECRET",
                "HTTP_X_STORA_SIGNATURE",
                "HTTP_IDENFY_EVENT_TYPE",
            ]
        ),
        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80),
        max_size=4,
    ),
)
def test_fuzzed_headers_and_bodies_never_get_a_5xx_and_never_write_a_row(
    client, make_account, kind, body, headers
):
    name = f"fuzz-{kind}"
    account = ProviderAccount.objects.filter(name=name).first() or hook_account(
        make_account, kind, name=name
    )

    response = post(client, account, body, headers)

    assert response.status_code in (400, 401)
    assert not WebhookEvent.objects.exists()
    assert not Verification.objects.exists()


def test_the_detail_page_shows_the_events_that_changed_the_record(
    client, reviewer_client, make_account
):
    account = hook_account(make_account, "idenfy", base_url="http://127.0.0.1:9")
    body = idenfy_body("scan-timeline", "DENIED")
    post(
        client,
        account,
        body,
        {**signed("idenfy", body), "HTTP_IDENFY_EVENT_TYPE": "IDENTIFICATION_MANUAL_FINISHED"},
    )
    call_command("process_webhooks", verbosity=0)
    row = Verification.objects.get(external_id="scan-timeline")

    page = reviewer_client.get(reverse("verifications:detail", args=[row.pk])).content.decode()

    assert "IDENTIFICATION_MANUAL_FINISHED" in page
    assert "No webhook has changed this record." not in page


def test_what_a_processed_event_kept_is_cleared_with_the_snapshots_retention(client, make_account):
    from datetime import timedelta
    from io import StringIO

    from django.utils import timezone

    account = hook_account(make_account, "idenfy", base_url="http://127.0.0.1:9")
    for scan_ref in ("scan-old", "scan-new"):
        body = idenfy_body(scan_ref, "APPROVED")
        post(client, account, body, signed("idenfy", body))
    call_command("process_webhooks", verbosity=0)
    WebhookEvent.objects.filter(reference="scan-old").update(
        received_at=timezone.now() - timedelta(days=31)
    )
    out = StringIO()

    call_command("purge", stdout=out)  # WEBHOOK_FACTS_RETENTION_DAYS: 30

    assert "webhook_facts: 1" in out.getvalue().splitlines()
    old, new = (WebhookEvent.objects.get(reference=ref) for ref in ("scan-old", "scan-new"))
    assert old.facts == {}
    assert old.key.startswith("scan-old")  # still recognised if delivered again
    assert new.facts["scanRef"] == "scan-new"


def test_an_event_that_carries_its_record_is_learned_without_the_providers_api(
    client, make_account
):
    # No API credentials at all: iDenfy's delivery is the record, so none are needed.
    account = make_account("idenfy", credentials={"webhook_signing_key": SECRET})
    body = idenfy_body("scan-no-api", "APPROVED")
    post(client, account, body, signed("idenfy", body))

    call_command("process_webhooks", verbosity=0)

    assert WebhookEvent.objects.get().state == WebhookEvent.State.PROCESSED
    assert Verification.objects.get(account=account).external_id == "scan-no-api"
