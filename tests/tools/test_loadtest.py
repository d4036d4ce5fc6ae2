"""The load test's pieces that time nothing: its options, its report, its exit status.

The run itself (`make loadtest`, about a minute and a half) is not part of the suite:
CI runs it after the suite and reports its figures.
"""

import math

import pytest

from tools.loadtest import (
    RATIO_TARGET,
    Figures,
    exit_status,
    fresh_database,
    parse_args,
    percentile,
    report,
)


def figures(*, loaded_ms: float = 20.0, syncs=("succeeded",) * 3, errors=()) -> Figures:
    """One reviewer at 10 ms idle, before and after; the load at `loaded_ms`."""
    return Figures(
        reviewers=20,
        duration=60.0,
        idle_before=[0.010] * 20,
        idle_after=[0.010] * 20,
        loaded=[loaded_ms / 1000] * 40,
        idle_pages={"list": [0.010] * 40},
        load_pages={"list": [loaded_ms / 1000] * 30, "detail": [loaded_ms / 1000] * 10},
        syncs=None if syncs is None else list(syncs),
        errors=list(errors),
    )


def test_options_default_to_the_make_target():
    args = parse_args([])

    assert args.duration == 60.0
    assert args.reviewers == 20
    assert args.size == 2000
    assert args.database_url == ""
    assert not args.without_sync
    assert args.workers is None
    assert args.threads is None


def test_options_are_read():
    args = parse_args(["--duration", "20", "--reviewers", "5", "--without-sync", "--workers", "2"])

    assert (args.duration, args.reviewers, args.without_sync, args.workers) == (20.0, 5, True, 2)


def test_percentile():
    assert percentile([0.3, 0.1, 0.2], 0.5) == 0.2
    assert percentile([float(n) for n in range(100)], 0.95) == 95.0
    assert math.isnan(percentile([], 0.95))


def test_report_prints_each_figure_on_an_r15_line():
    lines = report(figures())

    assert all(line.startswith("[R15] ") for line in lines)
    assert lines == [
        "[R15] idle:   40 requests, p50 10.0 ms, p95 10.0 ms"
        " (before the load 10.0 ms, after it 10.0 ms)",
        "[R15] loaded: 40 requests by 20 reviewers in 60 s, p50 20.0 ms, p95 20.0 ms",
        "[R15]   detail  p95 idle 0.0 ms, loaded 20.0 ms",
        "[R15]   list    p95 idle 10.0 ms, loaded 20.0 ms",
        "[R15] syncs during the load: 3 (3 succeeded)",
        "[R15] p95 ratio loaded/idle: 2.00x (target <= 3x: met)",
        "[R15] errors: 0",
    ]


def test_a_clean_run_within_the_target_exits_zero():
    assert exit_status(figures()) == 0


def test_a_ratio_over_the_target_is_reported_not_failed():
    run = figures(loaded_ms=10.0 * (RATIO_TARGET + 1))

    assert "[R15] p95 ratio loaded/idle: 4.00x (target <= 3x: not met)" in report(run)
    assert exit_status(run) == 0


def test_an_error_fails_the_run_and_is_shown():
    run = figures(errors=["/verifications/: HTTP 500"])

    assert exit_status(run) == 1
    assert "[R15] errors: 1 e.g. ['/verifications/: HTTP 500']" in report(run)


def test_a_lost_request_fails_the_run():
    run = figures(errors=["reviewer 3: request lost (no answer)"])

    assert exit_status(run) == 1


@pytest.mark.parametrize(
    ("syncs", "shown"),
    [
        (["succeeded", "failed"], "syncs during the load: 2 (1 succeeded)"),
        ([], "syncs during the load: 0 (0 succeeded)"),
    ],
)
def test_a_failed_sync_or_none_at_all_fails_the_run(syncs, shown):
    run = figures(syncs=syncs)

    assert exit_status(run) == 1
    assert f"[R15] {shown}" in report(run)
    assert report(run)[-1].startswith("[R15] errors: 1 e.g.")


def test_without_sync_no_sync_is_expected():
    run = figures(syncs=None)

    assert exit_status(run) == 0
    assert "[R15] syncs during the load: none (--without-sync)" in report(run)


@pytest.mark.parametrize("database_url", ["", "sqlite:////tmp/anything.sqlite3"])
def test_without_postgresql_the_load_test_makes_its_own_sqlite_file(database_url):
    with fresh_database(database_url) as url:
        assert url == ""
