"""The mirror's queryset methods: one record, and the other rows of the same person."""

from datetime import UTC, datetime, timedelta

import pytest

from idvdash.verifications.models import Verification
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def ids(rows) -> list[str]:
    return [v.external_id for v in rows]


def make(external_id: str, *, days_ago: float = 1, **kwargs):
    return VerificationFactory(
        external_id=external_id, provider_updated_at=NOW - timedelta(days=days_ago), **kwargs
    )


def test_same_subject_lists_other_rows_of_the_person_at_every_provider_newest_first():
    this = make("this", subject_ref="p-1")
    make("swan", subject_ref="p-1", days_ago=3, account=ProviderAccountFactory(kind="swan"))
    make("stora", subject_ref="p-1", days_ago=2, account=ProviderAccountFactory(kind="stora"))
    make("other-person", subject_ref="p-2")

    assert ids(Verification.objects.same_subject_as(this)) == ["stora", "swan"]
    assert len(Verification.objects.same_subject_as(this, limit=1)) == 1


def test_same_subject_is_empty_without_a_subject(django_assert_num_queries):
    this = make("anon", subject_ref="")
    make("also-anon", subject_ref="")

    with django_assert_num_queries(0):
        assert Verification.objects.same_subject_as(this) == []


def test_for_detail_returns_none_for_missing_or_out_of_range_ids():
    v = make("x")

    assert Verification.objects.for_detail(v.pk) == v
    assert Verification.objects.for_detail(v.pk + 1000) is None
    assert Verification.objects.for_detail(2**70) is None
    assert Verification.objects.for_detail(0) is None
