"""The sign-in audit: who, when, from where, how; nothing secret; read-only for admins."""

import pytest
from django.urls import reverse

from idvdash.signin.models import SignInEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_refused_password_is_recorded_without_the_password(client, reviewer):
    client.post(
        reverse("login"),
        {"username": reviewer.username, "password": "my-wrong-secret"},
        REMOTE_ADDR="192.0.2.44",
    )

    event = SignInEvent.objects.get()
    assert event.kind == SignInEvent.Kind.FAILED
    assert (event.username, event.method, event.ip_address) == ("rita", "password", "192.0.2.44")
    row = " ".join(str(v) for v in SignInEvent.objects.values().get().values())
    assert "my-wrong-secret" not in row


def test_a_password_sign_in_and_sign_out_are_recorded(client, reviewer):
    client.post(
        reverse("login"), {"username": "rita", "password": PASSWORD}, REMOTE_ADDR="192.0.2.45"
    )
    client.post(reverse("logout"), REMOTE_ADDR="192.0.2.45")

    events = list(SignInEvent.objects.order_by("pk").values_list("kind", "user", "method"))
    assert events == [
        (SignInEvent.Kind.SIGNED_IN, reviewer.pk, "password"),
        (SignInEvent.Kind.SIGNED_OUT, reviewer.pk, ""),
    ]
    assert SignInEvent.objects.filter(ip_address="192.0.2.45").count() == 2


def test_admins_browse_the_audit_and_nobody_changes_it(admin_client_, reviewer):
    event = SignInEvent.objects.create(
        kind=SignInEvent.Kind.SIGNED_IN, user=reviewer, username="rita"
    )
    changelist = reverse("admin:signin_signinevent_changelist")

    assert admin_client_.get(changelist).status_code == 200
    assert admin_client_.get(reverse("admin:signin_signinevent_add")).status_code == 403
    delete = reverse("admin:signin_signinevent_delete", args=[event.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:signin_signinevent_change", args=[event.pk])
    admin_client_.post(change, {"kind": SignInEvent.Kind.FAILED, "username": "someone"})
    event.refresh_from_db()
    assert (event.kind, event.username) == (SignInEvent.Kind.SIGNED_IN, "rita")
    admin_client_.force_login(reviewer)
    assert admin_client_.get(changelist).status_code == 403


def test_an_attempt_while_locked_out_is_recorded_as_such(client, reviewer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post(reverse("login"), {"username": "rita", "password": "wrong"})

    details = list(SignInEvent.objects.order_by("pk").values_list("detail", flat=True))
    assert details[0] == "wrong username or password"
    assert details[-1] == "locked out (too many failed attempts)"


def test_the_admin_never_shows_a_second_factors_secret(admin_client_, admin_user):
    from allauth.mfa.models import Authenticator

    factor = Authenticator.objects.get(user=admin_user, type="totp")

    page = admin_client_.get(reverse("admin:mfa_authenticator_change", args=[factor.pk]))

    assert page.status_code == 200
    assert factor.data["secret"] not in page.content.decode()
    assert admin_client_.get(reverse("admin:mfa_authenticator_add")).status_code == 403


def test_an_admin_resetting_someones_second_factor_is_recorded(admin_client_, admin_user, reviewer):
    from allauth.mfa.models import Authenticator

    from tests.conftest import enrol_totp

    authenticator = enrol_totp(reviewer).instance
    delete = reverse("admin:mfa_authenticator_delete", args=[authenticator.pk])

    response = admin_client_.post(delete, {"post": "yes"}, REMOTE_ADDR="192.0.2.60")

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=reviewer).exists()
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.MFA_REMOVED)
    assert (event.user, event.method, event.ip_address) == (reviewer, "mfa:totp", "192.0.2.60")
    assert event.detail == f"reset by admin {admin_user.username}"
