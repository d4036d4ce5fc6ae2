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


def test_same_subject_lists_other_rows_of_the_subject_in_its_account_newest_first():
    this = make("this", subject_ref="p-1")
    make("older", subject_ref="p-1", days_ago=3, account=this.account)
    make("newer", subject_ref="p-1", days_ago=2, account=this.account)
    # Another provider's (or account's) equal id names someone else, as far as we know.
    make("swan", subject_ref="p-1", days_ago=1, account=ProviderAccountFactory(kind="swan"))
    make("other-person", subject_ref="p-2", account=this.account)

    assert ids(Verification.objects.same_subject_as(this)) == ["newer", "older"]
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
