"""What providers say about the person is read into `Traits`, never into what is stored.

Each provider's list records, webhook notices and live answers are read from the
sandbox's real answers (its HTTP API, and the very bytes its webhook sender posts);
the stored payload (`raw`), the notice's `facts` and the records written from a live
read are searched for the sandbox person's actual values.
"""

import json

import pytest
import requests

from idvdash.providers.base import LiveRead
from idvdash.providers.registry import PROVIDERS
from idvdash.providers.traits import NO_TRAITS
from idvdash.sandbox.credentials import SANDBOX_CREDENTIALS
from idvdash.sandbox.stora_data import CUSTOMER_REF_KEY
from idvdash.sandbox.vocab import STORA_SCOPES
from tests.providers.conftest import walk

pytestmark = pytest.mark.django_db


def personal_values(person) -> list[str]:
    """The values no stored payload or kept fact may contain (compared case-blind)."""
    return [
        person.first_name,
        person.last_name,
        person.email.partition("@")[0],
        person.phone,
        person.birth_date,
    ]


def assert_holds_nothing_personal(value: object, person, *, ref: bool = True) -> None:
    text = json.dumps(value, default=str).lower()
    for personal in personal_values(person) + ([person.customer_ref] if ref else []):
        assert personal.lower() not in text, f"{personal!r} is kept"


def event_body(sandbox, kind: str, external_id: str, event: str | None = None) -> bytes:
    """The exact body the sandbox's webhook sender would POST for a record."""
    return sandbox.webhooks.hooks[kind].for_record(external_id, event)[0].body


def reader(kind: str):
    return PROVIDERS[kind].webhooks


# -- Swan -----------------------------------------------------------------------------


def test_swan_list_records_carry_the_users_facts_as_traits_not_in_payloads(sandbox, make_client):
    client, _ = make_client("swan", users_per_page=40)
    records, _ = walk(client)
    catalog = sandbox.dataset.swan

    assert records
    for record in records:
        local = catalog.user_from_id(record.subject_ref)
        person = catalog.people.get(catalog.global_person(local))
        assert record.traits.names == (person.full_name,)
        assert record.traits.birth_dates == (person.birth_date,)
        assert record.traits.phones == (person.phone,)
        assert record.traits.emails == (person.email,)
        assert record.traits.customer_refs == ()
        assert_holds_nothing_personal(record.payload, person)
        assert set(record.payload) == {
            "id",
            "process",
            "status",
            "createdAt",
            "updatedAt",
            "levels",
            "userId",
        }


def test_swan_webhook_names_the_user_and_the_re_read_gives_the_traits(sandbox, make_client):
    client, _ = make_client("swan")
    catalog = sandbox.dataset.swan
    user_id = catalog.user_id(4)
    person = catalog.people.get(catalog.global_person(4))

    notice = reader("swan").read({}, event_body(sandbox, "swan", user_id))
    records = reader("swan").learn(client, notice)

    assert notice.subject_ref == user_id
    assert notice.traits == NO_TRAITS  # a thin notice: ids only
    assert records
    assert {r.traits.names for r in records} == {(person.full_name,)}
    for record in records:
        assert_holds_nothing_personal(record.payload, person)


def test_swan_live_full_status_gives_the_user_and_its_traits(sandbox, make_client):
    client, _ = make_client("swan")
    catalog = sandbox.dataset.swan
    i = 7
    user_id = catalog.user_id(catalog.local_person(i))
    person = catalog.person(i)

    answer = client.read_live(
        LiveRead.FULL_STATUS, catalog.identification_id(i), subject_ref=user_id
    )
    subject, traits = PROVIDERS["swan"].live_traits(LiveRead.FULL_STATUS, answer, "")
    records = PROVIDERS["swan"].live_records(client, answer)

    assert subject == user_id
    assert traits.names == (person.full_name,)
    assert traits.birth_dates == (person.birth_date,)
    assert records
    for record in records:
        assert record.traits == traits
        assert_holds_nothing_personal(record.payload, person)


# -- iDenfy ---------------------------------------------------------------------------


def decided(catalog) -> int:
    """An identification whose document data was captured (status APPROVED or DENIED)."""
    return next(
        i for i in range(catalog.size) if catalog.status_body(i)["status"] in ("APPROVED", "DENIED")
    )


def test_idenfy_enrich_reads_the_client_id_as_the_customer_reference(sandbox, make_client):
    client, _ = make_client("idenfy", per_page=20)
    catalog = sandbox.dataset.idenfy
    first = next(client.iter_pages()).records[:5]

    for listed in first:
        assert listed.traits == NO_TRAITS  # the list names nobody
        record = client.enrich(listed)
        i = catalog.index_of(record.external_id)
        assert record.traits.customer_refs == (catalog.person(i).customer_ref,)
        assert record.subject_ref == catalog.person(i).customer_ref
        assert_holds_nothing_personal(record.payload, catalog.person(i), ref=False)


