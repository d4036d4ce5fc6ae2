"""CSV export of a filtered list, produced row by row for a streaming response."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.urls import reverse

from idvdash.core.values import format_timestamp

from .models import Verification

HEADER = (
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
    "last_decision",  # the last approved / declined / suspected outcome, kept after deletion
    # idvdash's own times (the provider's two above are empty where it gave none).
    "first_seen_by_idvdash",
    "changed_in_idvdash_mirror",
    "last_synced",
    # The case beside the provider's outcome (idvdash.reviews): empty cells for none.
    "review_state",
    "assignee",
    "decision",
    "tags",  # semicolon-joined
)
CHUNK_SIZE = 2000
PK_PLACEHOLDER = 987654321
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_lines(qs: QuerySet, *, on_done: Callable[[int], object] | None = None) -> Iterator[str]:
    """Yield the header and one CSV line per row; call on_done(rows) after the last one."""
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    url = detail_url_template()
    rows = 0
    # One query per chunk for the rows (account, review and assignee joined), one for their tags.
    for verification in qs.select_related("account").iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow([safe_cell(value) for value in row_values(verification, url)])
        rows += 1
    if on_done is not None:
        on_done(rows)


def detail_url_template() -> str:
    """The detail path with `{}` for the pk (one reverse() per export, not per row)."""
    return reverse("verifications:detail", args=[PK_PLACEHOLDER]).replace(str(PK_PLACEHOLDER), "{}")


def row_values(verification: Verification, url: str) -> list[str]:
    return [
        verification.provider,
        verification.account.name,
        verification.external_id,
        verification.subject_ref,
        verification.outcome,
        verification.raw_status,
        "true" if verification.suspected else "false",
        ";".join(str(code) for code in verification.reason_codes or []),
        _timestamp(verification.provider_created_at),
        _timestamp(verification.provider_updated_at),
        url.format(verification.pk),
        verification.decisive_outcome,
        _timestamp(verification.first_seen_at),
        _timestamp(verification.changed_at),
        _timestamp(verification.last_synced_at),
        *_case_values(verification),
    ]


def _case_values(verification: Verification) -> list[str]:
    """review_state, assignee, decision, tags; a verification without a review is open."""
    try:
        review = verification.review
    except ObjectDoesNotExist:
        return ["open", "", "", ""]
    assignee = review.assignee.get_username() if review.assignee_id else ""
    tags = ";".join(sorted(tag.name for tag in review.tags.all()))
    return [review.state, assignee, review.decision, tags]


def _timestamp(value: datetime | None) -> str:
    """A time as ISO 8601 UTC; an empty cell for a time nobody gave."""
    return format_timestamp(value) if value is not None else ""


def safe_cell(value: str) -> str:
    """Return the value with a leading ' when a spreadsheet would read it as a formula."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def filename(now: datetime) -> str:
    return f"verifications-{now.astimezone(UTC):%Y%m%d-%H%M%S}.csv"
