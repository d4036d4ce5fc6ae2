"""Saved views: a reviewer's named list filters, and the shared ones everybody sees.

The stored query is the list's query string without its page (`cursor`) and without
anything that is not a filter; the list's form validates it again on every use, so a
view saved before a tag was deleted shows that filter as an error, never a 500.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import QueryDict

from .models import SavedView
from .rules import Refused

NAME_MAX = 60
NAME_NEEDED = "Give the view a name."
NAME_TAKEN = "You already have a view called “{name}”."
BAD_FILTERS = "Some filters are not valid ({fields}); fix them before saving the view."
NOT_YOURS = "That saved view is not yours."
STAFF_ONLY = "Only administrators share views with everyone."
# Keys of the list's query string that are not filters.
NOT_FILTERS = {"cursor"}


def visible_to(user: AbstractBaseUser) -> list[SavedView]:
    """The user's own views and the shared ones, by name (one query)."""
    return list(SavedView.objects.filter(Q(owner=user) | Q(shared=True)).order_by("name", "id"))


def clean_query(user: AbstractBaseUser, query: str) -> str:
    """The list query string as stored: filters only, validated; raise Refused if invalid."""
    from idvdash.verifications.forms import VerificationFilterForm

    given = QueryDict(query.lstrip("?"))
    kept = QueryDict(mutable=True)
    form = VerificationFilterForm(user=user)
    for key in given:
        if key in form.fields and key not in NOT_FILTERS and any(given.getlist(key)):
            kept.setlist(key, [value for value in given.getlist(key) if value])
    form = VerificationFilterForm(kept, user=user)
    if not form.is_valid():
        raise Refused(BAD_FILTERS.format(fields=", ".join(sorted(form.errors))))
    return kept.urlencode()


TOO_LONG = "These filters are too long to save as a view; narrow them to fewer values."


def save(*, user: AbstractBaseUser, name: str, query: str) -> SavedView:
    """Save the list's current filters under `name`, for `user`."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise Refused(NAME_NEEDED)
    stored = clean_query(user, query)
    if len(stored) > SavedView._meta.get_field("query").max_length:
        raise Refused(TOO_LONG)
    try:
        with transaction.atomic():
            return SavedView.objects.create(owner=user, name=name, query=stored)
    except IntegrityError:
        raise Refused(NAME_TAKEN.format(name=name)) from None


def delete(*, user: AbstractBaseUser, pk: int) -> None:
    """Delete one of the user's own views (a shared view of someone else's is refused)."""
    deleted, _ = SavedView.objects.filter(pk=pk, owner=user).delete()
    if not deleted:
        raise Refused(NOT_YOURS)


def share(*, user: AbstractBaseUser, pk: int, shared: bool) -> SavedView:
    """Show a view to everyone, or stop (administrators only)."""
    if not user.is_staff:
        raise Refused(STAFF_ONLY)
    view = SavedView.objects.filter(pk=pk).first()
    if view is None:
        raise Refused(NOT_YOURS)
    view.shared = shared
    view.save(update_fields=["shared"])
    return view
