"""Facts that pass through a webhook or a live read leave match keys, never values.

The provider packages do not fill `traits` yet (their readers are another change), so
these tests wrap the real reader and the real live read to add traits, as they will;
the delivery is signed and received by the real receiver, and the live read goes over
real HTTP to the sandbox.
"""

import dataclasses
import html as html_lib
import sys
from typing import Any

import pytest
from django.urls import reverse

from idvdash.people.models import Person, Subject, SubjectKey
from idvdash.providers import registry
from idvdash.providers.idenfy import webhooks as idenfy_webhooks
from idvdash.providers.traits import Traits
from idvdash.providers.webhooks import Notice
from idvdash.verifications.models import WebhookEvent
from tests.people.helpers import record, write
from tests.verifications.test_live_mirrored import swan  # noqa: F401 (a fixture)
from tests.verifications.test_webhooks import hook_account, idenfy_body, post, signed

pytestmark = pytest.mark.django_db

NAME = "Rūta Vaitkutė"


@dataclasses.dataclass(frozen=True, slots=True)
class NamedNotice(Notice):
    """A notice as the readers will give it: with the subject it names."""

    subject_ref: str = ""


@pytest.fixture
def idenfy_reader_with_traits(monkeypatch):
    real = idenfy_webhooks.read

    def read(headers, body):
        notice = real(headers, body)
        client_id = "client-webhook-1"
        traits = Traits(names=(NAME,), customer_refs=(client_id,))
        fields = {f.name: getattr(notice, f.name) for f in dataclasses.fields(Notice)}
        return NamedNotice(**{**fields, "traits": traits}, subject_ref=client_id)

    monkeypatch.setattr(idenfy_webhooks, "read", read)


def test_a_signed_webhook_leaves_keys_and_links_with_its_event(
    client, make_account, idenfy_reader_with_traits
):
    account = hook_account(make_account, "idenfy")
    stora = make_account("stora", name="stora-people")
    write(stora, record("idver_9", "con_9", Traits(customer_refs=("client-webhook-1",))))
    body = idenfy_body("scan-people-1", "APPROVED")

    response = post(client, account, body, signed("idenfy", body))

    assert response.status_code == 200
    assert WebhookEvent.objects.filter(account=account).count() == 1
    subject = Subject.objects.get(account=account, ref="client-webhook-1")
    assert set(subject.keys.values_list("kind", flat=True)) == {"name", "customer_ref"}
    assert subject.person is not None
    assert subject.person == Subject.objects.get(ref="con_9").person
    stored = str(list(WebhookEvent.objects.values())) + str(list(SubjectKey.objects.values()))
    assert "Vaitkut" not in stored
    assert "vaitkut" not in stored

    again = post(client, account, body, signed("idenfy", body))  # the provider's retry
    assert again.status_code == 200
    assert SubjectKey.objects.filter(subject=subject).count() == 2


def test_a_webhook_whose_keys_cannot_be_kept_is_not_acknowledged(
    client, make_account, idenfy_reader_with_traits, monkeypatch
):
    receive = sys.modules["idvdash.verifications.webhooks.receive"]

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("no keys today")

    monkeypatch.setattr(receive, "observe", broken)
    account = hook_account(make_account, "idenfy")
    body = idenfy_body("scan-people-2", "APPROVED")
    client.raise_request_exception = False

    response = post(client, account, body, signed("idenfy", body))

    assert response.status_code == 500  # the provider retries; nothing half-stored
    assert not WebhookEvent.objects.filter(account=account).exists()


class WithLiveTraits:
    """A provider that says how to read traits from a live answer (as `ids` will)."""

    def __init__(self, real, traits: Traits):
        self._real, self._traits = real, traits

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def live_traits(self, read, answer):
        return ("", self._traits) if answer else None


def test_a_live_read_leaves_keys_for_the_records_subject(
    reviewer_client,
    swan,  # noqa: F811
    monkeypatch,
):
    row, _ = swan
    traits = Traits(names=(NAME,), birth_dates=("1993-03-03",))
    monkeypatch.setitem(
        registry.PROVIDERS, "swan", WithLiveTraits(registry.PROVIDERS["swan"], traits)
    )

    url = reverse("verifications:live_status", args=[row.pk])
    response = reviewer_client.get(url, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "Fetched from Swan just now." in html_lib.unescape(response.content.decode())
    subject = Subject.objects.get(account=row.account, ref=row.subject_ref)
    assert sorted(subject.keys.values_list("kind", flat=True)) == ["birth_date", "name"]
    assert Person.objects.count() == 0  # a name and a birth date suggest, never link
