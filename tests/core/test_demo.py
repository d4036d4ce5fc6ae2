import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from idvdash.core.demo import DEMO_LOGINS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True


def test_demo_prints_logins_that_work():
    out = io.StringIO()

    call_command("demo", "--no-serve", stdout=out)

    for login in DEMO_LOGINS:
        assert f"{login.username} / {login.password}" in out.getvalue()
        assert authenticate(username=login.username, password=login.password) is not None


def test_demo_reviewer_may_review_and_is_not_staff():
    call_command("demo", "--no-serve", stdout=io.StringIO())

    reviewer = authenticate(username="reviewer", password="idvdash-demo-reviewer")
    admin = authenticate(username="admin", password="idvdash-demo-admin")
    assert reviewer.has_perm("verifications.view_verification")
    assert not reviewer.is_staff
    assert not reviewer.has_perm("providers.view_provideraccount")
    assert admin.is_staff
    assert admin.is_superuser


def test_running_the_demo_twice_is_harmless():
    call_command("demo", "--no-serve", stdout=io.StringIO())
    call_command("demo", "--no-serve", stdout=io.StringIO())

    assert authenticate(username="admin", password="idvdash-demo-admin") is not None


def test_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG on"):
        call_command("demo", "--no-serve", stdout=io.StringIO())
