"""Every route, present and future, needs a sign-in unless it is listed as public.

R2: every route needs a sign-in; htmx requests are sent there with HX-Redirect.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from tests.routes import PRIVATE_ROUTES, PUBLIC, ROUTES

pytestmark = pytest.mark.django_db

CURRENT_PAGE = "/verifications/?outcome=declined"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{CURRENT_PAGE}"}


def login_paths() -> set[str]:
    return {reverse("login"), reverse("admin:login")}


def test_the_walk_finds_the_routes_we_know():
    names = {name for name, _ in ROUTES}
    assert {"overview", "login", "logout", "admin:index"} <= names
    assert set(PUBLIC) <= names


@pytest.mark.parametrize(("name", "url"), ROUTES)
def test_anonymous_get_is_sent_to_a_login_page(client, name, url):
    response = client.get(url)

    if name in PUBLIC:
        assert response.status_code in PUBLIC[name]
    else:
        assert response.status_code == 302, url
        location = response.headers["Location"].split("?")[0]
        assert location in {reverse("login"), reverse("admin:login")}, url


@pytest.mark.parametrize(("name", "url"), PRIVATE_ROUTES)
def test_a_plain_anonymous_request_is_redirected_to_sign_in(client, name, url):
    response = client.get(url)

    assert response.status_code == 302, url
    assert response["Location"].split("?")[0] in login_paths(), url
    assert "HX-Redirect" not in response


@pytest.mark.parametrize(("name", "url"), PRIVATE_ROUTES)
def test_an_anonymous_htmx_request_moves_the_whole_page_to_sign_in(client, name, url):
    response = client.get(url, **HTMX)

    if response.status_code in (401, 403):
        return
    assert response.status_code == 200, url
    assert response["HX-Redirect"].split("?")[0] in login_paths(), url
    # After signing in, back to the page the fragment was on, not to the fragment.
    assert parse_qs(urlsplit(response["HX-Redirect"]).query)["next"] == [CURRENT_PAGE]
    assert response.content == b""


@pytest.mark.parametrize(("name", "url"), PRIVATE_ROUTES)
def test_an_anonymous_htmx_post_is_refused_or_sent_to_sign_in(client, name, url):
    response = client.post(url, **HTMX)

    assert response.status_code in (200, 401, 403, 405), url
    if response.status_code == 200:
        assert response["HX-Redirect"].split("?")[0] in login_paths(), url


def test_a_signed_in_htmx_request_is_not_redirected(reviewer_client):
    response = reviewer_client.get(reverse("overview"), **HTMX)

    assert response.status_code == 200
    assert "HX-Redirect" not in response
