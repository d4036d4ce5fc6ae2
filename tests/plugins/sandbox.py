"""pytest fixtures for the provider sandbox (`idvdash.sandbox`).

- `sandbox` (session): a running `SandboxServer` on a free loopback port.
- `sandbox_faults` (function): the sandbox's `FaultController`; disarms every fault and
  resets the simulated clock before and after the test.
- `sandbox_rate_limits` (function): the sandbox's `RateLimits`, at the documented limits
  and not enforced until the test says so; back to that state after the test.
- `sandbox_accounts` (session): per kind, `{"base_url", "token_url", "credentials"}`
  ready to build idvdash provider accounts from.

None of them touch the database.
"""

from collections.abc import Iterator

import pytest

from idvdash.sandbox.credentials import SANDBOX_CREDENTIALS
from idvdash.sandbox.faults import FaultController
from idvdash.sandbox.limits import RateLimits
from idvdash.sandbox.server import SandboxServer

# Small pages, so the sandbox's rows span several of them.
SMALL_PAGES = {
    "idenfy": {"per_page": 40},
    "equals": {"limit": 40},
    "swan": {"users_per_page": 10},
    "stora": {"limit": 40},
}
SANDBOX_SIZE = 200
SANDBOX_SEED = 1


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    """Serve the provider sandbox for the whole test session."""
    server = SandboxServer(size=SANDBOX_SIZE, seed=SANDBOX_SEED).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sandbox_faults(sandbox: SandboxServer) -> Iterator[FaultController]:
    """Give a test the fault controller; leave no fault armed and the clock reset."""
    sandbox.faults.clear()
    sandbox.clock.reset()
    try:
        yield sandbox.faults
    finally:
        sandbox.faults.clear()
        sandbox.clock.reset()


@pytest.fixture
def sandbox_rate_limits(sandbox: SandboxServer) -> Iterator[RateLimits]:
    """Give a test the sandbox's rate limits; leave them unenforced and their counts at zero."""
    sandbox.rate_limits.reset()
    try:
        yield sandbox.rate_limits
    finally:
        sandbox.rate_limits.reset()


@pytest.fixture(scope="session")
def sandbox_accounts(sandbox: SandboxServer) -> dict[str, dict[str, object]]:
    """Return, per provider kind, the base_url, token_url and credentials to use."""
    return {
        kind: {
            "base_url": sandbox.base_urls[kind],
            "token_url": sandbox.token_urls.get(kind),
            "credentials": dict(SANDBOX_CREDENTIALS[kind]),
        }
        for kind in sandbox.base_urls
    }
