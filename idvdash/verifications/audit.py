"""Audit: one AccessEvent per look at personal data, written before anything is shown."""

from __future__ import annotations

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, transaction

from .models import AccessEvent, Verification

logger = logging.getLogger(__name__)

Action = AccessEvent.Action


class AuditFailed(Exception):
    """The access could not be recorded; the caller must not show the data."""


def record(
    *,
    user: AbstractBaseUser,
    action: AccessEvent.Action,
    verification: Verification | None = None,
    rows: int | None = None,
) -> AccessEvent:
    """Record that `user` accessed `verification` (or exported rows); raise AuditFailed if not stored."""
    try:
        with transaction.atomic():
            return AccessEvent.objects.create(
                user=user, verification=verification, action=action, rows=rows
            )
    except DatabaseError as err:
        logger.exception("Could not record %s access by user %s", action, user.pk)
        raise AuditFailed(str(action)) from err


def set_rows(event: AccessEvent, rows: int) -> None:
    """Store how many rows an export sent, once it has sent them."""
    AccessEvent.objects.filter(pk=event.pk).update(rows=rows)
    event.rows = rows
