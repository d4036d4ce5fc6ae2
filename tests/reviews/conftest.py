import pytest
from django.test import Client

from idvdash.reviews.models import DecisionCategory, Review
from idvdash.verifications.models import Outcome
from tests.verifications.factories import VerificationFactory


@pytest.fixture
def suspected():
    return VerificationFactory(outcome=Outcome.SUSPECTED, suspected=True, raw_status="SUSPECTED")


@pytest.fixture
def approved():
    return VerificationFactory(outcome=Outcome.APPROVED, suspected=False, raw_status="APPROVED")


@pytest.fixture
def category():
    return DecisionCategory.objects.get(name="False positive")


@pytest.fixture
def client_for():
    """A signed-in test client per user, so two people can act at once."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def version_of(verification) -> int:
    review = Review.objects.filter(pk=verification.pk).first()
    return review.version if review else 0
