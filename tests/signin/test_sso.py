"""Single sign-on against a real OpenID Connect provider (tests/idp/, over HTTP)."""

import logging

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from idvdash.signin.models import SignInEvent
from tests.plugins.idp import PROVIDER_ID

pytestmark = pytest.mark.django_db

IDP_PASSWORD = "idp-password-of-the-person"


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def test_a_good_sign_in_creates_the_account_by_subject_with_its_roles(
    client, oidc_provider, sso_sign_in
):
    sub = oidc_provider.person("mara", IDP_PASSWORD, groups=["idv-reviewers"])

    response = sso_sign_in(client, "mara", IDP_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    user = signed_in_user(client)
    assert SocialAccount.objects.get(user=user).uid == sub
    assert SocialAccount.objects.get(user=user).provider == PROVIDER_ID
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == ["Reviewers"]
    assert client.get(reverse("verifications:list")).status_code == 200
    event = SignInEvent.objects.filter(kind=SignInEvent.Kind.SIGNED_IN).get()
    assert (event.user, event.method) == (user, f"sso:{PROVIDER_ID}")


def test_the_sign_in_sends_pkce_a_state_and_a_nonce(client, oidc_provider):
    from urllib.parse import parse_qs, urlsplit

    start = client.post(reverse("openid_connect_login", args=[PROVIDER_ID]))

    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(oidc_provider.url)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 16
    assert len(query["nonce"][0]) >= 32


@pytest.mark.parametrize(
    "fault", ["tampered", "unknown_key", "expired", "wrong_audience", "wrong_issuer", "wrong_nonce"]
)
def test_an_id_token_that_is_not_valid_for_this_sign_in_is_refused_with_a_clear_page(
    client, oidc_provider, sso_sign_in, fault, caplog
):
    oidc_provider.person("mara", IDP_PASSWORD, groups=["idv-admins"])
    oidc_provider.fault(fault)

    response = sso_sign_in(client, "mara", IDP_PASSWORD)

    assert response.status_code == 403
    assert "signin/sso_refused.html" in [t.name for t in response.templates]
    assert "Sign-in through Test IdP refused" in response.content.decode()
    assert signed_in_user(client) is None
    assert not get_user_model().objects.filter(socialaccount__isnull=False).exists()
    event = SignInEvent.objects.get()
    assert (event.kind, event.method) == (SignInEvent.Kind.FAILED, f"sso:{PROVIDER_ID}")
    assert event.detail.startswith("ID token refused")
    assert "eyJ" not in event.detail + caplog.text  # no token, not even its header


def test_the_same_sign_in_goes_through_once_the_fault_is_cleared(
    client, oidc_provider, sso_sign_in
):
    """The refusals above are the faults, not a broken set-up."""
    oidc_provider.person("mara", IDP_PASSWORD)
    oidc_provider.fault("wrong_audience")
    assert sso_sign_in(client, "mara", IDP_PASSWORD).status_code == 403

    oidc_provider.fault(None)
    assert sso_sign_in(client, "mara", IDP_PASSWORD).status_code == 302
    assert signed_in_user(client) is not None


def test_a_callback_with_a_state_of_no_sign_in_here_is_refused(client, oidc_provider):
    client.post(reverse("openid_connect_login", args=[PROVIDER_ID]))

    response = client.get(
        reverse("openid_connect_callback", args=[PROVIDER_ID]),
        {"code": "stolen-code", "state": "not-the-state"},
    )

    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert SignInEvent.objects.get().kind == SignInEvent.Kind.FAILED


def test_an_unknown_provider_is_404_not_a_500(client, oidc_provider):
    assert client.post(reverse("openid_connect_login", args=["nope"])).status_code == 404
    assert client.get(reverse("openid_connect_callback", args=["nope"])).status_code == 404


def test_the_account_is_found_by_subject_never_by_e_mail_or_username(
    client, oidc_provider, sso_sign_in, make_user
):
    local = make_user("mara", reviewer=True, email="mara@example.com")
    oidc_provider.person("mara", IDP_PASSWORD, email="mara@example.com")

    sso_sign_in(client, "mara", IDP_PASSWORD)

    sso_user = signed_in_user(client)
    assert sso_user.pk != local.pk
    assert sso_user.username != "mara"
    assert not SocialAccount.objects.filter(user=local).exists()
    # The next sign-in of the same subject is the same account, whatever it is called now.
    oidc_provider.person("mara", IDP_PASSWORD, email="someone.else@example.com")
    client.logout()
    sso_sign_in(client, "mara", IDP_PASSWORD)
    assert signed_in_user(client).pk == sso_user.pk


def test_a_role_removed_at_the_idp_is_removed_at_the_next_sign_in(
    client, oidc_provider, sso_sign_in
):
    oidc_provider.person(
        "mara", IDP_PASSWORD, groups=["idv-reviewers", "idv-seniors", "idv-admins"]
    )
    sso_sign_in(client, "mara", IDP_PASSWORD)
    user = signed_in_user(client)
    assert set(user.groups.values_list("name", flat=True)) == {"Reviewers", "Senior reviewers"}
    assert user.is_staff
    assert user.is_superuser

    oidc_provider.person("mara", IDP_PASSWORD, groups=["idv-reviewers"])
    client.logout()
    sso_sign_in(client, "mara", IDP_PASSWORD)

    user.refresh_from_db()
    assert list(user.groups.values_list("name", flat=True)) == ["Reviewers"]
    assert not user.is_staff
    assert not user.is_superuser
    assert client.get(reverse("admin:index")).status_code == 403
    changes = SignInEvent.objects.filter(kind=SignInEvent.Kind.ROLES_CHANGED).order_by("pk")
    assert [c.detail for c in changes] == [
        "+Reviewers, +Senior reviewers, +admin",
        "-Senior reviewers, -admin",
    ]


def test_roles_the_idp_does_not_map_are_left_as_admins_set_them(
    client, oidc_provider, sso_sign_in, settings, idp
):
    import json

    from idvdash.signin.config import oidc_providers_from_json, socialaccount_providers
    from tests.plugins.idp import provider_entry

    providers = oidc_providers_from_json(
        json.dumps([provider_entry(idp, roles={"Reviewers": ["idv-reviewers"]})])
    )
    settings.OIDC_PROVIDERS = providers
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(providers)
    oidc_provider.person("mara", IDP_PASSWORD, groups=["idv-reviewers"])
    sso_sign_in(client, "mara", IDP_PASSWORD)
    user = signed_in_user(client)
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name="Senior reviewers"))  # by an admin, in idvdash

    client.logout()
    sso_sign_in(client, "mara", IDP_PASSWORD)

    assert set(user.groups.values_list("name", flat=True)) == {"Reviewers", "Senior reviewers"}


