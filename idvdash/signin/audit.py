"""The sign-in audit: every sign-in, refusal, second-factor change and IdP role change.

Receivers of Django's, allauth's and allauth.mfa's signals write one SignInEvent
each. Nothing here stores or logs a password, token, code or secret: Django hides
the password of a failed sign-in before the signal, and only method names, provider
ids, authenticator types and our own refusal reasons are kept.
"""

from __future__ import annotations

import logging

from allauth.account import signals as account_signals
from allauth.account.authentication import get_authentication_records
from allauth.mfa import signals as mfa_signals
from axes.helpers import get_client_ip_address
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver
from django.http import HttpRequest

from .config import provider_config
from .models import SignInEvent
from .roles import apply_roles

logger = logging.getLogger(__name__)
BREAK_GLASS_MESSAGE = (
    "Break-glass sign-in: admin account %r (id %s) signed in locally with %s from %s, "
    "not through single sign-on"
)


def _ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    try:
        return get_client_ip_address(request) or None
    except (ValueError, AttributeError):
        return None


def _record(kind: str, request: HttpRequest | None, *, user=None, **fields) -> SignInEvent:
    if user is not None and not fields.get("username"):
        fields["username"] = user.get_username()
    return SignInEvent.objects.create(kind=kind, user=user, ip_address=_ip(request), **fields)


def sign_in_method(records: list[dict]) -> str:
    """How a session signed in, from allauth's records: `password+mfa:totp`, `sso:entra`."""
    steps = []
    for record in records:
        method = record.get("method")
        if method == "socialaccount":
            steps.append(f"sso:{record.get('provider', '?')}")
        elif method == "mfa":
            steps.append(f"mfa:{record.get('type', '?')}")
        elif isinstance(method, str):
            steps.append(method)
    return "+".join(dict.fromkeys(steps)) or "password"


def record_sso_failure(request: HttpRequest, *, provider_id: str, reason: str) -> None:
    _record(SignInEvent.Kind.FAILED, request, method=f"sso:{provider_id}", detail=reason)


@receiver(auth_signals.user_logged_in, dispatch_uid="idvdash.signin.signed_in")
def on_signed_in(sender, request, user, **kwargs) -> None:
    records = get_authentication_records(request, user) if request is not None else []
    method = sign_in_method(records)
    _record(SignInEvent.Kind.SIGNED_IN, request, user=user, method=method)
    if (user.is_staff or user.is_superuser) and not method.startswith("sso:"):
        # With single sign-on configured, a local admin is the break-glass account;
        # without it, every admin is local, and said so as loudly.
        logger.warning(BREAK_GLASS_MESSAGE, user.get_username(), user.pk, method, _ip(request))


@receiver(account_signals.user_logged_in, dispatch_uid="idvdash.signin.idp_roles")
def on_allauth_signed_in(sender, request, user, sociallogin=None, **kwargs) -> None:
    """After a single sign-on: the roles become what the identity provider says now."""
    if sociallogin is not None:
        _apply_idp_roles(request, user, sociallogin)


def _apply_idp_roles(request: HttpRequest, user, sociallogin) -> None:
    provider = provider_config(sociallogin.account.provider)
    claims = (sociallogin.account.extra_data or {}).get("id_token") or {}
    if provider is None:
        return
    change = apply_roles(user=user, provider=provider, claims=claims)
    if change:
        _record(
            SignInEvent.Kind.ROLES_CHANGED,
            request,
            user=user,
            method=f"sso:{provider.id}",
            detail=str(change)[:200],
        )
        logger.info("Roles of user id %s changed by %s: %s", user.pk, provider.id, change)


@receiver(auth_signals.user_logged_out, dispatch_uid="idvdash.signin.signed_out")
def on_signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        _record(SignInEvent.Kind.SIGNED_OUT, request, user=user)


@receiver(auth_signals.user_login_failed, dispatch_uid="idvdash.signin.failed")
def on_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username") or credentials.get("login") or "")[:150]
    locked = bool(getattr(request, "axes_locked_out", False))
    _record(
        SignInEvent.Kind.FAILED,
        request,
        username=username,
        method="password",
        detail="locked out (too many failed attempts)" if locked else "wrong username or password",
    )


def _mfa(kind: str, request, user, authenticator, **fields) -> None:
    _record(kind, request, user=user, method=f"mfa:{authenticator.type}", **fields)


@receiver(mfa_signals.authenticator_added, dispatch_uid="idvdash.signin.mfa_added")
def on_mfa_added(sender, request, user, authenticator, **kwargs) -> None:
    _mfa(SignInEvent.Kind.MFA_ADDED, request, user, authenticator)


@receiver(mfa_signals.authenticator_removed, dispatch_uid="idvdash.signin.mfa_removed")
def on_mfa_removed(sender, request, user, authenticator, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session.pop("idvdash.has_second_factor", None)  # checked again next request
    _mfa(SignInEvent.Kind.MFA_REMOVED, request, user, authenticator)


@receiver(mfa_signals.authenticator_reset, dispatch_uid="idvdash.signin.mfa_reset")
def on_mfa_reset(sender, request, user, authenticator, **kwargs) -> None:
    _mfa(SignInEvent.Kind.MFA_RESET, request, user, authenticator)


@receiver(mfa_signals.authentication_failed, dispatch_uid="idvdash.signin.mfa_failed")
def on_mfa_failed(sender, request, user, authenticator, **kwargs) -> None:
    _mfa(SignInEvent.Kind.MFA_FAILED, request, user, authenticator, detail="wrong code")


def record_admin_reset(request: HttpRequest, authenticators: list) -> None:
    """An admin deleted second factors in the admin (a lost phone): one entry each, on the
    person's record, saying which admin did it."""
    admin = request.user.get_username()
    for authenticator in authenticators:
        _record(
            SignInEvent.Kind.MFA_REMOVED,
            request,
            user=authenticator.user,
            method=f"mfa:{authenticator.type}",
            detail=f"reset by admin {admin}"[:200],
        )
        logger.warning(
            "Second factor (%s) of user id %s removed by admin id %s",
            authenticator.type,
            authenticator.user_id,
            request.user.pk,
        )