def test_idenfy_webhook_gives_client_id_names_and_birth_date_and_keeps_none(sandbox):
    catalog = sandbox.dataset.idenfy
    i = decided(catalog)
    person = catalog.person(i)

    notice = reader("idenfy").read({}, event_body(sandbox, "idenfy", catalog.scan_ref(i)))

    assert notice.subject_ref == person.customer_ref
    assert notice.traits.customer_refs == (person.customer_ref,)
    assert f"{person.first_name} {person.last_name}".upper() in notice.traits.names
    assert notice.traits.birth_dates == (person.birth_date,)
    assert_holds_nothing_personal(notice.facts, person, ref=False)
    assert reader("idenfy").learn(None, notice)[0].traits == notice.traits


def test_idenfy_live_answers_give_traits(sandbox, make_client):
    client, _ = make_client("idenfy")
    catalog = sandbox.dataset.idenfy
    i = decided(catalog)
    person = catalog.person(i)
    live_traits = PROVIDERS["idenfy"].live_traits

    data = client.read_live(LiveRead.DOCUMENT_DATA, catalog.scan_ref(i))
    full = client.read_live(LiveRead.FULL_STATUS, catalog.scan_ref(i))
    files = client.read_live(LiveRead.FILE_LINKS, catalog.scan_ref(i))

    subject, traits = live_traits(LiveRead.DOCUMENT_DATA, data, "")
    assert subject == person.customer_ref
    assert traits.customer_refs == (person.customer_ref,)
    assert traits.birth_dates == (person.birth_date,)
    assert person.full_name.upper() in traits.names
    # Full-status names no clientId: the record's own subject stands for it.
    subject, traits = live_traits(LiveRead.FULL_STATUS, full, "")
    assert subject == ""
    assert person.full_name.upper() in traits.names
    assert person.birth_date in traits.birth_dates
    assert live_traits(LiveRead.FILE_LINKS, files, "") is None


# -- Equals Money ---------------------------------------------------------------------


def test_equals_list_names_nobody_and_the_request_webhook_names_the_person(sandbox, make_client):
    client, _ = make_client("equals")
    catalog = sandbox.dataset.equals
    records, _ = walk(client)
    assert records
    assert all(r.traits == NO_TRAITS for r in records)

    i = next(i for i in range(catalog.size) if catalog.kind(i) == "business")
    person = catalog.person(i)
    row = catalog.row(i)
    body = event_body(sandbox, "equals", row["id"], "IdentityVerificationRequest")
    notice = reader("equals").read({}, body)

    assert notice.subject_ref == row["associatedPersonId"]
    assert notice.traits.names == (person.full_name,)
    assert notice.traits.emails == (person.email,)
    assert notice.traits.customer_refs == ()
    assert_holds_nothing_personal(notice.facts, person)
    by_correlation = {r.payload["correlationId"]: r for r in records}
    for j in range(50):
        listed = by_correlation[catalog.row(j)["correlationId"]]
        assert_holds_nothing_personal(listed.payload, catalog.person(j))


# -- Stora ----------------------------------------------------------------------------


def stora_token(sandbox, *scopes: str) -> str:
    answer = requests.post(
        sandbox.token_urls["stora"],
        json={
            "grant_type": "client_credentials",
            **SANDBOX_CREDENTIALS["stora"],
            "scope": " ".join(scopes),
        },
        timeout=5,
    )
    assert answer.status_code == 200
    return answer.json()["access_token"]


def stora_client(make_client, **account):
    return make_client("stora", limit=50, account={"customer_ref_key": CUSTOMER_REF_KEY, **account})


def test_stora_list_reads_contacts_into_traits_and_stores_the_plain_row(sandbox, make_client):
    client, log = stora_client(make_client)
    records, _ = walk(client)
    catalog = sandbox.dataset.stora

    assert log.count("/identity_verifications") >= 1
    assert records
    refs = 0
    for record in records:
        i = catalog.index_of(record.external_id)
        person = catalog.person(i)
        contact = catalog.contact(i)
        assert record.payload == catalog.verification(i)  # the unexpanded row, as listed
        assert record.payload["contact"] == {"id": record.subject_ref}
        assert_holds_nothing_personal(record.payload, person)
        assert record.traits.names == (person.full_name,)
        assert record.traits.emails == (contact["email"],)
        assert record.traits.phones == (
            (contact["phone_number"],) if contact["phone_number"] else ()
        )
        value = contact["metadata"].get(CUSTOMER_REF_KEY)
        if value == person.customer_ref:
            refs += 1
            assert record.traits.customer_refs == (person.customer_ref,)
        else:  # none set, or an unusable value (a number, a blank, an overlong string)
            assert record.traits.customer_refs == ()
    assert refs > len(records) // 2


