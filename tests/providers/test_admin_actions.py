"""The admin's "test connection" action, against the provider sandbox."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from idvdash.providers.models import ProviderAccount
from idvdash.sandbox.credentials import SANDBOX_CREDENTIALS

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(sandbox, sandbox_faults):
    good = ProviderAccount.objects.create(
        name="swan-good",
        kind="swan",
        base_url=sandbox.base_urls["swan"],
        token_url=sandbox.token_urls["swan"],
        credentials=dict(SANDBOX_CREDENTIALS["swan"]),
    )
    bad = ProviderAccount.objects.create(
        name="equals-bad",
        kind="equals",
        base_url=sandbox.base_urls["equals"],
        credentials={"api_key": "wrong-key-0042"},
    )
    return good, bad


def test_test_connection_reports_each_account_readably(admin_client_, accounts):
    response = admin_client_.post(
        reverse("admin:providers_provideraccount_changelist"),
        {"action": "test_connection", "_selected_action": [a.pk for a in accounts]},
        follow=True,
    )

    texts = {
        m.message.split(":")[0]: (m.level_tag, m.message)
        for m in get_messages(response.wsgi_request)
    }
    assert texts["swan-good"][0] == "success"
    assert texts["equals-bad"][0] == "error"
    assert "equals-bad" in texts["equals-bad"][1]
    assert "wrong-key-0042" not in response.content.decode()
