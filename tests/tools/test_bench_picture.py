"""The first-full-picture simulation runs the real limiter and never exceeds the limit."""

import pytest

from idvdash.providers.ratelimit import Priority
from tools.bench import picture

pytestmark = pytest.mark.django_db


def test_the_plan_counts_what_a_first_sync_sends():
    plain = picture.plan(1000, webhooks=False, per_page=100)
    hooks = picture.plan(1000, webhooks=True, per_page=100)

    assert [(p.requests, p.priority) for p in plain] == [
        (11 + 1000, Priority.BACKGROUND),
        (1000, Priority.BACKFILL),
    ]
    assert [(p.requests, p.priority) for p in hooks] == [(11, Priority.BACKGROUND)]


def test_a_simulated_picture_keeps_under_the_documented_limit(settings):
    settings.BACKFILL_SHARE = 0.5
    figures, info = picture.run(rows=12_000)

    by_name = {figure.name: figure for figure in figures}
    busiest = by_name["most requests in 3600 s without webhooks ÷ limit"]
    # 24,121 requests do not fit in one hour of 10,000: the limiter had to hold them back.
    assert busiest.measured <= 10_000
    assert busiest.measured >= 0.7 * 10_000
    assert info["without webhooks"]["hours"] > 2
    assert info["with webhooks"]["hours"] < 0.1
    assert all(figure.passed for figure in figures), figures
