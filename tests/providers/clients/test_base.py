from datetime import UTC, datetime

import pytest

from idvdash.core.values import format_timestamp, parse_timestamp
from idvdash.providers.errors import ProviderAuthError, ProviderError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-02T09:15:22Z", datetime(2026, 3, 2, 9, 15, 22, tzinfo=UTC)),
        ("2024-01-09T10:33:33.095Z", datetime(2024, 1, 9, 10, 33, 33, 95000, tzinfo=UTC)),
        ("2024-11-08 10:12:03", datetime(2024, 11, 8, 10, 12, 3, tzinfo=UTC)),
        ("2024-11-08T12:12:03+02:00", datetime(2024, 11, 8, 10, 12, 3, tzinfo=UTC)),
        (1731060760, datetime(2024, 11, 8, 10, 12, 40, tzinfo=UTC)),
        ("2024-01-24", datetime(2024, 1, 24, tzinfo=UTC)),
    ],
)
def test_parse_timestamp_reads_every_provider_format_as_aware_utc(value, expected):
    assert parse_timestamp(value) == expected


@pytest.mark.parametrize(
    "value", [None, "", "  ", "yesterday", "2024-13-01T00:00:00Z", True, [], {}, 1e300]
)
def test_parse_timestamp_gives_none_for_anything_else(value):
    assert parse_timestamp(value) is None


def test_format_timestamp_round_trips():
    value = datetime(2026, 3, 2, 9, 15, 22, tzinfo=UTC)

    assert format_timestamp(value) == "2026-03-02T09:15:22Z"
    assert parse_timestamp(format_timestamp(value)) == value


def test_errors_redact_secrets_from_message_and_body():
    err = ProviderAuthError(
        "Stora account 'ops' refused token s3cr3t-token.",
        account="ops",
        status=401,
        body='{"token": "s3cr3t-token"}' + "x" * 2000,
        secrets=["s3cr3t-token", "", "abc"],
    )

    assert "s3cr3t-token" not in str(err)
    assert "s3cr3t-token" not in err.body
    assert len(err.body) == 500
    assert isinstance(err, ProviderError)
    assert (err.account, err.status) == ("ops", 401)


def test_recent_ids_catch_a_row_repeated_on_the_next_page_and_forget_older_ones():
    from idvdash.providers.base import RecentIds

    seen = RecentIds()
    assert seen.first_time("a")
    assert not seen.first_time("a")
    seen.next_page()
    assert not seen.first_time("a")  # shifted onto the next page
    assert seen.first_time("b")
    seen.next_page()
    seen.next_page()
    assert seen.first_time("a")  # two pages later: memory stays bounded
