"""R8: security headers on every page and partial; a strict CSP the admin still works under."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.urls import reverse

from idvdash.core.middleware import NO_STORE
from tests.plugins.samples import SAMPLE_ID, SAMPLES
from tests.routes import routes

pytestmark = pytest.mark.django_db

ROUTES = routes(SAMPLES)
HTMX = {"HTTP_HX_REQUEST": "true"}
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
NONCE = re.compile(r"'nonce-([^']+)'")


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def assert_secure_headers(response, url: str, *, signed_in: bool) -> None:
    csp = directives(response)
    scripts = csp.get("script-src", csp.get("default-src"))
    assert "'unsafe-inline'" not in scripts, url
    assert "'unsafe-eval'" not in scripts, url
    assert "'unsafe-inline'" not in csp["default-src"], url
    assert csp["frame-ancestors"] == ["'none'"], url
    assert csp["object-src"] == ["'none'"], url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
    assert response["X-Frame-Options"] == "DENY", url
    if signed_in and response.get("Content-Type", "").startswith("text/html"):
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


@pytest.mark.parametrize(("name", "url"), ROUTES)
def test_every_page_and_partial_has_the_security_headers(
    client, sample_data, reviewer, admin_user, name, url
):
    client.get(reverse("login"))  # anonymous
    assert_secure_headers(client.get(url), url, signed_in=False)
    for user in (reviewer, admin_user):
        client.force_login(user)
        for extra in ({}, HTMX):
            response = client.get(url, **extra)
            assert response.status_code < 500, (url, user, extra)
            assert_secure_headers(response, url, signed_in=True)


def test_a_view_that_sets_its_own_cache_control_keeps_it(reviewer_client):
    # The login view is never_cache: Django's own, stricter header is kept as it is.
    response = reviewer_client.get(reverse("login"))

    assert response["Cache-Control"] != NO_STORE or response.status_code == 302


def test_signed_in_pages_are_never_stored(reviewer_client):
    response = reviewer_client.get(reverse("overview"))

    assert response["Cache-Control"] == NO_STORE


def test_hsts_in_production(client):
    with override_settings(
        SECURE_HSTS_SECONDS=31_536_000,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
        SECURE_HSTS_PRELOAD=True,
    ):
        response = client.get(reverse("login"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_htmx_is_configured_for_a_strict_csp(reviewer_client):
    body = reviewer_client.get(reverse("overview")).content.decode()

    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", body)
    assert config, "base.html lost its htmx-config meta"
    values = json.loads(config.group(1))
    assert values["includeIndicatorStyles"] is False  # no inline <style> injected
    assert values["allowEval"] is False
    assert values["allowScriptTags"] is False
    assert values["historyCacheSize"] == 0  # no personal data in localStorage
    assert values["selfRequestsOnly"] is True


@pytest.mark.parametrize(
    "url",
    [
        f"/admin/providers/provideraccount/{SAMPLE_ID}/change/",
        "/admin/providers/provideraccount/add/",
        "/admin/providers/provideraccount/",
        f"/admin/auth/user/{SAMPLE_ID}/change/",
        "/verifications/",
        f"/verifications/{SAMPLE_ID}/",
        "/",
    ],
)
def test_every_script_loads_under_the_csp(client, sample_data, admin_user, reviewer, url):
    client.force_login(admin_user if url.startswith("/admin/") else reviewer)
    response = client.get(url)
    assert response.status_code == 200
    nonces = NONCE.findall(response["Content-Security-Policy"])
    body = response.content.decode()

    tags = SCRIPT_TAG.findall(body)
    assert tags, "expected scripts on the page"
    for attributes in tags:
        src = re.search(r'src="([^"]+)"', attributes)
        nonce = re.search(r'nonce="([^"]+)"', attributes)
        if src:
            path = src.group(1)
            assert path.startswith("/"), f"{path}: not ours"
            assert not path.startswith("//"), f"{path}: not ours"
            if path.startswith(settings.STATIC_URL):
                relative = path.removeprefix(settings.STATIC_URL).split("?")[0]
                assert finders.find(relative), f"{path} is not a static file"
            else:  # a script served by a view (the admin's jsi18n)
                script = client.get(path)
                assert script.status_code == 200, path
                assert "javascript" in script["Content-Type"], path
        else:
            # An inline script runs only with this response's nonce (data blocks never run).
            is_data = re.search(r'type="application/(json|ld\+json)"', attributes)
            assert is_data or (nonce and nonce.group(1) in nonces), attributes
    assert not re.search(r"\son[a-z]+=\"", body), "inline event handlers are blocked by the CSP"
