"""Second factors for password accounts: required, enforced, and recovery codes used once."""

import logging
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core.cache import cache
from django.urls import reverse

from idvdash.signin.middleware import ENROL_MESSAGE
from idvdash.signin.models import SignInEvent
from tests.conftest import PASSWORD, TOTP_SECRET

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_used_codes():
    cache.clear()  # allauth remembers used codes (and attempts) in the cache
    yield
    cache.clear()


def code_now(secret: str = TOTP_SECRET) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def sign_in(client, username: str, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_staff_account_with_an_authenticator_is_asked_for_its_code(client, admin_user, caplog):
    caplog.set_level(logging.WARNING, logger="idvdash.signin")
    response = sign_in(client, admin_user.username)

    assert response["Location"] == reverse("mfa_authenticate")
    assert not is_signed_in(client)

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert not is_signed_in(client)

    response = client.post(reverse("mfa_authenticate"), {"code": code_now()})
    assert response.status_code == 302
    assert is_signed_in(client)
    assert client.get(reverse("admin:index")).status_code == 200
    kinds = list(SignInEvent.objects.order_by("pk").values_list("kind", "method"))
    assert kinds == [
        (SignInEvent.Kind.MFA_FAILED, "mfa:totp"),
        (SignInEvent.Kind.SIGNED_IN, "password+mfa:totp"),
    ]
    # A local admin signing in is loud: the break-glass warning.
    assert f"Break-glass sign-in: admin account '{admin_user.username}'" in caplog.text


def test_a_staff_account_without_an_authenticator_must_enrol_before_anything_else(
    client, make_user, django_capture_on_commit_callbacks
):
    staff = make_user("stan", staff=False)
    staff.is_staff = True
    staff.save()
    sign_in(client, "stan")
    assert is_signed_in(client)

    for url in (reverse("overview"), reverse("admin:index"), reverse("verifications:list")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_index"), url
    htmx = client.get(reverse("overview"), HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == reverse("mfa_index")
    assert ENROL_MESSAGE in client.get(reverse("mfa_index")).content.decode()

    # Enrol an authenticator app: first the password again (allauth asks before any
    # change to second factors), then the page shows a secret; its code activates it.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": code_now(secret)})
    assert response.status_code == 302

    assert client.get(reverse("overview")).status_code == 200
    assert Authenticator.objects.filter(user=staff, type="totp").exists()
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.MFA_ADDED, user=staff).exists()
    assert secret not in "".join(SignInEvent.objects.values_list("detail", flat=True))


def test_sign_out_stays_possible_without_enrolling(client, make_user):
    staff = make_user("stan")
    staff.is_staff = True
    staff.save()
    sign_in(client, "stan")

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert not is_signed_in(client)


@pytest.mark.parametrize("required", [True, False])
def test_mfa_required_for_local_decides_for_password_reviewers(
    client, reviewer, settings, required
):
    settings.MFA_REQUIRED_FOR_LOCAL = required
    sign_in(client, reviewer.username)

    response = client.get(reverse("verifications:list"))

    if required:
        assert response["Location"] == reverse("mfa_index")
    else:
        assert response.status_code == 200


def test_sso_accounts_are_not_sent_to_enrol(client, oidc_provider, sso_sign_in, settings):
    """The identity provider asks for its own second factor; idvdash does not ask again."""
    settings.MFA_REQUIRED_FOR_LOCAL = True
    oidc_provider.person("mara", "idp-password", groups=["idv-reviewers", "idv-admins"])

    sso_sign_in(client, "mara", "idp-password")

    assert client.get(reverse("verifications:list")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_recovery_code_signs_in_once_and_never_again(client, admin_user):
    codes = RecoveryCodes.activate(admin_user).get_unused_codes()

    sign_in(client, admin_user.username)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302
    assert is_signed_in(client)
    client.post(reverse("logout"))

    sign_in(client, admin_user.username)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 200
    assert not is_signed_in(client)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[1]})
    assert response.status_code == 302
    assert is_signed_in(client)
    methods = SignInEvent.objects.filter(kind=SignInEvent.Kind.SIGNED_IN).values_list(
        "method", flat=True
    )
    assert list(methods) == ["password+mfa:recovery_codes"] * 2


def test_a_totp_code_is_accepted_once(client, admin_user):
    code = code_now()
    sign_in(client, admin_user.username)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    client.post(reverse("logout"))

    sign_in(client, admin_user.username)

    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200
    assert not is_signed_in(client)


def test_new_recovery_codes_are_recorded_and_the_old_ones_stop_working(
    client, admin_user, django_capture_on_commit_callbacks
):
    old = RecoveryCodes.activate(admin_user).get_unused_codes()
    sign_in(client, admin_user.username)
    client.post(reverse("mfa_authenticate"), {"code": code_now()})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_generate_recovery_codes"))

    assert response.status_code == 302
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.MFA_RESET)
    assert (event.user, event.method) == (admin_user, "mfa:recovery_codes")
    client.post(reverse("logout"))
    sign_in(client, admin_user.username)
    assert client.post(reverse("mfa_authenticate"), {"code": old[0]}).status_code == 200
    assert not is_signed_in(client)


def test_the_enrolment_redirect_carries_the_security_headers(client, make_user):
    staff = make_user("stan")
    staff.is_staff = True
    staff.save()
    sign_in(client, "stan")

    response = client.get(reverse("overview"))

    assert response["Location"] == reverse("mfa_index")
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]


def test_second_factor_secrets_are_encrypted_at_rest_and_rotated_with_the_keys(
    client, admin_user, settings
):
    import io

    from cryptography.fernet import Fernet
    from django.core.management import call_command

    stored = Authenticator.objects.get(user=admin_user, type="totp").data["secret"]
    assert TOTP_SECRET not in stored
    codes = RecoveryCodes.activate(admin_user).get_unused_codes()
    seed = Authenticator.objects.get(user=admin_user, type="recovery_codes").data["seed"]

    new_key = Fernet.generate_key().decode()
    settings.CREDENTIAL_KEYS = [new_key, *settings.CREDENTIAL_KEYS]
    out = io.StringIO()
    call_command("rotate_credentials_key", stdout=out)
    settings.CREDENTIAL_KEYS = [new_key]

    assert "Re-encrypted the secrets of 2 second factor(s)." in out.getvalue()
    assert Authenticator.objects.get(user=admin_user, type="totp").data["secret"] != stored
    assert Authenticator.objects.get(user=admin_user, type="recovery_codes").data["seed"] != seed
    sign_in(client, admin_user.username)
    assert client.post(reverse("mfa_authenticate"), {"code": code_now()}).status_code == 302
    rotated = Authenticator.objects.get(user=admin_user, type="recovery_codes")
    assert RecoveryCodes(rotated).get_unused_codes() == codes
