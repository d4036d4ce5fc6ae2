"""Match keys are stored, the values never: not in the people tables, not in the mirror,
not in a webhook event. Keys rotate: old digests still match, new ones use the new key."""

import json

import pytest
from django.apps import apps
from django.core import serializers
from django.test import override_settings
from django.utils import timezone

from idvdash.people import keys, suggestions
from idvdash.people.models import Person, Subject, SubjectKey
from idvdash.people.observe import observe
from idvdash.people.queries import persons_of_rows
from idvdash.providers.traits import Traits
from tests.people.helpers import record, write
from tests.providers.factories import ProviderAccountFactory

pytestmark = pytest.mark.django_db

PLAIN = {
    "name": "Gintarė Žemaitytė",
    "birth": "1987-11-30",
    "email": "Gintare.Z@Example.LT",
    "phone": "+370 612 99881",
    "customer": "cust-secret-771",
}
TRAITS = Traits(
    names=(PLAIN["name"],),
    birth_dates=(PLAIN["birth"],),
    emails=(PLAIN["email"],),
    phones=(PLAIN["phone"],),
    customer_refs=(PLAIN["customer"],),
)
OLD = "old:first-secret-aaaaaaaaaaaaaaaaaaaaaaaa"
NEW = "new:second-secret-bbbbbbbbbbbbbbbbbbbbbbb"


def every_stored_row() -> str:
    """Every row of every table, serialised (what a database dump would hold)."""
    text = []
    for model in apps.get_models():
        text.append(serializers.serialize("json", model._default_manager.all()))
    return "\n".join(text).casefold()


def plain_values() -> list[str]:
    values = list(PLAIN.values())
    values += [keys.normalise(keys.Kind.NAME, PLAIN["name"]), "37061299881", "zemaityte"]
    return [v.casefold() for v in values]


def test_keys_are_stored_and_the_values_never():
    account = ProviderAccountFactory(kind="swan")

    write(account, record("swan-1", "user-1", TRAITS))

    subject = Subject.objects.get(ref="user-1")
    assert sorted(subject.keys.values_list("kind", flat=True)) == sorted(keys.Kind)
    assert all(len(k.digest) == 64 for k in subject.keys.all())
    dump = every_stored_row()
    for value in plain_values():
        assert value not in dump, value
    assert "1987" not in json.dumps(list(SubjectKey.objects.values()), default=str)


def test_rotation_keeps_old_digests_matching_and_writes_new_ones_under_the_new_key():
    idenfy = ProviderAccountFactory(kind="idenfy")
    stora = ProviderAccountFactory(kind="stora")
    with override_settings(MATCH_KEYS=[OLD]):
        observe(idenfy, [("client-1", TRAITS)], timezone.now())
    assert set(SubjectKey.objects.values_list("key_id", flat=True)) == {"old"}

    with override_settings(MATCH_KEYS=[NEW, OLD]):
        # A fact passing through now is hashed under the new key only ...
        observe(stora, [("con_1", TRAITS)], timezone.now())
        stora_keys = SubjectKey.objects.filter(subject__account=stora)
        assert set(stora_keys.values_list("key_id", flat=True)) == {"new"}
        # ... and still finds the subject hashed under the old key: the customer
        # reference links the two, and a search for it finds the person.
        linked = Subject.objects.filter(person__isnull=False)
        assert linked.count() == 2
        assert persons_of_rows([], search=PLAIN["customer"]) == linked.first().person

    with override_settings(MATCH_KEYS=[NEW]):
        # With the old key dropped, only the digests under the new key still match.
        digests = [k.digest for k in keys.lookups(keys.Kind.CUSTOMER_REF, PLAIN["customer"])]
        found = SubjectKey.objects.filter(digest__in=digests).values_list("subject__ref", flat=True)
        assert list(found) == ["con_1"]


def test_keys_compare_under_the_same_key_only():
    a = ProviderAccountFactory(kind="idenfy")
    b = ProviderAccountFactory(kind="swan")
    name_and_birth = Traits(names=("Ona Kalvaityte",), birth_dates=("1970-01-02",))
    with override_settings(MATCH_KEYS=[OLD]):
        observe(a, [("client-1", name_and_birth)], timezone.now())
    with override_settings(MATCH_KEYS=[NEW, OLD]):
        observe(b, [("user-1", name_and_birth)], timezone.now())
        mine = [Subject.objects.get(ref="user-1").pk]
        assert suggestions.for_subjects(mine) == []
        # Once the older subject's facts pass through again, it is keyed anew and matches.
        observe(a, [("client-1", name_and_birth)], timezone.now())
        found = suggestions.for_subjects(mine)
    assert [s.subject.ref for s in found] == ["client-1"]
    assert found[0].label == "strong: name and date of birth"
    assert Person.objects.count() == 0
