"""R7: session cookie attributes, idle and absolute expiry, a new session id at sign-in."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from idvdash.core.middleware import POLL_HEADER, SESSION_ENDED_MESSAGE
from tests.conftest import PASSWORD
from tests.core.test_settings import PRODUCTION, ROOT

pytestmark = pytest.mark.django_db

POLL = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TRIGGER": "sync-status"}
PRINT_SESSION_SETTINGS = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'secure': s.SESSION_COOKIE_SECURE, 'httponly': s.SESSION_COOKIE_HTTPONLY, "
    "'samesite': s.SESSION_COOKIE_SAMESITE, 'age': s.SESSION_COOKIE_AGE, "
    "'idle': s.SESSION_IDLE_TIMEOUT.total_seconds(), "
    "'absolute': s.SESSION_ABSOLUTE_TIMEOUT.total_seconds(), "
    "'csrf_secure': s.CSRF_COOKIE_SECURE, 'save_every_request': s.SESSION_SAVE_EVERY_REQUEST}))"
)


def sign_in(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


def is_signed_in(client) -> bool:
    response = client.get(reverse("overview"))
    return response.status_code == 200


def test_production_session_cookie_is_secure_httponly_lax_and_short_lived():
    environment = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    environment.update(PRODUCTION, DJANGO_SETTINGS_MODULE="idvdash.settings")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", PRINT_SESSION_SETTINGS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])

    assert values["secure"] is True
    assert values["csrf_secure"] is True
    assert values["httponly"] is True
    assert values["samesite"] == "Lax"
    assert values["idle"] <= 30 * 60
    assert values["absolute"] <= 12 * 3600
    assert values["age"] <= values["idle"]
    assert values["save_every_request"] is False  # polling must not refresh the session


def test_the_cookie_set_at_sign_in_carries_the_attributes(client, reviewer, settings):
    settings.SESSION_COOKIE_SECURE = True
    response = sign_in(client, reviewer)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert 0 < int(cookie["max-age"]) <= 30 * 60


def test_signing_in_gives_a_new_session_id(client, reviewer):
    client.get(reverse("login"))
    client.session["probe"] = 1  # an anonymous session exists before sign-in
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key

    sign_in(client, reviewer)

    assert client.session.session_key != before
    assert int(client.session["_auth_user_id"]) == reviewer.pk


def test_an_idle_session_ends(client, reviewer):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, reviewer)
        clock.move_to(start + settings.SESSION_IDLE_TIMEOUT - timedelta(minutes=1))
        assert is_signed_in(client)
        clock.move_to(start + 2 * settings.SESSION_IDLE_TIMEOUT - timedelta(minutes=3))
        assert is_signed_in(client)  # the request above was activity
        clock.move_to(start + 3 * settings.SESSION_IDLE_TIMEOUT)

        assert not is_signed_in(client)


def test_the_idle_limit_holds_even_with_a_long_lived_session_store(client, reviewer, settings):
    settings.SESSION_COOKIE_AGE = 24 * 3600  # the middleware, not the store, ends it
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, reviewer)
        clock.move_to(start + settings.SESSION_IDLE_TIMEOUT + timedelta(seconds=1))

        response = client.get(reverse("overview"), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert SESSION_ENDED_MESSAGE in response.content.decode()


def test_polling_does_not_keep_an_idle_session_alive(client, reviewer, make_user):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, reviewer)
        for second in range(0, int(settings.SESSION_IDLE_TIMEOUT.total_seconds()), 120):
            clock.move_to(start + timedelta(seconds=second))
            assert client.get(reverse("sync:status"), **POLL).status_code == 200
            client.get(
                reverse("overview"),
                HTTP_HX_REQUEST="true",
                **{f"HTTP_{POLL_HEADER.upper().replace('-', '_')}": "1"},
            )
        clock.move_to(start + settings.SESSION_IDLE_TIMEOUT + timedelta(seconds=1))

        response = client.get(reverse("sync:status"), **POLL)

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_a_user_driven_htmx_request_is_activity(client, reviewer):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, reviewer)
        clock.move_to(start + settings.SESSION_IDLE_TIMEOUT - timedelta(minutes=1))
        client.get(reverse("overview"), HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER="search")
        clock.move_to(start + settings.SESSION_IDLE_TIMEOUT + timedelta(minutes=5))

        assert is_signed_in(client)


def test_a_session_ends_after_the_absolute_limit_even_when_busy(client, reviewer):
    start = timezone.now()
    step = settings.SESSION_IDLE_TIMEOUT / 2
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, reviewer)
        now = start
        while now + step < start + settings.SESSION_ABSOLUTE_TIMEOUT:
            now += step
            clock.move_to(now)
            assert is_signed_in(client), now - start
        clock.move_to(start + settings.SESSION_ABSOLUTE_TIMEOUT + timedelta(seconds=1))

        assert not is_signed_in(client)


def test_the_limits_are_within_policy():
    assert timedelta(minutes=30) >= settings.SESSION_IDLE_TIMEOUT
    assert timedelta(hours=12) >= settings.SESSION_ABSOLUTE_TIMEOUT
    assert settings.SESSION_IDLE_TIMEOUT.total_seconds() >= settings.SESSION_COOKIE_AGE
