"""The mirror's queryset methods: one record, and the other rows of the same person."""

from datetime import UTC, datetime, timedelta

import pytest

from idvdash.verifications.models import Verification
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def ids(rows) -> list[str]:
    return [v.external_id for v in rows]


def make(external_id: str, *, days_ago: float = 1, **kwargs):
    return VerificationFactory(
        external_id=external_id, provider_updated_at=NOW - timedelta(days=days_ago), **kwargs
    )


def test_for_detail_returns_none_for_missing_or_out_of_range_ids():
    v = make("x")

    assert Verification.objects.for_detail(v.pk) == v
    assert Verification.objects.for_detail(v.pk + 1000) is None
    assert Verification.objects.for_detail(2**70) is None
    assert Verification.objects.for_detail(0) is None
