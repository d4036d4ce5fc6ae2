"""Every URL pattern of the project, walked from the resolver (new routes are included)."""

import re
import uuid
from collections.abc import Iterator, Mapping

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

# route name → statuses an anonymous GET may get. Keep this list short and justified.
PUBLIC = {
    "login": {200},  # the sign-in page itself
    "account_login": {200},  # the same page under allauth's name (never reached: same path)
    "account_inactive": {200},  # "this account is inactive", after a refused sign-in
    "socialaccount_login_cancelled": {200},  # "sign-in cancelled at the identity provider"
    # Single sign-on: start and return; an unknown provider id (as in this walk) is 404.
    "openid_connect_login": {404},
    "openid_connect_callback": {404},
    "healthz": {200},  # the load balancer's liveness probe: a fixed text, no data
    # Provider webhooks: POST only (a GET is 405); a delivery proves itself by signature.
    "webhook": {405},
}
# Routes a POST reaches without a CSRF token: a provider cannot hold one; its signature,
# checked before anything is stored, stands in for it.
CSRF_EXEMPT = {"webhook"}
SAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x/y", "uuid": str(uuid.UUID(int=1))}
REGEX_SAMPLES = ["providers/", "1/", "x/", "x", ""]


def _part(pattern, samples: Mapping[str, str]) -> str:
    """A concrete URL fragment that `pattern` matches."""
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        for name, converter in pattern.converters.items():
            kind = type(converter).__name__.removesuffix("Converter").lower()
            route = re.sub(rf"<(\w+:)?{name}>", samples.get(kind, "1"), route)
        return route
    for sample in REGEX_SAMPLES:
        match = pattern.regex.match(sample)
        if match and match.end() == len(sample):
            return sample
    raise AssertionError(f"no sample URL matches {pattern}")


def walk(
    entries=None, prefix: str = "", namespace: str = "", samples: Mapping[str, str] = SAMPLE
) -> Iterator[tuple[str, str, URLPattern]]:
    """Yield (name, url, pattern) for every URL pattern, with samples for its converters."""
    for entry in get_resolver().url_patterns if entries is None else entries:
        here = prefix + _part(entry.pattern, samples)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, here, ns, samples)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>"
            yield name, "/" + here, entry


def routes(samples: Mapping[str, str] = SAMPLE) -> list[tuple[str, str]]:
    """Sorted (name, url) of every route."""
    return sorted({(name, url) for name, url, _ in walk(samples=samples)})


ROUTES = routes()
ADMIN_ROUTES = [(name, url) for name, url in ROUTES if name.startswith("admin:")]
PRIVATE_ROUTES = [(name, url) for name, url in ROUTES if name not in PUBLIC]


def body_of(response) -> str:
    """The response body as text, streamed or not."""
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")
