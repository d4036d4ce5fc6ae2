"""One whole single sign-on in Chromium: idvdash → the identity provider → back, signed in."""

import pytest
from django.urls import reverse

from tests.plugins.idp import CLIENT_ID, CLIENT_SECRET, PROVIDER_ID, callback_uris

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_signs_in_through_the_identity_provider(
    live_server, oidc_provider, browser_page
):
    callback = f"{live_server.url}{reverse('openid_connect_callback', args=[PROVIDER_ID])}"
    oidc_provider.post(
        "client",
        {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [*callback_uris(), callback],
        },
    )
    oidc_provider.person("erin", "erins-idp-password", groups=["idv-reviewers"])
    page = browser_page
    list_path = reverse("verifications:list")

    page.goto(f"{live_server.url}{reverse('login')}?next={list_path}")
    page.get_by_role("button", name="Sign in with Test IdP").click()
    page.wait_for_url(f"{oidc_provider.url}/**")
    page.fill('input[name="login"]', "erin")
    page.fill('input[name="password"]', "erins-idp-password")
    page.locator('form button[type="submit"]').first.click()

    page.wait_for_url(f"{live_server.url}{list_path}")
    assert page.locator(".who").inner_text().startswith("erin")
    assert page.csp_violations == []
