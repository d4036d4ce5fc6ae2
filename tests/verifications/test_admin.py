"""The admin shows the mirror, sync runs and the audit trail read-only."""

import pytest
from django.contrib import admin
from django.urls import reverse

from idvdash.verifications.models import AccessEvent, Outcome, SyncRun, Verification
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Verification, SyncRun, AccessEvent])
def test_admins_browse_read_only(admin_client_, admin_user, model):
    model_admin = admin.site._registry[model]
    request = type("R", (), {"user": admin_user})()

    assert model_admin.show_full_result_count is False
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client_.get(changelist).status_code == 200
    assert (
        admin_client_.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code
        == 403
    )


def test_the_verification_list_filters_and_searches(admin_client_):
    swan = ProviderAccountFactory(kind="swan")
    VerificationFactory(external_id="Scan-ABC", account=swan, outcome=Outcome.DECLINED)
    VerificationFactory(external_id="other", subject_ref="client-abc")
    url = reverse("admin:verifications_verification_changelist")

    by_filter = admin_client_.get(
        url, {"provider": "swan", "outcome": "declined", "suspected__exact": "0"}
    )
    by_search = admin_client_.get(url, {"q": "scan-a"})
    by_subject = admin_client_.get(url, {"q": "CLIENT-ABC"})

    assert [v.external_id for v in by_filter.context["cl"].result_list] == ["Scan-ABC"]
    assert [v.external_id for v in by_search.context["cl"].result_list] == ["Scan-ABC"]
    assert [v.external_id for v in by_subject.context["cl"].result_list] == ["other"]


def test_opening_a_verification_in_the_admin_is_audited(admin_client_, admin_user):
    v = VerificationFactory()

    response = admin_client_.get(reverse("admin:verifications_verification_change", args=[v.pk]))

    assert response.status_code == 200
    event = AccessEvent.objects.get()
    assert (event.user, event.verification, event.action) == (admin_user, v, "view")


def test_access_events_are_listed_with_filters(admin_client_, reviewer):
    v = VerificationFactory()
    AccessEvent.objects.create(user=reviewer, verification=v, action=AccessEvent.Action.VIEW)
    AccessEvent.objects.create(user=reviewer, action=AccessEvent.Action.EXPORT, rows=12)
    url = reverse("admin:verifications_accessevent_changelist")

    response = admin_client_.get(url, {"action": "export"})

    assert [e.rows for e in response.context["cl"].result_list] == [12]


def test_reviewers_cannot_open_the_admin(reviewer_client):
    url = reverse("admin:verifications_accessevent_changelist")

    assert reviewer_client.get(url).status_code == 403
