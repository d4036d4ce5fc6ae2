"""Linking rules: automatic on the partner's customer reference only, never on a
suggestion, never merging two persons, never undoing a reviewer's unlink; by hand with
a reason, audited and reversible."""

import pytest
from django.db import connection
from django.utils import timezone

from idvdash.people import linking
from idvdash.people.models import LinkEvent, Person, Subject, SubjectKey
from idvdash.people.observe import observe
from idvdash.providers.traits import Traits
from tests.people.helpers import record, write
from tests.providers.factories import ProviderAccountFactory

pytestmark = pytest.mark.django_db

JONAS = Traits(names=("Jonas Petraitis",), birth_dates=("1990-04-12",))


@pytest.fixture
def idenfy():
    return ProviderAccountFactory(kind="idenfy", name="idenfy-main")


@pytest.fixture
def stora():
    return ProviderAccountFactory(kind="stora", name="stora-main")


@pytest.fixture
def swan():
    return ProviderAccountFactory(kind="swan", name="swan-main")


def subject(account, ref) -> Subject:
    return Subject.objects.get(account=account, ref=ref)


def test_the_same_customer_reference_links_two_providers_subjects(idenfy, stora):
    write(idenfy, record("scan-1", "client-0004812", Traits(customer_refs=("client-0004812",))))
    alone = subject(idenfy, "client-0004812")
    assert alone.person is None  # one subject alone links to nothing

    write(stora, record("idver_1", "con_abc", Traits(customer_refs=(" client-0004812 ",))))

    ida, sto = subject(idenfy, "client-0004812"), subject(stora, "con_abc")
    assert ida.person_id is not None
    assert ida.person_id == sto.person_id
    assert {ida.linked_by, sto.linked_by} == {Subject.LinkedBy.CUSTOMER_REF}
    events = LinkEvent.objects.filter(person_id=ida.person_id)
    assert {(e.subject_id, e.action, e.rule, e.by_id) for e in events} == {
        (ida.pk, "link", "customer_ref", None),
        (sto.pk, "link", "customer_ref", None),
    }


def test_a_third_subject_joins_the_existing_person(idenfy, stora, swan):
    write(idenfy, record("scan-1", "client-7", Traits(customer_refs=("client-7",))))
    write(stora, record("idver_1", "con_7", Traits(customer_refs=("client-7",))))
    write(swan, record("swan-1", "user-7", Traits(customer_refs=("client-7",))))

    assert Person.objects.count() == 1
    assert Subject.objects.filter(person__isnull=False).count() == 3


def test_a_different_customer_reference_links_nothing(idenfy, stora):
    write(idenfy, record("scan-1", "client-1", Traits(customer_refs=("client-1",))))
    write(stora, record("idver_1", "con_1", Traits(customer_refs=("client-1x",))))

    assert Person.objects.count() == 0


def test_matching_names_birth_dates_and_contacts_never_link(idenfy, swan):
    same = Traits(
        names=("Jonas Petraitis",),
        birth_dates=("1990-04-12",),
        emails=("jonas@example.com",),
        phones=("+370 600 12345",),
    )
    write(idenfy, record("scan-1", "client-1", same))
    write(swan, record("swan-1", "user-1", same))

    assert Person.objects.count() == 0
    assert not Subject.objects.filter(person__isnull=False).exists()


def test_two_persons_are_never_merged_automatically(idenfy, stora, swan, reviewer):
    write(idenfy, record("scan-1", "client-1", Traits()))
    write(swan, record("swan-1", "user-1", Traits()))
    first = linking.link(linking.subject_for(idenfy, "client-1"), None, by=reviewer, reason="r")
    second = linking.link(linking.subject_for(swan, "user-1"), None, by=reviewer, reason="r")

    observe(idenfy, [("client-1", Traits(customer_refs=("ref-9",)))], timezone.now())
    observe(swan, [("user-1", Traits(customer_refs=("ref-9",)))], timezone.now())

    assert subject(idenfy, "client-1").person_id == first.pk
    assert subject(swan, "user-1").person_id == second.pk
    assert not LinkEvent.objects.filter(by=None).exists()


def test_a_subject_a_reviewer_unlinked_is_never_linked_again_automatically(idenfy, stora, reviewer):
    write(idenfy, record("scan-1", "client-3", Traits(customer_refs=("client-3",))))
    write(stora, record("idver_1", "con_3", Traits(customer_refs=("client-3",))))
    sto = subject(stora, "con_3")
    person = linking.unlink(sto, by=reviewer, reason="Different people, one shared account.")

    write(stora, record("idver_2", "con_3", Traits(customer_refs=("client-3",))))
    write(stora, record("idver_1", "con_3", Traits(customer_refs=("client-3",)), status="x"))

    sto.refresh_from_db()
    assert sto.person is None
    assert not sto.auto_link
    unlinked = LinkEvent.objects.get(subject=sto, action="unlink")
    assert unlinked.by == reviewer
    assert unlinked.person == person
    assert unlinked.reason == "Different people, one shared account."
    # The reviewer may still link it by hand, and that lifts the hold.
    linking.link(sto, person, by=reviewer, reason="Same person after all.")
    sto.refresh_from_db()
    assert sto.person == person
    assert sto.auto_link
    assert sto.linked_by == "reviewer"


