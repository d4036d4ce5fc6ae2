"""The write path's own guard: what a page planned before an erasure committed writes."""

import pytest
from django.utils import timezone

from idvdash.people.models import Subject
from idvdash.providers.base import Page, VerificationRecord
from idvdash.retention import erasure
from idvdash.verifications import sync
from idvdash.verifications.models import Verification
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db


def stora_record(external_id: str, contact: str, status: str) -> VerificationRecord:
    now = timezone.now()
    return VerificationRecord(
        external_id=external_id,
        subject_ref=contact,
        raw_status=status,
        created_at=now,
        updated_at=now,
        payload={"id": external_id, "contact": {"id": contact}, "status": status},
    )


def test_a_page_planned_before_the_erasure_writes_nothing_personal(admin_user):
    account = ProviderAccountFactory(kind="stora")
    row = VerificationFactory(
        account=account, external_id="idver_1", subject_ref="con_raced", raw_status="processing"
    )
    subject = Subject.objects.create(account=account, provider="stora", ref="con_raced")
    page = Page(records=[stora_record("idver_1", "con_raced", "succeeded")], checkpoint={})
    plan = sync.plan_page(account=account, page=page)  # a sync, before the erasure
    assert plan.rows[0]["subject_ref"] == "con_raced"

    erasure.forget_subject(subject=subject, by=admin_user, reason="ticket 7")
    sync.write_plan(account=account, plan=plan, now=timezone.now())

    row.refresh_from_db()
    assert (row.subject_ref, row.raw, row.reason_codes, row.levels) == ("", {}, [], {})
    assert row.raw_status == "succeeded"  # what the law keeps still follows the provider
    assert row.erased_at is not None


def test_a_new_record_of_a_forgotten_subject_is_stored_bare(admin_user):
    account = ProviderAccountFactory(kind="stora")
    subject = Subject.objects.create(account=account, provider="stora", ref="con_gone")
    erasure.forget_subject(subject=subject, by=admin_user, reason="ticket 8")
    page = Page(records=[stora_record("idver_new", "con_gone", "succeeded")], checkpoint={})

    sync.upsert_page(account=account, page=page, now=timezone.now())

    row = Verification.objects.get(external_id="idver_new")
    assert (row.subject_ref, row.raw) == ("", {})
    assert row.erased_at is not None
    assert not row.erased_by_retention
