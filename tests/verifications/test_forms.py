from datetime import UTC, date, datetime

import pytest
from django.http import QueryDict

from idvdash.verifications.forms import BAD_CURSOR, BAD_DATE_RANGE, VerificationFilterForm
from idvdash.verifications.queries import Cursor, Filters, Sort
from tests.providers.factories import ProviderAccountFactory

pytestmark = pytest.mark.django_db


def bind(query: str) -> VerificationFilterForm:
    form = VerificationFilterForm(QueryDict(query))
    form.is_valid()
    return form


def test_an_empty_form_gives_no_filters_and_the_default_sort():
    form = bind("")

    assert form.is_valid()
    assert form.filters() == Filters()
    assert form.page_cursor() is None


def test_every_field_becomes_a_filter():
    account = ProviderAccountFactory(kind="swan")
    query = (
        f"q=+Client-1+&provider=swan&account={account.pk}&outcome=declined&outcome=pending"
        "&suspected=yes&updated_from=2026-01-01&updated_to=2026-01-31&stale=7&sort=created"
        "&subject=person-9"
    )

    filters = bind(query).filters()

    assert filters == Filters(
        q="Client-1",
        subject="person-9",
        provider="swan",
        account_id=account.pk,
        outcomes=("declined", "pending"),
        suspected=True,
        updated_from=date(2026, 1, 1),
        updated_to=date(2026, 1, 31),
        stale_days=7,
        sort=Sort.CREATED_ASC,
    )


def test_suspected_no_means_only_unflagged_rows():
    assert bind("suspected=no").filters().suspected is False


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("provider=acme", "provider"),
        ("account=abc", "account"),
        ("account=999999", "account"),
        ("account=99999999999999999999999", "account"),
        ("outcome=approved&outcome=bogus", "outcome"),
        ("suspected=maybe", "suspected"),
        ("updated_from=2026-13-01", "updated_from"),
        ("updated_to=yesterday", "updated_to"),
        ("stale=0", "stale"),
        ("stale=-3", "stale"),
        ("stale=99999999999999999999", "stale"),
        ("sort=price", "sort"),
        ("cursor=garbage", "cursor"),
        ("q=" + "x" * 300, "q"),
        ("q=a%00b", "q"),
    ],
)
def test_a_bad_value_is_an_error_on_its_field_and_the_other_filters_still_apply(query, field):
    form = bind(f"{query}&provider=idenfy" if not query.startswith("provider") else query)

    assert list(form.errors) == [field]
    filters = form.filters()
    if field != "provider":
        assert filters.provider == "idenfy"


def test_an_end_date_before_the_start_is_dropped_with_a_message():
    form = bind("updated_from=2026-02-10&updated_to=2026-02-01")

    assert form.errors["updated_to"] == [BAD_DATE_RANGE]
    assert form.filters().updated_from == date(2026, 2, 10)
    assert form.filters().updated_to is None


def test_a_cursor_from_another_sort_is_refused():
    token = Cursor(sort=Sort.CREATED_DESC, value=datetime(2026, 1, 1, tzinfo=UTC), pk=3).encode()

    form = bind(f"cursor={token}&sort=-updated")

    assert form.errors["cursor"] == [BAD_CURSOR]
    assert form.page_cursor() is None


def test_a_valid_cursor_is_decoded():
    cursor = Cursor(sort=Sort.UPDATED_DESC, value=datetime(2026, 1, 1, tzinfo=UTC), pk=3)

    form = bind(f"cursor={cursor.encode()}")

    assert form.page_cursor() == cursor
