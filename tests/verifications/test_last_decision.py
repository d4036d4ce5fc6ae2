"""A deleted or archived record keeps its last decision visible: list, detail, CSV, filter help."""

import csv
import html as html_lib
import io

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from idvdash.providers.outcomes import last_decision
from idvdash.verifications.forms import VerificationFilterForm
from idvdash.verifications.models import Outcome
from idvdash.verifications.queries import ListPage
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

APPROVED_THEN_DELETED = "Deleted at the provider — last decision: Approved"
NEVER_DECIDED = "Deleted at the provider — no decision was made"
OLD_HEADER = [
    "provider",
    "account",
    "external_id",
    "subject_ref",
    "outcome",
    "raw_status",
    "suspected",
    "reasons",
    "provider_created_at",
    "provider_updated_at",
    "url",
]


def deleted(decisive: str = "", **extra):
    return VerificationFactory(
        outcome=Outcome.DELETED, raw_status="DELETED", decisive_outcome=decisive, **extra
    )


def text_of(response) -> str:
    return html_lib.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("outcome", "decisive", "said"),
    [
        (Outcome.DELETED, Outcome.APPROVED, APPROVED_THEN_DELETED),
        (Outcome.DELETED, Outcome.DECLINED, "Deleted at the provider — last decision: Declined"),
        (Outcome.DELETED, Outcome.SUSPECTED, "Deleted at the provider — last decision: Suspected"),
        (Outcome.DELETED, "", NEVER_DECIDED),
        (Outcome.APPROVED, Outcome.APPROVED, ""),
        (Outcome.PENDING, "", ""),
    ],
)
def test_only_a_deleted_record_says_its_last_decision(outcome, decisive, said):
    assert last_decision(outcome, decisive) == said


def test_the_list_rows_show_the_last_decision_of_deleted_records():
    rows = [deleted(Outcome.APPROVED), deleted(), VerificationFactory(outcome=Outcome.APPROVED)]

    page = html_lib.unescape(
        render_to_string(
            "verifications/verification_list.html#rows",
            {"page": ListPage(rows=rows, next_cursor=None)},
        )
    )

    lines = page.strip().split("</tr>")
    assert APPROVED_THEN_DELETED in lines[0]
    assert NEVER_DECIDED in lines[1]
    assert "Deleted at the provider" not in lines[2]


def test_the_list_shows_it_without_an_extra_query(reviewer_client, django_assert_num_queries):
    account = ProviderAccountFactory()
    VerificationFactory.create_batch(3, account=account)
    url = reverse("verifications:list")
    reviewer_client.get(url)  # the first request also loads the session's user once
    with CaptureQueriesContext(connection) as before:
        reviewer_client.get(url)

    deleted(Outcome.DECLINED, account=account)
    deleted(account=account)
    with django_assert_num_queries(len(before.captured_queries)):
        response = reviewer_client.get(url)

    page = text_of(response)
    assert "Deleted at the provider — last decision: Declined" in page
    assert NEVER_DECIDED in page


def test_the_detail_page_shows_the_last_decision(reviewer_client):
    approved = deleted(Outcome.APPROVED)
    undecided = deleted()
    live = VerificationFactory(outcome=Outcome.APPROVED, decisive_outcome=Outcome.APPROVED)

    def page(v):
        return text_of(reviewer_client.get(reverse("verifications:detail", args=[v.pk])))

    assert APPROVED_THEN_DELETED in page(approved)
    assert NEVER_DECIDED in page(undecided)
    assert "Deleted at the provider" not in page(live)


def test_the_csv_adds_last_decision_after_url_and_keeps_the_first_eleven_columns(
    reviewer_client,
):
    v = deleted(Outcome.SUSPECTED)
    never = deleted()

    response = reviewer_client.get(reverse("verifications:export"))
    text = b"".join(response.streaming_content).decode("utf-8")
    header, *rows = list(csv.reader(io.StringIO(text)))

    assert header[: len(OLD_HEADER) + 1] == [*OLD_HEADER, "last_decision"]
    by_id = {row[2]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_id[v.external_id]["outcome"] == "deleted"
    assert by_id[v.external_id]["last_decision"] == "suspected"
    assert by_id[never.external_id]["last_decision"] == ""


def test_the_outcome_filter_says_a_deleted_record_keeps_its_last_decision(reviewer_client):
    help_text = str(VerificationFilterForm().fields["outcome"].help_text)

    assert "keeps its last decision visible" in help_text
    assert help_text in text_of(reviewer_client.get(reverse("verifications:list")))
