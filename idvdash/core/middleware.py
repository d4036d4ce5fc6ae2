"""Security middleware: session lifetime, htmx-aware login redirects, no caching of records.

Session lifetime
    A signed-in session ends after SESSION_IDLE_TIMEOUT without activity and, whatever
    the activity, SESSION_ABSOLUTE_TIMEOUT after sign-in. Activity is any request except
    polling: an htmx request fired by an element listed in SESSION_POLLING_TRIGGERS (its
    `HX-Trigger` id; the Sync page's `sync-status` refreshes every 2 s) or one that sends
    the `X-Idvdash-Poll` header. A page left open on the Sync page therefore still times
    out. The clock is written to the session at most once per SESSION_ACTIVITY_GRANULARITY,
    so a busy reviewer does not cause a session write on every request.
"""

from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

SIGNED_IN_AT = "idvdash.signed_in_at"
ACTIVE_AT = "idvdash.active_at"
POLL_HEADER = "X-Idvdash-Poll"
SESSION_ENDED_MESSAGE = "Your session ended. Please sign in again."
NO_STORE = "no-store, private"


def _now() -> float:
    return timezone.now().timestamp()


def is_polling(request: HttpRequest) -> bool:
    """Tell whether a request only refreshes what is on screen (does not count as activity)."""
    if request.headers.get("HX-Request") != "true":
        return False
    if request.headers.get(POLL_HEADER):
        return True
    return request.headers.get("HX-Trigger", "") in settings.SESSION_POLLING_TRIGGERS


def mark_signed_in(request: HttpRequest) -> None:
    """Start the session clocks (called when someone signs in)."""
    now = _now()
    request.session[SIGNED_IN_AT] = now
    request.session[ACTIVE_AT] = now


def session_expired(request: HttpRequest, now: float) -> bool:
    """Tell whether the signed-in session is past its idle or absolute limit."""
    signed_in = request.session.get(SIGNED_IN_AT)
    active = request.session.get(ACTIVE_AT, signed_in)
    if not isinstance(signed_in, int | float) or not isinstance(active, int | float):
        return True
    idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
    absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
    return now - active > idle or now - signed_in > absolute


class SessionLifetimeMiddleware:
    """Sign out idle sessions and sessions older than the absolute limit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = _now()
            if SIGNED_IN_AT not in request.session:
                # A session from before these clocks existed: it starts counting now.
                mark_signed_in(request)
            elif session_expired(request, now):
                logout(request)
                messages.info(request, SESSION_ENDED_MESSAGE)
            elif not is_polling(request):
                granularity = settings.SESSION_ACTIVITY_GRANULARITY.total_seconds()
                if now - request.session.get(ACTIVE_AT, 0) >= granularity:
                    request.session[ACTIVE_AT] = now
        return self.get_response(request)


def _login_paths() -> set[str]:
    return {resolve_url(settings.LOGIN_URL), reverse("admin:login")}


class HtmxLoginRedirectMiddleware:
    """Turn the login redirect of an htmx request into `HX-Redirect`, so the whole page moves.

    Without it htmx follows the 302 and swaps the sign-in form into a fragment.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.headers.get("HX-Request") == "true"
            and response.status_code in (301, 302, 303, 307, 308)
            and urlsplit(response.get("Location", "")).path in _login_paths()
        ):
            client_redirect = HttpResponseClientRedirect(
                _back_to_page(request, response["Location"])
            )
            # Keep the headers the inner middleware set (X-Frame-Options, Vary, ...).
            for header, value in response.headers.items():
                if header.lower() not in {"location", "content-length", "content-type"}:
                    client_redirect.headers.setdefault(header, value)
            return client_redirect
        return response


def _back_to_page(request: HttpRequest, location: str) -> str:
    """Return the sign-in URL with `next` set to the page the fragment was on, if known."""
    htmx = getattr(request, "htmx", None)
    page = htmx.current_url_abs_path if htmx else None
    if not page:
        return location
    parts = urlsplit(location)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "next"]
    query.append(("next", page))
    return urlunsplit(parts._replace(query=urlencode(query, safe="/")))


class NoStoreMiddleware:
    """Keep signed-in responses out of every cache (pages hold personal data).

    A response that already says how it may be cached keeps its own Cache-Control.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = NO_STORE
        return response
