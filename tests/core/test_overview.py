"""The Overview page: who sees it, its period and scope form, its query count, its CSV."""

import itertools
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from idvdash.figures import drawn, read
from idvdash.verifications.models import SyncRun
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def test_signing_in_is_required(client):
    for name in ("overview", "overview_csv"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_user_without_review_permission_sees_no_data(client, other_user):
    VerificationFactory()
    client.force_login(other_user)

    response = client.get(reverse("overview"))

    assert "data" not in response.context
    assert "Ask an administrator to add you to the" in response.content.decode()
    assert client.get(reverse("overview_csv")).status_code == 403


def test_empty_mirror_says_what_to_do(reviewer_client):
    response = reviewer_client.get(reverse("overview"))

    assert "an administrator adds provider accounts" in response.content.decode()


def test_the_period_counts_by_the_providers_creation_day(reviewer_client):
    VerificationFactory.create_batch(2, provider_created_at=days_ago(3))
    VerificationFactory(provider_created_at=days_ago(20))
    VerificationFactory(provider_created_at=None)

    week = reviewer_client.get(reverse("overview"), {"period": 7}).context["data"]
    month = reviewer_client.get(reverse("overview"), {"period": 30}).context["data"]

    assert week.total == 2
    assert month.total == 3
    assert [(m.label, m.value) for m in month.unknown_day] == [("iDenfy", 1)]


@pytest.mark.parametrize(
    "params", [{"period": "365"}, {"period": "x"}, {"provider": "acme"}, {"account": "999999"}]
)
def test_a_bad_choice_is_a_form_error_not_a_failure(reviewer_client, params):
    VerificationFactory(provider_created_at=days_ago(1))

    response = reviewer_client.get(reverse("overview"), params)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["scope"].days == 30
    assert response.context["data"].total == 1
    assert "could not be used" in response.content.decode()
    assert reviewer_client.get(reverse("overview_csv"), params).status_code == 400


def test_an_account_of_another_provider_is_refused(reviewer_client):
    stora = ProviderAccountFactory(kind="stora", name="stora-1")

    response = reviewer_client.get(reverse("overview"), {"provider": "idenfy", "account": stora.pk})

    assert "account" in response.context["form"].errors


def overview_queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("overview"), params or {}).status_code == 200
    return len(captured.captured_queries)


def test_the_page_costs_the_same_queries_however_many_records(reviewer_client):
    first = VerificationFactory(provider_created_at=days_ago(1), reason_codes=["DOC_FAKE"])
    SyncRun.objects.create(account=first.account, state="succeeded", finished_at=days_ago(0))
    few = overview_queries(reviewer_client)
    for kind in ("equals", "swan", "stora"):
        account = ProviderAccountFactory(kind=kind, name=f"{kind}-acct")
        for days in range(0, 40, 3):
            VerificationFactory(
                account=account,
                provider_created_at=days_ago(days),
                outcome="in_review" if days % 2 else "declined",
                reason_codes=["A1", f"B{days}"],
            )

    many = overview_queries(reviewer_client)
    scoped = overview_queries(reviewer_client, {"provider": "stora", "period": 90})

    again = overview_queries(reviewer_client, {"provider": "stora", "period": 90})

    # session, user, permissions, the figures' version, the days (period, period before,
    # no day), reasons, backlog, case counts, sync health, account choices
    assert few == many == scoped == 10
    # Figures unchanged since that page: its drawing is kept, no figure is read again.
    assert again == 7


def test_csv_has_every_chart_with_its_list_links(reviewer_client):
    VerificationFactory(provider_created_at=days_ago(2), reason_codes=["DOC_FAKE"])

    response = reviewer_client.get(reverse("overview_csv"), {"period": 7})

    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "chart,series,label,meaning,records,list_url"
    charts = {line.split(",")[0] for line in lines[1:]}
    assert {"verifications per day", "outcome per day", "approval rate", "top reasons"} <= charts
    reason = next(line for line in lines if line.startswith("top reasons"))
    assert ",DOC_FAKE," in reason
    assert "reason=DOC_FAKE" in reason


def test_the_page_renders_charts_whose_marks_are_links(reviewer_client):
    VerificationFactory(provider_created_at=days_ago(2), reason_codes=["DOC_FAKE"])

    html = reviewer_client.get(reverse("overview"), {"period": 7}).content.decode()

    assert html.count('<svg class="chart-strip"') == 2  # one provider, one outcome
    assert 'data-chart="providers" data-series="idenfy" data-value="1"' in html
    assert "style=" not in html.split("<main", 1)[1]  # the CSP allows no inline style
    assert "DOC_FAKE" in html


