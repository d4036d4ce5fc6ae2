"""Each provider names its people with its own ids; only the partner's reference crosses."""

from collections import Counter

from idvdash.sandbox.data import Dataset
from idvdash.sandbox.stora_data import CUSTOMER_REF_KEY

from .conftest import IDENFY_AUTH, STORA_HEADERS

DATA = Dataset(size=300, seed=1)


def shared_human() -> tuple[int, dict[str, int]]:
    """Return a human with records at every provider, and one record index per provider."""
    by_provider: dict[str, dict[int, int]] = {}
    for name, catalog in DATA.catalogs.items():
        found: dict[int, int] = {}
        for i in range(300):
            if name == "equals" and DATA.equals.kind(i) not in ("business", "director"):
                continue  # only business applications name an associated person
            found.setdefault(catalog.global_person(catalog.local_person(i)), i)
        by_provider[name] = found
    common = set.intersection(*(set(found) for found in by_provider.values()))
    g = min(common)
    return g, {name: found[g] for name, found in by_provider.items()}


def ids_of(records: dict[str, int]) -> dict[str, str]:
    return {
        "idenfy": DATA.idenfy.client_id(records["idenfy"]),
        "equals": DATA.equals.row(records["equals"])["associatedPersonId"],
        "swan": DATA.swan.user_id(DATA.swan.local_person(records["swan"])),
        "stora": DATA.stora.contact_id(records["stora"]),
    }


def test_one_human_has_a_different_id_at_every_provider():
    g, records = shared_human()
    ids = ids_of(records)

    assert len(set(ids.values())) == 4
    assert ids["idenfy"] == DATA.people.customer_ref(g)
    assert ids["idenfy"].startswith("client-")
    assert len(ids["idenfy"]) <= 100
    assert ids["stora"].startswith("con_")
    # The names still come from the one human.
    person = DATA.people.get(g)
    assert DATA.swan.user(DATA.swan.local_person(records["swan"]), 300)["lastName"] == (
        person.last_name
    )
    assert DATA.stora.contact(records["stora"])["full_name"] == person.full_name
    assert DATA.idenfy.data_body(records["idenfy"]).get("clientId") == ids["idenfy"]


def test_each_provider_refuses_the_ids_of_the_others():
    _, records = shared_human()
    ids = ids_of(records)
    for name, text in ids.items():
        if name != "swan":
            assert DATA.swan.user_from_id(text) is None
        if name != "equals":
            assert DATA.equals.person_rows(text, 300) == []
        if name != "idenfy":
            assert DATA.idenfy.local_from_customer_ref(text) is None
        if name != "stora":
            assert DATA.stora.local_from_contact(text) is None
            assert DATA.stora.local_from_contact("con_" + text.split("-")[-1][:16]) is None
    assert DATA.swan.user_from_id(ids["swan"]) == DATA.swan.local_person(records["swan"])
    assert records["equals"] in DATA.equals.person_rows(ids["equals"], 300)


def test_most_stora_contacts_carry_the_partners_reference_some_unusable():
    kinds = Counter()
    for local in range(DATA.stora.persons):
        value = DATA.stora.metadata(local).get(CUSTOMER_REF_KEY)
        ref = DATA.people.customer_ref(DATA.stora.global_person(local))
        if value == ref:
            kinds["reference"] += 1
        elif value is None:
            kinds["none"] += 1
        else:
            kinds["unusable"] += 1
            assert not isinstance(value, str) or not value.strip() or len(value) > 100
    share = kinds["reference"] / DATA.stora.persons
    assert 0.7 < share < 0.9
    assert kinds["none"]
    assert kinds["unusable"]


def test_lookups_by_the_new_ids_answer_over_http(sandbox, http):
    catalog = sandbox.dataset.stora
    contact = catalog.contact_id(0)
    body = http.get(
        sandbox.base_urls["stora"] + "/2025-09/identity_verifications",
        params={"contact_id": contact, "expand": "contact"},
        headers=STORA_HEADERS,
        timeout=5,
    ).json()
    rows = body["identity_verifications"]
    assert rows
    assert {r["contact"]["id"] for r in rows} == {contact}
    assert rows[0]["contact"]["metadata"] == catalog.metadata(0)

    idenfy = sandbox.dataset.idenfy
    client_id = idenfy.client_id(3)
    listed = http.get(
        sandbox.base_urls["idenfy"] + "/kyc/identifications/",
        params={"clientId": client_id},
        auth=IDENFY_AUTH,
        timeout=5,
    ).json()
    assert idenfy.scan_ref(3) in {r["scanRef"] for r in listed["results"]}
    # A Swan user id is no iDenfy client.
    other = http.get(
        sandbox.base_urls["idenfy"] + "/kyc/identifications/",
        params={"clientId": sandbox.dataset.swan.user_id(0)},
        auth=IDENFY_AUTH,
        timeout=5,
    ).json()
    assert other["count"] == 0
