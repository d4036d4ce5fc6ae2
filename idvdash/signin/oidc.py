"""OpenID Connect sign-in: allauth's provider, with the checks it leaves out made strict.

allauth's `openid_connect` provider sends PKCE (turned on in the settings) and a
`state`, and checks the ID token's issuer, audience and expiry. Two things it does
not do, done here:

- it skips the ID token's signature when the token came straight from the token
  endpoint (the specification allows it over TLS); idvdash always verifies it
  against the provider's published keys, so a token altered anywhere is refused;
- it sends no `nonce`; idvdash sends one with every sign-in, keeps it in the state,
  and refuses an ID token that does not carry it back.

An ID token must also carry `sub`, `iat` and `exp`. The views are allauth's with
this adapter; the URL names stay allauth's, so allauth builds every link.
"""

from __future__ import annotations

import secrets
from typing import Any

from allauth.account.internal.decorators import login_not_required
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.deferred import jwt
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit, statekit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base.constants import AuthError
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from requests import RequestException

NONCE_KEY = "nonce"
# Seconds of clock difference tolerated between idvdash and the identity provider.
CLOCK_LEEWAY = 30
REQUIRED_CLAIMS = ["iss", "aud", "sub", "iat", "exp"]


class IdvdashOIDCAdapter(OpenIDConnectOAuth2Adapter):
    expected_nonce: str | None = None

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict:
        config = self.openid_config
        try:
            algorithm, key = jwtkit.fetch_key(id_token, config["jwks_uri"], jwtkit.lookup_kid_jwk)
            if algorithm.upper().startswith("HS") or algorithm == "none":
                raise OAuth2Error("ID token not signed with the provider's key")
            claims = jwt.decode(
                id_token,
                key=key,
                algorithms=[algorithm],
                issuer=config["issuer"],
                audience=app.client_id,
                leeway=CLOCK_LEEWAY,
                options={"require": REQUIRED_CLAIMS, "verify_signature": True},
            )
        except (jwt.PyJWTError, KeyError) as err:
            raise OAuth2Error(f"ID token refused: {type(err).__name__}") from None
        except OAuth2Error:
            raise OAuth2Error(
                "ID token refused: not signed by a key the provider publishes"
            ) from None
        nonce = claims.get(NONCE_KEY)
        if not (
            self.expected_nonce
            and isinstance(nonce, str)
            and constant_time_compare(nonce, self.expected_nonce)
        ):
            raise OAuth2Error("ID token refused: nonce does not match this sign-in")
        try:
            jwtkit.verify_jti(claims)  # a replayed token (same issuer and jti) is refused
        except OAuth2Error:
            raise OAuth2Error("ID token refused: already used") from None
        return claims


class IdvdashOIDCProvider(OpenIDConnectProvider):
    package = "allauth.socialaccount.providers.openid_connect"
    oauth2_adapter_class = IdvdashOIDCAdapter
    pkce_enabled_default = True

    def redirect(self, request: HttpRequest, process, next_url=None, data=None, **kwargs: Any):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        kwargs["auth_params"] = {**auth_params, NONCE_KEY: nonce}
        # Everything in kwargs beyond allauth's own is kept in the sign-in's state.
        return super().redirect(request, process, next_url, data, **{NONCE_KEY: nonce, **kwargs})


def _stashed_nonce(request: HttpRequest) -> str | None:
    """The nonce of the sign-in this callback answers (read; allauth pops the state)."""
    state_id = request.GET.get("state", "")
    stashed = statekit.get_states(request).get(state_id)
    if not stashed:
        return None
    state = stashed[0]
    return state.get(NONCE_KEY) if isinstance(state, dict) else None


def _refused(request: HttpRequest, adapter: IdvdashOIDCAdapter, err: Exception) -> HttpResponse:
    """The refusal page for a provider that could not be reached or answered nonsense."""
    try:
        get_adapter(request).on_authentication_error(
            request, adapter.get_provider(), error=AuthError.UNKNOWN, exception=err
        )
    except ImmediateHttpResponse as response:
        return response.response
    raise err


def _run(view, request: HttpRequest, adapter: IdvdashOIDCAdapter) -> HttpResponse:
    try:
        return view.adapter_view(adapter)(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    except (RequestException, KeyError, ValueError) as err:
        # The discovery document or keys could not be read (down, or not OIDC).
        return _refused(request, adapter, err)


@login_not_required
def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    return _run(OAuth2LoginView, request, IdvdashOIDCAdapter(request, provider_id))


@login_not_required
def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    adapter = IdvdashOIDCAdapter(request, provider_id)
    adapter.expected_nonce = _stashed_nonce(request)
    return _run(OAuth2CallbackView, request, adapter)
