"""Short durations, one way for the whole site: "40 s", "12 min", "3 h", "5 d"."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.template import Context, Template
from django.template.defaultfilters import truncatechars

from idvdash.core.templatetags.idvdash_tags import age, clip, timedelta_short

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(None, ""), (-5, "0 s"), (40, "40 s"), (60, "1 min"), (12 * 60 + 59, "12 min"),
     (3 * 3600, "3 h"), (5 * 86400 + 3600, "5 d")],
)  # fmt: skip
def test_timedelta_short_names_the_largest_whole_unit(seconds, expected):
    value = None if seconds is None else timedelta(seconds=seconds)

    assert timedelta_short(value) == expected


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("seconds_ago", "expected"),
    [(-1, "in the future"), (0, "just now"), (59, "just now"), (60, "1 min"),
     (5 * 3600, "5 h"), (3 * 86400 + 3600, "3 d")],
)  # fmt: skip
def test_age_says_how_long_ago_in_the_same_units(seconds_ago, expected):
    assert age(NOW - timedelta(seconds=seconds_ago)) == expected


def test_age_of_anything_but_a_datetime_is_empty():
    assert age(None) == ""
    assert age("2026-05-04") == ""


@pytest.mark.parametrize(
    "value", ["", "idv-123", "x" * 39, "x" * 40, "x" * 41, "a-very-long-external-id-" * 4, 12345]
)
def test_clip_cuts_as_truncatechars_does(value):
    assert clip(value, 40) == truncatechars(value, 40)


def test_clip_keeps_escaping_to_the_template():
    html = Template("{% load idvdash_tags %}{{ v|clip:10 }}").render(Context({"v": "<b>&x"}))

    assert html == "&lt;b&gt;&amp;x"
