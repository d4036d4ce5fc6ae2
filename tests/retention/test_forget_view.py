"""The "Forget this person" page: admins only, a confirmation first, a reason required."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from idvdash.people.models import Person, Subject
from idvdash.retention.models import Erasure
from idvdash.verifications.models import Outcome, Verification
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    account = ProviderAccountFactory(kind="stora")
    person = Person.objects.create()
    for ref in ("con_a", "con_b"):
        Subject.objects.create(account=account, provider="stora", ref=ref, person=person)
    for ref in ("con_a", "con_a", "con_b"):
        VerificationFactory(account=account, subject_ref=ref, raw={"contact": {"id": ref}})
    VerificationFactory(account=account, subject_ref="con_someone_else")
    return person


def url(person) -> str:
    return reverse("retention:forget_person", args=[person.pk])


def nothing_changed() -> bool:
    return not Erasure.objects.exists() and not Verification.objects.filter(erased_at__isnull=False)


def test_reviewers_are_refused(client, reviewer, senior, person):
    for user in (reviewer, senior):
        client.force_login(user)
        assert client.get(url(person)).status_code == 403
        assert client.post(url(person), {"reason": "ticket 1"}).status_code == 403
    assert nothing_changed()


def test_anonymous_people_are_sent_to_sign_in(client, person):
    response = client.post(url(person), {"reason": "ticket 1"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert nothing_changed()


def test_the_confirmation_counts_what_goes_and_changes_nothing(admin_client_, person):
    response = admin_client_.get(url(person))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Forget 2 subjects and strip 3 verifications" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "con_a" not in page  # the page names no subject
    assert nothing_changed()


def test_a_reason_is_required(admin_client_, person):
    response = admin_client_.post(url(person), {"reason": "  "})

    assert response.status_code == 200
    assert "Nothing was changed." in response.content.decode()
    assert nothing_changed()


def test_an_admin_forgets_the_person(admin_client_, admin_user, person):
    response = admin_client_.post(url(person), {"reason": "Request ticket 4711"})

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Person {person.pk} forgotten" in page
    erasure = Erasure.objects.get()
    assert (erasure.by, erasure.person, erasure.reason) == (
        admin_user,
        person,
        "Request ticket 4711",
    )
    assert Verification.objects.filter(erased_at__isnull=False).count() == 3
    assert Verification.objects.get(subject_ref="con_someone_else").erased_at is None


def test_a_person_with_the_permission_may_forget(client, make_user, person):
    officer = make_user("olga", reviewer=True)
    officer.user_permissions.add(Permission.objects.get(codename="forget_person"))
    client.force_login(officer)

    assert client.post(url(person), {"reason": "DPO request 9"}).status_code == 200
    assert Erasure.objects.count() == 1


def test_an_unknown_person_is_404(admin_client_):
    assert admin_client_.get(reverse("retention:forget_person", args=[999])).status_code == 404


def test_other_methods_are_refused(admin_client_, person):
    assert admin_client_.put(url(person)).status_code == 405


def test_a_forgotten_record_says_so_on_its_page_and_in_the_list(
    reviewer_client, person, admin_user
):
    from idvdash.retention import erasure

    erasure.forget(person=person, by=admin_user, reason="ticket 1")
    row = Verification.objects.filter(erased_at__isnull=False).first()
    Verification.objects.filter(pk=row.pk).update(outcome=Outcome.DECLINED)

    detail = reviewer_client.get(reverse("verifications:detail", args=[row.pk]))
    listed = reviewer_client.get(reverse("verifications:list"))

    page = detail.content.decode()
    assert (
        "by idvdash at an admin&#x27;s request" in page
        or "by idvdash at an admin's request" in page
    )
    assert f"{row.erased_at:%Y-%m-%d}" in page
    assert "live_status" not in page
    assert "Asking" not in page
    assert "con_a" not in page
    assert "has not told us who this is" not in page  # it did; idvdash removed it
    assert "idvdash removed who this is" in page
    assert f"Forgotten {timezone.now():%Y-%m-%d}" in listed.content.decode()
