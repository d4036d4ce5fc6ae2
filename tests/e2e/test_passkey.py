"""A security key (WebAuthn) in Chromium: enrolled when required, then asked at sign-in.

Chromium's virtual authenticator (DevTools protocol) stands in for the key.
"""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def password_sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_a_staff_account_enrols_a_security_key_and_signs_in_with_it(
    live_server, make_user, browser_page
):
    staff = make_user("stan")
    staff.is_staff = True
    staff.save()
    page = browser_page
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )

    password_sign_in(page, live_server, "stan")
    page.goto(f"{live_server.url}{reverse('overview')}")
    page.wait_for_url(f"{live_server.url}{reverse('mfa_index')}")  # enrolment is forced

    page.goto(f"{live_server.url}{reverse('mfa_add_webauthn')}")
    page.wait_for_url(f"{live_server.url}{reverse('account_reauthenticate')}*")
    page.fill('input[name="password"]', PASSWORD)
    page.locator('main form button[type="submit"]').first.click()
    page.wait_for_url(f"{live_server.url}{reverse('mfa_add_webauthn')}*")
    page.fill('input[name="name"]', "desk key")
    page.click("#mfa_webauthn_add")
    page.wait_for_url(lambda url: reverse("mfa_add_webauthn") not in url)
    assert Authenticator.objects.filter(user=staff, type="webauthn").exists()

    page.goto(f"{live_server.url}{reverse('overview')}")
    assert page.url == f"{live_server.url}{reverse('overview')}"

    page.context.clear_cookies()
    password_sign_in(page, live_server, "stan")
    page.wait_for_url(f"{live_server.url}{reverse('mfa_authenticate')}")
    page.click("#mfa_webauthn_authenticate")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator(".who").inner_text() == "stan"
    assert page.csp_violations == []
