"""Every mark on the Overview opens the list filtered to exactly the records it counts.

Records are made on both sides of every boundary a chart uses (UTC midnight, the
period's first day, the backlog's age buckets, no creation time at all), with
reasons, several providers and accounts; then every mark's link is opened as a
reviewer would, and the list's count must equal the mark's number.
"""

import random
from datetime import UTC, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from idvdash.providers.outcomes import Outcome
from tests.figures.direct import assert_figures_equal_the_mirror
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

CODES = ["DOC_FAKE", "SanctionListHit", "FACE_MISMATCH", "NOT_IN_ANY_VOCABULARY"]


def make_records(seed: int) -> None:
    rnd = random.Random(seed)
    today = timezone.now().date()
    accounts = [
        ProviderAccountFactory(kind=kind, name=f"{kind}-{n}")
        for kind in ("idenfy", "equals", "stora")
        for n in (1, 2)
    ]
    for _ in range(120):
        age = rnd.choice([0, 1, 2, 6, 7, 8, 13, 14, 29, 30, 31, 59, 60, 89, 90, 91, 179, 200, -1])
        edge = rnd.choice([time.min, time(23, 59, 59, 999_999), time(12)])
        created = datetime.combine(today - timedelta(days=age), edge, tzinfo=UTC)
        VerificationFactory(
            account=rnd.choice(accounts),
            provider_created_at=None if rnd.random() < 0.15 else created,
            outcome=rnd.choice(
                [Outcome.APPROVED, Outcome.DECLINED, Outcome.SUSPECTED, Outcome.IN_REVIEW]
            ),
            suspected=rnd.random() < 0.3,
            reason_codes=rnd.sample(CODES, rnd.randint(0, 2)),
        )


def list_count(client, href: str) -> int:
    split = urlsplit(href)
    assert split.path == reverse("verifications:list")
    params = parse_qs(split.query)
    response = client.get(split.path, params)
    assert response.status_code == 200
    assert not response.context["form"].errors, (href, response.context["form"].errors)
    assert not response.context["capped"]
    return response.context["total"]


def marks_of(context) -> list[tuple[str, int]]:
    data = context["data"]
    marks = [(m.href, m.value) for s in data.per_provider + data.per_outcome for m in s.marks]
    marks += [(s.href, s.total) for s in data.per_provider + data.per_outcome]
    marks += [(r.approved_href, r.approved) for r in data.rates]
    marks += [(r.decided_href, r.decided) for r in data.rates]
    marks += [(r.decided_before_href, r.decided_before) for r in data.rates]
    marks += [(r.href, r.records) for r in data.reasons]
    marks += [(r.before_href, r.records_before) for r in data.reasons]
    marks += [(m.href, m.value) for m in data.unknown_day + data.backlog + context["cases"]]
    return marks


@pytest.mark.parametrize(
    "params", [{"period": 7}, {"period": 30, "provider": "stora"}, {"period": 90}]
)
def test_every_mark_opens_a_list_of_exactly_its_records(reviewer_client, params):
    make_records(seed=len(str(params)))
    assert_figures_equal_the_mirror()

    response = reviewer_client.get(reverse("overview"), params)
    marks = marks_of(response.context)

    assert sum(value for _, value in marks) > 0
    # Every non-empty mark, and a few empty ones (an empty list is a count too).
    checked = [m for m in marks if m[1]] + [m for m in marks if not m[1]][:5]
    for href, value in checked:
        assert list_count(reviewer_client, href) == value, href


def test_an_account_scope_carries_into_every_door(reviewer_client):
    make_records(seed=4)
    account = ProviderAccountFactory._meta.model.objects.get(name="equals-2")

    response = reviewer_client.get(reverse("overview"), {"period": 30, "account": account.pk})

    for href, value in marks_of(response.context):
        assert f"account={account.pk}" in href
        if value:
            assert list_count(reviewer_client, href) == value, href
