"""The reviewer list: filters through the page, htmx partials, paging, counts, empty states."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idvdash.providers.base import Page, VerificationRecord
from idvdash.verifications import queries, sync
from idvdash.verifications.forms import BAD_CURSOR, IGNORED
from idvdash.verifications.models import Outcome
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("verifications:list")
HX = {"HTTP_HX_REQUEST": "true"}


def shown(response) -> list[str]:
    """External ids of the rows on the page, in order."""
    return [v.external_id for v in response.context["page"].rows]


def test_the_list_shows_rows_with_outcome_raw_status_and_age(reviewer_client):
    VerificationFactory(
        external_id="scan-1",
        subject_ref="client-77",
        outcome=Outcome.SUSPECTED,
        raw_status="SUSPECTED",
        suspected=True,
        reason_codes=["DUPLICATE_FACE", "NAME"],
        provider_updated_at=timezone.now() - timedelta(days=3, hours=1),
    )

    response = reviewer_client.get(LIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert "scan-1" in html
    assert "client-77" in html
    assert 'class="badge outcome-suspected">Suspected</span>' in html
    assert '<code class="raw">SUSPECTED</code>' in html
    assert "⚑ Suspected" in html
    assert '<span class="age">3 d</span>' in html
    assert (
        reverse("verifications:detail", args=[VerificationFactory._meta.model.objects.get().pk])
        in html
    )


def test_filters_in_the_query_string_narrow_the_list(reviewer_client):
    swan = ProviderAccountFactory(kind="swan")
    VerificationFactory(external_id="keep", account=swan, outcome=Outcome.DECLINED)
    VerificationFactory(external_id="drop", outcome=Outcome.DECLINED)

    response = reviewer_client.get(LIST, {"provider": "swan", "outcome": "declined"})

    assert shown(response) == ["keep"]
    assert "1</strong>\n      verification matches these filters" in response.content.decode()


def test_a_plain_request_renders_the_whole_page(reviewer_client):
    response = reviewer_client.get(LIST)

    html = response.content.decode()
    assert "<html" in html
    assert 'id="results"' in html
    assert 'hx-push-url="true"' in html
    assert response.headers["Vary"].count("HX-Request") == 1


def test_an_htmx_request_renders_only_the_results(reviewer_client):
    VerificationFactory(external_id="row")

    response = reviewer_client.get(LIST, **HX)

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html
    assert 'role="search"' not in html  # the filter bar stays; the row actions follow the rows
    assert "row" in html


def test_an_htmx_history_restore_renders_the_whole_page(reviewer_client):
    response = reviewer_client.get(LIST, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HX)

    assert "<html" in response.content.decode()


def test_bad_filter_values_are_a_message_and_the_valid_filters_still_apply(reviewer_client):
    VerificationFactory(external_id="approved-one", outcome=Outcome.APPROVED)
    VerificationFactory(external_id="declined-one", outcome=Outcome.DECLINED)

    response = reviewer_client.get(
        LIST, {"outcome": "declined", "stale": "soon", "sort": "sideways"}, **HX
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert IGNORED in html
    assert "Stale for days" in html
    assert shown(response) == ["declined-one"]


def test_a_bad_cursor_is_a_message_and_shows_the_first_page(reviewer_client):
    VerificationFactory(external_id="first")

    response = reviewer_client.get(LIST, {"cursor": "not-a-cursor"})

    assert BAD_CURSOR in response.content.decode()
    assert shown(response) == ["first"]


def test_the_next_page_link_continues_after_the_last_row(reviewer_client, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    now = timezone.now()
    for n in range(5):
        VerificationFactory(external_id=f"r{n}", changed_at=now - timedelta(hours=n))

    first = reviewer_client.get(LIST, {"outcome": "approved"})
    cursor = first.context["page"].next_cursor
    second = reviewer_client.get(LIST, {"outcome": "approved", "cursor": cursor}, **HX)
    third = reviewer_client.get(
        LIST, {"outcome": "approved", "cursor": second.context["page"].next_cursor}
    )

    assert shown(first) == ["r0", "r1"]
    assert shown(second) == ["r2", "r3"]
    assert shown(third) == ["r4"]
    assert f"cursor={cursor}" in first.content.decode()
    assert "First page" in second.content.decode()
    assert third.context["page"].next_cursor is None
    assert first.context["total"] == 5


def test_the_count_is_capped_and_shown_as_ten_thousand_plus(reviewer_client, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    VerificationFactory.create_batch(5)

    response = reviewer_client.get(LIST)

    assert response.context["capped"] is True
    assert "3+</strong>" in response.content.decode()


def test_the_count_on_a_single_page_needs_no_count_query(reviewer_client):
    VerificationFactory.create_batch(3)

    response = reviewer_client.get(LIST)

    assert response.context["total"] == 3
    assert response.context["capped"] is False


def test_an_empty_mirror_says_so(reviewer_client):
    html = reviewer_client.get(LIST).content.decode()

    assert "No verifications are mirrored yet" in html
    assert "match these filters" not in html


def test_no_match_offers_to_clear_the_filters(reviewer_client):
    VerificationFactory(outcome=Outcome.APPROVED)

    html = reviewer_client.get(LIST, {"outcome": "declined"}, **HX).content.decode()

    assert "No verifications match these filters." in html
    assert f'<a href="{LIST}">Clear filters</a>' in html


def test_the_export_link_carries_the_current_filters(reviewer_client):
    html = reviewer_client.get(LIST, {"provider": "stora", "cursor": "x"}).content.decode()

    assert f"{reverse('verifications:export')}?provider=stora" in html
    assert "cursor=x" not in html.split("Export CSV")[0].rsplit("href=", 1)[1]


def test_the_subject_filter_from_the_detail_page_shows_that_person_only(reviewer_client):
    VerificationFactory(external_id="theirs", subject_ref="person-1")
    VerificationFactory(external_id="someone-else", subject_ref="person-10")

    response = reviewer_client.get(LIST, {"subject": "person-1"})

    assert shown(response) == ["theirs"]
    assert 'name="subject" value="person-1"' in response.content.decode()


def _count_queries(client, django_assert_max_num_queries, **params) -> int:
    with django_assert_max_num_queries(50) as captured:
        response = client.get(LIST, params)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {
            "provider": "idenfy",
            "outcome": ["approved", "declined"],
            "q": "client",
            "sort": "created",
        },
        {"sort": "updated", "updated_from": "2020-01-01", "stale": "1"},
    ],
)
def test_the_number_of_queries_does_not_grow_with_the_rows(
    reviewer_client, django_assert_max_num_queries, django_assert_num_queries, params
):
    accounts = [ProviderAccountFactory() for _ in range(5)]
    for n in range(10):
        VerificationFactory(account=accounts[n % 5])
    reviewer_client.get(LIST)  # warm the session and permission caches the same way each time
    with_10 = _count_queries(reviewer_client, django_assert_max_num_queries, **params)

    for n in range(40):  # half of them without the provider's times
        unknown = {"provider_created_at": None, "provider_updated_at": None} if n % 2 else {}
        VerificationFactory(account=accounts[n % 5], **unknown)
    with django_assert_num_queries(with_10):
        response = reviewer_client.get(LIST, params)

    assert len(response.context["page"].rows) == 50
    # 7 before case work, + the tag choices, the service levels and the saved views,
    # + the rows' persons (idvdash.people).
    assert with_10 <= 11


def test_paged_lists_cost_one_more_query_for_the_count_and_no_more(
    reviewer_client, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(queries, "PAGE_SIZE", 5)
    VerificationFactory.create_batch(4)
    reviewer_client.get(LIST)
    # 5 before case work, + the tag choices, the service levels and the saved views,
    # + the rows' persons (idvdash.people).
    with django_assert_num_queries(9) as single_page:
        reviewer_client.get(LIST)
    VerificationFactory.create_batch(30)

    with django_assert_num_queries(len(single_page.captured_queries) + 1):
        reviewer_client.get(LIST)


@pytest.fixture
def some_rows():
    swan = ProviderAccountFactory(kind="swan")
    VerificationFactory.create_batch(3)
    VerificationFactory.create_batch(3, account=swan, outcome=Outcome.DECLINED, suspected=True)


QUERY_KEYS = st.sampled_from(
    [
        "q",
        "subject",
        "provider",
        "account",
        "outcome",
        "suspected",
        "updated_from",
        "updated_to",
        "stale",
        "sort",
        "cursor",
        "page",
        "x",
        "queue",
        "sla",
        "review_state",
        "assignee",
        "tag",
        "has_notes",
    ]
)
QUERY_VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1e9",
            "99999999999999999999",
            "2026-02-30",
            "yes",
            "no",
            "idenfy",
            "approved",
            "-updated",
            "created",
            "%00",
            "null",
            "[]",
            "'; --",
            "mine",
            "approval",
            "unassigned",
            "breached",
            "due_soon",
            "me",
            "escalated",
        ]
    ),
    st.integers().map(str),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pairs=st.lists(st.tuples(QUERY_KEYS, QUERY_VALUES), max_size=6), htmx=st.booleans())
def test_no_query_string_makes_the_list_fail(reviewer_client, some_rows, pairs, htmx):
    headers = HX if htmx else {}

    response = reviewer_client.get(f"{LIST}?{urlencode(pairs)}", **headers)

    assert response.status_code == 200


def test_the_default_list_shows_the_newest_changes_at_every_provider_not_a_sync_batch(
    reviewer_client,
):
    idenfy = ProviderAccountFactory(kind="idenfy")
    stora = ProviderAccountFactory(kind="stora")
    start = timezone.now() - timedelta(days=2)
    listed = [record(f"scan-{n}", "APPROVED") for n in range(3)]
    upsert(idenfy, listed, at=start)
    upsert(stora, [record("idver_1", "processing", times=True)], at=start)
    # A day later Stora's record is decided, and iDenfy's list is re-scanned unchanged.
    upsert(stora, [record("idver_1", "succeeded", times=True)], at=start + timedelta(days=1))
    upsert(idenfy, listed, at=start + timedelta(days=1, hours=1))

    response = reviewer_client.get(LIST)

    assert shown(response)[0] == "idver_1"
    html = response.content.decode()
    assert "Last changed in idvdash&#x27;s mirror</th>" in html
    assert "Not given by iDenfy&#x27;s list" in html
    assert "just now" not in html


def record(external_id: str, status: str, *, times: bool = False) -> VerificationRecord:
    when = timezone.now() - timedelta(days=30) if times else None
    return VerificationRecord(
        external_id=external_id,
        subject_ref="",
        raw_status=status,
        created_at=when,
        updated_at=when,
        payload={"id": external_id, "status": status},
    )


def upsert(account, records: list[VerificationRecord], *, at) -> None:
    sync.upsert_page(account=account, page=Page(records=records, checkpoint={}), now=at)
