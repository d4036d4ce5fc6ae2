"""Queues, SLA and case filters of the list (idvdash/reviews/queues.py via queries)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from idvdash.reviews import queues
from idvdash.reviews.models import Review, ServiceLevel, Tag
from idvdash.verifications import queries
from idvdash.verifications.models import Outcome
from idvdash.verifications.queries import Cursor, Filters, Sort
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def ids(filters: Filters) -> set[int]:
    return {v.pk for v in queries.filter_verifications(filters=filters)}


def case(outcome=Outcome.SUSPECTED, hours_ago=1, **review):
    verification = VerificationFactory(outcome=outcome, changed_at=NOW - timedelta(hours=hours_ago))
    if review:
        Review.objects.create(verification=verification, **review)
    return verification


@pytest.fixture
def levels():
    ServiceLevel.objects.all().delete()
    ServiceLevel.objects.create(outcome=Outcome.SUSPECTED, hours=24)
    ServiceLevel.objects.create(outcome=Outcome.DECLINED, hours=48)


@time_machine.travel(NOW, tick=False)
def test_each_queue_holds_its_cases(levels, reviewer, senior):
    no_review = case()
    open_review = case(Outcome.DECLINED, state=Review.State.OPEN)
    approved = case(Outcome.APPROVED)  # no service level: not in the work queue
    mine = case(state=Review.State.IN_PROGRESS, assignee=reviewer)
    my_closed = case(state=Review.State.CLOSED, assignee=reviewer)
    escalated = case(state=Review.State.ESCALATED, assignee=senior)
    proposed_by_rita = case(
        state=Review.State.AWAITING_APPROVAL, assignee=reviewer, proposed_by=reviewer
    )
    proposed_by_sam = case(
        state=Review.State.AWAITING_APPROVAL, assignee=senior, proposed_by=senior
    )

    assert ids(Filters(queue="unassigned", viewer_id=reviewer.pk)) == {no_review.pk, open_review.pk}
    assert ids(Filters(queue="mine", viewer_id=reviewer.pk)) == {mine.pk, proposed_by_rita.pk}
    assert ids(Filters(queue="escalated", viewer_id=reviewer.pk)) == {escalated.pk}
    assert ids(Filters(queue="approval", viewer_id=senior.pk)) == {proposed_by_rita.pk}
    assert approved.pk not in ids(Filters(queue="unassigned"))
    assert my_closed.pk not in ids(Filters(queue="mine", viewer_id=reviewer.pk))
    assert proposed_by_sam.pk in ids(Filters(queue="approval", viewer_id=reviewer.pk))


@time_machine.travel(NOW, tick=False)
def test_sla_breached_and_due_soon_follow_each_outcomes_hours(levels, reviewer):
    breached = case(Outcome.SUSPECTED, hours_ago=25)
    due_soon = case(Outcome.SUSPECTED, hours_ago=19)  # last quarter of 24 h starts at 18 h
    fresh = case(Outcome.SUSPECTED, hours_ago=17)
    declined_within = case(Outcome.DECLINED, hours_ago=30)  # 48 h for declined
    declined_late = case(Outcome.DECLINED, hours_ago=49)
    closed_late = case(Outcome.SUSPECTED, hours_ago=100, state=Review.State.CLOSED)
    worked_late = case(Outcome.SUSPECTED, hours_ago=100, state=Review.State.IN_PROGRESS)
    approved_old = case(Outcome.APPROVED, hours_ago=1000)

    assert ids(Filters(sla="breached")) == {breached.pk, declined_late.pk, worked_late.pk}
    assert ids(Filters(sla="due_soon")) == {due_soon.pk}
    assert not {fresh.pk, declined_within.pk, closed_late.pk, approved_old.pk} & ids(
        Filters(sla="breached")
    )


def test_without_service_levels_the_unassigned_queue_and_sla_are_empty(reviewer):
    ServiceLevel.objects.all().delete()
    case(Outcome.SUSPECTED, hours_ago=1000)

    assert ids(Filters(queue="unassigned")) == set()
    assert ids(Filters(sla="breached")) == set()


def test_review_state_notes_tag_and_assignee_filters(reviewer, senior):
    plain = case()
    noted = case(state=Review.State.IN_PROGRESS, assignee=reviewer, has_notes=True)
    escalated = case(state=Review.State.ESCALATED, assignee=senior)
    vip = Tag.objects.create(name="vip")
    escalated.review.tags.add(vip)

    assert ids(Filters(review_state="open")) == {plain.pk}
    assert ids(Filters(review_state="escalated")) == {escalated.pk}
    assert ids(Filters(has_notes=True)) == {noted.pk}
    assert ids(Filters(has_notes=False)) == {plain.pk, escalated.pk}
    assert ids(Filters(tag_id=vip.pk)) == {escalated.pk}
    assert ids(Filters(assignee_id=reviewer.pk)) == {noted.pk}


@time_machine.travel(NOW, tick=False)
def test_a_queue_pages_by_keyset_with_other_filters_and_sorts(levels, reviewer):
    made = [case(Outcome.SUSPECTED, hours_ago=n + 1) for n in range(7)]
    case(Outcome.DECLINED, hours_ago=3)  # another outcome, filtered out below
    filters = Filters(
        queue="unassigned", viewer_id=reviewer.pk, outcomes=("suspected",), sort=Sort.UPDATED_ASC
    )
    qs = queries.filter_verifications(filters=filters)

    first = queries.page_after(qs, cursor=None, size=3)
    second = queries.page_after(qs, cursor=Cursor.decode(first.next_cursor), size=3)
    third = queries.page_after(qs, cursor=Cursor.decode(second.next_cursor), size=3)

    seen = [v.pk for page in (first, second, third) for v in page.rows]
    assert seen == [v.pk for v in reversed(made)]
    assert third.next_cursor is None


@time_machine.travel(NOW, tick=False)
def test_list_rows_carry_state_assignee_tags_time_in_queue_and_breach(levels, reviewer):
    late = case(Outcome.SUSPECTED, hours_ago=30, state=Review.State.IN_PROGRESS, assignee=reviewer)
    late.review.tags.add(Tag.objects.create(name="pep"), Tag.objects.create(name="urgent"))
    untouched = case(Outcome.APPROVED, hours_ago=2)
    rows = list(queries.filter_verifications(filters=Filters()))

    queues.mark_rows(rows, levels=queues.service_levels())

    by_pk = {row.pk: row.case for row in rows}
    assert by_pk[late.pk].state_label == "In progress"
    assert by_pk[late.pk].assignee == "rita"
    assert by_pk[late.pk].tags == ("pep", "urgent")
    assert by_pk[late.pk].waited == timedelta(hours=30)
    assert by_pk[late.pk].sla is queues.Sla.BREACHED
    assert by_pk[untouched.pk].state_label == "Open"
    assert by_pk[untouched.pk].sla is None


def test_navigation_counts_are_capped_and_approval_is_for_seniors(reviewer, senior):
    for _ in range(4):
        case(Outcome.SUSPECTED)
    case(state=Review.State.AWAITING_APPROVAL, assignee=reviewer, proposed_by=reviewer)

    mine = {c["queue"]: c for c in queues.nav_counts(reviewer, senior=False, cap=3)}
    theirs = {c["queue"]: c for c in queues.nav_counts(senior, senior=True, cap=3)}

    assert queues.Queue.APPROVAL not in mine
    assert mine[queues.Queue.UNASSIGNED] == {
        "queue": queues.Queue.UNASSIGNED,
        "count": 3,
        "capped": True,
    }
    assert mine[queues.Queue.MINE]["count"] == 1
    assert theirs[queues.Queue.APPROVAL]["count"] == 1
    assert theirs[queues.Queue.MINE]["count"] == 0


@time_machine.travel(NOW, tick=False)
def test_each_navigation_count_matches_its_list(levels, reviewer, senior):
    case()
    case(Outcome.DECLINED, state=Review.State.OPEN)
    case(state=Review.State.IN_PROGRESS, assignee=senior)
    case(state=Review.State.CLOSED, assignee=senior)
    case(state=Review.State.ESCALATED, assignee=reviewer)
    case(state=Review.State.AWAITING_APPROVAL, assignee=reviewer, proposed_by=reviewer)
    case(state=Review.State.AWAITING_APPROVAL, assignee=senior, proposed_by=senior)

    counts = queues.nav_counts(senior, senior=True)

    assert len(counts) == 4
    for item in counts:
        listed = ids(Filters(queue=item["queue"].value, viewer_id=senior.pk))
        assert item["count"] == len(listed) > 0, item["queue"]
