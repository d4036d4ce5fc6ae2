import pytest
from django.urls import reverse

from idvdash.providers.models import ProviderAccount
from tests.providers.factories import CANARY, ProviderAccountFactory

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:providers_provideraccount_add")


def form_data(**overrides):
    data = {
        "name": "new-account",
        "kind": "swan",
        "base_url": "",
        "token_url": "",
        "is_active": "on",
        "sync_interval": "00:15:00",
    }
    data.update(overrides)
    return data


def all_secrets():
    return [secret for creds in CANARY.values() for secret in creds.values()]


def test_admin_pages_never_show_a_stored_secret(admin_client_):
    accounts = [ProviderAccountFactory(kind=kind) for kind in CANARY]
    urls = [reverse("admin:providers_provideraccount_changelist"), ADD_URL]
    for account in accounts:
        for view in ("change", "history", "delete"):
            urls.append(reverse(f"admin:providers_provideraccount_{view}", args=[account.pk]))

    for url in urls:
        html = admin_client_.get(url).content.decode()
        for secret in all_secrets():
            assert secret not in html, url


def test_change_page_lists_which_keys_are_set(admin_client_):
    account = ProviderAccountFactory(kind="idenfy")

    html = admin_client_.get(
        reverse("admin:providers_provideraccount_change", args=[account.pk])
    ).content.decode()

    assert "api_key, api_secret" in html


def test_add_account_with_credentials_and_kind_defaults(admin_client_):
    response = admin_client_.post(
        ADD_URL,
        form_data(credential_client_id="cid-1", credential_client_secret="secret-1"),
    )

    assert response.status_code == 302
    account = ProviderAccount.objects.get(name="new-account")
    assert account.credentials == {"client_id": "cid-1", "client_secret": "secret-1"}
    assert account.base_url == "https://api.swan.io/live-partner/graphql"
    assert account.token_url == "https://oauth.swan.io/oauth2/token"


def test_empty_inputs_keep_stored_values_and_filled_ones_replace_them(admin_client_):
    account = ProviderAccountFactory(kind="swan", name="keep")
    url = reverse("admin:providers_provideraccount_change", args=[account.pk])

    response = admin_client_.post(url, form_data(name="keep", credential_client_secret="rotated"))

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.credentials == {
        "client_id": CANARY["swan"]["client_id"],
        "client_secret": "rotated",
    }


def test_an_optional_key_can_be_removed(admin_client_):
    account = ProviderAccountFactory(
        kind="equals", credentials={"api_key": "k", "webhook_secret": "w"}
    )
    url = reverse("admin:providers_provideraccount_change", args=[account.pk])

    admin_client_.post(
        url, form_data(name=account.name, kind="equals", clear_credentials="webhook_secret")
    )

    account.refresh_from_db()
    assert account.credentials == {"api_key": "k"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": "idenfy", "credential_api_key": "k"}, "required: api_key + api_secret"),
        (
            {"kind": "equals", "credential_api_key": "k", "credential_client_id": "c"},
            "Equals Money does not use client_id",
        ),
        (
            {"kind": "stora", "credential_client_id": "c"},
            "access_token or client_id + client_secret",
        ),
        (
            {"kind": "equals", "credential_api_key": "k", "token_url": "https://x.test/t"},
            "does not use a token URL",
        ),
    ],
)
def test_missing_or_foreign_credential_keys_are_form_errors(admin_client_, overrides, message):
    response = admin_client_.post(ADD_URL, form_data(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProviderAccount.objects.exists()


def test_posted_secrets_are_not_echoed_back_on_a_form_error(admin_client_):
    response = admin_client_.post(
        ADD_URL, form_data(kind="idenfy", credential_api_key="typed-secret-123")
    )

    assert response.status_code == 200
    assert "typed-secret-123" not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:index"),
        reverse("admin:login"),
        reverse("admin:providers_provideraccount_changelist"),
        reverse("admin:providers_provideraccount_add"),
        reverse("admin:providers_provideraccount_change", args=[1]),
    ],
)
@pytest.mark.parametrize("user_fixture", ["reviewer", "other_user"])
def test_signed_in_non_staff_get_403_from_the_admin(client, request, url, user_fixture):
    ProviderAccountFactory(pk=1)
    client.force_login(request.getfixturevalue(user_fixture))

    response = client.get(url)

    assert response.status_code == 403
    for secret in all_secrets():
        assert secret not in response.content.decode()


def test_the_rate_limits_section_shows_the_providers_documented_limits(admin_client_):
    stora = ProviderAccountFactory(kind="stora")
    equals = ProviderAccountFactory(kind="equals")

    def page(account):
        url = reverse("admin:providers_provideraccount_change", args=[account.pk])
        return admin_client_.get(url).content.decode()

    assert "10 requests per second and 60 requests per minute" in page(stora)
    assert (
        "[{&quot;requests&quot;: 10, &quot;seconds&quot;: 1}, "
        "{&quot;requests&quot;: 60, &quot;seconds&quot;: 60}]"
    ) in page(stora)
    assert "no limit (Equals Money documents none)" in page(equals)


def test_an_account_overrides_its_rate_limits_in_the_admin(admin_client_):
    response = admin_client_.post(
        ADD_URL,
        form_data(
            credential_client_id="cid-1",
            credential_client_secret="secret-1",
            rate_limits='[{"requests": 500, "seconds": 300}]',
        ),
    )

    assert response.status_code == 302
    account = ProviderAccount.objects.get(name="new-account")
    assert account.rate_limits == [{"requests": 500, "seconds": 300}]


def test_empty_rate_limits_mean_the_documented_ones(admin_client_):
    admin_client_.post(
        ADD_URL,
        form_data(credential_client_id="cid-1", credential_client_secret="secret-1"),
    )

    assert ProviderAccount.objects.get(name="new-account").rate_limits is None


@pytest.mark.parametrize(
    "value", ['{"requests": 5}', '[{"requests": 0, "seconds": 1}]', "[{", '"fast"']
)
def test_malformed_rate_limits_are_refused_on_the_form(admin_client_, value):
    response = admin_client_.post(
        ADD_URL,
        form_data(
            credential_client_id="cid-1", credential_client_secret="secret-1", rate_limits=value
        ),
    )

    assert response.status_code == 200
    assert "rate_limits" in response.context["adminform"].form.errors
    assert not ProviderAccount.objects.filter(name="new-account").exists()


def test_the_scans_section_says_how_each_provider_is_read_by_default(admin_client_):
    def page(kind):
        account = ProviderAccountFactory(kind=kind)
        url = reverse("admin:providers_provideraccount_change", args=[account.pk])
        return admin_client_.get(url).content.decode()

    assert "reads its 3 newest pages; the whole list every 6:00:00" in page("equals")
    assert "reads what changed since the last sync; the whole list every 1 day" in page("stora")
    assert "Swan reads the whole list." in page("swan")


def test_an_account_overrides_how_it_is_scanned_in_the_admin(admin_client_):
    response = admin_client_.post(
        ADD_URL,
        form_data(
            credential_client_id="cid-1",
            credential_client_secret="secret-1",
            recent_pages="0",
            full_scan_interval="02:00:00",
        ),
    )

    assert response.status_code == 302
    account = ProviderAccount.objects.get(name="new-account")
    assert (account.recent_pages, str(account.full_scan_interval)) == (0, "2:00:00")
    assert account.scan_policy.recent_pages == 0
