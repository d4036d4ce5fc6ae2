"""R4: canary credentials never reach a response or a log; no personal data in log records."""

import base64
import logging

import pytest
from django.urls import reverse

from idvdash.providers.base import LiveRead
from idvdash.providers.models import ProviderAccount
from idvdash.providers.registry import client_for
from idvdash.sandbox.credentials import SANDBOX_CREDENTIALS
from idvdash.verifications import sync
from idvdash.verifications.models import SyncRun, Verification
from tests.plugins.samples import KINDS, SAMPLES
from tests.plugins.sandbox import SMALL_PAGES
from tests.providers.factories import CANARY
from tests.routes import body_of, routes

pytestmark = pytest.mark.django_db

ROUTES = routes(SAMPLES)
PERSONAL_KEYS = (
    "docFirstName",
    "docLastName",
    "fullName",
    "docNumber",
    "docPersonalCode",
    "docDob",
)


def canaries() -> list[str]:
    values = [value for creds in CANARY.values() for value in creds.values()]
    idenfy = CANARY["idenfy"]
    basic = f"{idenfy['api_key']}:{idenfy['api_secret']}".encode()
    return [*values, base64.b64encode(basic).decode()]


def sandbox_secrets() -> list[str]:
    return [value for creds in SANDBOX_CREDENTIALS.values() for value in creds.values()]


def admin_pages(account: ProviderAccount) -> list[str]:
    opts = "admin:providers_provideraccount"
    return [
        reverse(f"{opts}_changelist"),
        reverse(f"{opts}_changelist") + f"?q={account.name}",
        reverse(f"{opts}_change", args=[account.pk]),
        reverse(f"{opts}_history", args=[account.pk]),
        reverse(f"{opts}_delete", args=[account.pk]),
        reverse("admin:index"),
    ]


def assert_clean(text: str, secrets: list[str], where: str) -> None:
    for secret in secrets:
        assert secret not in text, f"{secret!r} in {where}"


@pytest.fixture
def capture_everything(caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("urllib3", "django", "axes", "idvdash"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def test_no_page_or_partial_shows_a_canary(
    client, sample_data, reviewer, admin_user, capture_everything
):
    urls = [url for _name, url in ROUTES]
    for account in ProviderAccount.objects.all():
        urls += admin_pages(account)
    for user in (reviewer, admin_user):
        client.force_login(user)
        for url in urls:
            for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
                assert_clean(body_of(client.get(url, **extra)), canaries(), f"{user} {url}")

    assert_clean(capture_everything.text, canaries(), "the log")


def test_the_test_connection_action_reports_without_canaries(
    client, sample_data, admin_user, capture_everything
):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:providers_provideraccount_changelist"),
        {
            "action": "test_connection",
            "_selected_action": list(ProviderAccount.objects.values_list("pk", flat=True)),
        },
        follow=True,
    )

    body = body_of(response)
    assert "refused our" in body or "cannot" in body  # the sandbox refuses canaries
    assert_clean(body, canaries(), "the action result")
    assert_clean(capture_everything.text, canaries(), "the log")


def test_syncs_refused_for_bad_credentials_log_no_canary(make_account, capture_everything):
    for kind in KINDS:
        account = make_account(kind, name=f"canary-{kind}", credentials=dict(CANARY[kind]))
        run = sync.sync_account(account=account)

        assert run.state == SyncRun.State.FAILED
        assert "credentials" in run.error
        assert_clean(run.error, canaries(), f"{kind} error")

    assert capture_everything.records, "expected the failures to be logged"
    assert_clean(capture_everything.text, canaries(), "the log")


def test_successful_syncs_log_neither_secrets_nor_personal_data(make_account, capture_everything):
    accounts = []
    for kind in KINDS:
        account = make_account(kind)
        client = client_for(account, **SMALL_PAGES[kind])
        assert sync.sync_account(account=account, client=client).state == SyncRun.State.SUCCEEDED
        accounts.append(account)
    # Personal data the providers hold: subject refs, names and document numbers.
    personal = set(Verification.objects.values_list("subject_ref", flat=True)) - {""}
    idenfy = client_for(accounts[0])
    try:
        for verification in Verification.objects.filter(account=accounts[0])[:5]:
            data = idenfy.read_live(LiveRead.DOCUMENT_DATA, verification.external_id)
            personal |= {str(data[key]) for key in PERSONAL_KEYS if data.get(key)}
    finally:
        idenfy.close()

    assert len(personal) > 50
    log = capture_everything.text
    assert_clean(log, sandbox_secrets(), "the log")
    for value in personal:
        assert value not in log, f"personal data {value!r} in the log"
