"""`bench list` runs end to end; what does not depend on size holds at 10,000 rows.

Timing ratios are the benchmark's business (they need the full size and a quiet
machine); here: every list query walks an index in its ORDER BY order, the query
counts stay constant, and /healthz (the benchmark's baseline) is what it claims.
"""

import json

import pytest
from django.db import connection
from django.urls import reverse

from idvdash.verifications.models import Verification
from tools.bench import list_bench, seed

from . import run_bench

ROWS = 10_000


def test_bench_list_smoke_at_ten_thousand_rows(tmp_path):
    out = tmp_path / "list.json"
    command = ["list", "--rows", str(ROWS), "--reps", "2"]
    command += ["--load-seconds", "1", "--sync-rows", "200", "--json", str(out)]

    result = run_bench(tmp_path, *command, timeout=600)

    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text())
    figures = {figure["name"]: figure for figure in report["figures"]}
    bad = [plan for plan in report["plans"] if plan["problems"]]
    assert not bad, "\n".join(f"{p['query']}: {p['problems']}\n{p['plan']}" for p in bad)
    assert figures["P3 plans: list queries that sort or scan"]["passed"]
    assert figures["P5 queries: list page 10,000 ÷ page 2"]["passed"]
    assert figures["P5 queries: detail, many same-subject ÷ none"]["passed"]
    assert {name.split()[0] for name in figures} >= {
        "P1", "P2", "P3", "P4", "P5", "P6", "P7", "P10", "P12", "P14", "P19", "P20",
    }  # fmt: skip
    assert figures["P19 queries: overview 90 days ÷ 7 days"]["passed"]
    assert figures["P20 overview figures = direct count (90 days; no creation time)"]["passed"]
    for figure in report["figures"]:
        assert figure["baseline"] > 0, figure["name"]
    assert f"bench list: {ROWS} rows, sqlite" in result.stdout


@pytest.mark.django_db
def test_list_queries_walk_an_index_in_order_on_this_database():
    """The plan check of the benchmark, on the suite's own database (SQLite or PostgreSQL)."""
    seeded = seed.seed(rows=ROWS)
    sample = Verification.objects.order_by("pk").first()

    plans = list_bench.plans(
        account_id=seeded.accounts[0].pk,
        subject=sample.subject_ref,
        needle=sample.subject_ref[-5:-1],
    )

    bad = [plan for plan in plans if plan["problems"]]
    assert not bad, "\n".join(f"{p['query']}: {p['problems']}\n{p['plan']}" for p in bad)
    assert len(plans) > 90
    if connection.vendor == "sqlite":
        contains = next(p for p in plans if p["query"] == "search contains")
        assert "verif_search" in contains["plan"]
    else:
        contains = next(p for p in plans if p["query"] == "search contains")
        assert "verif_subject_ref_trgm" in contains["plan"] or "Index" in contains["plan"]


@pytest.mark.django_db
def test_healthz_answers_ok_without_the_database_or_a_login(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_bench_list_measures_every_queue_and_the_sla_filter(tmp_path):
    out = tmp_path / "queues.json"
    command = ["list", "--rows", str(ROWS), "--reviews", "3000", "--reps", "1", "--queues-only"]

    result = run_bench(tmp_path, *command, "--json", str(out), timeout=600)

    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text())
    names = [figure["name"] for figure in report["figures"]]
    for queue in ("mine", "unassigned", "escalated", "approval", "sla breached", "sla due soon"):
        assert any(name.startswith(f"P15 {queue}:") for name in names), queue
    for queue in ("unassigned", "escalated", "approval", "sla breached"):  # more than a page
        assert f"P16 queries: {queue} deep page ÷ page 2" in names
        assert f"P17 {queue}: capped count ÷ first page" in names
    figures = {figure["name"]: figure for figure in report["figures"]}
    for name, figure in figures.items():
        if name.startswith("P16"):
            assert figure["passed"], name  # queries per page do not grow with depth
    assert figures["P18 queries: nav queue counts ÷ 4 + one per queue"]["measured"] == 8
    assert report["reviews"]["reviews"] == 3000