def test_stora_without_the_key_reads_no_customer_reference(sandbox, make_client):
    client, _ = stora_client(make_client, customer_ref_key="")
    records, _ = walk(client)
    assert records
    assert all(r.traits.customer_refs == () for r in records)
    assert all(r.traits.names for r in records)


def test_stora_without_the_contact_scope_still_syncs_the_same_rows(sandbox, make_client):
    token = stora_token(sandbox, STORA_SCOPES[0])
    narrow, log = stora_client(make_client, credentials={"access_token": token})
    full, _ = stora_client(make_client)

    without, pages = walk(narrow)
    with_contacts, _ = walk(full)

    assert not narrow.expand_contacts
    assert log.count("/identity_verifications") == len(pages) + 1  # one refused expansion
    assert [(r.external_id, r.payload) for r in without] == [
        (r.external_id, r.payload) for r in with_contacts
    ]
    assert all(r.traits == NO_TRAITS for r in without)


def test_stora_webhook_reads_the_expanded_contact_and_keeps_its_id_only(sandbox, make_client):
    catalog = sandbox.dataset.stora
    i = next(
        i
        for i in range(catalog.size)
        if catalog.contact(i)["metadata"].get(CUSTOMER_REF_KEY) == catalog.person(i).customer_ref
    )
    person = catalog.person(i)
    body = event_body(sandbox, "stora", catalog.idver_id(i))

    notice = reader("stora").read({}, body, customer_ref_key=CUSTOMER_REF_KEY)
    plain = reader("stora").read({}, body)
    client, _ = stora_client(make_client)
    records = reader("stora").learn(client, notice)

    assert notice.subject_ref == catalog.contact_id(i)
    assert notice.traits.names == (person.full_name,)
    assert notice.traits.customer_refs == (person.customer_ref,)
    assert plain.traits.customer_refs == ()
    assert_holds_nothing_personal(notice.facts, person)
    assert records[0].traits == notice.traits
    assert_holds_nothing_personal(records[0].payload, person)


def test_stora_live_full_status_gives_the_contact_and_its_traits(sandbox, make_client):
    client, _ = stora_client(make_client)
    catalog = sandbox.dataset.stora
    person = catalog.person(2)

    answer = client.read_live(LiveRead.FULL_STATUS, catalog.idver_id(2))
    subject, traits = PROVIDERS["stora"].live_traits(LiveRead.FULL_STATUS, answer, CUSTOMER_REF_KEY)
    records = PROVIDERS["stora"].live_records(client, answer)

    assert subject == catalog.contact_id(2)
    assert traits.names == (person.full_name,)
    assert records[0].payload == catalog.verification(2)
    assert records[0].traits == traits
    assert_holds_nothing_personal(records[0].payload, person)


# -- malformed answers ----------------------------------------------------------------

HOSTILE = (None, 5, 1.5, True, "", "   ", "x" * 5000, ["Jonas"], {"a": 1})


@pytest.mark.parametrize("value", HOSTILE)
def test_unusable_values_are_ignored_never_raised(value):
    from idvdash.providers.equals import traits as equals
    from idvdash.providers.idenfy import traits as idenfy
    from idvdash.providers.stora import traits as stora
    from idvdash.providers.swan import traits as swan

    user = dict.fromkeys(swan.PERSON_KEYS, value)
    contact = {
        "id": "con_x",
        "full_name": value,
        "email": value,
        "phone_number": value,
        "metadata": {CUSTOMER_REF_KEY: value},
    }
    data = dict.fromkeys(("docFirstName", "docLastName", "fullName", "docDob"), value)
    found = [
        swan.from_user(user),
        swan.from_user(value),
        stora.from_contact(contact, CUSTOMER_REF_KEY),
        stora.from_contact(value, CUSTOMER_REF_KEY),
        stora.from_contact({"id": "con_x", "metadata": value}, CUSTOMER_REF_KEY),
        idenfy.from_data(data),
        idenfy.from_webhook({"clientId": None, "data": value}),
        idenfy.from_full_status({"client": value, "client_identity_document": data}),
        equals.from_webhook({"name": value, "email": value}),
    ]
    assert all(traits == NO_TRAITS for traits in found)
    for kind in ("idenfy", "swan", "stora"):
        assert PROVIDERS[kind].live_traits(LiveRead.FULL_STATUS, {"contact": value}, "k") is None


