"""In a real browser: a reviewer on a Swan sanction hit links the suggested person and
sees the iDenfy and Stora history on one page, with no Content Security Policy report."""

import pytest
from django.urls import reverse

from idvdash.people.models import Subject
from idvdash.providers.traits import Traits
from idvdash.reviews.roles import ensure_groups
from idvdash.verifications.models import Outcome, Verification
from tests.conftest import PASSWORD
from tests.e2e.conftest import chromium, watched_page  # noqa: F401 (a fixture)
from tests.people.helpers import record, write

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

JONAS = Traits(names=("Jonas Petraitis",), birth_dates=("1990-04-12",))


def test_a_reviewer_links_the_swan_hit_to_the_suggested_person(
    live_server,
    make_user,
    make_account,
    chromium,  # noqa: F811
):
    ensure_groups()
    rita = make_user("rita", reviewer=True)
    idenfy, stora, swan = (make_account(kind) for kind in ("idenfy", "stora", "swan"))
    both = Traits(
        customer_refs=("client-0004812",),
        **{"names": JONAS.names, "birth_dates": JONAS.birth_dates},
    )
    write(idenfy, record("scan-declined", "client-0004812", both, status="DENIED"))
    write(stora, record("idver_5", "con_5", Traits(customer_refs=("client-0004812",))))
    (hit,) = write(swan, record("swan-hit", "9b1e-4c", JONAS))
    Verification.objects.filter(pk=hit.pk).update(suspected=True, outcome=Outcome.SUSPECTED)
    person = Subject.objects.get(ref="con_5").person

    context, page = watched_page(chromium, height=900)
    try:
        detail = reverse("verifications:detail", args=[hit.pk])
        page.goto(f"{live_server.url}{reverse('login')}?next={detail}")
        page.fill("#id_username", rita.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}{detail}")

        suggestion = page.locator(".person-panel ul.suggestions li").first
        assert "Strong: name and date of birth" in suggestion.inner_text()
        suggestion.get_by_label("Reason").fill("Name and date of birth agree; passport checked.")
        suggestion.get_by_role("button", name=f"Link to person {person.pk}").click()

        page.wait_for_url(f"{live_server.url}{reverse('people:detail', args=[person.pk])}")
        timeline = page.locator("table.person-timeline").inner_text()
        for provider in ("iDenfy", "Stora", "Swan"):
            assert provider in timeline
        assert "by rita: Name and date of birth agree" in page.locator(".link-history").inner_text()
        assert page.csp_violations == []
    finally:
        context.close()
