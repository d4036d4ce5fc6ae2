"""The people admin is read-only and shows no digest."""

import pytest
from django.urls import reverse
from django.utils import timezone

from idvdash.people import linking
from idvdash.people.models import LinkEvent, SubjectKey
from idvdash.people.observe import observe
from idvdash.providers.traits import Traits
from tests.providers.factories import ProviderAccountFactory

pytestmark = pytest.mark.django_db


def test_admin_lists_people_subjects_and_events_without_digests(admin_client_, admin_user):
    account = ProviderAccountFactory(kind="swan")
    observe(account, [("user-1", Traits(emails=("a@example.com",)))], timezone.now())
    subject = linking.subject_for(account, "user-1")
    person = linking.link(subject, None, by=admin_user, reason="checked")
    digest = SubjectKey.objects.get().digest

    pages = [
        reverse("admin:people_person_changelist"),
        reverse("admin:people_subject_changelist"),
        reverse("admin:people_subject_change", args=[subject.pk]),
        reverse("admin:people_linkevent_changelist"),
        reverse("admin:people_personview_changelist"),
    ]
    for url in pages:
        response = admin_client_.get(url)
        assert response.status_code == 200, url
        assert digest not in response.content.decode()
    subject_page = admin_client_.get(reverse("admin:people_subject_change", args=[subject.pk]))
    assert "Match keys" in subject_page.content.decode()
    assert admin_client_.get(reverse("admin:people_person_add")).status_code == 403
    assert LinkEvent.objects.filter(person=person).count() == 1
