"""CSV export of the filtered list: streamed, exact header, safe cells, audited."""

import csv
import io
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idvdash.reviews.models import Review, Tag
from idvdash.verifications import exports
from idvdash.verifications.models import AccessEvent, Outcome
from idvdash.verifications.views.list import EXPORT_REFUSED
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("verifications:export")
HEADER = (
    "provider,account,external_id,subject_ref,outcome,raw_status,suspected,reasons,"
    "provider_created_at,provider_updated_at,url,last_decision,"
    "first_seen_by_idvdash,changed_in_idvdash_mirror,last_synced,"
    "review_state,assignee,decision,tags"
)


def download(client, params=None) -> tuple[StreamingHttpResponse, list[dict[str, str]], str]:
    response = client.get(EXPORT, params or {})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    return response, list(csv.DictReader(io.StringIO(text))), text


def test_the_export_has_the_exact_header_and_one_line_per_row(reviewer_client):
    account = ProviderAccountFactory(name="idenfy-eu")
    v = VerificationFactory(
        account=account,
        external_id="scan-9",
        subject_ref="client-9",
        outcome=Outcome.SUSPECTED,
        raw_status="SUSPECTED",
        suspected=True,
        reason_codes=["DUPLICATE_FACE", "NAME"],
        provider_created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        provider_updated_at=datetime(2026, 1, 3, 4, 5, 6, 789000, tzinfo=UTC),
        first_seen_at=datetime(2026, 1, 4, tzinfo=UTC),
        changed_at=datetime(2026, 1, 5, tzinfo=UTC),
        last_synced_at=datetime(2026, 1, 6, tzinfo=UTC),
    )

    response, rows, text = download(reviewer_client)

    assert text.splitlines()[0] == HEADER
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="verifications-')
    assert rows == [
        {
            "provider": "idenfy",
            "account": "idenfy-eu",
            "external_id": "scan-9",
            "subject_ref": "client-9",
            "outcome": "suspected",
            "raw_status": "SUSPECTED",
            "suspected": "true",
            "reasons": "DUPLICATE_FACE;NAME",
            "provider_created_at": "2026-01-02T03:04:05Z",
            "provider_updated_at": "2026-01-03T04:05:06.789000Z",
            "url": reverse("verifications:detail", args=[v.pk]),
            "last_decision": "",
            "first_seen_by_idvdash": "2026-01-04T00:00:00Z",
            "changed_in_idvdash_mirror": "2026-01-05T00:00:00Z",
            "last_synced": "2026-01-06T00:00:00Z",
            "review_state": "open",
            "assignee": "",
            "decision": "",
            "tags": "",
        }
    ]


def test_a_time_the_provider_did_not_give_is_an_empty_cell(reviewer_client):
    VerificationFactory(provider_created_at=None, provider_updated_at=None)

    _, rows, _ = download(reviewer_client)

    assert rows[0]["provider_created_at"] == ""
    assert rows[0]["provider_updated_at"] == ""
    assert rows[0]["first_seen_by_idvdash"].endswith("Z")
    assert rows[0]["changed_in_idvdash_mirror"].endswith("Z")


