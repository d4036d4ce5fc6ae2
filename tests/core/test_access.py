"""Every route, present and future, needs a login unless it is listed here as public."""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

pytestmark = pytest.mark.django_db

# route name → statuses an anonymous GET may get. Keep this list short and justified.
PUBLIC = {
    "login": {200},  # the sign-in page itself
    "admin:login": {200},  # the admin's sign-in page
}
SAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x/y", "uuid": str(uuid.UUID(int=1))}
REGEX_SAMPLES = ["providers/", "1/", "x/", "x", ""]


def _part(pattern) -> str:
    """A concrete URL fragment that `pattern` matches."""
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        for name, converter in pattern.converters.items():
            kind = type(converter).__name__.removesuffix("Converter").lower()
            route = re.sub(rf"<(\w+:)?{name}>", SAMPLE.get(kind, "1"), route)
        return route
    for sample in REGEX_SAMPLES:
        match = pattern.regex.match(sample)
        if match and match.end() == len(sample):
            return sample
    raise AssertionError(f"no sample URL matches {pattern}")


def walk(entries=None, prefix="", namespace=""):
    for entry in get_resolver().url_patterns if entries is None else entries:
        here = prefix + _part(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, here, ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>"
            yield name, "/" + here


ROUTES = sorted(set(walk()))


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
