"""Benchmark the reviewer list on a large mirror against baselines measured in the same run.

Every figure is measured ÷ a baseline taken in this run, as the median of several
interleaved repetitions (the machine may be shared; ratios travel, wall times do not).
The query-plan check (`plans()`) needs no timing and is what CI asserts.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path

import requests
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from idvdash.figures import drawn as figures_drawn
from idvdash.figures import read as figures_read
from idvdash.figures import triggers as figure_triggers
from idvdash.providers.models import ProviderAccount
from idvdash.verifications import queries, sync
from idvdash.verifications.models import Verification
from idvdash.verifications.queries import Cursor, Filters, Match, Sort
from tools.processes import free_port, sandbox_process

from . import load, queue_bench, seed
from .harness import PROVIDER_LIKE_LATENCY, Figure, ratio_figure, timed
from .sync_bench import make_account

HTMX = {"HX-Request": "true"}
# The filter P1, P2, P3 and P6 share: the commonest one a reviewer sets.
FILTER = {"outcome": "approved"}
DEEP_PAGE = 10_000  # row ~500,000


@dataclass
class Setup:
    rows: int
    reps: int
    seeded: seed.Seeded
    reviewer: Client
    admin: Client
    cookie: str
    notes: list[str] = field(default_factory=list)


def median_pair(
    measured: Callable[[], object], baseline: Callable[[], object], reps: int
) -> tuple[float, float]:
    """Medians of `reps` interleaved runs of each (after one warm-up of each)."""
    measured(), baseline()
    ours, theirs = [], []
    for _ in range(reps):
        ours.append(timed(measured)[0])
        theirs.append(timed(baseline)[0])
    return statistics.median(ours), statistics.median(theirs)


def get_ok(client: Client, url: str, data: dict | None = None, **headers: str):
    response = client.get(url, data or {}, headers=headers)
    if response.status_code != 200:
        raise RuntimeError(f"{url} {data} answered {response.status_code}")
    return response


def prepare(*, rows: int, reps: int) -> Setup:
    # The bulk load goes around the figures' triggers; they count the rows once at its end.
    with figure_triggers.suspended():
        seeded = seed.seed(rows=rows)
    users = get_user_model()
    reviewer = users.objects.create_user("bench-reviewer")
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    admin = users.objects.create_superuser("bench-admin", email="", password=None)
    TOTP.activate(admin, generate_totp_secret())  # staff must have a second factor
    reviewer_client, admin_client = Client(), Client()
    reviewer_client.force_login(reviewer)
    admin_client.force_login(admin)
    cookie = f"{settings.SESSION_COOKIE_NAME}={reviewer_client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return Setup(rows, reps, seeded, reviewer_client, admin_client, cookie)


def cursor_before_page(filters: Filters, page: int) -> tuple[str | None, int]:
    """The cursor that opens 1-based `page` of the list (the last row of the page before)."""
    qs = queries.filter_verifications(filters=filters)
    matching = qs.count()
    page = max(1, min(page, matching // queries.PAGE_SIZE))
    if page == 1:
        return None, 1
    last = qs[(page - 1) * queries.PAGE_SIZE - 1]
    value = getattr(last, filters.sort.column)
    return Cursor(sort=filters.sort, value=value, pk=last.pk).encode(), page


# -- P1, P2: keyset depth and the admin changelist ------------------------------------------


def depth_figures(s: Setup, deep_cursor: str, deep_page: int) -> list[Figure]:
    url = reverse("verifications:list")
    first = partial(get_ok, s.reviewer, url, FILTER, **HTMX)
    deep = partial(get_ok, s.reviewer, url, {**FILTER, "cursor": deep_cursor}, **HTMX)
    deep_t, first_t = median_pair(deep, first, s.reps)
    figures = [
        ratio_figure(
            f"P1 list page {deep_page} ÷ page 1 (outcome=approved)",
            measured=deep_t,
            baseline=first_t,
            at_most=1.5,
        )
    ]
    admin_url = reverse("admin:verifications_verification_changelist")
    admin_filter = {"outcome__exact": FILTER["outcome"]}
    ours_1 = partial(get_ok, s.reviewer, url, FILTER)
    admin_1 = partial(get_ok, s.admin, admin_url, admin_filter)
    a, b = median_pair(ours_1, admin_1, s.reps)
    figures.append(
        ratio_figure("P2 list ÷ admin changelist, page 1", measured=a, baseline=b, at_most=1.0)
    )
    ours_deep = partial(get_ok, s.reviewer, url, {**FILTER, "cursor": deep_cursor})
    admin_deep = partial(get_ok, s.admin, admin_url, {**admin_filter, "p": deep_page})
    a, b = median_pair(ours_deep, admin_deep, max(3, s.reps // 3))
    figures.append(
        ratio_figure(
            f"P2 list ÷ admin changelist, page {deep_page}", measured=a, baseline=b, at_most=0.05
        )
    )
    return figures


# -- P3: ORM ÷ hand-written SQL, and the plans --------------------------------------------


def hand_written_page(outcome: str, cursor: Cursor | None) -> list[tuple]:
    table, accounts = Verification._meta.db_table, ProviderAccount._meta.db_table
    where, params = "v.outcome = %s", [outcome]
    if cursor is not None:
        where += " AND v.changed_at <= %s AND (v.changed_at < %s OR v.id < %s)"
        params += [cursor.value, cursor.value, cursor.pk]
    sql = (
        "SELECT v.id, v.account_id, v.provider, v.external_id, v.subject_ref, v.outcome, "  # noqa: S608
        "v.raw_status, v.suspected, v.reason_codes, v.provider_created_at, "
        "v.provider_updated_at, v.first_seen_at, v.changed_at, v.last_synced_at, a.id, a.name "
        f"FROM {table} v JOIN {accounts} a ON a.id = v.account_id WHERE {where} "
        "ORDER BY v.changed_at DESC, v.id DESC LIMIT %s"
    )
    with connection.cursor() as c:
        c.execute(sql, [*params, queries.PAGE_SIZE + 1])
        return c.fetchall()


def orm_page_sql(filters: Filters, cursor: Cursor | None) -> tuple[str, tuple]:
    """The SQL and parameters the list sends for this page."""
    qs = queries.filter_verifications(filters=filters)
    if cursor is not None:
        qs = qs.after(cursor)
    return qs[: queries.PAGE_SIZE + 1].query.sql_with_params()


def run_sql(sql: str, params: tuple) -> list[tuple]:
    with connection.cursor() as c:
        c.execute(sql, params)
        return c.fetchall()


def db_figures(s: Setup, deep_cursor: str) -> list[Figure]:
    filters = Filters(outcomes=(FILTER["outcome"],))
    cursor = Cursor.decode(deep_cursor)
    figures = []
    for label, at in (("page 1", None), ("deep page", cursor)):
        sql, params = orm_page_sql(filters, at)
        a, b = median_pair(
            partial(run_sql, sql, params),
            partial(hand_written_page, FILTER["outcome"], at),
            s.reps * 3,
        )
        figures.append(
            ratio_figure(
                f"P3 list queryset ÷ hand-written SQL, {label}", measured=a, baseline=b, at_most=2.0
            )
        )
    return figures


def plan_filters(*, account_id: int | None, subject: str, today: date) -> list[tuple[str, Filters]]:
    """Every filter the list UI offers, alone (search is checked separately)."""
    return [
        ("no filter", Filters()),
        ("provider", Filters(provider="idenfy")),
        ("account", Filters(account_id=account_id)),
        ("one outcome", Filters(outcomes=("declined",))),
        ("two outcomes", Filters(outcomes=("declined", "suspected"))),
        ("suspected", Filters(suspected=True)),
        ("not suspected", Filters(suspected=False)),
        ("updated between", Filters(updated_from=today - timedelta(days=60), updated_to=today)),
        ("stale", Filters(stale_days=90)),
        ("subject", Filters(subject=subject)),
    ]


SQLITE_BAD = (
    (re.compile(r"USE TEMP B-TREE FOR ORDER BY"), "sorts in a temporary B-tree"),
    (re.compile(r"SCAN verifications_verification(?! USING)"), "scans the table without an index"),
    (re.compile(r"SCAN reviews_review(?! USING)"), "scans the reviews without an index"),
)
# PostgreSQL weighs an index walk against reading a narrow index range and sorting it
# with its statistics; what it must never do is read (and sort) the whole table.
POSTGRES_BAD = (
    (re.compile(r"Seq Scan on verifications_verification"), "scans the table without an index"),
)


def problems(plan: str, *, ordered: bool = True) -> list[str]:
    """What is wrong with a plan: not walking an index, or (when `ordered`) sorting."""
    rules = SQLITE_BAD if connection.vendor == "sqlite" else POSTGRES_BAD
    if connection.vendor != "sqlite" and not ordered:
        # An unordered capped count: a Seq Scan under its Limit stops at the cap.
        rules = ()
    found = []
    for pattern, what in rules:
        if not ordered and what.startswith("sorts"):
            continue
        if pattern.search(plan):
            found.append(what)
    return found


def explain(qs) -> str:
    return qs.explain()


def plans(*, account_id: int, subject: str, needle: str) -> list[dict]:
    """The plan of every list query the UI can send, with what is wrong with each."""
    today = datetime.now(UTC).date()
    results = []
    for name, base in plan_filters(account_id=account_id, subject=subject, today=today):
        for sort in Sort:
            filters = Filters(**{**_fields(base), "sort": sort})
            qs = queries.filter_verifications(filters=filters)
            first = qs.first()
            for page, current in (("first", qs[: queries.PAGE_SIZE + 1]), ("next", None)):
                if current is None:
                    if first is None:
                        continue
                    cursor = Cursor(sort=sort, value=getattr(first, sort.column), pk=first.pk)
                    current = qs.after(cursor)[: queries.PAGE_SIZE + 1]
                plan = explain(current)
                results.append(
                    {
                        "query": f"{name}, sort {sort.value}, {page} page",
                        "plan": plan,
                        "problems": problems(plan),
                    }
                )
        count_qs = queries.filter_verifications(filters=base).order_by().values("pk")
        plan = explain(count_qs[: queries.COUNT_CAP + 1])
        results.append(
            {"query": f"{name}, count", "plan": plan, "problems": problems(plan, ordered=False)}
        )
    results += queue_plans()
    for match in Match:
        qs = queries.filter_verifications(filters=Filters(q=needle, match=match))
        plan = explain(qs[: queries.PAGE_SIZE + 1])
        # Search narrows through its own index first, then orders the (few) matches.
        results.append(
            {
                "query": f"search {match.value}",
                "plan": plan,
                "problems": problems(plan, ordered=False),
            }
        )
    return results


# Queues and the SLA filter. The unassigned queue and the SLA lists are most of the work
# and walk an index in the list's order; mine, escalated and approval are a share of
# the reviews, found through a review index and sorted (a few thousand rows, not pages).
QUEUE_PLANS = {
    "queue unassigned": (Filters(queue="unassigned"), True),
    "sla breached": (Filters(sla="breached"), True),
    "sla due soon": (Filters(sla="due_soon"), True),
    "queue mine": (Filters(queue="mine", viewer_id=1), False),
    "queue escalated": (Filters(queue="escalated"), False),
    "queue approval": (Filters(queue="approval", viewer_id=1), False),
}


def queue_plans() -> list[dict]:
    results = []
    for name, (base, ordered) in QUEUE_PLANS.items():
        for sort in (Sort.UPDATED_DESC, Sort.UPDATED_ASC):
            filters = Filters(**{**_fields(base), "sort": sort})
            qs = queries.filter_verifications(filters=filters)
            plan = explain(qs[: queries.PAGE_SIZE + 1])
            results.append(
                {
                    "query": f"{name}, sort {sort.value}, first page",
                    "plan": plan,
                    "problems": problems(plan, ordered=ordered),
                }
            )
        count_qs = queries.filter_verifications(filters=base).order_by().values("pk")
        plan = explain(count_qs[: queries.COUNT_CAP + 1])
        results.append(
            {"query": f"{name}, count", "plan": plan, "problems": problems(plan, ordered=False)}
        )
    return results


def _fields(filters: Filters) -> dict:
    return {name: getattr(filters, name) for name in Filters.__slots__}


# -- P4, P5, P6, P7: in-process pages ----------------------------------------------------


def page_figures(s: Setup, deep_cursor: str) -> list[Figure]:
    url, health = reverse("verifications:list"), reverse("healthz")
    healthz = partial(get_ok, s.reviewer, health)
    partial_page = partial(get_ok, s.reviewer, url, FILTER, **HTMX)
    figures = []
    a, b = median_pair(partial_page, healthz, s.reps * 2)
    figures.append(
        ratio_figure("P4 list partial (50 rows) ÷ /healthz", measured=a, baseline=b, at_most=25)
    )
    row = Verification.objects.filter(provider="idenfy").order_by("-changed_at").first()
    detail = partial(get_ok, s.reviewer, reverse("verifications:detail", args=[row.pk]))
    a, b = median_pair(detail, healthz, s.reps * 2)
    figures.append(ratio_figure("P4 detail ÷ /healthz", measured=a, baseline=b, at_most=10))

    figures += query_count_figures(s, deep_cursor, row)

    filters = Filters(outcomes=(FILTER["outcome"],))
    qs = queries.filter_verifications(filters=filters)
    counted = partial(queries.count_capped, qs)
    a, b = median_pair(counted, partial_page, s.reps * 2)
    figures.append(
        ratio_figure("P6 count shown (capped) ÷ first page", measured=a, baseline=b, at_most=1.0)
    )
    figures += search_figures(s, partial_page, row)
    return figures


def overview_figures(s: Setup) -> list[Figure]:
    """The Overview against /healthz (P19: at most 10x), its queries at every period, and
    its figures against a direct count of the mirror (P20: equal)."""
    url, health = reverse("overview"), reverse("healthz")
    healthz = partial(get_ok, s.reviewer, health)
    page = partial(get_ok, s.reviewer, url, {"period": 30})
    a, b = median_pair(page, healthz, s.reps * 2)
    figures = [
        ratio_figure("P19 overview (30 days) ÷ /healthz", measured=a, baseline=b, at_most=10)
    ]
    quarter = partial(get_ok, s.reviewer, url, {"period": 90})
    a, b = median_pair(quarter, healthz, s.reps * 2)
    figures.append(
        ratio_figure("P19 overview (90 days) ÷ /healthz", measured=a, baseline=b, at_most=10)
    )

    def afresh() -> None:  # as the first view after a sync changed a figure
        figures_drawn.forget()
        quarter()

    a, b = median_pair(afresh, healthz, s.reps * 2)
    figures.append(
        ratio_figure(
            "P19 overview (90 days, figures changed) ÷ /healthz", measured=a, baseline=b, at_most=10
        )
    )
    figures_drawn.forget()  # both drawn afresh: the queries of a page whose figures changed
    week = queries_of(s.reviewer, url, {"period": 7})
    figures_drawn.forget()
    figures.append(
        ratio_figure(
            "P19 queries: overview 90 days ÷ 7 days",
            measured=queries_of(s.reviewer, url, {"period": 90}),
            baseline=week,
            at_most=1.0,
            unit="queries",
        )
    )
    today = datetime.now(UTC).date()
    scope = figures_read.Scope(days=90, today=today)
    shown = figures_read.overview(scope)
    kept = shown.total
    counted = Verification.objects.filter(
        provider_created_at__gte=datetime.combine(scope.start, datetime.min.time(), tzinfo=UTC),
        provider_created_at__lt=datetime.combine(
            today + timedelta(days=1), datetime.min.time(), tzinfo=UTC
        ),
    ).count()
    unknown = sum(m.value for m in shown.unknown_day)
    direct_unknown = Verification.objects.filter(provider_created_at=None).count()
    figures.append(
        Figure(
            "P20 overview figures = direct count (90 days; no creation time)",
            float(kept + unknown),
            float(counted + direct_unknown),
            (kept + unknown) / max(counted + direct_unknown, 1),
            "= 1x",
            kept == counted and unknown == direct_unknown,
            unit="rows",
            note=f"period {kept} vs {counted}; no time {unknown} vs {direct_unknown}",
        )
    )
    return figures


def queries_of(client: Client, url: str, data: dict | None = None, **headers: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        get_ok(client, url, data, **headers)
    return len(captured.captured_queries)


def query_count_figures(s: Setup, deep_cursor: str, row: Verification) -> list[Figure]:
    url = reverse("verifications:list")
    second = queries.filter_verifications(filters=Filters(outcomes=(FILTER["outcome"],)))
    first_page_cursor = queries.page_after(second, cursor=None).next_cursor
    first = queries_of(s.reviewer, url, {**FILTER, "cursor": first_page_cursor})
    deep = queries_of(s.reviewer, url, {**FILTER, "cursor": deep_cursor})
    busiest = (
        Verification.objects.exclude(subject_ref="")
        .values("subject_ref")
        .order_by("subject_ref")[:1]
    )
    lone = Verification.objects.create(
        account=row.account,
        provider=row.provider,
        external_id="bench-lone-subject",
        subject_ref="bench-nobody-else",
        provider_created_at=row.provider_created_at,
        provider_updated_at=row.provider_updated_at,
        changed_at=row.changed_at,
        last_synced_at=row.last_synced_at,
        last_seen_at=row.last_seen_at,
    )
    crowded = Verification.objects.filter(subject_ref=busiest[0]["subject_ref"]).first()
    detail_few = queries_of(s.reviewer, reverse("verifications:detail", args=[lone.pk]))
    detail_many = queries_of(s.reviewer, reverse("verifications:detail", args=[crowded.pk]))
    return [
        ratio_figure(
            "P5 queries: list page 10,000 ÷ page 2",
            measured=deep,
            baseline=first,
            at_most=1.0,
            unit="queries",
        ),
        ratio_figure(
            "P5 queries: detail, many same-subject ÷ none",
            measured=detail_many,
            baseline=detail_few,
            at_most=1.0,
            unit="queries",
        ),
    ]


def search_figures(s: Setup, first_page: Callable, row: Verification) -> list[Figure]:
    url = reverse("verifications:list")
    subject_part = row.subject_ref[-5:-1]  # digits from the middle of a subject id
    external_part = row.external_id[8:16]
    figures = []
    for label, needle in (("subject", subject_part), ("external id", external_part)):
        search = partial(get_ok, s.reviewer, url, {"q": needle, "match": "contains"}, **HTMX)
        a, b = median_pair(search, first_page, s.reps * 2)
        figures.append(
            ratio_figure(
                f"P7 substring search on {label} ÷ first page",
                measured=a,
                baseline=b,
                at_most=25,
                note=f"q={needle!r}",
            )
        )
    return figures


# -- P10: live iDenfy status ÷ a raw fetch -------------------------------------------------


def live_figures(s: Setup) -> list[Figure]:
    with sandbox_process(size=20) as root:
        account = make_account(name="bench-live-idenfy", kind="idenfy", root=root)
        sync.sync_account(account=account)
        row = Verification.objects.filter(account=account).order_by("pk").first()
        url = reverse("verifications:live_status", args=[row.pk])
        view = partial(get_ok, s.reviewer, url, **HTMX)
        credentials = account.credentials

        def raw_fetch() -> dict:
            response = requests.post(
                f"{account.base_url}/api/v2/full-status",
                json={"scanRef": row.external_id},
                auth=(credentials["api_key"], credentials["api_secret"]),
                timeout=10,
            )
            response.raise_for_status()
            return response.json()

        a, b = median_pair(view, raw_fetch, s.reps * 2)
        slow = {
            "provider": "idenfy",
            "endpoint": "full-status",
            "fault": "slow",
            "delay": PROVIDER_LIKE_LATENCY,
            "times": 0,
        }
        requests.post(f"{root}/_control/faults", json=slow, timeout=10).raise_for_status()
        slow_a, slow_b = median_pair(view, raw_fetch, s.reps)
    return [
        ratio_figure(
            "P10 live iDenfy status fragment ÷ raw requests.post",
            measured=a,
            baseline=b,
            at_most=1.5,
        ),
        ratio_figure(
            "P10 the same, provider answering in 100 ms",
            measured=slow_a,
            baseline=slow_b,
            at_most=1.5,
            note=f"sandbox 'slow' fault, delay {PROVIDER_LIKE_LATENCY} s on full-status",
        ),
    ]


# -- P12: throughput under gunicorn --------------------------------------------------------


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{db['USER']}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def server_environment() -> dict[str, str]:
    return {
        "STATIC_ROOT": str(settings.STATIC_ROOT),
        "DATABASE_URL": database_url(),
        "DEBUG": "false",
        "IDVDASH_DEV_APPS": "false",
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions signed in this process stay valid
        "CREDENTIAL_KEYS": ",".join(settings.CREDENTIAL_KEYS),
        "MATCH_KEYS": ",".join(settings.MATCH_KEYS),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }


def throughput_figure(s: Setup, seconds: float) -> Figure:
    url = reverse("verifications:list") + "?outcome=approved"
    # Two sync workers, as the README's P12 figures were measured.
    with load.production_server(
        port=free_port(), environment=server_environment(), workers=2, threads=1
    ) as root:
        headers = {"Cookie": s.cookie, "HX-Request": "true"}
        check = requests.get(root + url, headers=headers, timeout=30, allow_redirects=False)
        if check.status_code != 200:
            raise RuntimeError(f"gunicorn answered the list with {check.status_code}")
        runs = {"list": [], "healthz": []}
        for _ in range(3):
            runs["list"].append(
                load.run_load(root + url, seconds=seconds, concurrency=4, headers=headers)
            )
            runs["healthz"].append(
                load.run_load(root + "/healthz", seconds=seconds, concurrency=4, headers=headers)
            )
    rps = {k: statistics.median(r["rps"] for r in v) for k, v in runs.items()}
    errors = sum(r["errors"] for v in runs.values() for r in v)
    return ratio_figure(
        "P12 served req/s: list partial ÷ /healthz (gunicorn)",
        measured=rps["list"],
        baseline=rps["healthz"],
        at_least=0.1,
        unit="req/s",
        note=f"{errors} errors" if errors else "",
    )


# -- P14: SQLite reads while a sync writes --------------------------------------------------


def concurrent_figure(s: Setup, sync_rows: int) -> Figure:
    url = reverse("verifications:list")
    request = partial(get_ok, s.reviewer, url, FILTER, **HTMX)
    idle = [timed(request)[0] for _ in range(max(60, s.reps * 6))]
    with sandbox_process(size=sync_rows) as root:
        account = make_account(name="bench-writer", kind="equals", root=root)
        env = {**os.environ, **server_environment(), "DEBUG": "true"}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        writer = subprocess.Popen(  # noqa: S603
            [sys.executable, manage, "sync", account.name],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        output: list[str] = []
        reader = threading.Thread(target=lambda: output.append(writer.stdout.read()))
        reader.start()
        busy, locked = [], 0
        time.sleep(1.0)  # the writer process starts up
        while writer.poll() is None:
            try:
                busy.append(timed(request)[0])
            except Exception as err:
                if "locked" not in str(err):
                    raise
                locked += 1
        reader.join()
    text = "".join(output)
    locked += text.count("database is locked")
    written = Verification.objects.filter(account=account).count()
    p95 = statistics.quantiles(busy, n=20)[-1] if len(busy) >= 2 else float("inf")
    return (
        ratio_figure(
            "P14 SQLite list p95 during a sync ÷ idle p95",
            measured=p95,
            baseline=statistics.quantiles(idle, n=20)[-1],
            at_most=3.0,
            note=(
                f"{len(busy)} requests during a sync writing {written} rows; "
                f"'database is locked': {locked}; sync exit {writer.returncode}"
            ),
        )
        if locked == 0 and writer.returncode == 0
        else Figure(
            "P14 SQLite list p95 during a sync ÷ idle p95",
            p95,
            statistics.quantiles(idle, n=20)[-1],
            float("inf"),
            "<= 3.0x",
            False,
            note=f"'database is locked': {locked}; sync exit {writer.returncode}: {text[-300:]}",
        )
    )


# -- the run ----------------------------------------------------------------------------------


@contextmanager
def production_like() -> Iterator[Path]:
    """Hashed static files as after a deploy (DEBUG is off), and the test Client's host."""
    hosts = [*settings.ALLOWED_HOSTS, "testserver", "127.0.0.1"]
    with (
        tempfile.TemporaryDirectory() as tmp,
        override_settings(STATIC_ROOT=tmp, ALLOWED_HOSTS=hosts),
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield Path(tmp)


def run(
    *,
    rows: int,
    reps: int,
    load_seconds: float,
    sync_rows: int,
    plans_only: bool = False,
    reviews: int | None = None,
    queues_only: bool = False,
    overview_only: bool = False,
) -> tuple[list[Figure], list[dict], dict]:
    with production_like():
        return _run(
            rows=rows,
            reps=reps,
            load_seconds=load_seconds,
            sync_rows=sync_rows,
            plans_only=plans_only,
            reviews=rows // 10 if reviews is None else reviews,
            queues_only=queues_only,
            overview_only=overview_only,
        )


def _run(
    *,
    rows: int,
    reps: int,
    load_seconds: float,
    sync_rows: int,
    plans_only: bool,
    reviews: int,
    queues_only: bool,
    overview_only: bool = False,
) -> tuple[list[Figure], list[dict], dict]:
    started = time.perf_counter()
    s = prepare(rows=rows, reps=reps)
    info: dict = {"seed_seconds": round(time.perf_counter() - started, 1)}
    senior = queue_bench.make_senior()
    info["reviews"] = queue_bench.seed_reviews(reviews=reviews, senior=senior)
    if overview_only:
        figures = overview_figures(s)
        info["total_seconds"] = round(time.perf_counter() - started, 1)
        return figures, [], info
    if queues_only:
        figures, info["queue_rows"] = queue_bench.queue_figures(
            senior=senior, reps=reps, median_pair=median_pair, get_ok=get_ok, queries_of=queries_of
        )
        info["total_seconds"] = round(time.perf_counter() - started, 1)
        return figures, [], info
    account = s.seeded.accounts[0]
    sample = Verification.objects.order_by("pk").first()
    needle = sample.subject_ref[-5:-1]
    plan_list = plans(account_id=account.pk, subject=sample.subject_ref, needle=needle)
    figures: list[Figure] = []
    filters = Filters(outcomes=(FILTER["outcome"],))
    deep_cursor, deep_page = cursor_before_page(filters, DEEP_PAGE)
    if deep_cursor is None:
        raise RuntimeError("too few rows for a second page")
    info["deep_page"] = deep_page
    figures += query_count_figures(s, deep_cursor, sample) if plans_only else []
    if plans_only:
        return figures, plan_list, info
    figures += depth_figures(s, deep_cursor, deep_page)
    figures += db_figures(s, deep_cursor)
    figures += page_figures(s, deep_cursor)
    figures += overview_figures(s)
    queue_list, info["queue_rows"] = queue_bench.queue_figures(
        senior=senior, reps=reps, median_pair=median_pair, get_ok=get_ok, queries_of=queries_of
    )
    figures += queue_list
    figures += live_figures(s)
    figures.append(throughput_figure(s, load_seconds))
    if connection.vendor == "sqlite":
        figures.append(concurrent_figure(s, sync_rows))
    info["total_seconds"] = round(time.perf_counter() - started, 1)
    return figures, plan_list, info


def plan_figure(plan_list: list[dict]) -> Figure:
    bad = [p for p in plan_list if p["problems"]]
    return Figure(
        "P3 plans: list queries that sort or scan",
        float(len(bad)),
        float(len(plan_list)),
        len(bad) / len(plan_list),
        "0 bad",
        not bad,
        unit="queries",
        note="; ".join(f"{p['query']}: {', '.join(p['problems'])}" for p in bad[:6]),
    )


def write_plans(plan_list: list[dict], out: Path) -> Path:
    path = out.with_name(out.stem + "-plans.json")
    path.write_text(json.dumps(plan_list, indent=2))
    return path
