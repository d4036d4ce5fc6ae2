"""Two reviewers acting at the same moment, in real threads on the real database (SQLite
and PostgreSQL): nobody's update is lost, and "Next case" never hands one case to two."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from idvdash.reviews import roles, services
from idvdash.reviews.models import Activity, Review, ServiceLevel
from idvdash.reviews.services import Action, Conflict
from idvdash.verifications.models import Outcome, Verification
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


@pytest.fixture
def two_reviewers(make_user):
    roles.ensure_groups()  # a transactional test may run after a flush
    return make_user("ann", reviewer=True), make_user("bob", reviewer=True)


def at_once(*calls):
    """Run each call in its own thread, released together; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = ("ok", call())
        except Exception as err:  # collected and asserted on by the test
            results[index] = ("error", err)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_next_case_at_the_same_moment_gives_two_different_cases(two_reviewers):
    ann, bob = two_reviewers
    ServiceLevel.objects.get_or_create(outcome=Outcome.SUSPECTED, defaults={"hours": 24})
    now = timezone.now()
    for age in range(2 * ROUNDS):
        VerificationFactory(outcome=Outcome.SUSPECTED, changed_at=now - timedelta(hours=age))
    queue = Verification.objects.filter(outcome=Outcome.SUSPECTED)

    def unassigned():
        return queue.exclude(review__state__in=(*Review.ACTIVE_STATES, Review.State.CLOSED))

    taken = []
    for _ in range(ROUNDS):
        results = at_once(
            lambda: services.next_case(user=ann, candidates=unassigned()),
            lambda: services.next_case(user=bob, candidates=unassigned()),
        )
        assert [kind for kind, _ in results] == ["ok", "ok"], results
        first, second = (review for _, review in results)
        assert first.pk != second.pk
        taken += [(first.pk, first.assignee_id), (second.pk, second.assignee_id)]

    stored = dict(Review.objects.values_list("pk", "assignee_id"))
    assert dict(taken) == stored
    assert len(stored) == 2 * ROUNDS
    # The oldest went first: every case was taken, each exactly once, by the one who got it.
    assert Activity.objects.filter(kind=Activity.Kind.ASSIGNED).count() == 2 * ROUNDS


def test_two_people_acting_on_one_version_one_wins_the_other_is_told(two_reviewers):
    ann, bob = two_reviewers
    for _ in range(ROUNDS):
        verification = VerificationFactory(outcome=Outcome.SUSPECTED)
        results = at_once(
            lambda v=verification: services.act(
                user=ann, verification_id=v.pk, action=Action.ASSIGN_TO_ME, version=0
            ),
            lambda v=verification: services.act(
                user=bob, verification_id=v.pk, action=Action.ASSIGN_TO_ME, version=0
            ),
        )
        outcomes = sorted(kind for kind, _ in results)
        assert outcomes == ["error", "ok"], results
        (winner,) = [value for kind, value in results if kind == "ok"]
        (loser,) = [value for kind, value in results if kind == "error"]
        assert isinstance(loser, Conflict)
        # The loser is shown the state the winner left, not a blank one.
        assert loser.review is not None
        assert loser.review.assignee_id == winner.assignee_id
        review = Review.objects.get(pk=verification.pk)
        assert (review.version, review.assignee_id) == (1, winner.assignee_id)
        assert Activity.objects.filter(verification=verification).count() == 1


def test_notes_at_the_same_moment_are_both_kept(two_reviewers):
    ann, bob = two_reviewers
    verification = VerificationFactory(outcome=Outcome.DECLINED)

    results = at_once(
        lambda: services.add_note(user=ann, verification_id=verification.pk, text="from ann"),
        lambda: services.add_note(user=bob, verification_id=verification.pk, text="from bob"),
    )

    assert [kind for kind, _ in results] == ["ok", "ok"], results
    texts = set(Activity.objects.filter(verification=verification).values_list("text", flat=True))
    assert texts == {"from ann", "from bob"}
    assert Review.objects.get(pk=verification.pk).has_notes
