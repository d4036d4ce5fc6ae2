"""Who gets what: anonymous / no permission / reviewer / admin, for every view, plain and htmx."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from idvdash.verifications.models import AccessEvent
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

VIEWS = ["list", "export", "detail", "live_status", "data", "files"]
RECORD_VIEWS = {"detail", "live_status", "data", "files"}
HX_HEADERS = {"HTTP_HX_REQUEST": "true"}


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
