"""R6: password guessing is capped per username; the lockout says so; it ends after the cool-off."""

import logging
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.backends import ModelBackend
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from idvdash.core.lockout import locked_out_message
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

GUESSES = 1000
MAX_EVALUATED_PER_HOUR = 100


def sign_in(client, username: str, password: str, *, address: str = "192.0.2.10"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


@pytest.fixture
def evaluated():
    """Count the passwords actually checked (ModelBackend.authenticate runs the hasher)."""
    with mock.patch.object(
        ModelBackend, "authenticate", autospec=True, side_effect=ModelBackend.authenticate
    ) as spy:
        yield spy


def test_a_thousand_wrong_passwords_in_an_hour_evaluate_at_most_a_hundred(
    reviewer, evaluated, caplog
):
    caplog.set_level(logging.ERROR, logger="axes")  # three log lines per guess otherwise
    # authenticate() with a request is exactly what the sign-in form calls (the views are
    # covered below); calling it directly keeps a thousand guesses fast.
    start = timezone.now()
    factory = RequestFactory()
    with time_machine.travel(start, tick=False) as clock:
        for guess in range(GUESSES):
            # Spread over one hour, each from a different address (a botnet).
            clock.move_to(start + timedelta(seconds=guess * 3600 / GUESSES))
            request = factory.post(
                reverse("login"), REMOTE_ADDR=f"10.0.{guess // 250}.{guess % 250}"
            )
            user = authenticate(request, username=reviewer.username, password=f"wrong-{guess}")
            assert user is None

    assert evaluated.call_count <= MAX_EVALUATED_PER_HOUR
    assert evaluated.call_count >= settings.AXES_FAILURE_LIMIT  # it did evaluate some


def test_guessing_from_one_address_across_usernames_is_capped_too(client, make_user, evaluated):
    for n in range(30):
        make_user(f"user{n}")
    for n in range(30):
        sign_in(client, f"user{n}", "wrong", address="198.51.100.7")

    assert evaluated.call_count == settings.AXES_FAILURE_LIMIT


def test_the_lockout_page_says_what_happened_and_the_right_password_is_not_checked(
    client, reviewer, evaluated
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, reviewer.username, "wrong")
    checked = evaluated.call_count

    response = sign_in(client, reviewer.username, PASSWORD)

    assert response.status_code == 429
    assert locked_out_message() in response.content.decode()
    assert evaluated.call_count == checked
    assert "_auth_user_id" not in client.session


def test_the_right_password_works_again_after_the_cool_off(client, reviewer):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(settings.AXES_FAILURE_LIMIT + 5):
            sign_in(client, reviewer.username, "wrong")
        assert sign_in(client, reviewer.username, PASSWORD).status_code == 429

        clock.move_to(start + settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
        response = sign_in(client, reviewer.username, PASSWORD)

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == reviewer.pk


def test_the_admin_has_no_password_form_of_its_own_to_guess_on(client, admin_user, evaluated):
    """The admin's sign-in sends to the site's (second factor, throttling); it checks nothing."""
    for _ in range(settings.AXES_FAILURE_LIMIT + 5):
        response = client.post(
            reverse("admin:login"),
            {"username": admin_user.username, "password": "wrong"},
            REMOTE_ADDR="192.0.2.20",
        )
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={reverse('admin:index')}"
    assert evaluated.call_count == 0
    assert "_auth_user_id" not in client.session


def test_an_admin_username_is_throttled_at_the_sign_in(client, admin_user, evaluated):
    for _ in range(settings.AXES_FAILURE_LIMIT + 5):
        sign_in(client, admin_user.username, "wrong", address="192.0.2.20")

    response = sign_in(client, admin_user.username, PASSWORD, address="192.0.2.20")

    assert response.status_code == 429
    assert evaluated.call_count == settings.AXES_FAILURE_LIMIT


def test_the_lockout_template_extends_the_site_layout(client, reviewer):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = sign_in(client, reviewer.username, "wrong")

    assert response.status_code == 429
    names = [t.name for t in response.templates]
    assert "registration/locked_out.html" in names
    assert names[names.index("registration/locked_out.html") + 1] == "base.html"