def test_a_legacy_numeric_client_id_is_read_as_text_and_odd_values_are_trimmed():
    from idvdash.providers.idenfy import traits as idenfy
    from idvdash.providers.swan import traits as swan

    assert idenfy.from_status({"clientId": 4812}).customer_refs == ("4812",)
    assert idenfy.from_status({"clientId": "c" * 101}).customer_refs == ()
    user = {
        "firstName": " Ada ",
        "lastName": "Lovelace",
        "birthDate": "1815-12-10T00:00:00Z",
        "mobilePhoneNumber": "+44 12",  # too few digits to be a phone
        "verifiedEmails": [
            "not-an-email",
            "ada@example.com",
            7,
            *[f"u{n}@example.com" for n in range(100)],
        ],
    }
    traits = swan.from_user(user)
    assert traits.names == ("Ada Lovelace",)
    assert traits.birth_dates == ("1815-12-10",)
    assert traits.phones == ()
    # Only the first few entries of a list are read, the unusable ones dropped.
    assert traits.emails == ("ada@example.com", "u0@example.com", "u1@example.com")


@pytest.mark.parametrize("kind", ["idenfy", "equals", "swan", "stora"])
def test_webhook_bodies_with_malformed_person_fields_are_read_without_them(kind):
    bodies = {
        "idenfy": {"scanRef": "s-1", "clientId": ["x"], "status": {}, "data": "JONAS"},
        "equals": {
            "messageId": "m-1",
            "webhookEventTypeName": "IdentityVerificationRequest",
            "name": {"first": "Jonas"},
            "email": 42,
            "associatedPersonId": 7,
        },
        "swan": {"eventId": "e-1", "eventType": "Account.Updated", "resourceId": "acc-1"},
        "stora": {
            "event": {
                "id": "evt_1",
                "type": "identity_verification.succeeded",
                "data": {"identity_verification": {"id": "idver_1", "contact": "con_1"}},
            }
        },
    }
    notice = reader(kind).read({}, json.dumps(bodies[kind]).encode(), customer_ref_key="k")
    assert notice.traits == NO_TRAITS
    assert notice.subject_ref == ""


def test_the_customer_reference_key_is_offered_for_stora_accounts_only(admin_client_):
    from django.urls import reverse

    from tests.providers.factories import ProviderAccountFactory

    pages = {
        kind: admin_client_.get(
            reverse(
                "admin:providers_provideraccount_change",
                args=[ProviderAccountFactory(kind=kind, name=f"acc-{kind}").pk],
            )
        ).content.decode()
        for kind in ("stora", "swan", "idenfy", "equals")
    }
    assert 'name="customer_ref_key"' in pages["stora"]
    assert all('name="customer_ref_key"' not in pages[k] for k in ("swan", "idenfy", "equals"))


def stored(account) -> dict[str, tuple]:
    from idvdash.verifications.models import Verification

    return {
        row[0]: row
        for row in Verification.objects.filter(account=account).values_list(
            "external_id", "subject_ref", "raw_status", "raw", "fingerprint", "last_synced_at"
        )
    }


def test_a_full_stora_re_scan_with_contacts_expanded_writes_nothing(sandbox, make_account):
    from idvdash.verifications import sync

    narrow = make_account(
        "stora",
        name="stora-narrow",
        credentials={"access_token": stora_token(sandbox, STORA_SCOPES[0])},
    )
    account = make_account("stora", customer_ref_key=CUSTOMER_REF_KEY)
    sync.sync_account(account=account)
    sync.sync_account(account=narrow)
    before = stored(account)
    account.sync_checkpoint = {}  # read the whole list again, contacts expanded
    account.save(update_fields=["sync_checkpoint"])

    run = sync.sync_account(account=account)

    assert run.created == run.updated == 0
    assert run.unchanged == len(before) > 0
    assert {k: v[:5] for k, v in stored(account).items()} == {k: v[:5] for k, v in before.items()}
    # The same rows, byte for byte, as a token that may not read contacts stores.
    assert {k: v[1:5] for k, v in stored(narrow).items()} == {k: v[1:5] for k, v in before.items()}
    catalog = sandbox.dataset.stora
    for external_id, row in list(before.items())[:60]:
        assert_holds_nothing_personal(row[3], catalog.person(catalog.index_of(external_id)))


def test_the_demo_stora_account_names_the_sandboxs_customer_reference_key():
    from tools.demo import ensure_demo_accounts

    accounts = {a.kind: a for a in ensure_demo_accounts(sandbox_root="http://127.0.0.1:9")}

    assert accounts["stora"].customer_ref_key == CUSTOMER_REF_KEY
    assert {accounts[k].customer_ref_key for k in ("idenfy", "equals", "swan")} == {""}
