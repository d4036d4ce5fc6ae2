"""What idvdash learns of people as provider data passes through: subjects, match keys,
and the links the data proves.

`observe` is called by the three places where a provider's facts about a person pass
through idvdash: the sync's write path, the webhook receiver and the live reads. It
keeps a `Subject` per provider id, the keyed hashes of the facts (`keys.py`), never
the facts, and links automatically only on the partner's own customer reference, an
exact match that proves two provider ids are one customer of the partner:

- an unlinked subject that shares a customer reference with a linked one joins that
  subject's person;
- two or more unlinked subjects sharing one start a person together;
- two persons are never merged automatically: a reviewer sees a suggestion instead;
- a subject a reviewer unlinked (`Subject.auto_link` False) is never linked again
  automatically.

Names, dates of birth, e-mails and phone numbers never link on their own: they only
suggest (`suggestions.py`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Value, When

from idvdash.core.lookups import found_by
from idvdash.providers.models import ProviderAccount
from idvdash.providers.traits import Traits
from idvdash.retention.tombstones import forgotten_refs

from . import keys, lookup
from .models import LinkEvent, Person, Subject, SubjectKey

# LinkEvent.rule of an automatic link.
CUSTOMER_REF_RULE = "customer_ref"


def observe(
    account: ProviderAccount, observed: Iterable[tuple[str, Traits]], now: datetime
) -> None:
    """Record what a provider said about the subjects of `account` (subject ref, traits).

    Pairs without a subject ref or without traits are ignored. One query says which
    subjects and keys are stored already; when nothing is new (a record re-read, a
    delivery repeated) that is all. Otherwise it writes what is missing (the subjects
    and their ids, the keys: three statements whatever the number of pairs) and, for
    a new customer reference, looks for its partners (one more; PostgreSQL first
    takes a lock) and links them (three more: new persons, subjects, link events).
    A customer reference already stored was looked up when it was stored: a partner
    arriving later finds it then.
    """
    given: dict[str, set[keys.MatchKey]] = defaultdict(set)
    refs_of: dict[str, set[str]] = defaultdict(set)
    # Each subject's keys derived once per distinct facts: a page lists a subject's
    # verifications side by side, each with the same traits (Swan: one user's).
    for ref, traits in {(ref, traits) for ref, traits in observed if ref and traits}:
        given[ref] |= keys.derive(traits)
        refs_of[ref] |= set(traits.customer_refs)
    if not given:
        return
    known, new_keys, missing = _news(account, given)
    if not new_keys and not missing:
        return
    # A subject an admin had idvdash forget is not observed, linked or keyed again.
    forgotten = forgotten_refs(account.pk, {ref for ref, _ in new_keys} | set(missing))
    if forgotten:
        new_keys = {(ref, key) for ref, key in new_keys if ref not in forgotten}
        missing = [ref for ref in missing if ref not in forgotten]
        if not new_keys and not missing:
            return
    linking = {
        value
        for ref, key in new_keys
        if key.kind is keys.Kind.CUSTOMER_REF
        for value in refs_of[ref]
    }
    with transaction.atomic():
        _serialise(linking)
        ids = {ref: pk for ref, (pk, _) in known.items()}
        if missing:
            ids |= _subjects(account, missing, now=now)
        _insert(
            SubjectKey,
            ["subject_id", "kind", "key_id", "digest", "seen_at"],
            sorted(
                (ids[ref], key.kind.value, key.key_id, key.digest, _moment(now))
                for ref, key in new_keys
            ),
            conflict=["subject_id", "kind", "key_id", "digest"],
        )
        if linking:
            link_by_customer_ref(linking, now=now)


def news(account: ProviderAccount, ref: str, traits: Traits) -> bool:
    """Whether observing `traits` of subject `ref` would store anything (one query):
    the webhook receiver takes its transaction only for a delivery that does."""
    if not ref or not traits:
        return False
    _, new_keys, missing = _news(account, {ref: keys.derive(traits)})
    return bool(new_keys or missing)


def _news(
    account: ProviderAccount, given: dict[str, set[keys.MatchKey]]
) -> tuple[dict[str, tuple[int, set[tuple[str, str]]]], set[tuple[str, keys.MatchKey]], list[str]]:
    """(what is stored, the keys not stored yet, the subjects not stored yet)."""
    known = _known(account, list(given), keys.keyring()[0][0])
    new_keys = {
        (ref, key)
        for ref, derived in given.items()
        for key in derived
        if (key.kind, key.digest) not in known.get(ref, (None, set()))[1]
    }
    return known, new_keys, [ref for ref in given if ref not in known]


def _known(
    account: ProviderAccount, refs: list[str], key_id: str
) -> dict[str, tuple[int, set[tuple[str, str]]]]:
    """ref -> (subject id, its (kind, digest) keys under `key_id`) of the stored
    subjects among `refs` (one query)."""
    keys_table = connection.ops.quote_name(SubjectKey._meta.db_table)
    by_ref, params = _by_ref(refs)
    found: dict[str, tuple[int, set[tuple[str, str]]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"{by_ref} SELECT s.ref, s.id, k.kind, k.digest FROM found s "  # noqa: S608 (names from the models)
            f"LEFT JOIN {keys_table} k ON k.subject_id = s.id AND k.key_id = %s "
            "WHERE s.account_id = %s",
            [*params, key_id, account.pk],
        )
        for ref, pk, kind, digest in cursor.fetchall():
            held = found.setdefault(ref, (pk, set()))[1]
            if kind is not None:
                held.add((kind, digest))
    return found


def _by_ref(refs: list[str]) -> tuple[str, list]:
    """The subjects of any account with one of `refs`, as the table `found` (a WITH
    clause and its parameters, `core.lookups`); the caller keeps one account's."""
    quote = connection.ops.quote_name
    return found_by(
        table=quote(Subject._meta.db_table),
        columns=[quote(name) for name in ("id", "ref", "account_id")],
        column=quote("ref"),
        values=refs,
    )


