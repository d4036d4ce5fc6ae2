from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from idvdash.verifications import queries
from idvdash.verifications.models import Outcome
from idvdash.verifications.queries import Cursor, Filters, Sort
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def ids(qs) -> list[str]:
    return [v.external_id for v in qs]


def make(external_id: str, *, days_ago: float = 1, created_days_ago: float = 5, **kwargs):
    return VerificationFactory(
        external_id=external_id,
        changed_at=NOW - timedelta(days=days_ago),
        first_seen_at=NOW - timedelta(days=created_days_ago),
        **kwargs,
    )


def select(**kwargs) -> list[str]:
    return ids(queries.filter_verifications(filters=Filters(**kwargs)))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_no_filters_lists_everything_newest_update_first():
    make("old", days_ago=9)
    make("new", days_ago=1)
    make("mid", days_ago=4)

    assert select() == ["new", "mid", "old"]


def test_ties_on_the_sort_column_are_broken_by_id_in_the_same_direction():
    first = make("a", days_ago=2)
    second = make("b", days_ago=2)

    assert select() == ["b", "a"]
    assert select(sort=Sort.UPDATED_ASC) == ["a", "b"]
    assert first.pk < second.pk


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (Sort.UPDATED_DESC, ["u1", "u2", "u3"]),
        (Sort.UPDATED_ASC, ["u3", "u2", "u1"]),
        (Sort.CREATED_DESC, ["u3", "u1", "u2"]),
        (Sort.CREATED_ASC, ["u2", "u1", "u3"]),
    ],
)
def test_every_sort_orders_by_its_column_and_direction(sort, expected):
    make("u1", days_ago=1, created_days_ago=5)
    make("u2", days_ago=2, created_days_ago=9)
    make("u3", days_ago=3, created_days_ago=3)

    assert select(sort=sort) == expected


@pytest.mark.parametrize("text", ["CLIENT-0042", "client-0042", "Client-004", "cLiEnT-00"])
def test_search_matches_subject_exactly_or_by_prefix_in_any_case(text):
    make("hit", subject_ref="Client-0042")
    make("miss", subject_ref="client-0999")

    assert "hit" in select(q=text)
    assert ("miss" in select(q=text)) == ("client-0999".startswith(text.lower()))


def test_search_matches_external_id_by_prefix_in_any_case():
    make("SCAN-abc-1", subject_ref="s1")
    make("scan-abd-2", subject_ref="s2")
    make("other", subject_ref="s3")

    assert select(q="scan-ab") == ["scan-abd-2", "SCAN-abc-1"]
    assert select(q="SCAN-ABC") == ["SCAN-abc-1"]


def test_search_does_not_match_the_middle_of_a_value():
    make("abc-123", subject_ref="xyz")

    assert select(q="123") == []
    assert select(q="yz") == []


@pytest.mark.parametrize("text", ["a%", "a_", "a\\", "é", "\U0010ffff"])
def test_search_treats_wildcards_and_odd_characters_as_plain_text(text):
    make("a-plain", subject_ref="a-plain")
    make(f"{text}tail", subject_ref="s")

    assert select(q=text) == [f"{text}tail"]


def test_search_for_a_character_just_below_the_surrogates_still_works():
    make("\ud7ffz", subject_ref="s")
    make("\ue000z", subject_ref="t")

    assert select(q="\ud7ff") == ["\ud7ffz"]


def test_subject_filter_is_exact():
    make("one", subject_ref="client-1")
    make("ten", subject_ref="client-10")

    assert select(subject="client-1") == ["one"]


def test_provider_filter():
    make("i", account=ProviderAccountFactory(kind="idenfy"))
    make("s", account=ProviderAccountFactory(kind="swan"))

    assert select(provider="swan") == ["s"]


def test_account_filter():
    a, b = ProviderAccountFactory(), ProviderAccountFactory()
    make("in-a", account=a)
    make("in-b", account=b)

    assert select(account_id=b.pk) == ["in-b"]


def test_outcome_filter_takes_one_or_several_outcomes():
    make("ok", outcome=Outcome.APPROVED)
    make("no", outcome=Outcome.DECLINED, days_ago=2)
    make("wait", outcome=Outcome.PENDING, days_ago=3)

    assert select(outcomes=("declined",)) == ["no"]
    assert select(outcomes=("approved", "pending")) == ["ok", "wait"]


def test_suspected_filter_both_ways():
    make("flagged", suspected=True)
    make("clean", suspected=False, days_ago=2)

    assert select(suspected=True) == ["flagged"]
    assert select(suspected=False) == ["clean"]


