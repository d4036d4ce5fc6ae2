"""Shared by the retention tests: a person's footprint across idvdash, and a dump of it."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import connection

from idvdash.sandbox.server import SandboxServer


def dump_database() -> str:
    """Every row of every table, as text: what a forgotten person must be absent from."""
    lines = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                lines.append(f"{table}: " + " | ".join(_text(value) for value in row))
    return "\n".join(lines)


def _text(value) -> str:
    if isinstance(value, memoryview | bytes):
        return bytes(value).decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


@dataclass(frozen=True)
class SandboxPerson:
    """The personal facts the sandbox gives about one person (its ground truth)."""

    first_name: str
    last_name: str
    birth_date: str
    email: str
    phone: str
    document_number: str
    client_id: str

    @classmethod
    def of(cls, sandbox: SandboxServer, client_id: str) -> SandboxPerson:
        people = sandbox.dataset.people
        person = people.get(people.from_customer_ref(client_id))
        return cls(
            first_name=person.first_name,
            last_name=person.last_name,
            birth_date=person.birth_date,
            email=person.email,
            phone=person.phone,
            document_number=person.document_number,
            client_id=client_id,
        )

    def facts(self) -> dict[str, str]:
        # The first name alone is too short to search for (an admin called "ada").
        return {
            "full name": f"{self.first_name} {self.last_name}",
            "last name": self.last_name,
            "birth date": self.birth_date,
            "e-mail": self.email,
            "phone": self.phone,
            "document number": self.document_number,
            "subject ref / customer reference": self.client_id,
        }

    def found_in(self, text: str) -> list[str]:
        """The facts (by name) that appear in `text`, case-insensitively."""
        lowered = text.lower()
        return [what for what, value in self.facts().items() if value.lower() in lowered]