def test_the_export_applies_the_list_filters_and_sort_but_not_the_page(reviewer_client):
    swan = ProviderAccountFactory(kind="swan")
    VerificationFactory(
        external_id="s-new",
        account=swan,
        suspected=False,
        first_seen_at=datetime(2026, 2, 1, tzinfo=UTC),
    )
    VerificationFactory(
        external_id="s-old",
        account=swan,
        suspected=False,
        first_seen_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    VerificationFactory(external_id="i-1")

    _, rows, _ = download(
        reviewer_client, {"provider": "swan", "sort": "created", "suspected": "no", "cursor": "x"}
    )

    assert [r["external_id"] for r in rows] == ["s-old", "s-new"]
    assert {r["suspected"] for r in rows} == {"false"}


def test_cells_a_spreadsheet_would_run_as_formulas_are_defused(reviewer_client):
    VerificationFactory(
        external_id='=HYPERLINK("http://x")',
        subject_ref="+1-2",
        raw_status="@SUM(A1)",
        reason_codes=["-3", "ok"],
    )

    _, rows, _ = download(reviewer_client)

    row = rows[0]
    assert row["external_id"] == '\'=HYPERLINK("http://x")'
    assert row["subject_ref"] == "'+1-2"
    assert row["raw_status"] == "'@SUM(A1)"
    assert row["reasons"] == "'-3;ok"


@pytest.mark.parametrize("value", ["=1", "+1", "-1", "@x", "\tx", "\rx"])
def test_safe_cell_prefixes_formula_starts(value):
    assert exports.safe_cell(value) == "'" + value


def test_safe_cell_leaves_ordinary_values_alone():
    assert exports.safe_cell("client-1") == "client-1"
    assert exports.safe_cell("") == ""


def test_each_export_is_audited_once_with_its_row_count(reviewer_client, reviewer):
    VerificationFactory.create_batch(3)

    download(reviewer_client)

    event = AccessEvent.objects.get()
    assert (event.user, event.action, event.verification, event.rows) == (
        reviewer,
        AccessEvent.Action.EXPORT,
        None,
        3,
    )


def test_an_empty_export_is_just_the_header_and_still_audited(reviewer_client):
    _, rows, text = download(reviewer_client, {"outcome": "deleted"})

    assert rows == []
    assert text == HEADER + "\r\n"
    assert AccessEvent.objects.get().rows == 0


def test_an_export_with_bad_filters_is_refused_not_widened(reviewer_client):
    VerificationFactory()

    response = reviewer_client.get(EXPORT, {"outcome": "nonsense", "provider": "swan"})

    assert response.status_code == 400
    assert response.content.decode().startswith(EXPORT_REFUSED)
    assert AccessEvent.objects.count() == 0


def test_the_case_columns_follow_the_existing_ones(reviewer_client, reviewer):
    v = VerificationFactory(outcome=Outcome.DECLINED)
    review = Review.objects.create(
        verification=v, state=Review.State.CLOSED, assignee=reviewer, decision="actioned"
    )
    review.tags.add(Tag.objects.create(name="pep"), Tag.objects.create(name="fraud-ring"))

    _, rows, text = download(reviewer_client)

    assert text.splitlines()[0].split(",")[-4:] == ["review_state", "assignee", "decision", "tags"]
    assert [rows[0][key] for key in ("review_state", "assignee", "decision", "tags")] == [
        "closed",
        "rita",
        "actioned",
        "fraud-ring;pep",
    ]


def test_each_chunk_costs_the_same_queries_with_reviews_and_tags(
    reviewer_client, reviewer, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    tag = Tag.objects.create(name="vip")

    def add_rows(n: int) -> None:
        for verification in VerificationFactory.create_batch(n):
            Review.objects.create(verification=verification, assignee=reviewer).tags.add(tag)

    def queries_of_export() -> int:
        with django_assert_max_num_queries(60) as captured:
            download(reviewer_client)
        return len(captured.captured_queries)

    add_rows(4)
    two_chunks = queries_of_export()
    add_rows(4)
    four_chunks = queries_of_export()

    # The rows stream from one query (account, review, assignee joined); each chunk adds
    # one query, for its rows' tags.
    assert four_chunks - two_chunks == 2


def test_the_export_reads_rows_in_chunks(reviewer_client, django_assert_max_num_queries):
    VerificationFactory.create_batch(5)

    with django_assert_max_num_queries(12):
        download(reviewer_client)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pairs=st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "q",
                    "provider",
                    "account",
                    "outcome",
                    "suspected",
                    "updated_from",
                    "updated_to",
                    "stale",
                    "sort",
                    "cursor",
                    "subject",
                    "queue",
                    "sla",
                    "review_state",
                    "assignee",
                    "tag",
                    "has_notes",
                ]
            ),
            st.one_of(st.text(max_size=30), st.integers().map(str)),
        ),
        max_size=5,
    )
)
def test_no_query_string_makes_the_export_fail(reviewer_client, pairs):
    response = reviewer_client.get(f"{EXPORT}?{urlencode(pairs)}")

    assert response.status_code in {200, 400}
    if response.status_code == 200:
        assert b"".join(response.streaming_content).decode().startswith(HEADER)
