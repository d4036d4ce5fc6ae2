"""R3: reviewers never reach the admin or admin-only actions; no one reads others' objects."""

import re

import pytest
from django.urls import reverse

from idvdash.providers.forms import ALL_CREDENTIAL_KEYS
from idvdash.verifications.models import SyncRun
from tests.plugins.samples import SAMPLE_ID, SAMPLES
from tests.providers.factories import CANARY
from tests.routes import body_of, routes

pytestmark = pytest.mark.django_db

ROUTES = routes(SAMPLES)
ADMIN_ROUTES = [(name, url) for name, url in ROUTES if name.startswith("admin:")]
REVIEWER_ROUTES = [(name, url) for name, url in ROUTES if not name.startswith("admin:")]
OBJECT_ROUTES = [(name, url) for name, url in REVIEWER_ROUTES if str(SAMPLE_ID) in url]
# The admin's sign-in and sign-out pages answer everyone (a reviewer is refused on them too).
ADMIN_OPEN = {"admin:logout"}
CREDENTIAL_INPUT = re.compile(r'name="credential_[a-z_]+"|name="credentials"')


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
