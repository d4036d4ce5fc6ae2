"""Retention: stored detail snapshots are cleared after DETAIL_SNAPSHOT_RETENTION_DAYS."""

import io
import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from idvdash.verifications.models import Verification
from idvdash.verifications.retention import PURGED, purge_snapshots
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

SNAPSHOT = {"client": {"name": "Yara", "surname": "Ortega"}, "docNumber": "IE9196168"}


def with_snapshot(age: timedelta) -> Verification:
    return VerificationFactory(detail=SNAPSHOT, detail_fetched_at=timezone.now() - age)


def test_old_snapshots_are_cleared_and_recent_ones_kept(settings, caplog):
    settings.DETAIL_SNAPSHOT_RETENTION_DAYS = 30
    old = with_snapshot(timedelta(days=31))
    recent = with_snapshot(timedelta(days=29))
    never = VerificationFactory()
    raw_before = Verification.objects.get(pk=old.pk).raw

    with caplog.at_level(logging.INFO, logger="idvdash.verifications.retention"):
        cleared = purge_snapshots()

    assert cleared == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.detail is None
    assert old.detail_fetched_at is None
    assert old.raw == raw_before  # the mirrored list fields stay
    assert recent.detail == SNAPSHOT
    assert Verification.objects.get(pk=never.pk).detail is None
    [record] = caplog.records
    assert record.msg == PURGED
    assert record.args[0] == 1
    assert "Ortega" not in record.getMessage()


def test_the_retention_comes_from_the_environment(monkeypatch):
    import subprocess
    import sys

    from tests.core.test_settings import ROOT

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import idvdash.settings as s; print(s.DETAIL_SNAPSHOT_RETENTION_DAYS)",
        ],
        cwd=ROOT,
        env={"PATH": "", "DETAIL_SNAPSHOT_RETENTION_DAYS": "7"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "7"


def test_the_default_is_thirty_days():
    from idvdash import settings as project_settings

    assert project_settings.DETAIL_SNAPSHOT_RETENTION_DAYS == 30


def test_the_command_clears_and_says_how_many(settings):
    with_snapshot(timedelta(days=10))
    with_snapshot(timedelta(days=3))
    out = io.StringIO()

    call_command("purge_snapshots", "--days", "5", stdout=out)

    assert out.getvalue().strip() == "1 detail snapshot(s) cleared."
    assert Verification.objects.filter(detail__isnull=False).count() == 1


def test_a_negative_retention_is_refused():
    with pytest.raises(CommandError, match="0 days or more"):
        call_command("purge_snapshots", "--days", "-1")