def test_codes_that_restate_an_outcome_are_no_reasons(reviewer_client):
    account = ProviderAccountFactory(kind="equals", name="equals-1")
    VerificationFactory(account=account, provider_created_at=days_ago(1), reason_codes=["approved"])
    VerificationFactory(provider_created_at=days_ago(1), reason_codes=["DOC_FAKE"])

    reasons = reviewer_client.get(reverse("overview")).context["data"].reasons

    assert [(r.code, r.meaning) for r in reasons] == [
        ("DOC_FAKE", "The document appears to be forged.")
    ]


def test_rates_and_reasons_are_set_beside_the_period_before(reviewer_client):
    for days, outcome in ((1, "approved"), (2, "declined"), (9, "approved"), (10, "approved")):
        VerificationFactory(
            provider_created_at=days_ago(days), outcome=outcome, reason_codes=["DOC_FAKE"]
        )

    data = reviewer_client.get(reverse("overview"), {"period": 7}).context["data"]

    (rate,) = data.rates
    assert (rate.approved, rate.decided) == (1, 2)
    assert (rate.approved_before, rate.decided_before) == (2, 2)
    assert rate.change == pytest.approx(-50.0)
    (reason,) = data.reasons
    assert (reason.records, reason.records_before, reason.change) == (2, 2, 0)


def test_case_counts_are_doors_and_capped(reviewer_client, reviewer):
    from idvdash.reviews.models import Review

    for _ in range(3):
        Review.objects.create(
            verification=VerificationFactory(), state=Review.State.IN_PROGRESS, assignee=reviewer
        )
    Review.objects.create(verification=VerificationFactory(), state=Review.State.ESCALATED)
    scope = reviewer_client.get(reverse("overview")).context["scope"]

    marks = {m.label: m for m in read.case_counts(scope, cap=2)}

    assert (marks["In progress"].value, marks["In progress"].note) == (2, "2+")
    assert (marks["Escalated"].value, marks["Escalated"].note) == (1, "1")
    response = reviewer_client.get(marks["Escalated"].href)
    assert response.context["total"] == 1


def test_the_charts_are_drawn_again_as_soon_as_a_figure_changes(reviewer_client):
    """Drawings are kept per set of figures: equal figures are not drawn twice, and one
    new record is on the very next page."""
    VerificationFactory(provider_created_at=days_ago(1), outcome="approved")
    scope = read.Scope(days=30, today=timezone.now().date())
    assert drawn.drawn(scope) is drawn.drawn(scope)
    before = reviewer_client.get(reverse("overview")).context["data"].total

    VerificationFactory(provider_created_at=days_ago(2), outcome="declined")

    after = reviewer_client.get(reverse("overview"))
    assert after.context["data"].total == before + 1
    assert drawn.drawn(scope) is not drawn.drawn(read.Scope(days=7, today=scope.today))


@pytest.mark.parametrize(("period", "spans", "first_days"), [(30, 30, 1), (90, 13, 6)])
def test_the_outcome_mix_is_by_day_then_by_week_covering_every_day(
    reviewer_client, period, spans, first_days
):
    VerificationFactory(provider_created_at=days_ago(period - 1), outcome="approved")

    data = reviewer_client.get(reverse("overview"), {"period": period}).context["data"]
    (approved,) = data.per_outcome
    got = approved.spans

    assert len(got) == spans
    assert got[0].first == data.scope.start.isoformat()
    assert got[-1].last == data.scope.today.isoformat()
    first, last = (date.fromisoformat(d) for d in (got[0].first, got[0].last))
    assert (last - first).days + 1 == first_days
    for before, after in itertools.pairwise(got):  # no gap, no overlap
        assert date.fromisoformat(after.first) - date.fromisoformat(before.last) == timedelta(1)
    assert approved.counts[0] == approved.total == 1


def test_a_kept_drawing_expires(monkeypatch):
    VerificationFactory(provider_created_at=days_ago(1))
    scope = read.Scope(days=7, today=timezone.now().date())
    clock = [1000.0]
    monkeypatch.setattr(drawn.time, "monotonic", lambda: clock[0])
    first = drawn.drawn(scope)

    clock[0] += drawn.EXPIRE_SECONDS - 1
    assert drawn.drawn(scope) is first
    clock[0] += 2
    assert drawn.drawn(scope) is not first
