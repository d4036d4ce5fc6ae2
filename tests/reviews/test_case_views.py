"""The case panel's actions, as a browser sends them: with htmx and as plain forms."""

import html as html_lib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from idvdash.providers.base import Page, VerificationRecord
from idvdash.providers.models import ProviderAccount
from idvdash.reviews.models import Activity, Review, ServiceLevel, Tag
from idvdash.reviews.services import NOTE_MAX
from idvdash.reviews.views import case as views
from idvdash.verifications import sync
from idvdash.verifications.models import AccessEvent, Outcome, Verification
from idvdash.verifications.views.access import ERROR_FRAGMENT_HEADER
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return html_lib.unescape(response.content.decode())


def detail(client, verification) -> str:
    response = client.get(reverse("verifications:detail", args=[verification.pk]))
    assert response.status_code == 200
    return text(response)


def post(client, name, verification, data=None, **extra):
    return client.post(reverse(f"reviews:{name}", args=[verification.pk]), data or {}, **extra)


def propose(client, verification, category, *, version, reason="Checked by phone."):
    return post(
        client,
        "act",
        verification,
        {
            "action": "propose",
            "version": version,
            "decision": "cleared",
            "category": category.pk,
            "reason": reason,
        },
        **HTMX,
    )


def test_an_open_case_offers_a_reviewer_assign_to_me_and_nothing_a_senior_does(
    reviewer_client, suspected
):
    page = detail(reviewer_client, suspected)

    assert ">Assign to me</button>" in page
    assert "in queue since idvdash saw this outcome" in page
    for senior_only in (">Approve</button>", ">Reject</button>", ">Assign</button>"):
        assert senior_only not in page


def test_assign_to_me_without_javascript_redirects_to_the_record_with_a_message(
    reviewer_client, reviewer, suspected
):
    response = post(reviewer_client, "assign_me", suspected, {"version": 0})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("verifications:detail", args=[suspected.pk]))
    page = detail(reviewer_client, suspected)
    assert views.DONE["assign_to_me"] in page
    assert Review.objects.get(pk=suspected.pk).assignee == reviewer


def test_an_htmx_action_returns_the_panel_and_the_timeline_out_of_band(reviewer_client, suspected):
    response = post(reviewer_client, "assign_me", suspected, {"version": 0}, **HTMX)

    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<section id="case"')
    assert (
        '<section id="case-activity" class="card" aria-labelledby="h-case-activity" hx-swap-oob="true">'
        in body
    )
    assert "rita took the case" in body
    assert "<html" not in body


def test_a_suspected_record_is_proposed_then_approved_by_a_senior(
    client_for, reviewer, senior, suspected, category
):
    rita, sam = client_for(reviewer), client_for(senior)
    post(rita, "assign_me", suspected, {"version": 0}, **HTMX)
    assert ">Propose closing</button>" in detail(rita, suspected)
    assert ">Close</button>" not in detail(rita, suspected)

    assert propose(rita, suspected, category, version=1).status_code == 200
    assert ">Approve</button>" not in detail(rita, suspected)
    sams_page = detail(sam, suspected)
    assert ">Approve</button>" in sams_page
    assert ">Reject</button>" in sams_page
    assert "Checked by phone." in sams_page

    response = post(sam, "act", suspected, {"action": "approve", "version": 2}, **HTMX)

    assert response.status_code == 200
    review = Review.objects.get(pk=suspected.pk)
    assert (review.state, review.approved_by, review.decision) == ("closed", senior, "cleared")
    body = text(response)
    assert "rita proposed closing: Cleared — False positive" in body
    assert "sam approved rita's proposal: Cleared — False positive" in body


def test_a_record_without_four_eyes_is_closed_by_its_reviewer_alone(
    reviewer_client, approved, category
):
    post(reviewer_client, "assign_me", approved, {"version": 0})
    page = detail(reviewer_client, approved)
    assert ">Close</button>" in page
    assert ">Propose closing</button>" not in page

    response = propose(reviewer_client, approved, category, version=1)

    assert response.status_code == 200
    assert Review.objects.get(pk=approved.pk).state == Review.State.CLOSED
    assert "rita closed the case: Cleared — False positive" in text(response)


def test_a_senior_rejects_with_a_reason_and_the_case_goes_back_to_its_author(
    client_for, reviewer, senior, suspected, category
):
    rita, sam = client_for(reviewer), client_for(senior)
    post(rita, "assign_me", suspected, {"version": 0})
    propose(rita, suspected, category, version=1)

    response = post(
        sam, "act", suspected, {"action": "reject", "version": 2, "reason": "Call again."}, **HTMX
    )

    assert response.status_code == 200
    review = Review.objects.get(pk=suspected.pk)
    assert (review.state, review.assignee) == (Review.State.IN_PROGRESS, reviewer)
    assert "sam rejected rita's proposal" in text(response)
    assert "Call again." in text(response)


