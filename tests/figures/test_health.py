"""The Overview's sync and webhook health: the latest run, the data's age, the webhooks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from idvdash.figures import health
from idvdash.verifications.models import SyncRun, WebhookEvent
from tests.providers.factories import ProviderAccountFactory

pytestmark = pytest.mark.django_db


def event(account, key: str, state: str) -> WebhookEvent:
    return WebhookEvent.objects.create(account=account, key=key, event_type="x", state=state)


def test_each_account_with_its_latest_run_and_webhooks():
    now = timezone.now()
    stora = ProviderAccountFactory(kind="stora", name="b-stora")
    swan = ProviderAccountFactory(kind="swan", name="a-swan")
    SyncRun.objects.create(
        account=stora, state="succeeded", started_at=now, finished_at=now - timedelta(hours=3)
    )
    SyncRun.objects.create(
        account=stora, state="failed", error="Stora answered 503", finished_at=now
    )
    event(stora, "1", "failed")
    event(stora, "2", "pending")
    event(stora, "3", "pending")
    event(stora, "4", "processed")

    rows = health.accounts()

    assert [r.name for r in rows] == ["a-swan", "b-stora"]
    never, failing = rows
    assert never.state is None
    assert never.data_age is None
    assert never.webhook_age is None
    assert failing.state == "failed"
    assert failing.error == "Stora answered 503"
    assert timedelta(hours=3) <= failing.data_age < timedelta(hours=3, minutes=1)
    assert (failing.webhooks_failed, failing.webhooks_pending) == (1, 2)
    assert failing.webhook_age < timedelta(minutes=1)
    assert [r.name for r in health.accounts(provider="swan")] == ["a-swan"]
    assert [r.name for r in health.accounts(account_id=stora.pk)] == ["b-stora"]
    assert swan.pk != stora.pk
