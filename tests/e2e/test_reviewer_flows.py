"""A reviewer in a real browser: sign in, filter with htmx, go back, open an iDenfy record."""

import re

import pytest
from django.urls import reverse

from idvdash.verifications import live
from idvdash.verifications.models import Outcome
from tests.conftest import PASSWORD
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def idenfy_record(sandbox, sandbox_accounts):
    settings = sandbox_accounts["idenfy"]
    account = ProviderAccountFactory(
        name="idenfy-sandbox",
        kind="idenfy",
        base_url=settings["base_url"],
        credentials=settings["credentials"],
    )
    catalog = sandbox.dataset.idenfy
    index = next(
        i for i in range(catalog.visible()) if catalog.full_status_body(i)["face_match_result"]
    )
    return VerificationFactory(
        account=account,
        external_id=catalog.scan_ref(index),
        subject_ref=catalog.client_id(index),
        outcome=Outcome.APPROVED,
    ), catalog.full_status_body(index)


@pytest.fixture
def rows():
    VerificationFactory(external_id="declined-row", outcome=Outcome.DECLINED, raw_status="DENIED")
    VerificationFactory(external_id="approved-row", outcome=Outcome.APPROVED)


def sign_in(page, live_server, user, next_path: str) -> None:
    page.goto(f"{live_server.url}{reverse('login')}?next={next_path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}{next_path}")


def test_filtering_swaps_the_results_pushes_the_url_and_back_restores(
    live_server, reviewer, rows, browser_page
):
    page = browser_page
    list_path = reverse("verifications:list")
    sign_in(page, live_server, reviewer, list_path)
    assert page.locator("#results tbody tr").count() == 2
    page.evaluate("window.__sameDocument = 'yes'")

    page.locator("label.chip", has_text="Declined").click()

    page.wait_for_url(re.compile(r"outcome=declined"))
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 1")
    assert page.locator("#results").inner_text().count("declined-row") == 1
    assert "approved-row" not in page.locator("#results").inner_text()
    assert page.evaluate("window.__sameDocument") == "yes"  # no full page load

    page.go_back()

    page.wait_for_url(f"{live_server.url}{list_path}")
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 2")
    assert not page.locator("#id_outcome_1").is_checked()
    assert page.csp_violations == []


def test_the_search_box_filters_as_you_type(live_server, reviewer, rows, browser_page):
    page = browser_page
    sign_in(page, live_server, reviewer, reverse("verifications:list"))
    page.evaluate("window.__sameDocument = 'yes'")

    page.locator("#id_q").type("APPROVED-")

    page.wait_for_url(re.compile(r"q=APPROVED-"))
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 1")
    assert "approved-row" in page.locator("#results").inner_text()
    assert page.evaluate("window.__sameDocument") == "yes"


def test_the_filter_form_works_without_javascript(live_server, reviewer, rows, chromium):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, reviewer, reverse("verifications:list"))
        page.locator("#id_outcome_1").check()
        page.click("text=Apply filters")

        page.wait_for_url(re.compile(r"outcome=declined"))
        assert page.locator("#results tbody tr").count() == 1
        assert "declined-row" in page.locator("#results").inner_text()
    finally:
        context.close()


def test_an_idenfy_record_loads_its_full_status_after_the_page(
    live_server, reviewer, idenfy_record, sandbox_faults, browser_page
):
    record, expected = idenfy_record
    page = browser_page
    detail = reverse("verifications:detail", args=[record.pk])
    sign_in(page, live_server, reviewer, detail)

    status = page.locator("#live-status")
    status.get_by_text("Fetched from iDenfy just now.").wait_for()

    assert expected["face_match_result"] in status.inner_text()
    assert "Identity document" in status.inner_text()
    assert page.csp_violations == []


def test_a_provider_failure_is_explained_and_retry_recovers(
    live_server, reviewer, idenfy_record, sandbox_faults, browser_page
):
    record, _ = idenfy_record
    sandbox_faults.add(provider="idenfy", endpoint="full-status", fault="server_error", times=None)
    page = browser_page
    sign_in(page, live_server, reviewer, reverse("verifications:detail", args=[record.pk]))

    status = page.locator("#live-status")
    status.get_by_text(live.UNAVAILABLE.format(provider="iDenfy")).wait_for()
    assert "No earlier snapshot is stored" in status.inner_text()

    sandbox_faults.clear()
    status.get_by_role("button", name="Retry").click()

    page.locator("#live-status").get_by_text("Fetched from iDenfy just now.").wait_for()


def test_file_links_load_on_request(
    live_server, reviewer, idenfy_record, sandbox_faults, browser_page
):
    record, _ = idenfy_record
    page = browser_page
    sign_in(page, live_server, reviewer, reverse("verifications:detail", args=[record.pk]))

    page.locator("#files").get_by_role("button", name="Get file links").click()

    page.locator("#files .file-links a").first.wait_for()
    assert page.locator("#files .file-links a").first.get_attribute("rel") == "noopener noreferrer"


def test_a_signed_out_htmx_request_sends_the_browser_to_sign_in(
    live_server, reviewer, rows, browser_page
):
    page = browser_page
    list_path = reverse("verifications:list")
    sign_in(page, live_server, reviewer, list_path)
    page.context.clear_cookies()

    page.locator("label.chip", has_text="Declined").click()

    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    assert page.locator("#id_username").is_visible()


def test_pages_load_without_console_errors(
    live_server, reviewer, idenfy_record, sandbox_faults, browser_page
):
    """Nothing the pages ask for is missing (the icon included), nothing fails to run."""
    record, _ = idenfy_record
    page = browser_page
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    detail = reverse("verifications:detail", args=[record.pk])
    sign_in(page, live_server, reviewer, reverse("verifications:list"))
    page.goto(f"{live_server.url}{detail}")
    page.locator("#live-status").get_by_text("Fetched from iDenfy just now.").wait_for()
    page.goto(f"{live_server.url}{reverse('sync:status')}")
    page.wait_for_load_state("networkidle")

    assert errors == []