def test_two_people_acting_on_one_version_the_second_gets_409_and_the_current_state(
    client_for, reviewer, make_user, suspected
):
    rita, rob = client_for(reviewer), client_for(make_user("rob", reviewer=True))
    assert post(rita, "assign_me", suspected, {"version": 0}, **HTMX).status_code == 200

    response = post(rob, "assign_me", suspected, {"version": 0}, **HTMX)

    assert response.status_code == 409
    assert response[ERROR_FRAGMENT_HEADER] == "1"
    body = text(response)
    assert views.CONFLICT_HEAD in body
    assert "(rita took the case," in body
    assert "<dd>rita</dd>" in body  # the current assignee
    assert Review.objects.get(pk=suspected.pk).assignee == reviewer


def test_a_conflict_without_javascript_shows_the_panel_on_a_page(
    client_for, reviewer, make_user, suspected
):
    rita, rob = client_for(reviewer), client_for(make_user("rob", reviewer=True))
    post(rita, "assign_me", suspected, {"version": 0})

    response = post(rob, "assign_me", suspected, {"version": 0})

    assert response.status_code == 409
    assert "<html" in text(response)
    assert views.CONFLICT_HEAD in text(response)


def listed(status: str) -> VerificationRecord:
    return VerificationRecord(
        external_id="scan-1",
        subject_ref="client-1",
        raw_status=status,
        created_at=None,
        updated_at=None,
        payload={"scanRef": "scan-1", "status": status, "suspected": status == "SUSPECTED"},
    )