def test_linking_by_hand_moves_a_subject_and_records_both_sides(idenfy, swan, reviewer):
    a = linking.subject_for(idenfy, "client-1")
    b = linking.subject_for(swan, "user-1")
    first = linking.link(a, None, by=reviewer, reason="start")
    second = linking.link(b, None, by=reviewer, reason="start")

    linking.link(b, first, by=reviewer, reason="Same passport number at both.")

    b.refresh_from_db()
    assert b.person == first
    moved = LinkEvent.objects.filter(subject=b).order_by("id")
    assert [(e.action, e.person_id) for e in moved] == [
        ("link", second.pk),
        ("unlink", second.pk),
        ("link", first.pk),
    ]


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_link_or_unlink_without_a_reason_is_refused(idenfy, reviewer, reason):
    s = linking.subject_for(idenfy, "client-1")
    with pytest.raises(linking.Refused, match="Say why"):
        linking.link(s, None, by=reviewer, reason=reason)
    person = linking.link(s, None, by=reviewer, reason="ok")
    with pytest.raises(linking.Refused, match="Say why"):
        linking.unlink(s, by=reviewer, reason=reason)
    assert subject(idenfy, "client-1").person == person


def test_only_case_workers_and_staff_link(idenfy, other_user, make_user, admin_user):
    s = linking.subject_for(idenfy, "client-1")
    viewer = make_user("vera")  # may see records, may not work cases
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_verification"))
    for user in (other_user, viewer):
        with pytest.raises(linking.Refused, match="Only reviewers"):
            linking.link(s, None, by=user, reason="r")
    assert linking.link(s, None, by=admin_user, reason="r") is not None


def test_observe_stores_keys_once_in_a_fixed_number_of_queries(idenfy, django_assert_num_queries):
    many = [(f"client-{n}", JONAS) for n in range(30)]
    # what is stored, forgotten subjects (idvdash/retention), savepoint, subjects, their
    # ids, keys, release
    with django_assert_num_queries(7):
        observe(idenfy, many, timezone.now())
    assert SubjectKey.objects.count() == 60  # a name and a birth date each

    with django_assert_num_queries(1):  # nothing new: only the look at what is stored
        observe(idenfy, many, timezone.now())
    assert SubjectKey.objects.count() == 60

    more = [*many[:29], ("client-29", Traits(emails=("new@example.com",)))]
    # what is stored, forgotten subjects, savepoint, the one key, release
    with django_assert_num_queries(5):
        observe(idenfy, more, timezone.now())
    assert SubjectKey.objects.count() == 61


def test_unchanged_rows_are_observed_only_until_their_subject_is_keyed(
    idenfy, django_assert_num_queries
):
    plain = record("scan-1", "client-1", Traits())
    write(idenfy, plain)  # mirrored before idvdash kept keys
    assert not Subject.objects.exists()

    keyed = record("scan-1", "client-1", JONAS)  # the same listing, now with traits
    write(idenfy, keyed)
    assert SubjectKey.objects.filter(subject__ref="client-1").count() == 2

    from idvdash.providers.base import Page
    from idvdash.verifications import sync

    with django_assert_num_queries(2):  # the page's rows, and which subjects are keyed
        sync.upsert_page(
            account=idenfy, page=Page(records=[keyed], checkpoint={}), now=timezone.now()
        )


def test_a_page_of_links_costs_a_fixed_number_of_queries(idenfy, stora, django_assert_num_queries):
    refs = [f"client-{n}" for n in range(40)]
    observe(idenfy, [(r, Traits(customer_refs=(r,))) for r in refs], timezone.now())
    contacts = [(f"con_{n}", Traits(customer_refs=(r,))) for n, r in enumerate(refs)]

    # what is stored, forgotten subjects, savepoint, subjects, their ids, keys, the
    # shared references, the new persons, the subjects' links, their events, release;
    # PostgreSQL takes locks
    with django_assert_num_queries(11 + (connection.vendor == "postgresql")):
        observe(stora, contacts, timezone.now())

    assert Person.objects.count() == 40
    for n, r in enumerate(refs):
        assert subject(idenfy, r).person_id == subject(stora, f"con_{n}").person_id
    assert LinkEvent.objects.filter(rule="customer_ref").count() == 80


def test_a_forgotten_subject_is_not_observed_again(idenfy, stora, admin_user):
    from idvdash.retention.erasure import forget_subject

    write(idenfy, record("scan-1", "client-9", Traits(customer_refs=("client-9",), **JONAS_KW)))
    forget_subject(subject=subject(idenfy, "client-9"), by=admin_user, reason="Erasure request 17.")

    write(idenfy, record("scan-2", "client-9", Traits(customer_refs=("client-9",), **JONAS_KW)))
    write(stora, record("idver_9", "con_9", Traits(customer_refs=("client-9",))))

    assert not Subject.objects.filter(account=idenfy, ref="client-9").exists()
    assert not SubjectKey.objects.filter(subject__account=idenfy).exists()
    assert Person.objects.count() == 0


JONAS_KW = {"names": JONAS.names, "birth_dates": JONAS.birth_dates}
