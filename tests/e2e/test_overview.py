"""The Overview in a real browser: a reason on the chart opens the list of its records,
a bar opens its day's list, and nothing on the way breaks the CSP or the console."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from idvdash.verifications.models import Outcome
from tests.e2e.test_reviewer_flows import sign_in
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def records():
    now = timezone.now()
    swan = ProviderAccountFactory(kind="swan", name="swan-main")
    for n in range(3):
        VerificationFactory(
            external_id=f"hit-{n}",
            outcome=Outcome.DECLINED,
            reason_codes=["SanctionListHit"],
            provider_created_at=now - timedelta(days=2),
        )
    VerificationFactory(external_id="fake-0", reason_codes=["DOC_FAKE"])
    VerificationFactory(
        account=swan,
        external_id="swan-0",
        outcome=Outcome.APPROVED,
        provider_created_at=now - timedelta(days=1),
    )


def watch_console(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda err: errors.append(str(err)))
    return errors


def test_clicking_a_reason_opens_the_list_of_its_records(
    live_server, reviewer, records, browser_page
):
    page = browser_page
    errors = watch_console(page)
    sign_in(page, live_server, reviewer, reverse("overview"))
    assert page.locator("svg.chart-strip").count() >= 2

    page.locator("a.reason-door", has_text="SanctionListHit").click()

    page.wait_for_url(re.compile(r"/verifications/\?.*reason=SanctionListHit"))
    rows = page.locator("#results tbody tr")
    assert rows.count() == 3
    assert all(t.startswith("hit-") or "hit-" in t for t in rows.all_inner_texts())
    assert page.locator("#id_reason option[value=SanctionListHit]").evaluate("o => o.selected")
    assert page.csp_violations == []
    assert errors == []


def test_clicking_a_bar_opens_that_days_list(live_server, reviewer, records, browser_page):
    page = browser_page
    errors = watch_console(page)
    sign_in(page, live_server, reviewer, reverse("overview") + "?period=7")

    bar = page.locator(
        'svg.chart-strip a[data-chart="providers"][data-series="swan"][data-value="1"]'
    )
    bar.click()

    day = (timezone.now() - timedelta(days=1)).date().isoformat()
    page.wait_for_url(re.compile(rf"provider=swan&created_from={day}&created_to={day}"))
    assert page.locator("#results tbody tr").all_inner_texts()[0].count("swan-0") == 1
    assert page.locator("#results tbody tr").count() == 1
    assert page.csp_violations == []
    assert errors == []


def test_a_week_of_the_90_day_outcome_mix_opens_that_weeks_list(
    live_server, reviewer, records, browser_page
):
    page = browser_page
    errors = watch_console(page)
    sign_in(page, live_server, reviewer, reverse("overview") + "?period=90")

    # The last week (today and the six days before) holds the three declined "hit-" records.
    bar = page.locator(
        'svg.chart-strip a[data-chart="outcomes"][data-series="declined"][data-value="3"]'
    )
    bar.click()

    today = timezone.now().date()
    first = (today - timedelta(days=6)).isoformat()
    page.wait_for_url(
        re.compile(rf"outcome=declined&created_from={first}&created_to={today.isoformat()}")
    )
    assert sorted(page.locator("#results tbody tr").all_inner_texts())[0].count("hit-") == 1
    assert page.locator("#results tbody tr").count() == 3
    assert page.csp_violations == []
    assert errors == []
