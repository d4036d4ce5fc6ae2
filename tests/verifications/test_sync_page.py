import pytest
from django.urls import reverse

from idvdash.verifications.models import SyncRun
from idvdash.verifications.views.sync import QUEUED_MESSAGE
from tests.providers.factories import CANARY, ProviderAccountFactory

pytestmark = pytest.mark.django_db


def test_reviewers_see_each_accounts_last_run_and_error(reviewer_client, django_assert_num_queries):
    ok = ProviderAccountFactory(name="alpha")
    broken = ProviderAccountFactory(name="beta", kind="stora")
    SyncRun.objects.create(account=ok, state=SyncRun.State.SUCCEEDED, pages=3, created=42)
    SyncRun.objects.create(
        account=broken,
        state=SyncRun.State.FAILED,
        error="Stora account 'beta' rejected the credentials.",
    )

    # session, user, permissions, accounts, runs
    with django_assert_num_queries(5):
        response = reviewer_client.get(reverse("sync:status"))

    html = response.content.decode()
    assert "alpha" in html
    assert "Stora account &#x27;beta&#x27; rejected the credentials." in html
    assert "Sync now" not in html  # reviewers cannot trigger syncs
    for creds in CANARY.values():
        for secret in creds.values():
            assert secret not in html


def test_a_succeeded_runs_note_is_shown_as_a_note_not_a_problem(reviewer_client):
    account = ProviderAccountFactory(name="gamma")
    SyncRun.objects.create(
        account=account, state=SyncRun.State.SUCCEEDED, note="The list of gamma shrank."
    )

    html = reviewer_client.get(reverse("sync:status")).content.decode()

    assert '<span class="note-text">The list of gamma shrank.</span>' in html
    assert "error-text" not in html


def test_the_status_partial_polls_only_while_a_run_is_active(reviewer_client):
    account = ProviderAccountFactory()
    run = SyncRun.objects.create(account=account, state=SyncRun.State.RUNNING)
    url = reverse("sync:status")

    active = reviewer_client.get(url, headers={"HX-Request": "true"}).content.decode()
    run.state = SyncRun.State.SUCCEEDED
    run.save()
    done = reviewer_client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert active.lstrip().startswith('<div id="sync-status"')
    assert 'hx-trigger="every 2s"' in active
    assert "<html" not in active
    assert 'hx-trigger="every 2s"' not in done


def test_admin_sync_now_queues_a_run(admin_client_, django_capture_on_commit_callbacks):
    account = ProviderAccountFactory(name="alpha")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client_.post(reverse("sync:run", args=[account.pk]), follow=True)

    assert QUEUED_MESSAGE.format(account="alpha") in response.content.decode()
    assert SyncRun.objects.get().state == SyncRun.State.QUEUED
    assert len(callbacks) == 1  # the task is enqueued once the run is committed


def test_sync_now_while_a_run_is_active_says_so(admin_client_):
    account = ProviderAccountFactory(name="alpha")
    SyncRun.objects.create(account=account, state=SyncRun.State.RUNNING)

    response = admin_client_.post(reverse("sync:run", args=[account.pk]), follow=True)

    assert "A sync of alpha is already running" in response.content.decode()
    assert SyncRun.objects.count() == 1


@pytest.mark.parametrize("persona", ["reviewer", "other_user"])
def test_only_admins_may_sync_now(client, request, persona):
    account = ProviderAccountFactory()
    client.force_login(request.getfixturevalue(persona))

    response = client.post(reverse("sync:run", args=[account.pk]))

    assert response.status_code == 403
    assert not SyncRun.objects.exists()


def test_users_without_the_permission_cannot_see_the_sync_page(client, other_user):
    client.force_login(other_user)

    assert client.get(reverse("sync:status")).status_code == 403


def test_people_without_the_sync_permission_get_403(client, other_user):
    client.force_login(other_user)

    assert client.get(reverse("sync:status")).status_code == 403


def test_each_account_shows_its_last_webhook_and_its_failures(
    reviewer_client, django_assert_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    from idvdash.verifications.models import WebhookEvent

    quiet = ProviderAccountFactory(name="quiet")
    busy = ProviderAccountFactory(name="busy", kind="swan")
    SyncRun.objects.create(account=busy, state=SyncRun.State.SUCCEEDED)
    WebhookEvent.objects.create(account=busy, key="e1", event_type="User.Updated")
    failing = WebhookEvent.objects.create(
        account=busy,
        key="e2",
        event_type="User.Updated",
        state=WebhookEvent.State.FAILED,
        error="Swan account 'busy' could not be reached (x).",
    )
    WebhookEvent.objects.filter(pk=failing.pk).update(
        received_at=timezone.now() - timedelta(minutes=3)
    )

    # session, user, permissions, accounts (with their webhooks), runs
    with django_assert_num_queries(5):
        html = reviewer_client.get(reverse("sync:status")).content.decode()

    rows = {name: html.split(name, 1)[1].split("</tr>", 1)[0] for name in (quiet.name, busy.name)}
    assert "none received" in rows["quiet"]
    assert "last received" in rows["busy"]
    assert "1 failed: Swan account &#x27;busy&#x27; could not be reached (x)." in rows["busy"]
