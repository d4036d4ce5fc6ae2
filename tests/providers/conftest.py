"""Provider tests talk to the sandbox over real HTTP; these helpers build accounts and clients."""

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from idvdash.providers.base import Page, ProviderClient, VerificationRecord
from idvdash.providers.http import build_session
from idvdash.providers.models import ProviderAccount
from idvdash.providers.registry import client_for
from idvdash.sandbox.credentials import SANDBOX_CREDENTIALS

# Fast enough for tests, still the real retry and timeout machinery.
FAST = {"retries": 2, "backoff": 0.01, "timeout": (2.0, 1.0)}


class RequestLog:
    """Count the requests a session sent, by method and path (a requests response hook)."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self.agents: list[str] = []

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        request = response.request
        self.calls[(request.method or "", urlsplit(request.url or "").path)] += 1
        self.agents.append(request.headers.get("User-Agent", ""))

    def count(self, path_suffix: str, method: str | None = None) -> int:
        return sum(
            n
            for (m, path), n in self.calls.items()
            if path.endswith(path_suffix) and method in (None, m)
        )


@pytest.fixture(autouse=True)
def _isolated(sandbox_faults):
    """Every provider test starts with no fault armed and the simulated clock at its anchor."""
    return sandbox_faults


@pytest.fixture
def account(sandbox) -> Callable[..., ProviderAccount]:
    def build(kind: str, **overrides: Any) -> ProviderAccount:
        values: dict[str, Any] = {
            "name": f"sandbox-{kind}",
            "kind": kind,
            "base_url": sandbox.base_urls[kind],
            "token_url": sandbox.token_urls.get(kind, ""),
            "credentials": dict(SANDBOX_CREDENTIALS[kind]),
        }
        values.update(overrides)
        return ProviderAccount(**values)

    return build


@pytest.fixture
def make_client(account) -> Iterator[Callable[..., tuple[ProviderClient, RequestLog]]]:
    made: list[requests.Session] = []

    def build(
        kind: str, *, session_options: dict[str, Any] | None = None, **options: Any
    ) -> tuple[ProviderClient, RequestLog]:
        account_overrides = options.pop("account", {})
        settings = {**FAST, "allowed_post": kind != "equals", **(session_options or {})}
        session = build_session(provider=kind, **settings)
        made.append(session)
        log = RequestLog()
        session.hooks["response"].append(log)
        client = client_for(account(kind, **account_overrides), session=session, **options)
        return client, log

    yield build
    for session in made:
        session.close()


def walk(
    client: ProviderClient, checkpoint: dict[str, Any] | None = None
) -> tuple[list[VerificationRecord], list[Page]]:
    pages = list(client.iter_pages(checkpoint=checkpoint))
    return [record for page in pages for record in page.records], pages


def ids(records: list[VerificationRecord]) -> list[str]:
    return [record.external_id for record in records]