def _serialise(refs: set[str]) -> None:
    """PostgreSQL: wait for any other transaction observing one of these customer
    references, so each sees the other's keys and two subjects that arrive at the
    same moment (a webhook during a sync) are still linked. SQLite writes one
    transaction at a time already.
    """
    if not refs or connection.vendor != "postgresql":
        return
    normalised = {keys.normalise(keys.Kind.CUSTOMER_REF, value) for value in refs} - {""}
    # A lock per reference, in a fixed order (no deadlock), held until commit.
    locks = sorted(
        int.from_bytes(hashlib.sha256(value.encode()).digest()[:8], "big", signed=True)
        for value in normalised
    )
    if locks:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k ORDER BY k",
                [locks],
            )


def observe_page(
    account: ProviderAccount, seen: Iterable[tuple[str, Traits, bool]], now: datetime
) -> None:
    """The sync's call: (subject ref, traits, whether the row was written) of one page.

    Rows written (new or changed) are observed. A row the page left unchanged was
    observed when it was written, so it is observed again only when its subject holds
    no key under the current key: rows mirrored before idvdash kept keys, and subjects
    last hashed under a key since rotated. That costs one query per page that lists
    unchanged rows with traits, and nothing more once every subject is keyed.
    """
    written, kept = [], []
    for ref, traits, changed in seen:
        if ref and traits:
            (written if changed else kept).append((ref, traits))
    if kept:
        keyed = _keyed(account, list({ref for ref, _ in kept}), keys.keyring()[0][0])
        written += [(ref, traits) for ref, traits in kept if ref not in keyed]
    observe(account, written, now)


def _keyed(account: ProviderAccount, refs: list[str], key_id: str) -> set[str]:
    """Which of `refs` hold a key under `key_id` (one query).

    Fixed SQL, like the sync's own lookup of a page's rows: the ORM's compiling of a
    hundred-value lookup with a join cost more than the query on an unchanged page.
    """
    keys_table = connection.ops.quote_name(SubjectKey._meta.db_table)
    by_ref, params = _by_ref(refs)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{by_ref} SELECT s.ref FROM found s WHERE s.account_id = %s "  # noqa: S608 (names from the models)
            f"AND EXISTS (SELECT 1 FROM {keys_table} k WHERE k.subject_id = s.id AND k.key_id = %s)",
            [*params, account.pk, key_id],
        )
        return {ref for (ref,) in cursor.fetchall()}


