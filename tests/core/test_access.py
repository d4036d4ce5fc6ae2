"""Every route, present and future, needs a login unless it is listed here as public."""

import pytest
from django.urls import reverse

from tests.routes import PUBLIC, ROUTES

pytestmark = pytest.mark.django_db


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
