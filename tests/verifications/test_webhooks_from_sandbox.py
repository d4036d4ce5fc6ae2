"""Webhooks end to end over real HTTP: the sandbox sends, a live idvdash server receives.

The sandbox signs each provider's deliveries as its documents say, retries as the
provider would, and injects faults on demand; idvdash stores, answers and processes.
"""

import pytest
from django.core.management import call_command

from idvdash.providers.registry import client_for
from idvdash.sandbox.credentials import SANDBOX_WEBHOOK_SECRETS
from idvdash.verifications import sync
from idvdash.verifications.models import Verification, WebhookEvent
from tests.verifications.test_webhooks import CREDENTIAL

pytestmark = pytest.mark.django_db(transaction=True)

KINDS = ["idenfy", "equals", "swan", "stora"]


@pytest.fixture
def hooked(sandbox, make_account, live_server):
    """An account of `kind` at the sandbox whose webhooks reach the live server."""
    made = []

    def hook(kind: str, *, secret: str | None = None):
        account = make_account(kind)
        account.credentials = {
            **account.credentials,
            CREDENTIAL[kind]: secret or SANDBOX_WEBHOOK_SECRETS[kind],
        }
        account.save()
        sandbox.webhooks.target(kind, f"{live_server.url}/webhooks/{account.name}/")
        made.append(kind)
        return account

    documented = sandbox.webhooks.settings()["retry_delays"]
    # The providers' own retry schedules, minutes apart, made quick for a test.
    sandbox.webhooks.configure(retry_delays={kind: [0.05, 0.05] for kind in KINDS})
    sandbox.webhooks.clear_deliveries()
    yield hook
    sandbox.webhooks.clear()
    sandbox.webhooks.clear_deliveries()
    sandbox.webhooks.configure(retry_delays=documented)


def a_record(account):
    """A record its provider sends webhooks about (iDenfy: one with a decision)."""
    client = client_for(account)
    try:
        for page in client.iter_pages():
            for record in page.records:
                if account.kind != "idenfy" or record.raw_status in ("APPROVED", "DENIED"):
                    return record
    finally:
        client.close()
    raise AssertionError("the sandbox lists no such record")


def send(sandbox, kind: str, record) -> None:
    """Ask the sandbox to deliver the webhook for one mirrored record, in its own ids."""
    if kind == "equals":
        session, _, application = record.external_id.partition(":")
        sandbox.webhooks.send(kind, session, application_id=application)
    else:
        sandbox.webhooks.send(kind, record.external_id)


def delivered(sandbox, kind: str) -> list[dict]:
    assert sandbox.webhooks.wait_idle(timeout=10)
    return [entry for entry in sandbox.webhooks.deliveries(kind) if entry.get("status")]


@pytest.mark.parametrize("kind", KINDS)
def test_a_delivery_from_the_provider_is_acknowledged_and_changes_the_mirror(sandbox, hooked, kind):
    account = hooked(kind)
    record = a_record(account)

    send(sandbox, kind, record)
    attempts = delivered(sandbox, kind)

    assert attempts
    assert {entry["status"] for entry in attempts} == {200}
    assert WebhookEvent.objects.filter(account=account).count() == len(attempts)
    call_command("process_webhooks", verbosity=0)
    assert Verification.objects.filter(account=account).exists()
    assert not WebhookEvent.objects.exclude(state=WebhookEvent.State.PROCESSED).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_bad_signature_is_answered_401_and_stores_nothing(sandbox, hooked, kind):
    account = hooked(kind)
    record = a_record(account)
    sandbox.faults.add(provider=kind, endpoint="webhook", fault="bad_signature", times=1)

    send(sandbox, kind, record)
    attempts = delivered(sandbox, kind)

    # Every attempt of the badly signed event is refused; none is stored.
    assert attempts
    assert {entry["status"] for entry in attempts} == {401}
    assert not WebhookEvent.objects.filter(account=account).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_duplicate_delivery_is_stored_once(sandbox, hooked, kind):
    account = hooked(kind)
    record = a_record(account)
    sandbox.faults.add(provider=kind, endpoint="webhook", fault="duplicate", times=1)

    send(sandbox, kind, record)
    attempts = delivered(sandbox, kind)

    keys = {entry["key"] for entry in attempts}
    assert len(attempts) > len(keys)  # the same event arrived more than once
    assert {entry["status"] for entry in attempts} == {200}
    assert WebhookEvent.objects.filter(account=account).count() == len(keys)


def test_an_account_without_its_secret_is_refused_and_the_provider_retries(sandbox, hooked):
    account = hooked("swan", secret="not-what-swan-sends")
    record = a_record(account)

    send(sandbox, "swan", record)
    attempts = delivered(sandbox, "swan")

    assert [entry["status"] for entry in attempts] == [401, 401, 401]
    assert not WebhookEvent.objects.exists()


def test_changes_on_the_providers_clock_arrive_as_webhooks_and_update_the_mirror(
    sandbox, sandbox_faults, hooked
):
    account = hooked("stora")
    sync.sync_account(account=account)
    before = dict(Verification.objects.values_list("external_id", "raw_status"))

    sandbox.clock.advance(6 * 3600)
    attempts = delivered(sandbox, "stora")
    call_command("process_webhooks", verbosity=0)

    assert attempts
    assert {entry["status"] for entry in attempts} == {200}
    after = dict(Verification.objects.values_list("external_id", "raw_status"))
    changed = {ref for ref, status in after.items() if before.get(ref) != status}
    announced = set(WebhookEvent.objects.values_list("reference", flat=True))
    assert changed
    assert changed <= announced
