"""The issue's "done when", against the sandbox, where each provider has its own ids: a
sync links iDenfy and Stora subjects on the partner's customer reference, and a
reviewer on a Swan record sees the same person's iDenfy and Stora history on one page
once they link the suggestion."""

import pytest
from django.urls import reverse

from idvdash.people.models import Person, Subject
from idvdash.sandbox.stora_data import CUSTOMER_REF_KEY
from idvdash.verifications.models import Verification
from idvdash.verifications.sync import sync_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(make_account):
    accounts = {kind: make_account(kind) for kind in ("idenfy", "stora", "swan")}
    accounts["stora"].customer_ref_key = CUSTOMER_REF_KEY
    accounts["stora"].save()
    for account in accounts.values():
        run = sync_account(account=account)
        assert run.state == "succeeded", run.error
    return accounts


def test_a_sync_links_idenfy_and_stora_on_the_customer_reference(synced):
    both = [
        person
        for person in Person.objects.prefetch_related("subjects")
        if {s.provider for s in person.subjects.all()} >= {"idenfy", "stora"}
    ]

    assert both, "no person links an iDenfy client to a Stora contact"
    for person in both:
        assert {s.linked_by for s in person.subjects.all()} == {"customer_ref"}
    # Swan carries no customer reference: never linked automatically.
    assert not Subject.objects.filter(provider="swan", person__isnull=False).exists()


def test_a_reviewer_on_a_swan_record_links_it_and_sees_idenfy_and_stora(synced, reviewer_client):
    found = None
    for swan in Verification.objects.filter(account=synced["swan"]).order_by("-suspected", "pk"):
        panel = reviewer_client.get(reverse("verifications:detail", args=[swan.pk])).context[
            "person_panel"
        ]
        for suggestion in panel.suggestions:
            person = suggestion.subject.person
            providers = {s.provider for s in person.subjects.all()} if person else set()
            if suggestion.strength == "strong" and providers >= {"idenfy", "stora"}:
                found = swan, person
                break
        if found:
            break
    assert found, "no Swan record is strongly suggested for a person with iDenfy and Stora"
    swan, person = found

    response = reviewer_client.post(
        reverse("people:from_verification", args=[swan.pk]),
        {"person": person.pk, "reason": "Name, phone and e-mail agree."},
    )

    assert response["Location"] == reverse("people:detail", args=[person.pk])
    page = reviewer_client.get(response["Location"])
    shown = {entry.verification.provider for entry in page.context["page"].entries}
    assert shown == {"idenfy", "stora", "swan"}
