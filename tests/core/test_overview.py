import pytest
from django.urls import reverse

from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db


def test_reviewer_sees_totals_by_provider_and_outcome(reviewer_client, django_assert_num_queries):
    VerificationFactory.create_batch(3, outcome="approved")
    VerificationFactory(outcome="declined", raw_status="DENIED")

    # session, user, user permissions, group permissions, totals
    with django_assert_num_queries(4):
        response = reviewer_client.get(reverse("overview"))

    totals = {(r["provider"], r["outcome"]): r["n"] for r in response.context["totals"]}
    assert totals == {("idenfy", "approved"): 3, ("idenfy", "declined"): 1}


def test_user_without_review_permission_sees_no_data(client, other_user):
    VerificationFactory()
    client.force_login(other_user)

    response = client.get(reverse("overview"))

    assert response.context["totals"] == []
    assert "Ask an administrator to add you to the" in response.content.decode()


def test_empty_mirror_says_what_to_do(reviewer_client):
    response = reviewer_client.get(reverse("overview"))

    assert "No verifications are mirrored yet" in response.content.decode()
