"""Two subjects with one customer reference arriving at the same moment (a webhook
during a sync) are linked: on PostgreSQL the second waits for the first to commit."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from idvdash.people.models import Subject
from idvdash.people.observe import observe
from idvdash.providers.traits import Traits
from tests.providers.factories import ProviderAccountFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHARED = Traits(customer_refs=("client-race-1",))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writes one at a time")
def test_two_subjects_observed_at_once_are_still_linked():
    idenfy = ProviderAccountFactory(kind="idenfy")
    stora = ProviderAccountFactory(kind="stora")
    first_wrote = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                observe(idenfy, [("client-race-1", SHARED)], timezone.now())
                first_wrote.set()
                time.sleep(0.5)  # still uncommitted while the second observes
        except BaseException as err:
            errors.append(err)
            first_wrote.set()
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_wrote.wait(5)
            observe(stora, [("con_race", SHARED)], timezone.now())
        except BaseException as err:
            errors.append(err)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert errors == []
    linked = Subject.objects.filter(person__isnull=False)
    assert sorted(linked.values_list("ref", flat=True)) == ["client-race-1", "con_race"]
    assert len({s.person_id for s in linked}) == 1