def test_an_approval_drawn_before_a_provider_change_is_refused_as_stale(
    client_for, reviewer, senior, category
):
    account = ProviderAccount.objects.create(name="idf", kind="idenfy", credentials={})
    start = timezone.now() - timedelta(hours=2)
    sync.upsert_page(account=account, page=Page([listed("SUSPECTED")], {}), now=start)
    verification = Verification.objects.get(account=account)
    rita, sam = client_for(reviewer), client_for(senior)
    post(rita, "assign_me", verification, {"version": 0})
    propose(rita, verification, category, version=1)
    assert ">Approve</button>" in detail(sam, verification)  # sam's form carries version 2

    sync.upsert_page(account=account, page=Page([listed("DENIED")], {}), now=timezone.now())
    response = post(sam, "act", verification, {"action": "approve", "version": 2}, **HTMX)

    assert response.status_code == 409
    assert "withdrawn by idvdash" in text(response)
    review = Review.objects.get(pk=verification.pk)
    assert (review.state, review.approved_by) == (Review.State.IN_PROGRESS, None)


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("act", {"action": "escalate", "version": 1, "reason": "  "}, "Write a reason"),
        (
            "act",
            {
                "action": "propose",
                "version": 1,
                "decision": "cleared",
                "category": 99999,
                "reason": "x",
            },
            "Select a valid choice",
        ),
        (
            "act",
            {"action": "propose", "version": 1, "decision": "maybe", "category": "", "reason": "x"},
            "Select a valid choice",
        ),
        (
            "act",
            {"action": "propose", "version": 1, "decision": "cleared", "reason": "x"},
            "Choose one of the decision categories",
        ),
        ("act", {"action": "approve", "version": "two"}, "Enter a whole number"),
        ("act", {"action": "launch", "version": 1}, "Select a valid choice"),
        ("act", {"action": "assign", "version": 1, "target": 99999}, "Select a valid choice"),
        ("assign_me", {}, "This field is required"),
        ("note", {"text": "x" * (NOTE_MAX + 1)}, "at most 5000 characters"),
        ("note", {"text": "   "}, "This field is required"),
        ("tag", {"tag": "urgent"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_a_form_error_in_the_panel_never_a_500(
    client_for, senior, suspected, name, data, error
):
    sam = client_for(senior)
    post(sam, "assign_me", suspected, {"version": 0})

    response = post(sam, name, suspected, data, **HTMX)

    assert response.status_code == 400
    assert error in text(response)
    assert response[ERROR_FRAGMENT_HEADER] == "1"
    assert Review.objects.get(pk=suspected.pk).version == 1


def test_an_unknown_record_is_404_for_every_action(reviewer_client):
    for name in ("assign_me", "act", "note", "tag", "untag"):
        response = reviewer_client.post(reverse(f"reviews:{name}", args=[424242]), {"version": 0})
        assert response.status_code == 404
    assert AccessEvent.objects.count() == 0


def test_a_note_is_plain_text_with_its_line_breaks_author_and_time(reviewer_client, suspected):
    response = post(
        reviewer_client, "note", suspected, {"text": "Called <b>them</b>.\nNo answer."}, **HTMX
    )

    assert response.status_code == 200
    raw = response.content.decode()
    assert "Called &lt;b&gt;them&lt;/b&gt;.<br>No answer." in raw
    assert "rita added a note" in raw
    entry = Activity.objects.get(verification=suspected, kind="note")
    assert f'<time datetime="{entry.at.isoformat()}' in raw


def test_a_correction_is_a_second_note_and_both_stay(reviewer_client, suspected):
    post(reviewer_client, "note", suspected, {"text": "Passport expired."})
    post(reviewer_client, "note", suspected, {"text": "Correction: the ID card, not the passport."})

    page = detail(reviewer_client, suspected)
    assert page.index("Passport expired.") < page.index("Correction: the ID card")


def test_a_tag_is_added_and_removed_with_timeline_entries(reviewer_client, suspected):
    urgent = Tag.objects.create(name="urgent")

    added = post(reviewer_client, "tag", suspected, {"tag": urgent.pk}, **HTMX)
    assert added.status_code == 200
    assert '<span class="tag">urgent</span>' in text(added)
    removed = post(reviewer_client, "untag", suspected, {"tag": urgent.pk}, **HTMX)

    assert removed.status_code == 200
    assert '<span class="tag">urgent</span>' not in text(removed)
    assert "rita tagged the case “urgent”" in text(removed)
    assert "rita removed the tag “urgent”" in text(removed)
    assert not Review.objects.get(pk=suspected.pk).tags.exists()


def test_every_action_leaves_a_review_audit_event(
    client_for, reviewer, senior, suspected, category
):
    rita, sam = client_for(reviewer), client_for(senior)
    post(rita, "assign_me", suspected, {"version": 0})
    post(rita, "note", suspected, {"text": "Seen."})
    propose(rita, suspected, category, version=1)
    post(sam, "act", suspected, {"action": "approve", "version": 2})

    events = AccessEvent.objects.filter(verification=suspected, action="review")
    assert sorted(events.values_list("user__username", flat=True)) == ["rita"] * 3 + ["sam"]


def test_the_service_level_says_due_or_breached(reviewer_client):
    ServiceLevel.objects.update_or_create(outcome=Outcome.SUSPECTED, defaults={"hours": 24})
    fresh = VerificationFactory(outcome=Outcome.SUSPECTED, changed_at=timezone.now())
    old = VerificationFactory(
        outcome=Outcome.SUSPECTED, changed_at=timezone.now() - timedelta(hours=30)
    )

    assert "due in 23 h" in detail(reviewer_client, fresh)
    page = detail(reviewer_client, old)
    assert "breached" in page
    assert "6 h ago" in page


def test_the_detail_page_query_count_does_not_grow_with_the_timeline(
    client_for, reviewer, senior, suspected, django_assert_num_queries
):
    rita = client_for(reviewer)
    urgent = Tag.objects.create(name="urgent")
    post(rita, "assign_me", suspected, {"version": 0})
    post(rita, "tag", suspected, {"tag": urgent.pk})
    post(rita, "note", suspected, {"text": "One."})
    url = reverse("verifications:detail", args=[suspected.pk])
    rita.get(url)
    with django_assert_num_queries(17) as one:  # 16, + the subject's person (idvdash.people)
        rita.get(url)
    queries = len(one.captured_queries)  # read now: the next request clears the log

    for n in range(3):
        post(rita, "note", suspected, {"text": f"More {n}."})
        post(rita, "untag", suspected, {"tag": urgent.pk})
        post(rita, "tag", suspected, {"tag": urgent.pk})

    with django_assert_num_queries(queries):
        response = rita.get(url)
    assert len(response.context["case_activity"]) == 12


def test_a_proposal_is_withdrawn_by_its_author_and_a_case_given_back(
    reviewer_client, suspected, category
):
    post(reviewer_client, "assign_me", suspected, {"version": 0})
    propose(reviewer_client, suspected, category, version=1)
    assert ">Withdraw proposal</button>" in detail(reviewer_client, suspected)

    withdrawn = post(
        reviewer_client, "act", suspected, {"action": "withdraw", "version": 2}, **HTMX
    )
    unassigned = post(
        reviewer_client, "act", suspected, {"action": "unassign", "version": 3}, **HTMX
    )

    assert (withdrawn.status_code, unassigned.status_code) == (200, 200)
    review = Review.objects.get(pk=suspected.pk)
    assert (review.state, review.assignee, review.decision) == (Review.State.OPEN, None, "")
    assert "rita withdrew the proposal to close" in text(unassigned)
    assert "rita put the case back in the queue" in text(unassigned)
    assert ">Assign to me</button>" in text(unassigned)


def test_an_escalation_needs_a_reason_and_says_it_on_the_timeline(reviewer_client, suspected):
    post(reviewer_client, "assign_me", suspected, {"version": 0})

    response = post(
        reviewer_client,
        "act",
        suspected,
        {"action": "escalate", "version": 1, "reason": "Looks like a known ring."},
        **HTMX,
    )

    assert response.status_code == 200
    assert Review.objects.get(pk=suspected.pk).state == Review.State.ESCALATED
    assert "rita escalated the case" in text(response)
    assert "Looks like a known ring." in text(response)
    assert ">Assign to me</button>" not in text(response)  # seniors take it from here