def _subjects(account: ProviderAccount, refs: list[str], *, now: datetime) -> dict[str, int]:
    """The ids of the account's subjects for `refs`, created where missing (two statements)."""
    moment = _moment(now)
    _insert(
        Subject,
        ["account_id", "provider", "ref", "linked_by", "auto_link", "first_seen_at"],
        [(account.pk, account.kind, ref, "", True, moment) for ref in sorted(refs)],
        conflict=["account_id", "ref"],
    )
    by_ref, params = _by_ref(refs)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{by_ref} SELECT s.ref, s.id FROM found s WHERE s.account_id = %s",  # noqa: S608
            [*params, account.pk],
        )
        return dict(cursor.fetchall())


# Rows per INSERT statement (SQLite allows 32,766 parameters).
INSERT_BATCH = 500


def _insert(model: type, columns: list[str], rows: list[tuple], *, conflict: list[str]) -> None:
    """INSERT rows, skipping those already stored (ON CONFLICT DO NOTHING, both engines).

    Hand-written for the reason the sync's `write_rows` is: the ORM's bulk_create spent
    most of a first import's observing on building and compiling model instances.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    target = ", ".join(quote(column) for column in conflict)
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_BATCH):
            batch = rows[start : start + INSERT_BATCH]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([placeholder] * len(batch))} "  # noqa: S608 (names from the models)
                f"ON CONFLICT ({target}) DO NOTHING",
                [value for row in batch for value in row],
            )


def _moment(now: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(now)


def link_by_customer_ref(values: Iterable[str], *, now: datetime) -> list[LinkEvent]:
    """Link the subjects that share one of these customer references (see the module).

    The digests are computed under every configured key, so a subject whose keys were
    stored under an older key still links. Returns the links made.
    """
    digest_of: dict[str, str] = {}
    wanted: list[keys.MatchKey] = []
    for value in values:
        for key in keys.lookups(keys.Kind.CUSTOMER_REF, value):
            digest_of[key.digest] = keys.normalise(keys.Kind.CUSTOMER_REF, value)
            wanted.append(key)
    condition = lookup.matching(wanted)
    if condition is None:
        return []
    rows = SubjectKey.objects.filter(condition).values_list(
        "digest", "subject_id", "subject__person_id", "subject__auto_link"
    )
    sharing: dict[str, set[int]] = defaultdict(set)
    person_of: dict[int, int | None] = {}
    automatic: dict[int, bool] = {}
    for digest, subject_id, person_id, auto_link in rows:
        sharing[digest_of[digest]].add(subject_id)
        person_of[subject_id] = person_id
        automatic[subject_id] = auto_link
    joins: dict[int, int] = {}  # subject -> its person (negative: a new one, see _link)
    groups: list[list[int]] = []
    for members in sharing.values():
        persons = {person_of[s] for s in members if person_of[s] is not None}
        joining = sorted(s for s in members if person_of[s] is None and automatic[s])
        if len(persons) > 1 or not joining:
            continue  # never merge two persons on our own; a reviewer sees a suggestion
        if persons:
            person_id = persons.pop()
        elif len(joining) >= 2:
            person_id = -len(groups) - 1  # a new person, made below
            groups.append(joining)
        else:
            continue  # one subject alone: nothing to link it to
        for s in joining:
            person_of[s] = person_id
            joins[s] = person_id
    if not joins:
        return []
    return _link(joins, groups, now=now)


def _link(joins: dict[int, int], groups: list[list[int]], *, now: datetime) -> list[LinkEvent]:
    """Write the links `link_by_customer_ref` decided: the new persons, the subjects and
    their events in three statements however many there are. A negative person id is
    the new person of group -id - 1."""
    made = Person.objects.bulk_create([Person() for _ in groups])
    for s, person_id in joins.items():
        if person_id < 0:
            joins[s] = made[-person_id - 1].pk
    # person=None: a reviewer who linked the subject meanwhile is not overruled.
    Subject.objects.filter(pk__in=list(joins), person=None).update(
        person_id=Case(*(When(pk=s, then=Value(p)) for s, p in joins.items())),
        linked_by=Subject.LinkedBy.CUSTOMER_REF,
        linked_at=now,
    )
    events = [
        LinkEvent(
            person_id=person_id,
            subject_id=s,
            action=LinkEvent.Action.LINK,
            rule=CUSTOMER_REF_RULE,
            reason="The same customer reference of the partner, given by both providers.",
        )
        for s, person_id in joins.items()
    ]
    return LinkEvent.objects.bulk_create(events)
