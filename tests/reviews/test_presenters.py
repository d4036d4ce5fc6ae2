"""The case panel's actions and the timeline's words."""

from datetime import timedelta

import pytest
from django.utils import timezone

from idvdash.reviews import presenters, services
from idvdash.reviews.models import Activity, Review, ServiceLevel
from idvdash.reviews.services import Action

pytestmark = pytest.mark.django_db


def entry(verification, kind, *, actor=None, other=None, text="", **details) -> Activity:
    return Activity.objects.create(
        verification=verification,
        kind=kind,
        actor=actor,
        other=other,
        text=text,
        details=details,
        at=timezone.now(),
    )


def test_an_open_case_offers_a_reviewer_only_to_take_it(reviewer, suspected):
    assert presenters.allowed_actions(None, reviewer, four_eyes=True) == {"assign_to_me"}


def test_an_open_case_offers_a_senior_to_take_it_or_assign_it(senior):
    assert presenters.allowed_actions(None, senior, four_eyes=True) == {"assign_to_me", "assign"}


def test_a_signed_in_person_without_a_role_is_offered_nothing(other_user):
    assert presenters.allowed_actions(None, other_user, four_eyes=False) == frozenset()


def test_a_waiting_proposal_offers_its_author_withdrawal_and_a_senior_the_decision(
    reviewer, senior, suspected, category
):
    services.act(user=reviewer, verification_id=suspected.pk, action=Action.ASSIGN_TO_ME, version=0)
    review = services.act(
        user=reviewer,
        verification_id=suspected.pk,
        action=Action.PROPOSE,
        version=1,
        decision="cleared",
        category_id=category.pk,
        reason="Fine.",
    )

    assert presenters.allowed_actions(review, reviewer, four_eyes=True) == {"withdraw"}
    assert presenters.allowed_actions(review, senior, four_eyes=True) == {"approve", "reject"}


def test_the_panel_counts_queries_the_same_whoever_reads_it(
    reviewer, senior, suspected, django_assert_num_queries
):
    services.act(user=reviewer, verification_id=suspected.pk, action=Action.ASSIGN_TO_ME, version=0)

    with django_assert_num_queries(6):  # review, tags, level, other tags, categories, users
        panel = presenters.panel(suspected, senior)

    assert panel.state_label == "In progress"
    assert panel.version == 1
    assert [person.username for person in panel.assignable] == ["sam"]  # not rita again


def test_the_service_level_is_due_from_idvdashs_own_time(suspected):
    ServiceLevel.objects.update_or_create(outcome=suspected.outcome, defaults={"hours": 4})
    suspected.changed_at = timezone.now() - timedelta(hours=5)

    mark = presenters.service_level(suspected)

    assert mark.due == suspected.changed_at + timedelta(hours=4)
    assert mark.breached


def test_there_is_no_service_level_mark_without_a_service_level(suspected):
    ServiceLevel.objects.filter(outcome=suspected.outcome).delete()

    assert presenters.service_level(suspected) is None


@pytest.mark.parametrize(
    ("kind", "who", "other", "details", "text", "what"),
    [
        ("assigned", "rita", "sam", {}, "", "rita assigned the case to sam"),
        ("assigned", "rita", "rita", {}, "", "rita took the case"),
        ("unassigned", "sam", "rita", {}, "", "sam unassigned rita"),
        ("unassigned", "rita", "rita", {}, "", "rita put the case back in the queue"),
        ("tagged", "rita", None, {"tag": "urgent"}, "", "rita tagged the case “urgent”"),
        ("untagged", "rita", None, {"tag": "urgent"}, "", "rita removed the tag “urgent”"),
        ("escalated", "rita", None, {}, "Odd.", "rita escalated the case"),
        (
            "proposed",
            "rita",
            None,
            {"decision": "cleared", "category": "False positive"},
            "Fine.",
            "rita proposed closing: Cleared — False positive",
        ),
        (
            "closed",
            "rita",
            None,
            {"decision": "actioned", "category": "Fraud confirmed"},
            "",
            "rita closed the case: Actioned — Fraud confirmed",
        ),
        (
            "approved",
            "sam",
            "rita",
            {"decision": "cleared", "category": "False positive"},
            "",
            "sam approved rita's proposal: Cleared — False positive",
        ),
        ("rejected", "sam", "rita", {}, "Call again.", "sam rejected rita's proposal"),
        ("withdrawn", "rita", None, {}, "", "rita withdrew the proposal to close"),
        (
            "provider",
            None,
            None,
            {"before": "approved", "after": "suspected"},
            "",
            "idvdash: the provider changed this verification from Approved to Suspected",
        ),
        (
            "reopened",
            None,
            None,
            {},
            "Reopened by idvdash: because.",
            "Reopened by idvdash: because.",
        ),
    ],
)
def test_each_kind_of_entry_says_who_did_what(
    suspected, reviewer, senior, kind, who, other, details, text, what
):
    people = {"rita": reviewer, "sam": senior, None: None}
    stored = entry(suspected, kind, actor=people[who], other=people[other], text=text, **details)

    described = presenters.describe(stored)

    assert described.what == what
    assert described.who == (who or "idvdash")
    assert described.at == stored.at
    assert described.text == (text if kind != "reopened" else "")


def test_the_timeline_is_oldest_first(reviewer, suspected):
    services.act(user=reviewer, verification_id=suspected.pk, action=Action.ASSIGN_TO_ME, version=0)
    services.add_note(user=reviewer, verification_id=suspected.pk, text="First.")
    services.add_note(user=reviewer, verification_id=suspected.pk, text="Second.")

    lines = presenters.activity(suspected.pk)

    assert [line.text for line in lines] == ["", "First.", "Second."]
    assert presenters.last_change(suspected.pk).text == "Second."
    assert Review.objects.get(pk=suspected.pk).has_notes


def test_an_escalated_case_offers_only_senior_reviewers_to_assign_to(
    reviewer, senior, make_user, suspected
):
    other_senior = make_user("sue", senior=True)
    make_user("ron", reviewer=True)
    services.act(user=reviewer, verification_id=suspected.pk, action=Action.ASSIGN_TO_ME, version=0)
    services.act(
        user=reviewer,
        verification_id=suspected.pk,
        action=Action.ESCALATE,
        version=1,
        reason="Looks like a document farm.",
    )

    panel = presenters.panel(suspected, senior)

    assert [person.username for person in panel.assignable] == ["sam", other_senior.username]
