"""The case timeline stays append-only; only an erasure's own transaction may redact it."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from idvdash.retention.erasure import timeline_edits
from idvdash.reviews.models import Activity
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(reviewer):
    return Activity.objects.create(
        verification=VerificationFactory(),
        kind="note",
        actor=reviewer,
        at=timezone.now(),
        text="written about someone",
    )


def update_text(pk: int, text: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reviews_activity SET text = %s WHERE id = %s", [text, pk])


def test_an_update_outside_an_erasure_is_refused(note):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        update_text(note.pk, "changed")

    assert Activity.objects.get(pk=note.pk).text == "written about someone"


def test_an_erasure_may_redact_and_the_guard_returns_after_it(note):
    with transaction.atomic(), timeline_edits():
        update_text(note.pk, "redacted")

    assert Activity.objects.get(pk=note.pk).text == "redacted"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        update_text(note.pk, "changed again")
    assert Activity.objects.get(pk=note.pk).text == "redacted"
