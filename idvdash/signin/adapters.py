"""allauth adapters: who may sign in how, and what a single sign-on does to the account."""

from __future__ import annotations

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.template.response import TemplateResponse
from requests import RequestException

from idvdash.providers import crypto

from . import audit

logger = logging.getLogger(__name__)

# Where a session signed in through allauth is checked on each request: Django's
# ModelBackend (one query for permissions), which also refuses an inactive user.
SESSION_BACKEND = "idvdash.core.auth.PermissionBackend"
SSO_REFUSED_TEMPLATE = "signin/sso_refused.html"
OWN_REASONS = ("ID token refused",)


def refusal_reason(error: object, exception: BaseException | None) -> str:
    """Why a single sign-on was refused, in words safe for the audit and the log.

    Only idvdash's own messages are kept whole; anything else (allauth's and requests'
    messages can quote the identity provider's answer) is reduced to its type.
    """
    if exception is None:
        return f"identity provider answered: {error or 'unknown'}"[:200]
    message = str(exception)
    if message.startswith(OWN_REASONS):
        return message[:200]
    if isinstance(exception, RequestException):
        return f"identity provider unreachable or failing ({type(exception).__name__})"
    return type(exception).__name__


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Nobody signs up with a password: admins create local accounts."""
        return False

    def login(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        # allauth would otherwise pick the first backend, django-axes's, whose
        # sessions can never be resumed.
        if not hasattr(user, "backend"):
            user.backend = SESSION_BACKEND  # type: ignore[attr-defined]
        super().login(request, user)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        """Anyone the configured identity provider signs in gets an account (roles decide the rest)."""
        return True

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True

    def can_authenticate_by_email(self, login: SocialLogin, email: str) -> bool:
        """Never: an account is found by the provider's subject, never by an e-mail address."""
        return False

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict):
        user = super().populate_user(request, sociallogin, data)
        # A new account's username is derived from the IdP's, made unique: a local
        # account with the same name stays a different account.
        wanted = data.get("username") or (data.get("email") or "").partition("@")[0]
        user.username = get_account_adapter(request).generate_unique_username([wanted, "sso-user"])
        return user

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        reason = refusal_reason(error, exception)
        audit.record_sso_failure(request, provider_id=provider.sub_id, reason=reason)
        logger.warning("Single sign-on through %s refused: %s", provider.sub_id, reason)
        raise ImmediateHttpResponse(
            TemplateResponse(
                request,
                SSO_REFUSED_TEMPLATE,
                {"provider_name": provider.name, "cancelled": error == "cancelled"},
                status=403,
            )
        )


class MFAAdapter(DefaultMFAAdapter):
    """Second-factor secrets (TOTP keys, recovery-code seeds) encrypted like provider
    credentials: MultiFernet over CREDENTIAL_KEYS (rotate_credentials_key re-encrypts them)."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt_text(encrypted_text)
