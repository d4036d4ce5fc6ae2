from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from idvdash.providers.base import Page, VerificationRecord
from idvdash.providers.models import ProviderAccount
from idvdash.reviews import services
from idvdash.reviews.models import Activity, DecisionCategory, Review
from idvdash.reviews.services import Action, Conflict
from idvdash.verifications import sync
from idvdash.verifications.models import Verification

pytestmark = pytest.mark.django_db


def listed(status: str) -> VerificationRecord:
    return VerificationRecord(
        external_id="scan-1",
        subject_ref="client-1",
        raw_status=status,
        created_at=None,
        updated_at=None,
        payload={"scanRef": "scan-1", "status": status, "suspected": False},
    )


def write(account, status: str, *, at) -> Verification:
    sync.upsert_page(account=account, page=Page([listed(status)], {}), now=at)
    return Verification.objects.get(account=account, external_id="scan-1")


@pytest.fixture
def account():
    return ProviderAccount.objects.create(name="idf", kind="idenfy", credentials={})


def close_without_four_eyes(verification, user):
    services.act(user=user, verification_id=verification.pk, action=Action.ASSIGN_TO_ME, version=0)
    return services.act(
        user=user,
        verification_id=verification.pk,
        action=Action.PROPOSE,
        version=1,
        decision="cleared",
        category_id=DecisionCategory.objects.first().pk,
        reason="Looks fine.",
    )


def test_a_provider_change_reopens_a_closed_case_with_a_system_entry(account, reviewer):
    start = timezone.now() - timedelta(hours=2)
    verification = write(account, "APPROVED", at=start)
    review = close_without_four_eyes(verification, reviewer)
    assert review.state == Review.State.CLOSED

    write(account, "SUSPECTED", at=timezone.now())

    review.refresh_from_db()
    assert (review.state, review.assignee, review.decision) == (Review.State.OPEN, None, "")
    assert review.seen_outcome == "suspected"
    entries = list(Activity.objects.timeline(verification.pk))
    assert [entry.kind for entry in entries][-2:] == ["provider", "reopened"]
    assert entries[-2].details == {"before": "approved", "after": "suspected"}
    assert "from Approved to Suspected after the case was closed" in entries[-1].text
    assert entries[-1].actor is None


def test_an_unchanged_listing_leaves_a_closed_case_closed(account, reviewer):
    verification = write(account, "APPROVED", at=timezone.now() - timedelta(hours=1))
    close_without_four_eyes(verification, reviewer)

    write(account, "APPROVED", at=timezone.now())

    assert Review.objects.get(pk=verification.pk).state == Review.State.CLOSED
    assert not Activity.objects.filter(kind="provider").exists()


def test_a_provider_change_voids_a_waiting_proposal_and_stales_open_forms(
    account, reviewer, senior
):
    verification = write(account, "SUSPECTED", at=timezone.now() - timedelta(hours=1))
    services.act(
        user=reviewer, verification_id=verification.pk, action=Action.ASSIGN_TO_ME, version=0
    )
    services.act(
        user=reviewer,
        verification_id=verification.pk,
        action=Action.PROPOSE,
        version=1,
        decision="cleared",
        category_id=DecisionCategory.objects.first().pk,
        reason="Fine.",
    )

    write(account, "DENIED", at=timezone.now())

    review = Review.objects.get(pk=verification.pk)
    assert (review.state, review.assignee, review.proposed_by) == (
        Review.State.IN_PROGRESS,
        reviewer,
        None,
    )
    with pytest.raises(Conflict):  # the senior's approve form was drawn at version 2
        services.act(user=senior, verification_id=verification.pk, action=Action.APPROVE, version=2)


def test_an_idenfy_webhook_turning_a_cleared_record_suspected_reopens_its_case(
    client, make_account, reviewer
):
    from django.core.management import call_command

    from tests.verifications.test_webhooks import hook_account, idenfy_body, post, signed

    account = hook_account(make_account, "idenfy")
    approved = idenfy_body("scan-hook-1", "APPROVED", finish=1_780_000_000)
    post(client, account, approved, signed("idenfy", approved))
    call_command("process_webhooks", verbosity=0)
    verification = Verification.objects.get(account=account, external_id="scan-hook-1")
    close_without_four_eyes(verification, reviewer)

    suspected = idenfy_body("scan-hook-1", "SUSPECTED", finish=1_780_000_600)
    assert post(client, account, suspected, signed("idenfy", suspected)).status_code == 200
    call_command("process_webhooks", verbosity=0)

    review = Review.objects.get(pk=verification.pk)
    assert review.state == Review.State.OPEN
    reopened = Activity.objects.timeline(verification.pk).last()
    assert reopened.kind == Activity.Kind.REOPENED
    assert "from Approved to Suspected" in reopened.text


def test_rows_a_write_creates_cost_the_cases_no_lookup(account):
    reviews = Review._meta.db_table

    with CaptureQueriesContext(connection) as created:
        write(account, "APPROVED", at=timezone.now() - timedelta(hours=1))
    with CaptureQueriesContext(connection) as changed:
        write(account, "SUSPECTED", at=timezone.now())

    assert not [q for q in created.captured_queries if reviews in q["sql"]]
    assert [q for q in changed.captured_queries if reviews in q["sql"]]
