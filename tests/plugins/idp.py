"""pytest fixtures for a real OpenID Connect identity provider (tests/idp/).

- `idp` (session): allauth's OIDC provider in its own gunicorn process on a free
  loopback port, with its own SQLite database and a fresh RSA signing key.
- `oidc_provider` (function): idvdash configured to sign in through it (provider id
  `testidp`, its groups mapped to idvdash's roles), the IdP's faults cleared after.
- `sso_sign_in`: the whole redirect dance for the Django test client.

Every request between idvdash and the IdP goes over real HTTP.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from tools.processes import free_port, wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_ID = "testidp"
CLIENT_ID = "idvdash-tests"
CLIENT_SECRET = "idvdash-tests-client-secret"
# IdP group -> idvdash role.
ROLE_GROUPS = {
    "Reviewers": ["idv-reviewers"],
    "Senior reviewers": ["idv-seniors"],
    "admin": ["idv-admins"],
}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class IdentityProvider:
    url: str

    def post(self, path: str, data: dict) -> dict:
        response = requests.post(f"{self.url}/_control/{path}", json=data, timeout=10)
        response.raise_for_status()
        return response.json()

    def person(self, username: str, password: str, groups=(), email: str = "") -> str:
        """Create or update someone at the IdP; return their subject (`sub`)."""
        data = {"username": username, "password": password, "groups": list(groups)}
        return self.post("user", {**data, "email": email})["sub"]

    def fault(self, name: str | None) -> None:
        self.post("fault", {"id_token": name})


def _private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture(scope="session")
def idp() -> Iterator[IdentityProvider]:
    with tempfile.TemporaryDirectory(prefix="idvdash-idp-") as workdir:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.idp.settings",
            "IDP_DATABASE": str(Path(workdir) / "idp.sqlite3"),
            "IDP_PRIVATE_KEY": _private_key_pem(),
            "PYTHONPATH": str(ROOT),
        }
        subprocess.run(
            [sys.executable, "-m", "django", "migrate", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=180,
        )
        port = free_port()
        process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "tests.idp.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",  # one process: the faults a test sets live in it
                "--threads",
                "4",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(
                f"{url}/.well-known/openid-configuration", process=process, name="test IdP"
            )
            yield IdentityProvider(url)
        finally:
            process.terminate()
            process.wait(timeout=30)


def callback_uris() -> list[str]:
    path = reverse("openid_connect_callback", args=[PROVIDER_ID])
    # The test client's host, and loopback on any port (live_server, for the browser).
    return [f"http://testserver{path}", f"http://127.0.0.1{path}", f"http://localhost{path}"]


def provider_entry(idp: IdentityProvider, **overrides) -> dict:
    return {
        "id": PROVIDER_ID,
        "name": "Test IdP",
        "server_url": idp.url,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "groups_claim": "groups",
        "roles": ROLE_GROUPS,
        **overrides,
    }


@pytest.fixture
def oidc_provider(idp: IdentityProvider, settings) -> Iterator[IdentityProvider]:
    """idvdash signing in through the test IdP; no fault armed before or after."""
    import json

    from idvdash.signin.config import oidc_providers_from_json, origins, socialaccount_providers

    idp.post(
        "client",
        {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": callback_uris()},
    )
    providers = oidc_providers_from_json(json.dumps([provider_entry(idp)]))
    settings.OIDC_PROVIDERS = providers
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(providers)
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP["form-action"], *origins(providers)],
    }
    idp.fault(None)
    try:
        yield idp
    finally:
        idp.fault(None)


def idp_sign_in(idp_session: requests.Session, url: str, username: str, password: str) -> str:
    """Follow `url` through the IdP (signing in there when asked); return where it sends back."""
    for _ in range(10):
        response = idp_session.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and "csrfmiddlewaretoken" in response.text:
            token = CSRF.search(response.text).group(1)
            response = idp_session.post(
                response.url,
                data={"csrfmiddlewaretoken": token, "login": username, "password": password},
                headers={"Referer": response.url},
                allow_redirects=False,
                timeout=10,
            )
        if response.status_code not in (301, 302, 303):
            raise AssertionError(f"the IdP answered {response.status_code} at {response.url}")
        url = urljoin(response.url, response.headers["Location"])
        if not url.startswith(idp_session.idp_url):
            return url
    raise AssertionError("too many redirects at the IdP")


@pytest.fixture
def sso_sign_in(oidc_provider):
    """Sign `client` in through the test IdP as `username`; return idvdash's last answer."""

    def sign_in(client, username: str, password: str, *, next_url: str = ""):
        start = client.post(
            reverse("openid_connect_login", args=[PROVIDER_ID]),
            {"next": next_url} if next_url else {},
        )
        assert start.status_code == 302, start
        session = requests.Session()
        session.idp_url = oidc_provider.url
        back = urlsplit(idp_sign_in(session, start["Location"], username, password))
        return client.get(f"{back.path}?{back.query}")

    return sign_in
