"""Linking by hand: a reviewer links a subject to a person, or unlinks it, with a reason.

Every change is a `LinkEvent` (who, why, from which person to which), so each can be
undone by the opposite change and nothing a reviewer did is lost. Unlinking also stops
idvdash from linking the subject again on its own (`Subject.auto_link`); linking it by
hand lifts that.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from idvdash.providers.models import ProviderAccount
from idvdash.reviews.services import WORK_PERMISSION

from .models import LinkEvent, Person, Subject

REASON_MAX = 2000
NO_REASON = "Say why: a link or an unlink is kept with its reason."
NOT_ALLOWED = "Only reviewers who work cases may link or unlink subjects."
ALREADY = "The subject already belongs to this person."
NOT_LINKED = "The subject is not linked to a person."


class Refused(Exception):
    """The change was not made; str() says why, for people."""


def may_link(user: AbstractBaseUser) -> bool:
    """Reviewers who work cases, and staff."""
    return bool(user.is_active and (user.is_staff or user.has_perm(WORK_PERMISSION)))


def subject_for(account: ProviderAccount, ref: str) -> Subject:
    """The account's subject `ref`, created if idvdash has not observed it yet."""
    subject, _ = Subject.objects.get_or_create(
        account=account, ref=ref, defaults={"provider": account.kind}
    )
    return subject


def link(subject: Subject, person: Person | None, *, by: AbstractBaseUser, reason: str) -> Person:
    """Link `subject` to `person` (None: start a new person with it); return the person.

    A subject linked to another person moves: the unlink from the old person and the
    link to the new one are both recorded.
    """
    reason = _checked(by, reason)
    with transaction.atomic():
        subject = Subject.objects.select_for_update().get(pk=subject.pk)
        if person is not None and subject.person_id == person.pk:
            raise Refused(ALREADY)
        if subject.person_id is not None:
            _event(subject, subject.person_id, LinkEvent.Action.UNLINK, by, reason)
        if person is None:
            person = Person.objects.create()
        subject.person = person
        subject.linked_by = Subject.LinkedBy.REVIEWER
        subject.linked_at = timezone.now()
        subject.auto_link = True
        subject.save(update_fields=["person", "linked_by", "linked_at", "auto_link"])
        _event(subject, person.pk, LinkEvent.Action.LINK, by, reason)
    return person


def unlink(subject: Subject, *, by: AbstractBaseUser, reason: str) -> Person:
    """Take `subject` out of its person, for good as far as automatic links go."""
    reason = _checked(by, reason)
    with transaction.atomic():
        subject = Subject.objects.select_for_update().get(pk=subject.pk)
        if subject.person_id is None:
            raise Refused(NOT_LINKED)
        person = Person.objects.get(pk=subject.person_id)
        _event(subject, person.pk, LinkEvent.Action.UNLINK, by, reason)
        subject.person = None
        subject.linked_by = ""
        subject.linked_at = None
        subject.auto_link = False
        subject.save(update_fields=["person", "linked_by", "linked_at", "auto_link"])
    return person


def _checked(by: AbstractBaseUser, reason: str) -> str:
    if not may_link(by):
        raise Refused(NOT_ALLOWED)
    reason = (reason or "").strip()
    if not reason:
        raise Refused(NO_REASON)
    return reason[:REASON_MAX]


def _event(
    subject: Subject, person_id: int, action: str, by: AbstractBaseUser, reason: str
) -> LinkEvent:
    return LinkEvent.objects.create(
        person_id=person_id, subject=subject, action=action, by=by, reason=reason
    )
