"""R17: an exception in a view, a task or a command shows a reference id, never internals."""

import io
import logging
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from idvdash.core.errors import SERVER_ERROR_LOG
from idvdash.verifications import sync, tasks
from idvdash.verifications.models import SyncRun
from tests.providers.factories import CANARY, ProviderAccountFactory

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"<code>([0-9a-f]{12})</code>")
SECRET = CANARY["equals"]["api_key"]
INTERNALS = ("Traceback", "RuntimeError", "error_views.py", "SECRET_KEY", "DATABASES")


def assert_nothing_inside(text: str) -> None:
    assert SECRET not in text
    assert settings.SECRET_KEY not in text
    for word in INTERNALS:
        assert word not in text


@pytest.fixture
def failing_client(client, reviewer, settings):
    settings.ROOT_URLCONF = "tests.core.error_urls"
    settings.DEBUG = False
    client.raise_request_exception = False
    client.force_login(reviewer)
    return client


def test_a_failing_view_shows_a_generic_page_with_a_reference_that_is_logged(
    failing_client, caplog
):
    with caplog.at_level(logging.ERROR):
        response = failing_client.get("/explode/")

    assert response.status_code == 500
    body = response.content.decode()
    assert_nothing_inside(body)
    reference = REFERENCE.search(body).group(1)
    logged = [r for r in caplog.records if r.name == "idvdash.core.errors"]
    assert len(logged) == 1
    assert logged[0].msg == SERVER_ERROR_LOG
    assert reference in logged[0].getMessage()
    assert logged[0].exc_info[0] is RuntimeError  # the trace is in the log, for us
    assert response["Cache-Control"] == "no-store, private"


def test_two_failures_get_different_references(failing_client):
    first = REFERENCE.search(failing_client.get("/explode/").content.decode()).group(1)
    second = REFERENCE.search(failing_client.get("/explode/").content.decode()).group(1)

    assert first != second


def test_the_error_page_needs_no_request_context(failing_client, monkeypatch):
    # Even with every context processor broken the page renders.
    def broken(request):
        raise RuntimeError("context processor down")

    monkeypatch.setattr("django.template.context_processors.csp", broken)

    response = failing_client.get("/explode/")

    assert response.status_code == 500
    assert REFERENCE.search(response.content.decode())


def test_not_found_and_forbidden_use_the_generic_pages(failing_client, other_user, client):
    not_found = failing_client.get("/no-such-page/")
    assert not_found.status_code == 404
    assert "Not found" in not_found.content.decode()
    assert_nothing_inside(not_found.content.decode())

    failing_client.force_login(other_user)
    forbidden = failing_client.get("/admin/")
    assert forbidden.status_code == 403
    assert "Not allowed" in forbidden.content.decode()


def test_a_bad_request_uses_the_generic_page(failing_client):
    response = failing_client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
    assert "evil.example" not in response.content.decode()


class ExplodingClient:
    kind = "equals"
    incremental = False

    def iter_pages(self, *, checkpoint=None):
        raise RuntimeError(f"internal failure carrying {SECRET}")
        yield

    def enrich(self, record):
        return record

    def close(self):
        pass


def test_a_failing_background_task_records_a_readable_error_without_secrets(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    account = ProviderAccountFactory(kind="equals")
    monkeypatch.setattr(sync, "client_for", lambda account: ExplodingClient())
    with django_capture_on_commit_callbacks():
        run = sync.enqueue_run(account=account, trigger="test")

    with caplog.at_level(logging.DEBUG):
        state = tasks.run_sync.call(run.pk)

    run.refresh_from_db()
    assert state == SyncRun.State.FAILED
    assert run.error == sync.UNEXPECTED.format(
        error="RuntimeError", account=account.name, run=run.pk
    )
    assert_nothing_inside(run.error.replace("RuntimeError", ""))
    for record in caplog.records:
        assert SECRET not in record.getMessage()
        assert SECRET not in caplog.text


def test_a_failing_command_prints_the_readable_error_only(monkeypatch, caplog):
    ProviderAccountFactory(kind="equals", name="broken")
    monkeypatch.setattr(sync, "client_for", lambda account: ExplodingClient())
    out = io.StringIO()

    with pytest.raises(CommandError), caplog.at_level(logging.DEBUG):
        call_command("sync", "broken", stdout=out)

    printed = out.getvalue()
    assert "broken: FAILED" in printed
    assert "Unexpected RuntimeError" in printed
    assert SECRET not in printed
    assert "Traceback" not in printed
    assert SECRET not in caplog.text
