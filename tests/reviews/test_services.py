import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from idvdash.reviews import services
from idvdash.reviews.models import Activity, DecisionCategory, Review
from idvdash.reviews.services import Action, Conflict, Refused
from idvdash.verifications.models import AccessEvent, Outcome
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def suspected():
    return VerificationFactory(outcome=Outcome.SUSPECTED, suspected=True, raw_status="SUSPECTED")


@pytest.fixture
def category():
    return DecisionCategory.objects.get(name="False positive")


def _version(verification) -> int:
    review = Review.objects.filter(pk=verification.pk).first()
    return review.version if review else 0


def test_four_eyes_from_suspected_to_closed(suspected, reviewer, senior, category):
    services.act(user=reviewer, verification_id=suspected.pk, action=Action.ASSIGN_TO_ME, version=0)
    services.add_note(user=reviewer, verification_id=suspected.pk, text="Called the customer.")
    review = services.act(
        user=reviewer,
        verification_id=suspected.pk,
        action=Action.PROPOSE,
        version=1,
        decision="cleared",
        category_id=category.pk,
        reason="Document re-checked by phone.",
    )
    assert review.state == Review.State.AWAITING_APPROVAL
    with pytest.raises(Refused, match="senior reviewer"):
        services.act(user=reviewer, verification_id=suspected.pk, action=Action.APPROVE, version=2)
    review = services.act(
        user=senior, verification_id=suspected.pk, action=Action.APPROVE, version=2
    )
    review.refresh_from_db()
    assert (review.state, review.decision, review.approved_by, review.proposed_by) == (
        Review.State.CLOSED,
        "cleared",
        senior,
        reviewer,
    )
    kinds = list(Activity.objects.timeline(suspected.pk).values_list("kind", flat=True))
    assert kinds == ["assigned", "note", "proposed", "approved"]
    assert AccessEvent.objects.filter(action="review", verification=suspected).count() == 4


def test_a_senior_cannot_approve_their_own_proposal(suspected, senior, category):
    services.act(user=senior, verification_id=suspected.pk, action=Action.ASSIGN_TO_ME, version=0)
    services.act(
        user=senior,
        verification_id=suspected.pk,
        action=Action.PROPOSE,
        version=1,
        decision="actioned",
        category_id=category.pk,
        reason="Fraud.",
    )
    with pytest.raises(Refused, match="own proposal"):
        services.act(user=senior, verification_id=suspected.pk, action=Action.APPROVE, version=2)


def test_a_stale_version_is_refused_with_the_current_state(suspected, reviewer, senior):
    services.act(user=reviewer, verification_id=suspected.pk, action=Action.ASSIGN_TO_ME, version=0)
    with pytest.raises(Conflict) as caught:
        services.act(
            user=senior, verification_id=suspected.pk, action=Action.ASSIGN_TO_ME, version=0
        )
    assert caught.value.review.assignee == reviewer
    assert Review.objects.get(pk=suspected.pk).version == 1


def test_activity_cannot_be_changed_or_deleted(suspected, reviewer):
    entry = services.add_note(user=reviewer, verification_id=suspected.pk, text="first")
    entry.text = "edited"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(ValidationError):
        Activity.objects.filter(pk=entry.pk).update(text="edited")
    with pytest.raises(ValidationError):
        Activity.objects.filter(pk=entry.pk).delete()
    table = Activity._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET text = 'edited' WHERE id = %s", [entry.pk])  # noqa: S608
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])  # noqa: S608
    assert Activity.objects.get(pk=entry.pk).text == "first"
