"""Four-eyes case work in two real browsers: a reviewer proposes, a senior approves."""

import pytest
from django.urls import reverse

from idvdash.reviews.models import DecisionCategory, Review
from idvdash.reviews.roles import ensure_groups
from idvdash.verifications.models import Outcome
from tests.conftest import PASSWORD
from tests.e2e.conftest import watched_page
from tests.verifications.factories import VerificationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FORCED_POST = """async ([url, version]) => {
  const body = new URLSearchParams({action: "approve", version: String(version)});
  const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  const response = await fetch(url, {method: "POST", body, headers: {"X-CSRFToken": token}});
  return response.status;
}"""


@pytest.fixture
def roles():
    """The flush of a transactional test removed migration data: put back what this needs."""
    ensure_groups()
    DecisionCategory.objects.get_or_create(name="False positive")


@pytest.fixture
def rita(roles, make_user):
    return make_user("rita", reviewer=True)


@pytest.fixture
def sam(roles, make_user):
    return make_user("sam", senior=True)


@pytest.fixture
def record():
    return VerificationFactory(outcome=Outcome.SUSPECTED, suspected=True, raw_status="SUSPECTED")


def open_as(chromium, live_server, user, path: str):
    """A browser context of its own for `user`, signed in and on `path`."""
    context, page = watched_page(chromium, height=900)
    page.goto(f"{live_server.url}{reverse('login')}?next={path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}{path}")
    return context, page


def steps(page) -> list[str]:
    return [line.strip() for line in page.locator("#case-activity li .what").all_inner_texts()]


EXPECTED = [
    "rita took the case",
    "rita added a note",
    "rita proposed closing: Cleared — False positive",
    "sam approved rita's proposal: Cleared — False positive",
]


def test_a_reviewer_proposes_and_a_senior_approves_in_two_browsers(
    live_server, rita, sam, record, chromium
):
    detail = reverse("verifications:detail", args=[record.pk])
    contexts = []
    try:
        context_a, a = open_as(chromium, live_server, rita, detail)
        contexts.append(context_a)
        a.evaluate("window.__sameDocument = 'yes'")

        a.get_by_role("button", name="Assign to me", exact=True).click()
        a.locator("#case-activity").get_by_text("rita took the case").wait_for()
        a.fill("#case-note", "Called the customer;\nthe document is theirs.")
        a.get_by_role("button", name="Add note", exact=True).click()
        a.locator("#case-activity").get_by_text("rita added a note").wait_for()
        a.get_by_label("Cleared").check()
        a.select_option("#case-category", label="False positive")
        a.fill("#case-reason", "Document re-checked by phone.")
        a.get_by_role("button", name="Propose closing", exact=True).click()
        a.locator("#case .case-state").get_by_text("Waiting for approval").wait_for()

        assert a.evaluate("window.__sameDocument") == "yes"  # htmx swaps, no page load
        mine = live_server.url + reverse("verifications:list") + "?queue=mine"
        a.goto(mine)
        assert a.locator(f'a[href="{detail}"]').count() >= 1  # in A's queue while it waits
        a.goto(live_server.url + detail)
        assert a.get_by_role("button", name="Approve", exact=True).count() == 0
        forced = a.evaluate(FORCED_POST, [reverse("reviews:act", args=[record.pk]), 2])
        assert forced in (400, 403)
        assert Review.objects.get(pk=record.pk).state == Review.State.AWAITING_APPROVAL

        context_b, b = open_as(chromium, live_server, sam, detail)
        contexts.append(context_b)
        assert "Document re-checked by phone." in b.locator("#case").inner_text()
        b.get_by_role("button", name="Approve", exact=True).click()
        b.locator("#case-activity").get_by_text("sam approved rita's proposal").wait_for()

        assert steps(b) == EXPECTED
        a.reload()
        assert steps(a) == EXPECTED
        assert (
            "Called the customer;\nthe document is theirs."
            in a.locator("#case-activity").inner_text()
        )
        assert "Closed" in a.locator("#case .case-state").inner_text()
        assert not Review.objects.filter(assignee=rita).exclude(state="closed").exists()
        a.goto(mine)
        assert a.locator(f'a[href="{detail}"]').count() == 0  # closed: out of A's queue
        assert a.csp_violations == []
        assert b.csp_violations == []
    finally:
        for context in contexts:
            context.close()


def test_a_case_is_taken_and_closed_without_javascript(live_server, rita, chromium):
    record = VerificationFactory(outcome=Outcome.APPROVED, suspected=False, raw_status="APPROVED")
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        detail = reverse("verifications:detail", args=[record.pk])
        page.goto(f"{live_server.url}{reverse('login')}?next={detail}")
        page.fill("#id_username", rita.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}{detail}")

        page.get_by_role("button", name="Assign to me", exact=True).click()
        page.get_by_text("The case is assigned to you.").wait_for()
        page.get_by_label("Actioned").check()
        page.select_option("#case-category", label="False positive")
        page.fill("#case-reason", "Closed from a browser without scripts.")
        page.get_by_role("button", name="Close", exact=True).click()

        page.get_by_text("The case is closed.").wait_for()
        assert (
            "rita closed the case: Actioned — False positive"
            in page.locator("#case-activity").inner_text()
        )
        assert Review.objects.get(pk=record.pk).state == Review.State.CLOSED
    finally:
        context.close()


def test_a_stale_panel_is_refused_and_shows_what_happened_meanwhile(
    live_server, rita, sam, record, chromium
):
    detail = reverse("verifications:detail", args=[record.pk])
    contexts = []
    try:
        context_a, a = open_as(chromium, live_server, rita, detail)
        context_b, b = open_as(chromium, live_server, sam, detail)
        contexts += [context_a, context_b]

        a.get_by_role("button", name="Assign to me", exact=True).click()
        a.locator("#case-activity").get_by_text("rita took the case").wait_for()
        b.get_by_role("button", name="Assign to me", exact=True).click()

        b.locator("#case .message.error").get_by_text(
            "Someone changed this case while you were looking at it (rita took the case"
        ).wait_for()
        assert "rita" in b.locator("#case dd").first.inner_text()
        assert steps(b) == ["rita took the case"]
        assert Review.objects.get(pk=record.pk).assignee == rita
        assert b.csp_violations == []
    finally:
        for context in contexts:
            context.close()
