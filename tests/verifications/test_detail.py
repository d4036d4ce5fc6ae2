"""The record page: outcome, every code with its meaning, provider sections, timeline, person."""

import html as html_lib
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from idvdash.people.models import Person, Subject
from idvdash.people.queries import OTHERS_LIMIT
from idvdash.providers import vocabulary
from idvdash.providers.codes import CATEGORY_LABELS
from idvdash.providers.outcomes import describe_outcome
from idvdash.verifications.models import AccessEvent, Outcome
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db


def detail(client, verification):
    response = client.get(reverse("verifications:detail", args=[verification.pk]))
    assert response.status_code == 200
    return response, html_lib.unescape(response.content.decode())


def test_the_page_shows_outcome_raw_status_and_their_meanings(reviewer_client):
    v = VerificationFactory(outcome=Outcome.DECLINED, raw_status="DENIED")

    response, page = detail(reviewer_client, v)

    assert 'class="badge big outcome-declined">Declined</span>' in page
    assert "<code>DENIED</code>" in page
    assert describe_outcome("declined") in page
    assert vocabulary.explain("idenfy", "DENIED", category="status") in page
    assert "no-store" in response.headers["Cache-Control"]


def test_every_idenfy_reason_shows_its_code_meaning_and_kind(reviewer_client):
    v = VerificationFactory(
        outcome=Outcome.SUSPECTED,
        raw_status="SUSPECTED",
        reason_codes=["DUPLICATE_FACE", "NAME", "FACE_MISMATCH", "SOMETHING_NEW"],
        raw={
            "status": "SUSPECTED",
            "fraudTags": ["DUPLICATE_FACE"],
            "mismatchTags": ["NAME"],
            "autoFace": "FACE_MISMATCH",
            "autoDocument": "DOC_VALIDATED",
        },
    )

    _, page = detail(reviewer_client, v)

    for code, category in [
        ("DUPLICATE_FACE", "fraud_tag"),
        ("NAME", "mismatch_tag"),
        ("FACE_MISMATCH", "face_result"),
    ]:
        assert f"<code>{code}</code>" in page
        assert vocabulary.explain("idenfy", code, category=category) in page
        assert CATEGORY_LABELS[category] in page
    assert "<code>SOMETHING_NEW</code>" in page
    assert "No description known; shown as the provider sent it." in page
    assert vocabulary.explain("idenfy", "DOC_VALIDATED", category="document_result") in page
    assert "Not done yet" in page  # no manual review yet


def test_swan_levels_show_status_reasons_expiry_and_what_does_not_apply(reviewer_client):
    v = VerificationFactory(
        account=ProviderAccountFactory(kind="swan"),
        outcome=Outcome.DECLINED,
        raw_status="Invalid",
        process="QES",
        reason_codes=["ExpiredDocument"],
        levels={
            "expert": {"status": "Invalid", "reasons": ["ExpiredDocument"], "expiredAt": None},
            "qes": {"status": "Expired", "reasons": [], "expiredAt": "2026-02-03"},
        },
    )

    response, page = detail(reviewer_client, v)

    levels = {level.name: level for level in response.context["levels"]}
    assert levels["Expert"].status.code == "Invalid"
    assert [r.code for r in levels["Expert"].reasons] == ["ExpiredDocument"]
    assert levels["QES"].expired_at.isoformat().startswith("2026-02-03")
    assert levels["PVID"].applicable is False
    assert vocabulary.explain("swan", "ExpiredDocument", category="invalid_reason") in page
    assert vocabulary.explain("swan", "Expired", category="level_status") in page
    assert "2026-02-03" in page
    assert page.count("Not applicable to this process") == 1


def test_a_swan_level_reported_as_not_supported_is_marked_not_applicable(reviewer_client):
    v = VerificationFactory(
        account=ProviderAccountFactory(kind="swan"),
        raw_status="Valid",
        levels={
            "expert": {"status": "Valid", "reasons": [], "expiredAt": None},
            "pvid": {"status": "NotSupported", "reasons": [], "expiredAt": None},
        },
    )

    response, page = detail(reviewer_client, v)

    levels = {level.name: level for level in response.context["levels"]}
    assert levels["PVID"].applicable is False
    assert levels["PVID"].status.code == "NotSupported"
    assert page.count("Not applicable to this process") == 2


def test_equals_shows_result_action_url_application_and_person(reviewer_client):
    raw = {
        "id": "5f8a2c14-3e6b-4d9f-a1b2-c3d4e5f60789",
        "applicationId": "e9293471-5eb3-4dbc-916c-dbaf9e2deefd",
        "associatedPersonId": "d4c3b2a1-5678-4e9a-bcde-f01234567890",
        "actionUrl": "https://verify.example.com/session/abc123",
        "status": "completed",
        "result": "resubmission_requested",
    }
    v = VerificationFactory(
        account=ProviderAccountFactory(kind="equals"),
        raw_status="completed",
        outcome=Outcome.PENDING,
        reason_codes=["resubmission_requested"],
        raw=raw,
    )

    _, page = detail(reviewer_client, v)

    for value in (raw["applicationId"], raw["associatedPersonId"], raw["actionUrl"]):
        assert value in page
    assert vocabulary.explain("equals", "resubmission_requested", category="result") in page


