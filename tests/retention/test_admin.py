"""Purge runs and erasures in the admin: read, never added, changed or deleted by hand."""

import pytest
from django.urls import reverse

from idvdash.people.models import Person
from idvdash.retention import erasure, purge

pytestmark = pytest.mark.django_db


def test_purge_runs_are_listed_read_only(admin_client_):
    done = purge.run()

    listed = admin_client_.get(reverse("admin:retention_purgerun_changelist"))
    opened = admin_client_.get(reverse("admin:retention_purgerun_change", args=[done.pk]))

    assert listed.status_code == 200
    assert "snapshots" in listed.content.decode()
    assert opened.status_code == 200
    assert 'name="_save"' not in opened.content.decode()
    assert admin_client_.get(reverse("admin:retention_purgerun_add")).status_code == 403


def test_erasures_are_listed_read_only(admin_client_, admin_user):
    done = erasure.forget(person=Person.objects.create(), by=admin_user, reason="ticket 3")

    opened = admin_client_.get(reverse("admin:retention_erasure_change", args=[done.pk]))

    assert opened.status_code == 200
    assert "ticket 3" in opened.content.decode()
    assert 'name="_save"' not in opened.content.decode()
    deleting = reverse("admin:retention_erasure_delete", args=[done.pk])
    assert admin_client_.post(deleting, {"post": "yes"}).status_code == 403
