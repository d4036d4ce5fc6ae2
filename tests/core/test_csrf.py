"""R9: every POST needs a CSRF token (plain and htmx); a GET writes nothing but audit rows."""

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from idvdash.verifications.models import AccessEvent, SyncRun
from tests.plugins.samples import SAMPLE_ID, SAMPLES
from tests.routes import CSRF_EXEMPT, routes

pytestmark = pytest.mark.django_db

ROUTES = [(name, url) for name, url in routes(SAMPLES) if name not in CSRF_EXEMPT]
HTMX = {"HTTP_HX_REQUEST": "true"}
# Writes a GET may cause: the audit trail, the session, sign-in throttling records, and
# a live read's place in its account's request budget.
MAY_WRITE = {
    "verifications.AccessEvent",
    "sessions.Session",
    "providers.RateBudget",
    "providers.RateUse",
    "signin.SignInEvent",  # the sign-in audit (each force_login is a sign-in)
} | {f"axes.{model.__name__}" for model in apps.get_app_config("axes").get_models()}


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label not in MAY_WRITE and model._meta.managed
    }


@pytest.fixture
def csrf_client(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize(("name", "url"), ROUTES)
def test_a_post_without_a_csrf_token_is_refused(csrf_client, sample_data, name, url):
    for extra in ({}, HTMX, {**HTMX, "HTTP_X_CSRFTOKEN": "not-the-token"}):
        response = csrf_client.post(url, {"name": "changed"}, **extra)

        assert response.status_code == 403, (url, extra)


def test_an_anonymous_sign_in_without_a_csrf_token_is_refused(reviewer):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "rita", "password": "x"})

    assert response.status_code == 403


def test_the_same_post_with_its_token_goes_through(csrf_client, sample_data):
    csrf_client.get(reverse("sync:status"))  # sets the CSRF cookie
    token = csrf_client.cookies["csrftoken"].value

    response = csrf_client.post(
        reverse("sync:run", args=[SAMPLE_ID]), HTTP_X_CSRFTOKEN=token, **HTMX
    )

    assert response.status_code == 302
    assert SyncRun.objects.filter(account_id=SAMPLE_ID, state=SyncRun.State.QUEUED).exists()


def test_getting_every_route_twice_writes_nothing_but_audit_rows(
    client, sample_data, reviewer, admin_user
):
    before = row_counts()
    audit_before = AccessEvent.objects.count()

    for user in (reviewer, admin_user):
        client.force_login(user)
        for _name, url in ROUTES:
            for extra in ({}, HTMX, {}):
                client.get(url, **extra)

    assert row_counts() == before
    assert AccessEvent.objects.count() >= audit_before  # audit rows are allowed, and expected