def test_updated_range_includes_both_whole_days_in_utc():
    make("before", days_ago=10)
    make("start", days_ago=0)
    VerificationFactory(
        external_id="first-second",
        changed_at=datetime(2026, 3, 1, 0, 0, tzinfo=UTC),
    )
    VerificationFactory(
        external_id="last-second",
        changed_at=datetime(2026, 3, 5, 23, 59, 59, tzinfo=UTC),
    )
    VerificationFactory(external_id="next-day", changed_at=datetime(2026, 3, 6, 0, 0, tzinfo=UTC))

    got = select(updated_from=date(2026, 3, 1), updated_to=date(2026, 3, 5))

    assert got == ["last-second", "first-second"]
    assert "next-day" in select(updated_from=date(2026, 3, 6))
    assert "before" in select(updated_to=date(2026, 2, 28))


def test_stale_keeps_rows_unchanged_in_the_mirror_for_n_days():
    make("fresh", days_ago=1)
    make("stale", days_ago=8)

    assert select(stale_days=7) == ["stale"]
    assert select(stale_days=9) == []


def test_filters_combine():
    swan = ProviderAccountFactory(kind="swan")
    make("match", account=swan, outcome=Outcome.DECLINED, suspected=True, days_ago=10)
    make("wrong-provider", outcome=Outcome.DECLINED, suspected=True, days_ago=10)
    make("wrong-outcome", account=swan, outcome=Outcome.APPROVED, suspected=True, days_ago=10)
    make("not-suspected", account=swan, outcome=Outcome.DECLINED, days_ago=10)
    make("not-stale", account=swan, outcome=Outcome.DECLINED, suspected=True, days_ago=1)

    got = select(
        provider="swan", outcomes=("declined",), suspected=True, stale_days=5, sort=Sort.CREATED_ASC
    )

    assert got == ["match"]


@pytest.mark.parametrize("sort", list(Sort))
def test_keyset_pages_cover_every_row_once_in_order(sort):
    for n in range(23):
        # Many equal timestamps, so the id tie-break matters.
        make(f"r{n:02d}", days_ago=n // 4, created_days_ago=(n * 7) % 5)
    expected = select(sort=sort)
    qs = queries.filter_verifications(filters=Filters(sort=sort))

    seen, cursor = [], None
    while True:
        page = queries.page_after(qs, cursor=cursor, size=5)
        seen += ids(page.rows)
        if page.next_cursor is None:
            break
        cursor = Cursor.decode(page.next_cursor)

    assert seen == expected
    assert len(seen) == 23


def test_a_keyset_page_is_stable_while_newer_rows_arrive():
    for n in range(6):
        make(f"r{n}", days_ago=n + 1)
    qs = queries.filter_verifications(filters=Filters())
    first = queries.page_after(qs, cursor=None, size=3)

    make("arrived", days_ago=0)
    second = queries.page_after(qs, cursor=Cursor.decode(first.next_cursor), size=3)

    assert ids(first.rows) == ["r0", "r1", "r2"]
    assert ids(second.rows) == ["r3", "r4", "r5"]


def test_last_page_has_no_next_cursor():
    make("only")
    page = queries.page_after(queries.filter_verifications(filters=Filters()), cursor=None, size=1)

    assert ids(page.rows) == ["only"]
    assert page.next_cursor is None


def test_cursor_round_trips_and_rejects_garbage():
    cursor = Cursor(sort=Sort.CREATED_ASC, value=NOW, pk=42)

    assert Cursor.decode(cursor.encode()) == cursor
    for token in ["", "x", "!!!!", "MXxub3BlfDIwMjZ8MQ", cursor.encode()[:-3] + "zzz"]:
        with pytest.raises(ValueError, match="not a cursor"):
            Cursor.decode(token)


def test_count_capped_counts_exactly_below_the_cap_and_stops_above_it():
    for n in range(7):
        make(f"c{n}")
    qs = queries.filter_verifications(filters=Filters())

    assert queries.count_capped(qs, cap=10) == (7, False)
    assert queries.count_capped(qs, cap=7) == (7, False)
    assert queries.count_capped(qs, cap=5) == (5, True)


def test_count_capped_runs_one_limited_query(django_assert_num_queries):
    make("x")
    qs = queries.filter_verifications(filters=Filters())

    with django_assert_num_queries(1) as captured:
        queries.count_capped(qs, cap=3)

    assert "LIMIT 4" in captured.captured_queries[0]["sql"]


def test_filters_active_ignores_the_sort():
    assert not Filters(sort=Sort.CREATED_ASC).active
    assert Filters(suspected=False).active
    assert Filters(q="x").active


def test_the_next_cursor_points_at_the_last_row_shown():
    last_shown = make("tz", days_ago=1)
    make("older", days_ago=2)
    page = queries.page_after(queries.filter_verifications(filters=Filters()), cursor=None, size=1)

    assert Cursor.decode(page.next_cursor).pk == last_shown.pk
    assert Cursor.decode(page.next_cursor).value == last_shown.provider_updated_at
    assert timezone.is_aware(Cursor.decode(page.next_cursor).value)
