"""The list's reason filter: any of several codes, the meanings in its choices, and
what it refuses."""

import pytest
from django.urls import reverse

from idvdash.figures.models import VerificationReason
from idvdash.verifications.forms import VerificationFilterForm, reason_choices
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db


def listed(client, params) -> set[str]:
    response = client.get(reverse("verifications:list"), params)
    assert response.status_code == 200
    return {row.external_id for row in response.context["page"].rows}


def test_any_of_several_codes(reviewer_client):
    VerificationFactory(external_id="fake", reason_codes=["DOC_FAKE"])
    VerificationFactory(external_id="both", reason_codes=["DOC_FAKE", "SanctionListHit"])
    VerificationFactory(external_id="hit", reason_codes=["SanctionListHit"])
    VerificationFactory(external_id="none", reason_codes=[])

    assert listed(reviewer_client, {"reason": ["DOC_FAKE"]}) == {"fake", "both"}
    assert listed(reviewer_client, {"reason": ["DOC_FAKE", "SanctionListHit"]}) == {
        "fake",
        "both",
        "hit",
    }


def test_a_code_no_vocabulary_lists_is_still_found_and_shown_as_chosen(reviewer_client):
    VerificationFactory(external_id="odd", reason_codes=["X_NEW_CODE"])

    response = reviewer_client.get(reverse("verifications:list"), {"reason": "X_NEW_CODE"})

    assert {row.external_id for row in response.context["page"].rows} == {"odd"}
    assert 'value="X_NEW_CODE" selected' in response.content.decode()


def test_text_that_is_no_code_is_a_form_error(reviewer_client):
    VerificationFactory(reason_codes=["DOC_FAKE"])

    response = reviewer_client.get(reverse("verifications:list"), {"reason": "a b; drop"})

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert response.context["total"] == 1  # the other filters still apply


def test_the_choices_are_every_providers_codes_with_their_meanings():
    groups = dict(reason_choices())
    assert any(group.startswith("iDenfy") for group in groups)
    assert any(group.startswith("Swan") for group in groups)
    labels = [label for choices in groups.values() for _, label in choices]
    assert all(" — " in label for label in labels)
    # statuses are not reasons a record carries
    assert not any(group.endswith("Status") for group in groups)
    form = VerificationFilterForm()
    assert form.fields["reason"].choices == list(reason_choices())


def test_the_filter_reads_the_codes_index_not_the_json(reviewer_client):
    record = VerificationFactory(reason_codes=["DOC_FAKE"])
    # The index is what the filter reads: without its row the record is not found.
    VerificationReason.objects.filter(verification_id=record.pk).delete()

    assert listed(reviewer_client, {"reason": "DOC_FAKE"}) == set()


def test_creation_day_filters(reviewer_client):
    from datetime import UTC, datetime

    VerificationFactory(
        external_id="late", provider_created_at=datetime(2026, 5, 1, 23, 59, 59, tzinfo=UTC)
    )
    VerificationFactory(external_id="next", provider_created_at=datetime(2026, 5, 2, tzinfo=UTC))
    VerificationFactory(external_id="unknown", provider_created_at=None)

    one_day = {"created_from": "2026-05-01", "created_to": "2026-05-01"}
    assert listed(reviewer_client, one_day) == {"late"}
    assert listed(reviewer_client, {"created_known": "no"}) == {"unknown"}
    response = reviewer_client.get(
        reverse("verifications:list"), {"created_known": "no", "created_from": "2026-05-01"}
    )
    assert "created_known" in response.context["form"].errors
    response = reviewer_client.get(
        reverse("verifications:list"), {"created_from": "2026-05-02", "created_to": "2026-05-01"}
    )
    assert "created_to" in response.context["form"].errors
