"""Who may do what to a case through the web: every action URL, every role."""

import pytest
from django.test import Client
from django.urls import reverse

from idvdash.reviews.models import Review
from idvdash.reviews.rules import OWN_PROPOSAL
from tests.reviews.conftest import version_of

pytestmark = pytest.mark.django_db
ACTIONS = ["assign_me", "act", "note", "tag", "untag"]


def url(name, verification) -> str:
    return reverse(f"reviews:{name}", args=[verification.pk])


def take(client, verification):
    response = client.post(url("assign_me", verification), {"version": version_of(verification)})
    assert response.status_code == 302


def propose(client, verification, category):
    response = client.post(
        url("act", verification),
        {
            "action": "propose",
            "version": version_of(verification),
            "decision": "cleared",
            "category": category.pk,
            "reason": "Looks right.",
        },
    )
    assert response.status_code == 302


@pytest.mark.parametrize("name", ACTIONS)
def test_anonymous_people_are_sent_to_sign_in(client, suspected, name):
    response = client.post(url(name, suspected), {"version": 0})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Review.objects.exists()


@pytest.mark.parametrize("name", ACTIONS)
def test_a_signed_in_person_without_a_reviewer_role_gets_403(client, other_user, suspected, name):
    client.force_login(other_user)

    response = client.post(url(name, suspected), {"version": 0, "text": "hi"})

    assert response.status_code == 403
    assert not Review.objects.exists()


@pytest.mark.parametrize("name", ACTIONS)
def test_a_get_on_an_action_url_is_405(reviewer_client, suspected, name):
    assert reviewer_client.get(url(name, suspected)).status_code == 405


def test_csrf_is_enforced(reviewer, suspected):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)

    response = client.post(url("assign_me", suspected), {"version": 0})

    assert response.status_code == 403
    assert not Review.objects.exists()


def test_a_reviewer_cannot_approve_or_reject(client_for, reviewer, make_user, suspected, category):
    rob, rita = client_for(make_user("rob", reviewer=True)), client_for(reviewer)
    take(rob, suspected)
    propose(rob, suspected, category)

    for action in ("approve", "reject"):
        response = rita.post(
            url("act", suspected), {"action": action, "version": 2, "reason": "No."}
        )
        assert response.status_code == 403
        assert "Only a senior reviewer can" in response.content.decode()
    assert Review.objects.get(pk=suspected.pk).state == Review.State.AWAITING_APPROVAL


def test_a_reviewer_cannot_assign_to_someone_else_but_a_senior_can(
    client_for, reviewer, senior, make_user, suspected
):
    rob = make_user("rob", reviewer=True)
    data = {"action": "assign", "version": 0, "target": rob.pk}

    refused = client_for(reviewer).post(url("act", suspected), data)
    assert refused.status_code == 403
    assert not Review.objects.exists()

    assert client_for(senior).post(url("act", suspected), data).status_code == 302
    assert Review.objects.get(pk=suspected.pk).assignee == rob


def test_a_reviewer_cannot_take_an_escalated_case_but_a_senior_can(
    client_for, reviewer, senior, make_user, suspected
):
    rob = client_for(make_user("rob", reviewer=True))
    take(rob, suspected)
    rob.post(url("act", suspected), {"action": "escalate", "version": 1, "reason": "Odd."})
    assert Review.objects.get(pk=suspected.pk).state == Review.State.ESCALATED

    refused = client_for(reviewer).post(url("assign_me", suspected), {"version": 2})
    assert refused.status_code == 403

    take(client_for(senior), suspected)
    review = Review.objects.get(pk=suspected.pk)
    assert (review.state, review.assignee) == (Review.State.ESCALATED, senior)


def test_nobody_approves_their_own_proposal(client_for, senior, suspected, category):
    sam = client_for(senior)
    take(sam, suspected)
    propose(sam, suspected, category)

    page = sam.get(reverse("verifications:detail", args=[suspected.pk])).content.decode()
    assert ">Approve</button>" not in page
    response = sam.post(url("act", suspected), {"action": "approve", "version": 2})

    assert response.status_code == 403
    assert OWN_PROPOSAL in response.content.decode().replace("&#x27;", "'")
    assert Review.objects.get(pk=suspected.pk).state == Review.State.AWAITING_APPROVAL


def test_another_senior_approves(client_for, senior, make_user, suspected, category):
    sam = client_for(senior)
    take(sam, suspected)
    propose(sam, suspected, category)

    sara = client_for(make_user("sara", senior=True))
    assert sara.post(url("act", suspected), {"action": "approve", "version": 2}).status_code == 302
    assert Review.objects.get(pk=suspected.pk).state == Review.State.CLOSED


@pytest.mark.parametrize("persona", ["reviewer", "senior"])
def test_reviewers_cannot_reach_the_admin(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get("/admin/").status_code == 403


def test_an_admin_reaches_the_admin(admin_client_):
    assert admin_client_.get("/admin/").status_code == 200


def test_only_seniors_see_assign_to_with_the_reviewers_listed(
    client_for, reviewer, senior, other_user, suspected
):
    detail = reverse("verifications:detail", args=[suspected.pk])
    sams_page = client_for(senior).get(detail).content.decode()
    ritas_page = client_for(reviewer).get(detail).content.decode()

    assert 'name="target"' in sams_page
    assert f'<option value="{reviewer.pk}">rita</option>' in sams_page
    assert f'<option value="{other_user.pk}">' not in sams_page
    assert f'<option value="{senior.pk}">sam</option>' in sams_page
    assert 'name="target"' not in ritas_page