def test_stora_shows_error_code_and_contact(reviewer_client):
    v = VerificationFactory(
        account=ProviderAccountFactory(kind="stora"),
        raw_status="failed",
        outcome=Outcome.DECLINED,
        reason_codes=["selfie_face_mismatch"],
        raw={
            "id": "idver_1",
            "status": "failed",
            "error_code": "selfie_face_mismatch",
            "contact": {"id": "con_195h6kfm9ro15lof"},
        },
    )

    _, page = detail(reviewer_client, v)

    assert "con_195h6kfm9ro15lof" in page
    assert (
        "<code>selfie_face_mismatch</code> — "
        + vocabulary.explain("stora", "selfie_face_mismatch", category="error_code")
        in page
    )


def test_a_time_the_provider_did_not_give_says_so_and_how_to_learn_it(reviewer_client):
    v = VerificationFactory(
        account=ProviderAccountFactory(kind="idenfy"),
        provider_created_at=None,
        provider_updated_at=None,
    )

    response, page = detail(reviewer_client, v)

    times = {label: (when, note) for label, when, note in response.context["timeline"]}
    not_given = "Not given by iDenfy's list — opening the record reads it from iDenfy"
    assert times["Created at iDenfy"] == (None, not_given)
    assert times["Last updated at iDenfy"] == (None, not_given)
    assert times["Last changed in idvdash's mirror"][0] == v.changed_at
    assert page.count(not_given) == 2


def test_a_provider_that_gives_its_times_shows_them_under_its_name(reviewer_client):
    created = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    v = VerificationFactory(
        account=ProviderAccountFactory(kind="stora"), provider_created_at=created
    )

    response, page = detail(reviewer_client, v)

    times = {label: when for label, when, _ in response.context["timeline"]}
    assert times["Created at Stora"] == created
    assert "Not given by" not in page


def test_the_timeline_and_the_raw_payload_are_shown(reviewer_client):
    v = VerificationFactory(raw={"scanRef": "s-1", "note": "<script>alert(1)</script>"})

    response, page = detail(reviewer_client, v)

    labels = [label for label, _, _ in response.context["timeline"]]
    assert labels == [
        "Created at iDenfy",
        "Last updated at iDenfy",
        "First seen by idvdash",
        "Last changed in idvdash's mirror",
        "Last synced",
        "Last listed by iDenfy (seen by idvdash)",
    ]
    assert "<details>" in page
    assert '"scanRef": "s-1"' in page
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_same_person_panel_lists_the_subjects_other_verifications_in_its_account(
    reviewer_client,
):
    v = VerificationFactory(subject_ref="person-5")
    again = VerificationFactory(subject_ref="person-5", account=v.account)
    swan = VerificationFactory(subject_ref="person-5", account=ProviderAccountFactory(kind="swan"))
    VerificationFactory(subject_ref="person-6")

    response, page = detail(reviewer_client, v)

    # The same ref at another provider is another provider's id: not the same person
    # until idvdash links the two subjects.
    assert [o.pk for o in response.context["person_panel"].others] == [again.pk]
    assert reverse("verifications:detail", args=[swan.pk]) not in page
    assert f"{reverse('verifications:list')}?subject=person-5" in page

    person = Person.objects.create()
    for account in (v.account, swan.account):
        Subject.objects.create(
            account=account, provider=account.kind, ref="person-5", person=person
        )

    response, page = detail(reviewer_client, v)

    assert {o.pk for o in response.context["person_panel"].others} == {again.pk, swan.pk}
    assert reverse("people:detail", args=[person.pk]) in page


def test_the_query_count_does_not_depend_on_how_many_same_person_rows_exist(
    reviewer_client, django_assert_num_queries
):
    v = VerificationFactory(subject_ref="busy")
    person = Person.objects.create()
    Subject.objects.create(account=v.account, provider="idenfy", ref="busy", person=person)
    reviewer_client.get(reverse("verifications:detail", args=[v.pk]))
    VerificationFactory(subject_ref="busy", account=ProviderAccountFactory(kind="stora"))
    with django_assert_num_queries(16) as one:
        detail(reviewer_client, v)

    for kind in ["swan", "equals", "stora", "idenfy"] * 8:
        other = VerificationFactory(subject_ref="busy", account=ProviderAccountFactory(kind=kind))
        Subject.objects.create(account=other.account, provider=kind, ref="busy", person=person)

    with django_assert_num_queries(len(one.captured_queries)):
        response, _ = detail(reviewer_client, v)
    assert len(response.context["person_panel"].others) == OTHERS_LIMIT


def test_a_missing_verification_is_404(reviewer_client):
    assert reviewer_client.get(reverse("verifications:detail", args=[424242])).status_code == 404
    assert reviewer_client.get("/verifications/99999999999999999999999/").status_code == 404
    assert AccessEvent.objects.count() == 0


def test_the_idenfy_page_loads_the_live_status_lazily(reviewer_client):
    v = VerificationFactory()

    _, page = detail(reviewer_client, v)

    live = reverse("verifications:live_status", args=[v.pk])
    assert f'hx-get="{live}" hx-trigger="load"' in page
    assert reverse("verifications:data", args=[v.pk]) in page
    assert reverse("verifications:files", args=[v.pk]) in page


def test_other_providers_have_no_live_status(reviewer_client):
    # Stora and Swan now re-read a record live; Equals has no single-record read.
    v = VerificationFactory(account=ProviderAccountFactory(kind="equals"))

    _, page = detail(reviewer_client, v)

    assert 'id="live-status"' not in page
    url = reverse("verifications:live_status", args=[v.pk])
    assert reviewer_client.get(url, HTTP_HX_REQUEST="true").status_code == 404
