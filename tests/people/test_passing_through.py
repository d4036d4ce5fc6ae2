"""Facts that pass through a webhook or a live read leave match keys, never values:
a signed delivery to the real receiver and its provider's real reader, a live read over
real HTTP to the sandbox and its provider's real `live_traits`."""

import html as html_lib
import sys
from typing import Any

import pytest
from django.urls import reverse

from idvdash.people.models import Person, Subject, SubjectKey
from idvdash.providers.traits import Traits
from idvdash.verifications.models import WebhookEvent
from tests.people.helpers import record, write
from tests.verifications.test_live_mirrored import swan  # noqa: F401 (a fixture)
from tests.verifications.test_webhooks import hook_account, idenfy_body, post, signed

pytestmark = pytest.mark.django_db


def test_a_signed_webhook_leaves_keys_and_links_with_its_event(client, make_account):
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
    assert "JOHN SMITH" not in stored.upper()  # the name the delivery's data carries

    again = post(client, account, body, signed("idenfy", body))  # the provider's retry
    assert again.status_code == 200
    assert SubjectKey.objects.filter(subject=subject).count() == 2


def test_a_webhook_whose_keys_cannot_be_kept_is_not_acknowledged(client, make_account, monkeypatch):
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


def test_a_live_read_leaves_keys_for_the_records_subject(
    reviewer_client,
    swan,  # noqa: F811
):
    row, _ = swan

    url = reverse("verifications:live_status", args=[row.pk])
    response = reviewer_client.get(url, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "Fetched from Swan just now." in html_lib.unescape(response.content.decode())
    subject = Subject.objects.get(account=row.account, ref=row.subject_ref)
    # Swan's user: names and birth date (and a phone where the sandbox gives one).
    assert {"name", "birth_date"} <= set(subject.keys.values_list("kind", flat=True))
    assert Person.objects.count() == 0  # a name and a birth date suggest, never link
