"""The list table's rows (the `rows` partial): every value escaped, each cell as the page shows it."""

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import truncatechars
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from idvdash.verifications.models import Outcome
from idvdash.verifications.queries import ListPage, Sort
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
HOSTILE = '<script>alert("x")</script>&\'"'
ROWS_PARTIAL = "verifications/verification_list.html#rows"


def verification_rows(rows) -> str:
    page = ListPage(rows=list(rows), next_cursor=None)
    return render_to_string(ROWS_PARTIAL, {"page": page})


class Cells(HTMLParser):
    """Collect each row's cells as text, and every tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self.rows[-1].append("")

    def handle_data(self, data: str) -> None:
        if self.rows and self.rows[-1]:
            self.rows[-1][-1] += data


def parse(html: str) -> Cells:
    cells = Cells()
    cells.feed(html)
    return cells


@time_machine.travel(NOW, tick=False)
def test_each_cell_reads_as_the_template_filters_would_render_it():
    updated = NOW - timedelta(days=3, hours=1)
    v = VerificationFactory(
        account=ProviderAccountFactory(kind="stora", name="Stora EU"),
        external_id="idver_" + "x" * 50,
        subject_ref="con_77",
        outcome=Outcome.SUSPECTED,
        raw_status="failed",
        suspected=True,
        reason_codes=["a", "b", "c"],
        provider_updated_at=updated,
        changed_at=NOW - timedelta(hours=5),
    )

    cells = parse(verification_rows([v]))

    local, changed = timezone.localtime(updated), timezone.localtime(v.changed_at)
    assert cells.rows == [
        [
            "Stora · Stora EU",
            "con_77",
            truncatechars(v.external_id, 40),
            "Suspected failed",
            "⚑ Suspected",
            "3",
            f"{date_filter(local, 'Y-m-d H:i')} 3 d",
            f"{date_filter(changed, 'Y-m-d H:i')} 5 h",
            "—",  # no case (the list view marks its rows: tests/reviews/test_list_queues.py)
            "—",
        ]
    ]
    times = [attrs["datetime"] for tag, attrs in cells.tags if tag == "time"]
    assert times == [date_filter(local, "c"), date_filter(changed, "c")]
    assert dict(cells.tags)["a"]["href"] == reverse("verifications:detail", args=[v.pk])
    assert ("span", {"class": "badge outcome-suspected"}) in cells.tags


@time_machine.travel(NOW, tick=False)
def test_a_time_the_provider_did_not_give_is_shown_as_not_given_in_its_words():
    v = VerificationFactory(
        account=ProviderAccountFactory(kind="idenfy"),
        provider_created_at=None,
        provider_updated_at=None,
        changed_at=NOW - timedelta(days=2),
    )

    row = parse(verification_rows([v])).rows[0]

    assert row[6] == "Not given by iDenfy's list — opening the record reads it from iDenfy"
    assert row[7] == f"{date_filter(timezone.localtime(v.changed_at), 'Y-m-d H:i')} 2 d"


def test_the_idvdash_time_column_follows_the_sort():
    v = VerificationFactory(
        first_seen_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
        changed_at=datetime(2026, 2, 3, 4, 5, tzinfo=UTC),
    )

    for sort, shown in ((Sort.CREATED_ASC, v.first_seen_at), (Sort.UPDATED_DESC, v.changed_at)):
        page = ListPage(rows=[v], next_cursor=None, sort=sort)
        cells = parse(render_to_string(ROWS_PARTIAL, {"page": page}))
        times = [attrs["datetime"] for tag, attrs in cells.tags if tag == "time"]
        assert times[-1] == date_filter(timezone.localtime(shown), "c")


def test_hostile_values_are_escaped_in_text_and_attributes():
    v = VerificationFactory(
        account=ProviderAccountFactory(name=HOSTILE),
        external_id=HOSTILE,
        subject_ref=HOSTILE,
        raw_status=HOSTILE[:60],
        outcome=HOSTILE[:16],
    )

    html = verification_rows([v])

    assert "<script>" not in html
    assert 'alert("x")' not in html
    cells = parse(html)
    assert [tag for tag, _ in cells.tags] == [
        "tr", "td", "span", "td", "td", "a", "td", "span", "code", "td", "span", "td", "td",
        "time", "span", "td", "time", "span", "td", "td",
    ]  # fmt: skip
    assert cells.rows[0][1] == HOSTILE  # the text reads back exactly
    assert cells.tags[7][1]["class"] == f"badge outcome-{HOSTILE[:16]}"


def test_empty_values_show_a_dash_and_no_flag():
    v = VerificationFactory(subject_ref="", raw_status="", suspected=False, reason_codes=[])

    row = parse(verification_rows([v])).rows[0]

    assert row[1] == "—"
    assert row[3].endswith("—")
    assert row[4] == "No"
    assert row[5] == "0"


def test_one_row_per_verification_in_the_given_order():
    rows = VerificationFactory.create_batch(3)

    html = verification_rows(reversed(rows))

    assert [cells[2] for cells in parse(html).rows] == [v.external_id for v in reversed(rows)]
    assert verification_rows([]) == ""
