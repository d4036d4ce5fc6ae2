"""R13: a sync killed after page k resumes: at most one page is fetched twice, same result."""

from collections import Counter

import pytest

from idvdash.providers.http import build_session
from idvdash.providers.registry import PROVIDERS, client_for
from idvdash.verifications import sync
from idvdash.verifications.models import SyncRun, Verification
from tests.plugins.samples import KINDS
from tests.plugins.sandbox import SMALL_PAGES

pytestmark = pytest.mark.django_db

LIST_MARKERS = {
    "idenfy": "/kyc/identifications/",
    "equals": "/identity-verification-sessions",
    "swan": "IdvdashUsers",
    "stora": "/identity_verifications",
}
KILL_AFTER = 2
# iDenfy lists no times: the time a row was first seen stands in, so it differs per run.
COMPARED = ["external_id", "subject_ref", "outcome", "raw_status", "suspected", "reason_codes",
            "levels", "raw", "fingerprint", "decisive_outcome", "process"]  # fmt: skip


class Killed(Exception):
    """The process running the sync died."""


class KilledAfter:
    """The real client, whose process dies while it fetches the page after page k."""

    def __init__(self, client, pages: int) -> None:
        self._client, self._pages = client, pages

    def __getattr__(self, name):
        return getattr(self._client, name)

    def iter_pages(self, *, checkpoint=None):
        for number, page in enumerate(self._client.iter_pages(checkpoint=checkpoint)):
            if number == self._pages:
                raise Killed
            yield page


def counting_session(kind: str, fetched: Counter):
    session = build_session(
        provider=kind, retries=3, backoff=0.01, allowed_post=PROVIDERS[kind].client.posts_are_reads
    )

    def count(response, *args, **kwargs):
        request = response.request
        body = request.body.decode() if isinstance(request.body, bytes) else request.body or ""
        if LIST_MARKERS[kind] in request.url or LIST_MARKERS[kind] in body:
            fetched[(request.url, body)] += 1

    session.hooks["response"].append(count)
    return session


def rows(account) -> list[tuple]:
    fields = COMPARED if account.kind == "idenfy" else [*COMPARED, "provider_created_at"]
    return list(
        Verification.objects.filter(account=account).order_by("external_id").values_list(*fields)
    )


@pytest.mark.parametrize("kind", KINDS)
def test_a_killed_sync_resumes_and_ends_like_an_uninterrupted_one(make_account, kind):
    whole = make_account(kind, name=f"{kind}-whole")
    assert (
        sync.sync_account(account=whole, client=client_for(whole, **SMALL_PAGES[kind])).state
        == SyncRun.State.SUCCEEDED
    )

    account = make_account(kind, name=f"{kind}-killed")
    fetched: Counter = Counter()
    killed = KilledAfter(
        client_for(account, session=counting_session(kind, fetched), **SMALL_PAGES[kind]),
        KILL_AFTER,
    )
    first = sync.sync_account(account=account, client=killed)
    assert first.state == SyncRun.State.FAILED
    assert first.pages == KILL_AFTER
    second = sync.sync_account(
        account=account,
        client=client_for(account, session=counting_session(kind, fetched), **SMALL_PAGES[kind]),
    )

    assert second.state == SyncRun.State.SUCCEEDED, second.error
    assert second.resumed
    assert sum(1 for n in fetched.values() if n > 1) <= 1, fetched
    assert max(fetched.values()) <= 2
    assert first.pages + second.pages >= KILL_AFTER + 1
    assert rows(account) == rows(whole)
