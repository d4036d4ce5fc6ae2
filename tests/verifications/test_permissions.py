"""Who sees what: anonymous / no permission / reviewer / admin, for every view, plain and htmx.

R3: reviewers never reach the admin or admin-only actions; no one reads others' objects.
"""

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from idvdash.providers.forms import ALL_CREDENTIAL_KEYS
from idvdash.verifications.models import AccessEvent, SyncRun
from tests.plugins.samples import SAMPLE_ID, SAMPLES
from tests.providers.factories import CANARY, ProviderAccountFactory
from tests.routes import body_of, routes
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

VIEWS = ["list", "export", "detail", "live_status", "data", "files"]
RECORD_VIEWS = {"detail", "live_status", "data", "files"}
HX_HEADERS = {"HTTP_HX_REQUEST": "true"}

ROUTES = routes(SAMPLES)
ADMIN_ROUTES = [(name, url) for name, url in ROUTES if name.startswith("admin:")]
REVIEWER_ROUTES = [(name, url) for name, url in ROUTES if not name.startswith("admin:")]
OBJECT_ROUTES = [(name, url) for name, url in REVIEWER_ROUTES if str(SAMPLE_ID) in url]
# The admin's sign-in and sign-out pages answer everyone (a reviewer is refused on them too).
ADMIN_OPEN = {"admin:logout"}
CREDENTIAL_INPUT = re.compile(r'name="credential_[a-z_]+"|name="credentials"')


@pytest.fixture
def record(sandbox_accounts, sandbox):
    settings = sandbox_accounts["idenfy"]
    account = ProviderAccountFactory(
        kind="idenfy", base_url=settings["base_url"], credentials=settings["credentials"]
    )
    return VerificationFactory(account=account, external_id=sandbox.dataset.idenfy.scan_ref(0))


def url_for(name: str, record) -> str:
    args = [record.pk] if name in RECORD_VIEWS else []
    return reverse(f"verifications:{name}", args=args)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("name", VIEWS)
def test_anonymous_people_are_sent_to_sign_in(client, record, name, htmx):
    url = url_for(name, record)
    page = reverse("verifications:detail", args=[record.pk])
    headers = {**HX_HEADERS, "HTTP_HX_CURRENT_URL": f"http://testserver{page}"} if htmx else {}

    response = client.get(url, **headers)

    if htmx:
        assert response.status_code == 200
        assert response["HX-Redirect"] == f"{reverse('login')}?next={quote(page)}"
        assert response.content == b""
    else:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={quote(url)}"
    assert AccessEvent.objects.count() == 0


def test_an_htmx_request_without_a_current_url_returns_to_itself_after_sign_in(client):
    url = reverse("verifications:list") + "?provider=swan"

    response = client.get(url, **HX_HEADERS)

    assert response["HX-Redirect"] == f"{reverse('login')}?next={quote(url, safe='/')}"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("name", VIEWS)
def test_signed_in_people_without_the_permission_get_403_and_no_data(
    client, other_user, record, name, htmx
):
    client.force_login(other_user)

    response = client.get(url_for(name, record), **(HX_HEADERS if htmx else {}))

    assert response.status_code == 403
    assert record.external_id.encode() not in response.content
    assert AccessEvent.objects.count() == 0


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("name", VIEWS)
@pytest.mark.parametrize("persona", ["reviewer", "admin_user"])
def test_reviewers_and_admins_may_use_every_view(
    client, request, sandbox_faults, record, name, htmx, persona
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(url_for(name, record), **(HX_HEADERS if htmx else {}))

    assert response.status_code == 200


def test_reviewers_see_the_nav_link_and_others_do_not(client, reviewer, other_user):
    link = f'href="{reverse("verifications:list")}"'
    client.force_login(reviewer)
    assert link in client.get(reverse("overview")).content.decode()

    client.force_login(other_user)
    assert link not in client.get(reverse("overview")).content.decode()


@pytest.mark.parametrize("name", VIEWS)
def test_only_get_is_allowed(reviewer_client, record, name):
    assert reviewer_client.post(url_for(name, record)).status_code == 405


@pytest.mark.parametrize(("name", "url"), ADMIN_ROUTES)
def test_a_reviewer_is_refused_on_every_admin_url(reviewer_client, sample_data, name, url):
    for method in (reviewer_client.get, reviewer_client.post):
        response = method(url)

        if name in ADMIN_OPEN and response.status_code in (302, 405):
            continue
        assert response.status_code == 403, (method.__name__, url)


def test_a_reviewer_cannot_run_the_test_connection_action(reviewer_client, sample_data):
    response = reviewer_client.post(
        reverse("admin:providers_provideraccount_changelist"),
        {"action": "test_connection", "_selected_action": [SAMPLE_ID]},
    )

    assert response.status_code == 403


def test_a_reviewer_cannot_start_a_sync(reviewer_client, sample_data):
    response = reviewer_client.post(reverse("sync:run", args=[SAMPLE_ID]))

    assert response.status_code == 403
    assert not SyncRun.objects.filter(state=SyncRun.State.QUEUED).exists()


@pytest.mark.parametrize(("name", "url"), OBJECT_ROUTES)
def test_someone_outside_the_reviewers_cannot_open_objects_by_id(
    client, other_user, sample_data, name, url
):
    client.force_login(other_user)

    for method in (client.get, client.post):
        for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = method(url, **extra)
            if response.status_code == 405:  # the route does not take this method
                continue

            if name.startswith("mfa_"):
                # Someone's own second factors: first a fresh sign-in is asked for.
                assert response.status_code in (302, 403, 404), url
                if response.status_code == 302:
                    assert response["Location"].startswith(reverse("account_reauthenticate"))
            else:
                assert response.status_code in (403, 404), url
            assert sample_data["verification"].external_id not in body_of(response)


@pytest.mark.parametrize(("name", "url"), REVIEWER_ROUTES)
def test_no_reviewer_response_carries_a_credential(reviewer_client, sample_data, name, url):
    secrets = [value for values in CANARY.values() for value in values.values()]
    for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
        body = body_of(reviewer_client.get(url, **extra))

        assert not CREDENTIAL_INPUT.search(body), url
        for secret in secrets:
            assert secret not in body, url
        for key in ALL_CREDENTIAL_KEYS:
            assert f'name="{key}"' not in body, url
