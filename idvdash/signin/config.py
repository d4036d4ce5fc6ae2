"""Identity providers from the environment: one JSON list in OIDC_PROVIDERS.

Each entry is one OpenID Connect provider (an Entra ID tenant, an Okta org, Google
Workspace, a Keycloak realm):

    {
      "id": "entra",                       # in URLs and the audit: letters, digits, - and _
      "name": "Contoso (Entra ID)",        # on the sign-in button
      "server_url": "https://login.microsoftonline.com/<tenant>/v2.0",   # the issuer
      "client_id": "...",
      "client_secret_env": "OIDC_ENTRA_SECRET",   # or "client_secret": "..." (not both)
      "groups_claim": "groups",            # the ID token claim with the person's groups
      "roles": {                           # idvdash role -> the IdP groups that grant it
        "Reviewers": ["..."], "Senior reviewers": ["..."], "admin": ["..."]
      },
      "scopes": ["openid", "profile", "email"],   # optional
      "token_auth_method": "client_secret_post"   # optional; else from the discovery
    }

With `groups_claim` set, the roles are the IdP's at every sign-in: a group the person
left takes its role away at the next sign-in. Without it, admins assign the roles in
idvdash and single sign-on leaves them alone. This module reads only the environment;
it imports no models, so the settings module can use it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

ADMIN_ROLE = "admin"
GROUP_ROLES = ("Reviewers", "Senior reviewers")
ROLES = (*GROUP_ROLES, ADMIN_ROLE)
_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_KEYS = {
    "id",
    "name",
    "server_url",
    "client_id",
    "client_secret",
    "client_secret_env",
    "groups_claim",
    "roles",
    "scopes",
    "token_auth_method",
}


@dataclass(frozen=True)
class OIDCProvider:
    id: str
    name: str
    server_url: str
    client_id: str
    client_secret: str = field(repr=False)
    groups_claim: str = ""
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    scopes: tuple[str, ...] = ("openid", "profile", "email")
    token_auth_method: str = ""


def _fail(position: int, reason: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"OIDC_PROVIDERS entry {position}: {reason}")


def _secret(entry: dict, position: int) -> str:
    if "client_secret" in entry and "client_secret_env" in entry:
        raise _fail(position, "give client_secret or client_secret_env, not both.")
    if "client_secret_env" in entry:
        name = entry["client_secret_env"]
        secret = os.environ.get(name, "") if isinstance(name, str) else ""
        if not secret:
            raise _fail(position, f"the environment variable {name!r} is empty or not set.")
        return secret
    secret = entry.get("client_secret", "")
    if not isinstance(secret, str) or not secret:
        raise _fail(position, "client_secret or client_secret_env is required.")
    return secret


def _roles(entry: dict, position: int) -> dict[str, tuple[str, ...]]:
    roles = entry.get("roles", {})
    if not isinstance(roles, dict):
        raise _fail(position, "roles must be an object of role -> list of group names.")
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise _fail(position, f"unknown roles {sorted(unknown)}; the roles are {list(ROLES)}.")
    parsed = {}
    for role, groups in roles.items():
        if isinstance(groups, str):
            groups = [groups]
        if not isinstance(groups, list) or not all(isinstance(g, str) and g for g in groups):
            raise _fail(position, f"roles[{role!r}] must be a list of group names.")
        parsed[role] = tuple(groups)
    if parsed and not entry.get("groups_claim"):
        raise _fail(position, "roles need groups_claim (the claim that lists the groups).")
    return parsed


def _provider(entry: object, position: int) -> OIDCProvider:
    if not isinstance(entry, dict):
        raise _fail(position, "each provider is a JSON object.")
    unknown = set(entry) - _KEYS
    if unknown:
        raise _fail(position, f"unknown keys {sorted(unknown)}.")
    for key in ("id", "name", "server_url", "client_id"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise _fail(position, f"{key} is required.")
    if not _ID.match(entry["id"]):
        raise _fail(position, "id may hold letters, digits, - and _ only (at most 40).")
    if not entry["server_url"].startswith(("https://", "http://")):
        raise _fail(position, "server_url must be the issuer's http(s) URL.")
    scopes = entry.get("scopes", ["openid", "profile", "email"])
    if not isinstance(scopes, list) or "openid" not in scopes:
        raise _fail(position, "scopes must be a list that includes 'openid'.")
    return OIDCProvider(
        id=entry["id"],
        name=entry["name"],
        server_url=entry["server_url"].rstrip("/"),
        client_id=entry["client_id"],
        client_secret=_secret(entry, position),
        groups_claim=entry.get("groups_claim", "") or "",
        roles=_roles(entry, position),
        scopes=tuple(scopes),
        token_auth_method=entry.get("token_auth_method", "") or "",
    )


def oidc_providers_from_json(raw: str) -> tuple[OIDCProvider, ...]:
    """Parse OIDC_PROVIDERS; an empty value means no single sign-on."""
    if not raw.strip():
        return ()
    try:
        entries = json.loads(raw)
    except json.JSONDecodeError as err:
        raise ImproperlyConfigured(f"OIDC_PROVIDERS is not valid JSON: {err.msg}.") from None
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list):
        raise ImproperlyConfigured("OIDC_PROVIDERS must be a JSON list of providers.")
    providers = tuple(_provider(entry, n) for n, entry in enumerate(entries, start=1))
    ids = [p.id for p in providers]
    if len(set(ids)) != len(ids):
        raise ImproperlyConfigured("OIDC_PROVIDERS: two providers have the same id.")
    return providers


def socialaccount_providers(providers: tuple[OIDCProvider, ...]) -> dict:
    """SOCIALACCOUNT_PROVIDERS for allauth: our OpenID Connect provider class, one app each."""
    return {
        "openid_connect": {
            "provider_class": "idvdash.signin.oidc.IdvdashOIDCProvider",
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": p.id,
                    "name": p.name,
                    "client_id": p.client_id,
                    "secret": p.client_secret,
                    "settings": {
                        "server_url": p.server_url,
                        "oauth_pkce_enabled": True,
                        # Everything idvdash uses is in the signed ID token.
                        "fetch_userinfo": False,
                        "scope": list(p.scopes),
                        **(
                            {"token_auth_method": p.token_auth_method}
                            if p.token_auth_method
                            else {}
                        ),
                    },
                }
                for p in providers
            ],
        }
    }


def origins(providers: tuple[OIDCProvider, ...]) -> list[str]:
    """The providers' origins: the sign-in form's redirect goes there (CSP form-action)."""
    from urllib.parse import urlsplit

    return sorted(
        {f"{urlsplit(p.server_url).scheme}://{urlsplit(p.server_url).netloc}" for p in providers}
    )


def provider_config(provider_id: str) -> OIDCProvider | None:
    """The configured provider with this id (from the settings), if any."""
    from django.conf import settings

    return next((p for p in settings.OIDC_PROVIDERS if p.id == provider_id), None)
