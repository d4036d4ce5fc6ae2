"""Suggestions: subjects that may be the same person, because match keys agree.

A suggestion is idvdash's conclusion, never the provider's, and it never links on its
own: a reviewer reads it and links by hand (`linking.py`) or leaves it. Keys compare
only as digests under the same key (`keys.py`); a subject whose facts have not passed
through idvdash since a key rotation is compared under the old key until they do.

How strong a suggestion is (what a reviewer is told):
- strong: the same customer reference (where idvdash did not link on its own: two
  persons, or a subject a reviewer unlinked), name and date of birth, name and e-mail,
  name and phone, date of birth and e-mail or phone, e-mail and phone;
- possible: an e-mail or a phone number alone (shared mailboxes and family phones
  exist);
- nothing: a name alone, or a date of birth alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from . import lookup
from .keys import Kind
from .models import Subject, SubjectKey

STRONG = "strong"
POSSIBLE = "possible"
# Most keys read for one page's suggestions: a phone number many subjects share must not
# make the page read them all.
KEYS_READ = 500

WORDS = {
    Kind.CUSTOMER_REF: "customer reference",
    Kind.NAME: "name",
    Kind.BIRTH_DATE: "date of birth",
    Kind.EMAIL: "e-mail",
    Kind.PHONE: "phone",
}
ORDER = list(WORDS)


@dataclass(frozen=True, slots=True)
class Suggestion:
    subject: Subject
    kinds: tuple[Kind, ...]
    strength: str

    @property
    def label(self) -> str:
        """E.g. "strong: name and date of birth", "possible: phone only"."""
        words = [WORDS[kind] for kind in self.kinds]
        said = (
            words[0] + " only" if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
        )
        return f"{self.strength}: {said}"


def strength(kinds: Iterable[str]) -> str | None:
    """How strongly these matching kinds suggest one person (see the module), or None."""
    given = set(kinds)
    contact = given & {Kind.EMAIL, Kind.PHONE}
    if Kind.CUSTOMER_REF in given:
        return STRONG
    if Kind.NAME in given and (Kind.BIRTH_DATE in given or contact):
        return STRONG
    if (Kind.BIRTH_DATE in given and contact) or len(contact) == 2:
        return STRONG
    if contact:
        return POSSIBLE
    return None


def for_subjects(mine: QuerySet[Subject] | list[int]) -> list[Suggestion]:
    """Subjects outside `mine` whose keys agree with those of `mine`, strongest first.

    `mine` is the subjects of one person, or one unlinked subject (a queryset or ids).
    Two queries whatever their number: their keys, then the others' keys equal to
    them (by kind, key and digest, which the key index serves).
    """
    ids = mine.values("pk") if isinstance(mine, QuerySet) else list(mine)
    own = SubjectKey.objects.filter(subject__in=ids).values_list("kind", "key_id", "digest")
    condition = lookup.matching(own)
    if condition is None:
        return []
    theirs = (
        SubjectKey.objects.filter(condition)
        .exclude(subject__in=ids)
        .select_related("subject__account", "subject__person")
        .order_by("subject_id")[:KEYS_READ]
    )
    kinds: dict[int, set[str]] = defaultdict(set)
    subjects: dict[int, Subject] = {}
    for key in theirs:
        kinds[key.subject_id].add(key.kind)
        subjects[key.subject_id] = key.subject
    found = []
    for pk, matched in kinds.items():
        if (how := strength(matched)) is not None:
            ordered = tuple(Kind(k) for k in ORDER if k in matched)
            found.append(Suggestion(subject=subjects[pk], kinds=ordered, strength=how))
    found.sort(
        key=lambda s: (s.strength != STRONG, -len(s.kinds), s.subject.provider, s.subject.pk)
    )
    return found
