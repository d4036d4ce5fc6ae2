"""Audit: exactly one AccessEvent per look, written first; no event, no personal data."""

from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection
from django.urls import reverse

from idvdash.verifications import audit
from idvdash.verifications.models import AccessEvent
from idvdash.verifications.views.access import AUDIT_FAILED, ERROR_FRAGMENT_HEADER
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

AUDITED = {
    "detail": AccessEvent.Action.VIEW,
    "live_status": AccessEvent.Action.FULL_STATUS,
    "data": AccessEvent.Action.DATA,
    "files": AccessEvent.Action.FILES,
}


@pytest.fixture
def record(sandbox_accounts, sandbox):
    settings = sandbox_accounts["idenfy"]
    account = ProviderAccountFactory(
        kind="idenfy", base_url=settings["base_url"], credentials=settings["credentials"]
    )
    return VerificationFactory(
        account=account,
        external_id=sandbox.dataset.idenfy.scan_ref(0),
        subject_ref="person-secret-ref",
    )


@contextmanager
def audit_table_broken():
    """Make every write to the audit table fail in the database driver."""

    def refuse(execute, sql, params, many, context):
        if "INSERT" in sql and AccessEvent._meta.db_table in sql:
            raise DatabaseError("audit table unavailable")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


@pytest.mark.parametrize(("name", "action"), AUDITED.items())
def test_each_record_view_writes_exactly_one_event(
    reviewer_client, reviewer, sandbox_faults, record, name, action
):
    response = reviewer_client.get(reverse(f"verifications:{name}", args=[record.pk]))

    assert response.status_code == 200
    event = AccessEvent.objects.get()
    assert (event.user, event.verification, event.action, event.rows) == (
        reviewer,
        record,
        action,
        None,
    )


def test_the_list_is_not_an_access_to_a_record(reviewer_client, record):
    reviewer_client.get(reverse("verifications:list"))

    assert AccessEvent.objects.count() == 0


def test_events_hold_no_personal_data():
    columns = {field.name for field in AccessEvent._meta.concrete_fields}

    assert columns == {"id", "user", "verification", "action", "at", "rows"}


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("name", AUDITED)
def test_when_the_audit_cannot_be_written_no_personal_data_is_served(
    reviewer_client, sandbox_faults, record, name, htmx
):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    with audit_table_broken():
        response = reviewer_client.get(
            reverse(f"verifications:{name}", args=[record.pk]), **headers
        )

    assert response.status_code == 503
    body = response.content.decode()
    assert AUDIT_FAILED in body
    assert record.external_id not in body
    assert "person-secret-ref" not in body
    assert response[ERROR_FRAGMENT_HEADER] == "1"
    assert ("<html" in body) is not htmx
    assert AccessEvent.objects.count() == 0


def test_when_the_audit_cannot_be_written_nothing_is_exported(reviewer_client, record):
    with audit_table_broken():
        response = reviewer_client.get(reverse("verifications:export"))

    assert response.status_code == 503
    assert record.external_id not in response.content.decode()


def test_record_raises_audit_failed_and_leaves_the_connection_usable(reviewer, record):
    with audit_table_broken(), pytest.raises(audit.AuditFailed):
        audit.record(user=reviewer, action=audit.Action.VIEW, verification=record)

    assert AccessEvent.objects.count() == 0
    audit.record(user=reviewer, action=audit.Action.VIEW, verification=record)
    assert AccessEvent.objects.count() == 1
