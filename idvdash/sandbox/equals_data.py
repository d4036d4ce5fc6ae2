"""Equals Money guided identity verification sessions, one row per (session, application).

Rows follow a fixed layout of ten (`LAYOUT[i % 10]`):
- `personal`: a personal application (no `associatedPersonId`);
- `business`: the first associated person of a business application;
- `director`: one more associated person on the application of the row before;
- `linked`: the session of the row before, linked to one more application of the same
  person: same `id`, `status`, `result`, `actionUrl`, new `applicationId` (seed 002).
"""

from .catalog import Catalog, State
from .clock import iso_z
from .ids import digest

TAG_SESSION, TAG_APPLICATION, TAG_CORRELATION, TAG_PERSON = 30, 31, 32, 33
LAYOUT = (
    "personal",
    "business",
    "director",
    "personal",
    "business",
    "linked",
    "business",
    "director",
    "director",
    "personal",
)
FOUNDING = {"personal", "business", "linked"}


class EqualsCatalog(Catalog):
    """Equals Money guided-ID session rows."""

    provider = "equals"
    provider_no = 1
    classes = (
        ("approved", 48),
        ("declined", 14),
        ("resubmission", 8),
        ("expired", 18),
        ("to_be_completed", 8),
        ("in_progress", 4),
    )

    def kind(self, i: int) -> str:
        """Return the layout kind of row `i`."""
        return LAYOUT[i % len(LAYOUT)]

    def session_index(self, i: int) -> int:
        """Return the row whose session row `i` shows."""
        return i - 1 if self.kind(i) == "linked" else i

    def application_index(self, i: int) -> int:
        """Return the row that founded row `i`'s application."""
        while self.kind(i) == "director":
            i -= 1
        return i

    def local_person(self, i: int) -> int:
        """Return the local person of row `i` (a linked row shares its session's person)."""
        return self.session_index(i) % self.persons

    def build(self, i: int, cls: str) -> list[tuple[int, State]]:
        """Return the lifecycle of session row `i`."""
        h = digest(self.seed, "equals-gaps", i)
        steps: list[tuple[int, State]] = [(0, {"status": "to_be_completed"})]
        if cls == "to_be_completed":
            return steps
        start = 600 + h % (3 * 86400)
        if cls == "expired":
            if h % 3 == 0:
                steps.append((start, {"status": "in_progress"}))
            steps.append((7 * 86400, {"status": "expired"}))
            return steps
        steps.append((start, {"status": "in_progress"}))
        if cls == "in_progress":
            return steps
        result = {
            "approved": "approved",
            "declined": "declined",
            "resubmission": "resubmission_requested",
        }[cls]
        steps.append((300 + h % 1800, {"status": "completed", "result": result}))
        return steps

    def late(self, i: int, final: State, k: int) -> list[tuple[int, State]]:
        """Return a late change: a resubmission redone, a link lapsing or a session finished."""
        status, result = final["status"], final.get("result")
        if status == "completed" and result == "resubmission_requested":
            return [
                (0, {"status": "in_progress"}),
                (2 * 3600, {"status": "completed", "result": "approved"}),
            ]
        if status == "to_be_completed":
            return [(0, {"status": "expired"})]
        if status == "in_progress":
            return [(0, {"status": "completed", "result": "approved" if k % 2 else "declined"})]
        return []

    def row(self, i: int) -> dict[str, object]:
        """Return the list row `i` (key order and omissions as in seed 002)."""
        session = self.session_index(i)
        state, updated = self.state(session)
        created = self.created(i)
        body: dict[str, object] = {
            "id": self.codec.uuid(TAG_SESSION, session),
            "applicationId": self.codec.uuid(TAG_APPLICATION, self.application_index(i)),
        }
        if self.kind(i) != "personal":
            body["associatedPersonId"] = self.person_id(self.local_person(i))
        body["correlationId"] = self.codec.uuid(TAG_CORRELATION, i)
        token = self.codec.token(TAG_SESSION, session, 12)
        body["actionUrl"] = f"https://verify.example.com/session/{token}"
        body["status"] = state["status"]
        if state["status"] == "completed":
            body["result"] = state["result"]
        body["createdAt"] = iso_z(created)
        body["updatedAt"] = iso_z(max(updated, created))
        return body

    def application_rows(self, application_id: str, visible: int) -> list[int]:
        """Return the rows of one application, newest first."""
        founder = self.codec.from_uuid(application_id, TAG_APPLICATION)
        if founder is None or founder >= visible or self.kind(founder) not in FOUNDING:
            return []
        rows = [founder]
        while rows[-1] + 1 < visible and self.kind(rows[-1] + 1) == "director":
            rows.append(rows[-1] + 1)
        return rows[::-1]

    def person_id(self, local: int) -> str:
        """Return the `associatedPersonId` of a local person (Equals' own UUID)."""
        return self.own_uuid(TAG_PERSON, local)

    def person_rows(self, person_id: str, visible: int) -> list[int]:
        """Return the rows naming one associated person, newest first."""
        local = self.local_from_own_uuid(person_id, TAG_PERSON)
        if local is None:
            return []
        rows = []
        for i in self.person_indices(local, visible):
            if self.kind(i) in ("business", "director"):
                rows.append(i)
                if i + 1 < visible and self.kind(i + 1) == "linked":
                    rows.append(i + 1)
        return rows[::-1]
