"""Benchmark the work queues and the SLA filter on the seeded mirror, with reviews.

Reviews are spread over states, assignees and a few tags (a verification without one is
an open case). Each queue is measured as a senior reviewer sees it (every queue is
theirs): its deepest page ÷ its first, the queries of that page ÷ page 2's, its capped
count ÷ its first page; and the navigation's counts fragment ÷ a list page.
"""

from __future__ import annotations

import random
from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.urls import reverse

from idvdash.reviews.models import Review, Tag
from idvdash.reviews.roles import REVIEWERS, SENIOR_REVIEWERS
from idvdash.verifications import queries
from idvdash.verifications.models import Verification
from idvdash.verifications.queries import Filters

from . import seed
from .harness import Figure, ratio_figure

STATE_WEIGHTS = {
    Review.State.OPEN: 5,
    Review.State.IN_PROGRESS: 35,
    Review.State.ESCALATED: 10,
    Review.State.AWAITING_APPROVAL: 10,
    Review.State.CLOSED: 40,
}
ASSIGNEES = 20
TAGS = ("pep", "fraud-ring", "vip", "sanctions", "callback")
TAGGED_SHARE = 0.1
BATCH = 5000
# What each measured list shows, as list query parameters.
QUEUE_LISTS = {
    "mine": {"queue": "mine"},
    "unassigned": {"queue": "unassigned"},
    "escalated": {"queue": "escalated"},
    "approval": {"queue": "approval"},
    "sla breached": {"sla": "breached"},
    "sla due soon": {"sla": "due_soon"},
}


def seed_reviews(*, reviews: int, senior, seed_value: int = 7) -> dict:
    """Give `reviews` verifications (every k-th id) a review; return what was made."""
    rnd = random.Random(seed_value)  # noqa: S311 (test data, reproducible)
    users = get_user_model()
    group = Group.objects.get(name=REVIEWERS)
    people = [senior]
    for n in range(ASSIGNEES - 1):
        person = users.objects.create_user(f"bench-assignee-{n:02d}")
        person.groups.add(group)
        people.append(person)
    tags = [Tag.objects.create(name=name) for name in TAGS]
    total = Verification.objects.count()
    step = max(total // max(reviews, 1), 1)
    states, weights = list(STATE_WEIGHTS), list(STATE_WEIGHTS.values())
    made, rows, tagged = 0, [], []
    through = Review.tags.through
    picked = Verification.objects.order_by("pk").values_list("pk", "changed_at", "outcome")
    with transaction.atomic():
        for index, (pk, changed_at, outcome) in enumerate(picked.iterator(chunk_size=BATCH)):
            if index % step or made >= reviews:
                continue
            state = rnd.choices(states, weights)[0]
            assignee = None if state == Review.State.OPEN else rnd.choice(people)
            proposer = assignee if state == Review.State.AWAITING_APPROVAL else None
            rows.append(
                Review(
                    verification_id=pk,
                    state=state,
                    assignee=assignee,
                    proposed_by=proposer,
                    decision="cleared" if state == Review.State.CLOSED else "",
                    version=1,
                    provider_seen_at=changed_at,
                    seen_outcome=outcome,
                )
            )
            if rnd.random() < TAGGED_SHARE:
                tagged.append(through(review_id=pk, tag_id=rnd.choice(tags).pk))
            made += 1
            if len(rows) >= BATCH:
                Review.objects.bulk_create(rows)
                rows = []
        Review.objects.bulk_create(rows)
        through.objects.bulk_create(tagged, batch_size=BATCH)
    seed.analyze()
    return {"reviews": made, "tagged": len(tagged), "assignees": len(people)}


def make_senior():
    senior = get_user_model().objects.create_user("bench-senior")
    senior.groups.add(Group.objects.get(name=SENIOR_REVIEWERS))
    return senior


def queue_figures(*, senior, reps: int, median_pair, get_ok, queries_of) -> tuple[list, dict]:
    """Depth, queries and capped count of each queue and SLA list; the nav counts' cost."""
    client = Client()
    client.force_login(senior)
    url = reverse("verifications:list")
    htmx = {"HX-Request": "true"}
    figures: list[Figure] = []
    sizes: dict[str, int] = {}
    for name, params in QUEUE_LISTS.items():
        filters = _filters(params, senior)
        qs = queries.filter_verifications(filters=filters)
        matching = qs.count()  # set-up only: the pages themselves never count everything
        sizes[name] = matching
        last_page = matching // queries.PAGE_SIZE
        first = partial(get_ok, client, url, params, **htmx)
        if last_page < 2:
            figures.append(
                ratio_figure(
                    f"P15 {name}: one page only",
                    measured=1,
                    baseline=1,
                    at_most=1.0,
                    unit="pages",
                    note=f"{matching} rows: no deep page to measure",
                )
            )
            continue
        deep_cursor = _cursor_at(qs, filters, page=min(last_page, 10_000))
        second_cursor = queries.page_after(qs, cursor=None).next_cursor
        deep = partial(get_ok, client, url, {**params, "cursor": deep_cursor}, **htmx)
        deep_t, first_t = median_pair(deep, first, reps)
        figures.append(
            ratio_figure(
                f"P15 {name}: page {min(last_page, 10_000)} ÷ page 1",
                measured=deep_t,
                baseline=first_t,
                at_most=1.5,
                note=f"{matching:,} rows",
            )
        )
        deep_q = queries_of(client, url, {**params, "cursor": deep_cursor}, **htmx)
        second_q = queries_of(client, url, {**params, "cursor": second_cursor}, **htmx)
        figures.append(
            ratio_figure(
                f"P16 queries: {name} deep page ÷ page 2",
                measured=deep_q,
                baseline=second_q,
                at_most=1.0,
                unit="queries",
            )
        )
        counted = partial(queries.count_capped, qs)
        a, b = median_pair(counted, first, reps)
        figures.append(
            ratio_figure(
                f"P17 {name}: capped count ÷ first page", measured=a, baseline=b, at_most=1.0
            )
        )
    counts = partial(get_ok, client, reverse("reviews:queue_counts"), **htmx)
    baseline = partial(get_ok, client, url, {"outcome": "approved"}, **htmx)
    a, b = median_pair(counts, baseline, reps)
    figures.append(
        ratio_figure(
            "P18 nav queue counts fragment ÷ list page (outcome=approved)",
            measured=a,
            baseline=b,
            at_most=1.0,
        )
    )
    figures.append(
        ratio_figure(
            "P18 queries: nav queue counts ÷ 4 + one per queue",
            measured=queries_of(client, reverse("reviews:queue_counts"), **htmx),
            baseline=4 + len(QUEUE_LISTS) - 2,
            at_most=1.0,
            unit="queries",
            note="session, user, permissions, service levels, one capped count per queue",
        )
    )
    return figures, sizes


def _filters(params: dict, senior) -> Filters:
    return Filters(viewer_id=senior.pk, queue=params.get("queue", ""), sla=params.get("sla", ""))


def _cursor_at(qs, filters: Filters, *, page: int) -> str:
    last = qs[(page - 1) * queries.PAGE_SIZE - 1]
    value = getattr(last, filters.sort.column)
    return queries.Cursor(sort=filters.sort, value=value, pk=last.pk).encode()
