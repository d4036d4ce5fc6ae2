"""Records with traits, written through the sync's one write path."""

from __future__ import annotations

from django.utils import timezone

from idvdash.providers.base import Page, VerificationRecord
from idvdash.providers.traits import Traits
from idvdash.verifications import sync
from idvdash.verifications.models import Verification


def record(external_id: str, subject_ref: str, traits: Traits, *, status: str = "APPROVED"):
    return VerificationRecord(
        external_id=external_id,
        subject_ref=subject_ref,
        raw_status=status,
        created_at=None,
        updated_at=None,
        payload={"id": external_id, "status": status, "subject": subject_ref},
        traits=traits,
    )


def write(account, *records: VerificationRecord) -> list[Verification]:
    """Write a page of `records` to the mirror as a sync does; return their rows."""
    sync.upsert_page(
        account=account, page=Page(records=list(records), checkpoint={}), now=timezone.now()
    )
    ids = [r.external_id for r in records]
    return list(Verification.objects.filter(account=account, external_id__in=ids).order_by("pk"))
