"""The figures after real syncs from the sandbox, its webhooks, and deletions.

The sandbox's clock runs between rounds, so records change there and arrive here by a
re-sync or by webhook; random rows are deleted in between. After each step the
figures must equal a count of the mirror.
"""

import random

import pytest
from django.core.management import call_command

from idvdash.verifications import sync
from idvdash.verifications.models import Verification, WebhookEvent
from tests.figures.direct import assert_figures_equal_the_mirror
from tests.verifications.test_webhooks_from_sandbox import delivered, hooked  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

KINDS = ("idenfy", "equals", "swan", "stora")


def test_figures_follow_syncs_webhooks_and_deletions(sandbox, sandbox_faults, hooked):  # noqa: F811
    rnd = random.Random(18)
    accounts = [hooked(kind) for kind in KINDS]
    for account in accounts:
        assert sync.sync_account(account=account).state == "succeeded"
    assert Verification.objects.count() > 100
    assert_figures_equal_the_mirror()

    for step in range(3):
        sandbox.clock.advance(6 * 3600)
        for kind in KINDS:
            delivered(sandbox, kind)
        call_command("process_webhooks", verbosity=0)
        assert_figures_equal_the_mirror()

        pks = list(Verification.objects.values_list("pk", flat=True))
        # Rows a case or an audit event points at are protected; these have none.
        Verification.objects.filter(pk__in=rnd.sample(pks, 5)).delete()
        assert_figures_equal_the_mirror()

        account = accounts[step % len(accounts)]
        assert sync.sync_account(account=account).state == "succeeded"
        assert_figures_equal_the_mirror()

    assert WebhookEvent.objects.filter(state="processed", changed__isnull=False).exists()
