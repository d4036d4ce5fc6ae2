"""Timestamps as the providers send them, read and written by idvdash.core.values."""

from datetime import UTC, datetime

import pytest

from idvdash.core.values import format_timestamp, parse_timestamp


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
