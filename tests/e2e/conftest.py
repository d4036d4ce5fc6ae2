"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against live_server."""

import importlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REQUIRED = os.environ.get("IDVDASH_REQUIRE_E2E") == "1"


@pytest.fixture(autouse=True)
def reviewers_group(transactional_db) -> None:
    """Recreate the Reviewers group: a transactional test's flush removes migration data."""
    migration = importlib.import_module("idvdash.verifications.migrations.0002_reviewers_group")
    migration.create_reviewers(apps, None)


@pytest.fixture
def chromium(monkeypatch) -> Iterator[object]:
    """Chromium for one test; skipped without /usr/bin/chromium unless CI requires it."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if REQUIRED:
            pytest.fail(f"IDVDASH_REQUIRE_E2E=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread while the browser is up;
    # the ORM calls the test makes between browser steps are still synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # ORM use while the loop runs gets its own connection (asgiref locals follow
            # the loop's context); close it here, or it outlives the test database.
            connections.close_all()


@pytest.fixture
def browser_page(chromium) -> Iterator[object]:
    """A fresh browser context (no cookies) and page; CSP violations are collected.

    Request it after the fixtures that create data, so the data exists before the
    browser's event loop starts.
    """
    context, page = watched_page(chromium)
    try:
        yield page
    finally:
        context.close()


def watched_page(chromium, *, height: int = 768) -> tuple[object, object]:
    """A new browser context and its page, whose CSP violations collect in `csp_violations`."""
    context = chromium.new_context(viewport={"width": 1366, "height": height})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return context, page