def test_a_deactivated_account_loses_its_session_at_once_and_cannot_sign_in_again(
    client, oidc_provider, sso_sign_in
):
    oidc_provider.person("mara", IDP_PASSWORD, groups=["idv-reviewers"])
    sso_sign_in(client, "mara", IDP_PASSWORD)
    user = signed_in_user(client)
    assert client.get(reverse("verifications:list")).status_code == 200

    user.is_active = False
    user.save(update_fields=["is_active"])

    response = client.get(reverse("verifications:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    response = sso_sign_in(client, "mara", IDP_PASSWORD)
    assert response["Location"] == reverse("account_inactive")
    assert client.get(reverse("verifications:list")).status_code == 302


def test_a_deactivated_local_account_loses_its_session_at_once(reviewer_client, reviewer):
    assert reviewer_client.get(reverse("verifications:list")).status_code == 200

    reviewer.is_active = False
    reviewer.save(update_fields=["is_active"])

    assert reviewer_client.get(reverse("verifications:list")).status_code == 302


def test_an_sso_admin_is_not_break_glass_and_nothing_secret_is_logged(
    client, oidc_provider, sso_sign_in, caplog
):
    from tests.plugins.idp import CLIENT_SECRET

    caplog.set_level(logging.DEBUG)
    oidc_provider.person("mara", IDP_PASSWORD, groups=["idv-admins"])

    sso_sign_in(client, "mara", IDP_PASSWORD)

    assert signed_in_user(client).is_staff
    assert "Break-glass" not in caplog.text
    for secret in (CLIENT_SECRET, IDP_PASSWORD, "eyJ", "code="):
        assert secret not in caplog.text


def test_an_identity_provider_that_cannot_be_reached_gives_a_clear_page(client, settings):
    import json

    from idvdash.signin.config import oidc_providers_from_json, socialaccount_providers
    from tools.processes import free_port

    entry = {
        "id": "down",
        "name": "Down IdP",
        "server_url": f"http://127.0.0.1:{free_port()}",
        "client_id": "x",
        "client_secret": "y",
    }
    providers = oidc_providers_from_json(json.dumps([entry]))
    settings.OIDC_PROVIDERS = providers
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(providers)

    response = client.post(reverse("openid_connect_login", args=["down"]))

    assert response.status_code == 403
    assert "Sign-in through Down IdP refused" in response.content.decode()
    event = SignInEvent.objects.get()
    assert event.detail == "identity provider unreachable or failing (ConnectionError)"


def test_a_sign_in_cancelled_at_the_identity_provider_says_so(client, oidc_provider):
    from urllib.parse import parse_qs, urlsplit

    start = client.post(reverse("openid_connect_login", args=[PROVIDER_ID]))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]

    response = client.get(
        reverse("openid_connect_callback", args=[PROVIDER_ID]),
        {"error": "access_denied", "state": state},
    )

    assert response.status_code == 403
    assert "The sign-in was cancelled at Test IdP" in response.content.decode()
    assert signed_in_user(client) is None
