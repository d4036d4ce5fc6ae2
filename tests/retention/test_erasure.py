"""Erasure on request: forgetting a sandbox person leaves nothing personal in any table,
and neither a re-sync over real HTTP nor a signed webhook brings it back."""

import json
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from idvdash.people import keys
from idvdash.people.models import LinkEvent, Person, Subject, SubjectKey
from idvdash.providers.base import LiveRead
from idvdash.providers.traits import Traits
from idvdash.retention import erasure, tombstones
from idvdash.retention.models import Erasure, Tombstone
from idvdash.reviews import services
from idvdash.reviews.models import Activity, Review
from idvdash.verifications import live, sync
from idvdash.verifications.models import Outcome, Verification, WebhookEvent
from tests.retention.helpers import SandboxPerson, dump_database
from tests.verifications.test_webhooks import hook_account, post, signed

pytestmark = pytest.mark.django_db


def idenfy_notice(scan_ref: str, client_id: str, person: SandboxPerson, overall: str) -> bytes:
    """A final iDenfy result for the record, as iDenfy pushes it (names and document data)."""
    return json.dumps(
        {
            "final": True,
            "platform": "PC",
            "scanRef": scan_ref,
            "clientId": client_id,
            "startTime": int(time.time()) - 90,
            "finishTime": int(time.time()),
            "status": {
                "overall": overall,
                "fraudTags": [],
                "mismatchTags": [],
                "autoFace": "FACE_MATCH",
                "manualFace": None,
                "autoDocument": "DOC_VALIDATED",
                "manualDocument": None,
            },
            "data": {
                "docFirstName": person.first_name.upper(),
                "docLastName": person.last_name.upper(),
                "docDob": person.birth_date,
                "docNumber": person.document_number,
            },
            "fileUrls": {"FRONT": "https://files.example/FRONT.png"},
        }
    ).encode()


