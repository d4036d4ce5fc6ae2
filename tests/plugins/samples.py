"""Sample objects for route walks: one of each object the routes show, all with SAMPLE_ID."""

import pytest

from idvdash.providers.models import ProviderAccount

KINDS = ("idenfy", "equals", "swan", "stora")


SAMPLE_ID = 900_001


@pytest.fixture
def sample_data(sandbox, django_user_model):
    """One of each object the routes show, all with id SAMPLE_ID; canary credentials."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from idvdash.verifications.models import SyncRun
    from tests.providers.factories import CANARY
    from tests.verifications.factories import VerificationFactory

    account = ProviderAccount.objects.create(
        pk=SAMPLE_ID,
        name="canary-account",
        kind="idenfy",
        base_url=sandbox.base_urls["idenfy"],
        credentials=dict(CANARY["idenfy"]),
    )
    for kind in KINDS[1:]:
        ProviderAccount.objects.create(
            name=f"canary-{kind}",
            kind=kind,
            base_url=sandbox.base_urls[kind],
            token_url=sandbox.token_urls.get(kind, ""),
            credentials=dict(CANARY[kind]),
        )
    verification = VerificationFactory(pk=SAMPLE_ID, account=account)
    now = timezone.now()
    SyncRun.objects.create(
        pk=SAMPLE_ID, account=account, state=SyncRun.State.FAILED, started_at=now, finished_at=now
    )
    Group.objects.create(pk=SAMPLE_ID, name="Sample group")
    django_user_model.objects.create_user(pk=SAMPLE_ID, username="sample-person")
    return {"account": account, "verification": verification}


SAMPLES = {"int": str(SAMPLE_ID), "path": str(SAMPLE_ID), "str": "x", "slug": "x"}
