"""Seed a large, realistic verification mirror fast, straight into the database.

Rows go in as one bulk load: the table's secondary indexes (and, on SQLite, the
search triggers) are dropped first, the rows are written with COPY (PostgreSQL) or
one executemany in one transaction (SQLite), then the indexes are rebuilt from their
own definitions and the statistics refreshed. The distribution: four providers,
several accounts each, every outcome, subjects with several rows each across
providers, timestamps spread over a year, provider-shaped JSON payloads.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction

from idvdash.providers.models import ProviderAccount
from idvdash.verifications.models import Verification

ACCOUNTS_PER_KIND = {"idenfy": 3, "equals": 2, "swan": 2, "stora": 2}
KIND_WEIGHTS = {"idenfy": 35, "equals": 25, "swan": 25, "stora": 15}
OUTCOME_WEIGHTS = {
    "approved": 55,
    "declined": 12,
    "suspected": 3,
    "in_review": 6,
    "pending": 10,
    "expired": 7,
    "cancelled": 4,
    "deleted": 2,
    "unknown": 1,
}
RAW_STATUS = {
    "idenfy": {
        "approved": "APPROVED",
        "declined": "DENIED",
        "suspected": "SUSPECTED",
        "in_review": "REVIEWING",
        "pending": "ACTIVE",
        "expired": "EXPIRED",
        "cancelled": "CANCELLED",
        "deleted": "DELETED",
        "unknown": "UNKNOWN",
    },
    "equals": {o: o.upper() for o in OUTCOME_WEIGHTS},
    "swan": {o: o.capitalize().replace("_", "") for o in OUTCOME_WEIGHTS},
    "stora": {o: o for o in OUTCOME_WEIGHTS},
}
REASONS = ["DOC_EXPIRED", "FACE_MISMATCH", "MRZ_NOT_READABLE", "PEP_MATCH", "AGE_UNDER_LIMIT"]
ROWS_PER_SUBJECT = 4  # on average; each subject's rows spread over providers
SPAN = timedelta(days=365)
COLUMNS = (
    "account_id",
    "provider",
    "external_id",
    "subject_ref",
    "outcome",
    "raw_status",
    "decisive_outcome",
    "suspected",
    "reason_codes",
    "levels",
    "process",
    "provider_created_at",
    "provider_updated_at",
    "first_seen_at",
    "changed_at",
    "last_synced_at",
    "last_seen_at",
    "raw",
    "fingerprint",
)
BATCH = 20_000


@dataclass(frozen=True)
class Seeded:
    rows: int
    accounts: list[ProviderAccount]
    now: datetime


def make_accounts() -> list[ProviderAccount]:
    accounts = []
    for kind, count in ACCOUNTS_PER_KIND.items():
        for n in range(count):
            accounts.append(
                ProviderAccount.objects.create(
                    name=f"seed-{kind}-{n}",
                    kind=kind,
                    base_url="https://provider.invalid/",
                    credentials=_credentials(kind),
                )
            )
    return accounts


def _credentials(kind: str) -> dict[str, str]:
    return {
        "idenfy": {"api_key": "k", "api_secret": "s"},
        "equals": {"api_key": "k"},
        "swan": {"client_id": "c", "client_secret": "s"},
        "stora": {"access_token": "t"},
    }[kind]


def _raw(kind: str, external_id: str, subject: str, status: str, created: datetime, rnd) -> str:
    """A provider-shaped payload of realistic size (roughly 0.6-1 kB)."""
    stamp = created.isoformat()
    if kind == "idenfy":
        payload = {
            "scanRef": external_id,
            "clientId": subject,
            "status": {
                "overall": status,
                "autoDocument": "DOC_VALIDATED",
                "autoFace": "FACE_MATCH",
            },
            "data": {
                "docFirstName": rnd.choice(["ANNA", "JONAS", "MARIA", "PETRAS", "LUKAS"]),
                "docLastName": rnd.choice(["KAZLAUSKAS", "MULLER", "SMITH", "GARCIA", "ROSSI"]),
                "docNumber": f"{rnd.randrange(10**8):08d}",
                "docExpiry": "2031-05-01",
                "docDob": "1988-02-03",
                "docType": "ID_CARD",
                "docNationality": "LT",
                "docIssuingCountry": "LT",
                "selectedCountry": "LT",
            },
            "fileUrls": {"FRONT": f"https://s3.idenfy.invalid/{external_id}/front.png"},
            "startTime": stamp,
            "finishTime": stamp,
            "clientIp": f"10.{rnd.randrange(255)}.{rnd.randrange(255)}.{rnd.randrange(255)}",
            "clientLocation": "Vilnius, Lithuania",
        }
    elif kind == "equals":
        payload = {
            "id": external_id,
            "clientId": subject,
            "state": status,
            "type": "INDIVIDUAL",
            "person": {"firstName": "Anna", "lastName": "Smith", "dateOfBirth": "1988-02-03"},
            "address": {"line1": f"{rnd.randrange(1, 300)} High Street", "city": "London"},
            "checks": [{"name": "IDV", "result": status}, {"name": "AML", "result": "CLEAR"}],
            "createdAt": stamp,
            "updatedAt": stamp,
        }
    elif kind == "swan":
        payload = {
            "id": external_id,
            "user": {"id": subject, "firstName": "Maria", "lastName": "Garcia"},
            "status": status,
            "levels": {"expert": {"status": status, "reasons": []}, "qes": None, "pvid": None},
            "identificationMethod": "Expert",
            "createdAt": stamp,
            "updatedAt": stamp,
            "projectId": "proj-4f1c2a",
        }
    else:
        payload = {
            "id": external_id,
            "contact_id": subject,
            "status": status,
            "document": {"type": "passport", "country": "FR", "expires_on": "2030-01-01"},
            "selfie": {"liveness": "passed", "score": round(rnd.random(), 3)},
            "created_at": stamp,
            "updated_at": stamp,
        }
    return json.dumps(payload)


def generate(
    *, rows: int, accounts: list[ProviderAccount], now: datetime, seed: int = 6
) -> Iterator[tuple]:
    """Yield `rows` rows in COLUMNS order."""
    rnd = random.Random(seed)  # noqa: S311 (test data, reproducible)
    by_kind: dict[str, list[ProviderAccount]] = {}
    for account in accounts:
        by_kind.setdefault(account.kind, []).append(account)
    kinds = list(KIND_WEIGHTS)
    kind_weights = list(KIND_WEIGHTS.values())
    outcomes = list(OUTCOME_WEIGHTS)
    outcome_weights = list(OUTCOME_WEIGHTS.values())
    subjects = max(rows // ROWS_PER_SUBJECT, 1)
    span = SPAN.total_seconds()
    empty = json.dumps({})
    for n in range(rows):
        kind = rnd.choices(kinds, kind_weights)[0]
        account = rnd.choice(by_kind[kind])
        outcome = rnd.choices(outcomes, outcome_weights)[0]
        subject = f"cust-{rnd.randrange(subjects):07d}"
        if kind == "idenfy":
            external_id = uuid.UUID(int=rnd.getrandbits(128)).hex
        elif kind == "equals":
            external_id = f"EQ-{n:08d}"
        elif kind == "swan":
            external_id = f"ver_{n:09d}"
        else:
            external_id = f"sv-{n:08x}"
        created = now - timedelta(seconds=rnd.random() * span)
        updated = min(created + timedelta(seconds=rnd.random() * 30 * 86400), now)
        status = RAW_STATUS[kind][outcome]
        reasons = rnd.sample(REASONS, rnd.randrange(3)) if outcome == "declined" else []
        suspected = outcome == "suspected" or rnd.random() < 0.01
        decisive = outcome if outcome in ("approved", "declined", "suspected") else ""
        yield (
            account.pk,
            kind,
            external_id,
            subject,
            outcome,
            status,
            decisive,
            suspected,
            json.dumps(reasons),
            empty,
            "",
            # iDenfy's list gives no times; the mirror saw each row arrive and change.
            None if kind == "idenfy" else created,
            None if kind == "idenfy" else updated,
            created,
            updated,
            now,
            now,
            _raw(kind, external_id, subject, status, created, rnd),
            f"{rnd.getrandbits(256):064x}",
        )


def seed(*, rows: int, seed: int = 6) -> Seeded:
    """Bulk-load `rows` verifications into an empty mirror; return what was made."""
    now = datetime.now(UTC).replace(microsecond=0)
    accounts = make_accounts()
    table = Verification._meta.db_table
    with without_secondary_indexes(table):
        data = generate(rows=rows, accounts=accounts, now=now, seed=seed)
        if connection.vendor == "postgresql":
            _copy(table, data)
        else:
            _executemany(table, data)
    analyze()
    return Seeded(rows=rows, accounts=accounts, now=now)


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _copy(table: str, data: Iterator[tuple]) -> None:
    names = ", ".join(COLUMNS)
    sql = f"COPY {table} ({names}) FROM STDIN"
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in data:
            copy.write_row(row)


def _executemany(table: str, data: Iterator[tuple]) -> None:
    names = ", ".join(COLUMNS)
    marks = ", ".join(["?"] * len(COLUMNS))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
    with transaction.atomic():
        raw = connection.connection
        batch = []
        for row in data:
            times = tuple(v and v.isoformat(" ") for v in row[11:17])
            batch.append(row[:11] + times + row[17:])
            if len(batch) >= BATCH:
                raw.executemany(sql, batch)
                batch.clear()
        if batch:
            raw.executemany(sql, batch)


class without_secondary_indexes:
    """Drop the table's secondary indexes and triggers; rebuild them from their SQL on exit."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.saved: list[str] = []
        self.fts: list[str] = []

    def __enter__(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                    "WHERE i.tablename = %s AND i.indexname NOT IN "
                    "(SELECT conname FROM pg_constraint)",
                    [self.table],
                )
                for name, definition in cursor.fetchall():
                    self.saved.append(definition)
                    cursor.execute(f'DROP INDEX "{name}"')
            else:
                cursor.execute(
                    "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s "
                    "AND type IN ('index', 'trigger') AND sql IS NOT NULL",
                    [self.table],
                )
                for kind, name, sql in cursor.fetchall():
                    if kind == "index" and "UNIQUE" in sql.upper().split("INDEX")[0]:
                        continue
                    self.saved.append(sql)
                    cursor.execute(f'DROP {kind.upper()} "{name}"')
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE %s",
                    [f"%VIRTUAL TABLE%content=%{self.table}%"],
                )
                self.fts = [name for (name,) in cursor.fetchall()]

    def __exit__(self, *exc: object) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and connection.in_atomic_block:
                # Check the deferred foreign keys now: PostgreSQL builds no index
                # on a table with checks pending in the transaction.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for sql in self.saved:
                cursor.execute(sql)
            for name in self.fts:  # external-content full-text tables: reindex the new rows
                cursor.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")  # noqa: S608
