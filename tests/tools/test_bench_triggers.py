"""The trigger benchmark measures both sides and leaves the figures' triggers installed."""

import pytest

from idvdash.figures import version
from idvdash.verifications.models import Verification
from tests.figures.direct import assert_figures_equal_the_mirror
from tests.verifications.factories import VerificationFactory
from tools.bench import trigger_bench

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_compares_the_triggers_with_and_without_the_version_and_puts_them_back():
    (figure,) = trigger_bench.run(rows=200, reps=1)

    assert figure.measured > 0
    assert figure.baseline > 0
    assert not Verification.objects.exists()  # its rows are gone again
    before = version.current()
    VerificationFactory()
    assert version.current() > before  # the triggers, with the version, are back
    assert_figures_equal_the_mirror()
