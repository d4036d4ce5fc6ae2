"""Simulated time, determinism, coverage of every vocabulary, and scale."""

import time
import tracemalloc

import requests

from idvdash.sandbox.catalog import ARRIVAL, LATE_EVERY
from idvdash.sandbox.data import Dataset
from idvdash.sandbox.server import SandboxServer
from idvdash.sandbox.vocab import (
    IDENFY_DOC_FAIL,
    IDENFY_FACE_FAIL,
    IDENFY_FRAUD_TAGS,
    IDENFY_MISMATCH_TAGS,
    STORA_ERROR_CODES,
    SWAN_LEGACY_REASONS,
    SWAN_REASONS,
    SWAN_STATUSES,
)

from .conftest import IDENFY_AUTH, STORA_HEADERS, stora_walk


def test_advancing_the_clock_adds_rows_and_changes_statuses(sandbox, http, sandbox_faults):
    before = {r["id"]: r for r in stora_walk(http, sandbox)}
    mark = max(r["updated_at"] for r in before.values())
    response = http.post(sandbox.url + "/_control/clock", json={"advance": 2 * 86400}, timeout=5)
    assert response.json()["now"] == "2026-11-03T12:00:00Z"
    after = {r["id"]: r for r in stora_walk(http, sandbox)}
    assert len(after) == len(before) + 2 * 86400 // ARRIVAL
    changed = [i for i in before if before[i]["status"] != after[i]["status"]]
    assert changed
    assert all(after[i]["updated_at"] > before[i]["updated_at"] for i in changed)
    increment = stora_walk(
        http, sandbox, updated_after=mark, sort_by="updated_at", sort_direction="ASC"
    )
    fresh = {r["id"] for r in increment}
    assert set(changed) <= fresh
    assert set(after) - set(before) <= fresh
    assert [r["updated_at"] for r in increment] == sorted(r["updated_at"] for r in increment)
    http.post(sandbox.url + "/_control/clock", json={"reset": True}, timeout=5)
    assert {r["id"]: r for r in stora_walk(http, sandbox)} == before


def test_late_changes_reach_old_idenfy_rows(sandbox, http, sandbox_faults):
    def statuses():
        body = http.get(
            sandbox.base_urls["idenfy"] + "/kyc/identifications/",
            params={"perPage": 100, "page": 2},
            auth=IDENFY_AUTH,
            timeout=5,
        ).json()
        return {r["scanRef"]: r["status"] for r in body["results"]}

    old = statuses()
    sandbox.clock.advance(LATE_EVERY * 400)
    assert old != statuses()


def test_same_seed_same_data_other_seed_other_data():
    one, two, other = Dataset(size=50, seed=7), Dataset(size=50, seed=7), Dataset(size=50, seed=8)
    assert [one.stora.verification(i) for i in range(50)] == [
        two.stora.verification(i) for i in range(50)
    ]
    assert [one.equals.row(i) for i in range(50)] == [two.equals.row(i) for i in range(50)]
    assert one.idenfy.full_status_body(3) == two.idenfy.full_status_body(3)
    assert one.stora.verification(0) != other.stora.verification(0)


def test_people_recur_across_providers():
    data = Dataset(size=300, seed=1)
    by_provider = {
        name: {catalog.person(i).customer_ref for i in range(300)}
        for name, catalog in data.catalogs.items()
    }
    names = list(by_provider)
    overlaps = [len(by_provider[a] & by_provider[b]) for a in names for b in names if a < b]
    assert all(overlap > 0 for overlap in overlaps)


def test_every_documented_value_occurs():
    data = Dataset(size=1000, seed=1)
    idenfy = [data.idenfy.status_body(i) for i in range(1000)]
    assert {b["status"] for b in idenfy} == {
        "APPROVED",
        "DENIED",
        "SUSPECTED",
        "REVIEWING",
        "ACTIVE",
        "EXPIRED",
        "EXPIRED-DELETED",
        "DELETED",
        "ARCHIVED",
    }
    assert set(IDENFY_DOC_FAIL) <= {b["autoDocument"] for b in idenfy}
    assert set(IDENFY_FACE_FAIL) <= {b["autoFace"] for b in idenfy}
    assert set(IDENFY_FRAUD_TAGS) <= {t for b in idenfy for t in b["fraudTags"]}
    assert set(IDENFY_MISMATCH_TAGS) <= {t for b in idenfy for t in b["mismatchTags"]}
    assert {True, False} == {data.idenfy.list_row(i)["suspected"] for i in range(1000)}
    assert set(STORA_ERROR_CODES) == {
        data.stora.verification(i)["error_code"] for i in range(1000)
    } - {None}
    swan = [data.swan.identification(i) for i in range(1000)]
    levels = {info["status"] for s in swan for info in s["levels"].values()}
    assert levels == set(SWAN_STATUSES)
    reasons = {r for s in swan for info in s["levels"].values() for r in info.get("reasons") or []}
    assert set(SWAN_REASONS) | set(SWAN_LEGACY_REASONS) == reasons
    rows = [data.equals.row(i) for i in range(1000)]
    assert {(r["status"], r.get("result")) for r in rows} == {
        ("to_be_completed", None),
        ("in_progress", None),
        ("expired", None),
        ("completed", "approved"),
        ("completed", "declined"),
        ("completed", "resubmission_requested"),
    }


def first_and_deep_page(server: SandboxServer) -> list[int]:
    statuses = []
    with requests.Session() as http:
        for page in (1, server.dataset.size // 100):
            for url, params, kwargs in (
                (
                    server.base_urls["stora"] + "/2025-09/identity_verifications",
                    {"limit": 100, "page": page, "sort_by": "updated_at"},
                    {"headers": STORA_HEADERS},
                ),
                (
                    server.base_urls["idenfy"] + "/kyc/identifications/",
                    {"perPage": 100, "page": page},
                    {"auth": IDENFY_AUTH},
                ),
            ):
                response = http.get(url, params=params, timeout=30, **kwargs)
                statuses.append(response.status_code)
                response.json()
    return statuses


def measure(size: int) -> tuple[float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    with SandboxServer(size=size, seed=3) as server:
        assert first_and_deep_page(server) == [200] * 4
        elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, peak


def test_a_million_rows_start_and_page_like_a_hundred():
    small_time, small_memory = measure(100)
    big_time, big_memory = measure(1_000_000)
    # Nothing is materialised: a 10,000x larger data set costs about the same.
    assert big_memory < small_memory * 3
    assert big_time < small_time * 5
