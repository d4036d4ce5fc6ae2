"""Second factors are not optional: a signed-in account that needs one and has none enrols."""

from collections.abc import Callable

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from .audit import sign_in_method

ENROL_MESSAGE = (
    "Your account needs a second factor before you can go on: add an authenticator "
    "app or a security key."
)
# Recovery codes back a second factor up; they are not one on their own.
SECOND_FACTORS = ["totp", "webauthn"]
# Set once the session's account is seen with a second factor (saves a query a request);
# removing an authenticator clears it (idvdash.signin.audit).
HAS_SECOND_FACTOR = "idvdash.has_second_factor"


def needs_second_factor(request: HttpRequest, user) -> bool:
    """Tell whether this session's account must have a second factor (and so far has none)."""
    if not user.is_authenticated:
        return False
    if sign_in_method(get_authentication_records(request, user)).startswith("sso:"):
        return False  # the identity provider asked for its own second factor
    if not (user.is_staff or user.is_superuser or settings.MFA_REQUIRED_FOR_LOCAL):
        return False
    if request.session.get(HAS_SECOND_FACTOR) == user.pk:
        return False
    if is_mfa_enabled(user, types=SECOND_FACTORS):
        request.session[HAS_SECOND_FACTOR] = user.pk
        return False
    return True


def _exempt_prefixes() -> tuple[str, ...]:
    return (
        reverse("mfa_index"),
        reverse("logout"),
        reverse("account_logout"),
        reverse("account_reauthenticate"),
        settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}",
        reverse("healthz"),
        "/webhooks/",
    )


class RequireSecondFactorMiddleware:
    """Send an account without the second factor it needs to enrolment, from any page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(_exempt_prefixes()) or not needs_second_factor(
            request, request.user
        ):
            return self.get_response(request)
        messages.warning(request, ENROL_MESSAGE)
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(reverse("mfa_index"))
        return redirect("mfa_index")