@pytest.fixture
def footprint(make_account, sandbox, reviewer, admin_user, django_capture_on_commit_callbacks):
    """An iDenfy account synced from the sandbox, and one person's data everywhere idvdash
    keeps it: snapshot, subject ref, match keys, a processed webhook event, a note, a
    written reason, a link reason."""
    account = hook_account(make_account, "idenfy")
    sync.sync_account(account=account)
    row = Verification.objects.filter(account=account).exclude(subject_ref="").first()
    for candidate in Verification.objects.filter(account=account).exclude(subject_ref=""):
        live.fetch(verification=candidate, read=LiveRead.FULL_STATUS)
        candidate.refresh_from_db()
        document = (candidate.detail or {}).get("client_identity_document") or {}
        if (candidate.detail or {}).get("client", {}).get("surname") and document.get(
            "doc_document_number"
        ):
            row = candidate
            break
    person_facts = SandboxPerson.of(sandbox, row.subject_ref)
    subject_rows = Verification.objects.filter(account=account, subject_ref=row.subject_ref)

    person = Person.objects.create()
    # The sync and the live read observed the subject already (idvdash/people).
    subject, _ = Subject.objects.update_or_create(
        account=account, ref=row.subject_ref, defaults={"provider": "idenfy", "person": person}
    )
    traits = Traits(
        names=(f"{person_facts.first_name} {person_facts.last_name}",),
        birth_dates=(person_facts.birth_date,),
        emails=(person_facts.email,),
        phones=(person_facts.phone,),
        customer_refs=(person_facts.client_id,),
    )
    for key in keys.derive(traits):
        SubjectKey.objects.get_or_create(
            subject=subject,
            kind=key.kind,
            key_id=key.key_id,
            digest=key.digest,
            defaults={"seen_at": timezone.now()},
        )
    LinkEvent.objects.create(
        person=person,
        subject=subject,
        action="link",
        by=admin_user,
        reason=f"Same e-mail {person_facts.email} as {person_facts.last_name}",
    )
    services.add_note(
        user=reviewer,
        verification_id=row.pk,
        text=f"Phoned {person_facts.first_name} {person_facts.last_name} on {person_facts.phone}",
    )
    Review.objects.filter(pk=row.pk).update(reason=f"Born {person_facts.birth_date}")
    body = idenfy_notice(row.external_id, row.subject_ref, person_facts, "APPROVED")
    assert post(Client(), account, body, signed("idenfy", body)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        call_command("process_webhooks", verbosity=0)
    return account, person, subject, row, person_facts, subject_rows


from django.test import Client  # noqa: E402


def test_before_forgetting_the_person_is_everywhere(footprint):
    *_, person_facts, _rows = footprint

    assert set(person_facts.found_in(dump_database())) == set(person_facts.facts())


def test_forgetting_leaves_nothing_personal_and_keeps_the_outcome(footprint, admin_user):
    account, person, subject, row, person_facts, subject_rows = footprint
    pks = list(subject_rows.values_list("pk", flat=True))
    outcomes = dict(subject_rows.values_list("pk", "outcome"))
    note = Activity.objects.get(verification=row, kind=Activity.Kind.NOTE)

    done = erasure.forget(person=person, by=admin_user, reason="Request ticket 4711")

    assert person_facts.found_in(dump_database()) == []
    assert (done.subjects, done.verifications) == (1, len(pks))
    assert done.counts["match_keys"] == 5
    assert done.counts["notes"] == 1
    for stripped in Verification.objects.filter(pk__in=pks):
        assert stripped.erased_at is not None
        assert not stripped.erased_by_retention
        assert (stripped.raw, stripped.detail, stripped.subject_ref) == ({}, None, "")
        assert stripped.outcome == outcomes[stripped.pk]
        assert stripped.external_id  # that the verification existed
    kept = Activity.objects.get(pk=note.pk)
    assert (kept.actor_id, kept.at, kept.kind) == (note.actor_id, note.at, note.kind)
    assert kept.text == erasure.REDACTED
    assert not SubjectKey.objects.filter(subject=subject).exists()
    assert Tombstone.objects.filter(account=account).count() == 1
    assert Erasure.objects.get().reason == "Request ticket 4711"
    assert tombstones.forgotten_refs(account.pk, [person_facts.client_id, "someone-else"]) == {
        person_facts.client_id
    }


def test_a_resync_and_a_webhook_bring_nothing_personal_back(
    footprint, admin_user, django_capture_on_commit_callbacks
):
    account, person, _subject, row, person_facts, subject_rows = footprint
    pks = list(subject_rows.values_list("pk", flat=True))
    erasure.forget(person=person, by=admin_user, reason="Request ticket 4711")

    run = sync.sync_account(account=account)  # over HTTP: the sandbox still has everything
    declined = idenfy_notice(row.external_id, row.subject_ref, person_facts, "DENIED")
    new_one = idenfy_notice(
        "scan-after-forgetting", person_facts.client_id, person_facts, "APPROVED"
    )
    for body in (declined, new_one):
        assert post(Client(), account, body, signed("idenfy", body)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        call_command("process_webhooks", verbosity=0)

    assert run.state == "succeeded"
    dump = dump_database()
    assert [line for line in dump.splitlines() if person_facts.client_id in line] == []
    assert person_facts.found_in(dump) == []
    row.refresh_from_db()
    assert row.outcome == Outcome.DECLINED  # what the law keeps is still followed
    assert (row.raw, row.subject_ref, row.reason_codes) == ({}, "", [])
    fresh = Verification.objects.get(external_id="scan-after-forgetting")
    assert fresh.erased_at is not None
    assert fresh.subject_ref == ""
    assert fresh.raw == {}
    assert fresh.outcome == Outcome.APPROVED
    assert set(WebhookEvent.objects.values_list("state", flat=True)) == {"processed"}
    assert not WebhookEvent.objects.exclude(facts={}).filter(changed__pk__in=[*pks, fresh.pk])
    assert Verification.objects.filter(pk__in=pks, erased_at__isnull=True).count() == 0


def test_an_unchanged_rescan_writes_nothing_for_erased_rows(footprint, admin_user):
    account, person, *_ = footprint
    erasure.forget(person=person, by=admin_user, reason="Request ticket 4711")
    sync.sync_account(account=account)

    again = sync.sync_account(account=account)

    assert (again.created, again.updated) == (0, 0)


def test_a_live_read_of_a_forgotten_record_is_refused_without_calling_the_provider(
    footprint, admin_user, sandbox_faults
):
    _account, person, _subject, row, person_facts, _rows = footprint
    erasure.forget(person=person, by=admin_user, reason="Request ticket 4711")
    row.refresh_from_db()
    sandbox_faults.clear()

    result = live.fetch(verification=row, read=LiveRead.FULL_STATUS)

    assert result.failed
    assert "removed this record's personal data" in result.error
    assert result.data is None
    row.refresh_from_db()
    assert row.detail is None
    assert person_facts.found_in(dump_database()) == []


def test_forgetting_one_subject_without_a_person(make_account, admin_user):
    account = make_account("stora")
    subject = Subject.objects.create(account=account, provider="stora", ref="con_alone")
    mine = Verification.objects.create(
        account=account,
        provider="stora",
        external_id="idver_1",
        subject_ref="con_alone",
        outcome=Outcome.APPROVED,
        raw={"contact": {"id": "con_alone"}},
        changed_at=timezone.now(),
        last_synced_at=timezone.now(),
        last_seen_at=timezone.now(),
    )
    other = Verification.objects.create(
        account=account,
        provider="stora",
        external_id="idver_2",
        subject_ref="con_other",
        raw={"contact": {"id": "con_other"}},
        changed_at=timezone.now(),
        last_synced_at=timezone.now(),
        last_seen_at=timezone.now(),
    )

    done = erasure.forget_subject(subject=subject, by=admin_user, reason="Court order 12")

    assert done.person is None
    assert done.verifications == 1
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.subject_ref == ""
    assert mine.erased_at is not None
    assert other.subject_ref == "con_other"
    assert other.erased_at is None
    subject.refresh_from_db()
    assert "con_alone" not in subject.ref
    assert tombstones.forgotten_refs(account.pk, ["con_alone", "con_other"]) == {"con_alone"}


def test_a_reason_is_required(make_account, admin_user):
    person = Person.objects.create()

    with pytest.raises(ValueError, match="reason"):
        erasure.forget(person=person, by=admin_user, reason="   ")

    assert not Erasure.objects.exists()
