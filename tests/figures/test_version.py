"""The figures' version moves with every write that moves a figure, and only then."""

import pytest
from django.db import connection

from idvdash.figures import version
from idvdash.figures.models import FiguresChange
from idvdash.providers.outcomes import Outcome
from idvdash.verifications.models import Verification
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db


def test_every_write_that_moves_a_figure_moves_the_version():
    seen = [version.current()]
    record = VerificationFactory(outcome=Outcome.IN_REVIEW, reason_codes=[])
    seen.append(version.current())
    Verification.objects.filter(pk=record.pk).update(outcome=Outcome.APPROVED)
    seen.append(version.current())
    Verification.objects.filter(pk=record.pk).update(reason_codes=["DOC_FAKE"])
    seen.append(version.current())
    Verification.objects.filter(pk=record.pk).delete()
    seen.append(version.current())

    assert seen == sorted(set(seen)), seen  # each write, in one transaction too, a new one


def test_a_write_that_moves_no_figure_leaves_the_version():
    record = VerificationFactory(outcome=Outcome.IN_REVIEW)
    before = version.current()

    Verification.objects.filter(pk=record.pk).update(subject_ref="someone else's reference")

    assert version.current() == before


def test_several_rows_in_one_statement_move_it_once_on_postgresql():
    records = [VerificationFactory(outcome=Outcome.IN_REVIEW) for _ in range(3)]
    before = version.current()

    Verification.objects.filter(pk__in=[r.pk for r in records]).update(outcome=Outcome.DECLINED)

    moved = version.current() - before
    assert moved == (1 if connection.vendor == "postgresql" else 3)


def test_compacting_keeps_the_version():
    for _ in range(4):
        VerificationFactory()
    before = version.current()

    version.compact()

    assert version.current() == before
    assert FiguresChange.objects.count() == 1
