"""Swan users and their identifications (levels per process, swan-stora.md §1.3-1.5)."""

from .catalog import Catalog, State
from .clock import day, iso_z
from .ids import digest, pick
from .vocab import SWAN_DOCUMENT_TYPES, SWAN_LEGACY_REASONS, SWAN_REASONS, SWAN_SIGNATURE_REASONS

TAG_IDENTIFICATION = 50
TAG_USER = 51
LEVELS = ("expert", "qes", "pvid")
# How long each process may stay unfinished before it expires (§1.5).
EXPIRY = {"Expert": 24 * 3600, "QES": 2 * 3600, "PVID": 15 * 60}
TYPENAMES = {
    "NotSupported": "NotSupportedIdentificationLevelStatusInfo",
    "NotStarted": "NotStartedIdentificationLevelStatusInfo",
    "Started": "StartedIdentificationLevelStatusInfo",
    "Pending": "PendingIdentificationLevelStatusInfo",
    "Valid": "ValidIdentificationLevelStatusInfo",
    "Invalid": "InvalidIdentificationLevelStatusInfo",
    "Canceled": "CanceledIdentificationLevelStatusInfo",
    "Expired": "ExpiredIdentificationLevelStatusInfo",
}


def _levels(process: str, status: str, *, qes_waiting: str = "Started") -> dict[str, str]:
    """Return each level's status for a process in a global status."""
    levels = dict.fromkeys(LEVELS, "NotSupported")
    if process == "Expert":
        levels["expert"] = status
    elif process == "PVID":
        levels["pvid"] = levels["expert"] = status
    elif status in ("Started", "Pending"):
        levels["expert"], levels["qes"] = status, qes_waiting
    else:
        levels["expert"] = levels["qes"] = status
    return levels


class SwanCatalog(Catalog):
    """Swan identifications, each hanging off a user (a local person)."""

    provider = "swan"
    provider_no = 2
    classes = (
        ("Expert:Valid", 18),
        ("PVID:Valid", 16),
        ("QES:Valid", 8),
        ("Expert:Invalid", 8),
        ("PVID:Invalid", 8),
        ("QES:InvalidExpert", 4),
        ("QES:InvalidQes", 3),
        ("Expert:Canceled", 4),
        ("PVID:Canceled", 3),
        ("Expert:Expired", 6),
        ("PVID:Expired", 6),
        ("QES:Expired", 3),
        ("Expert:Pending", 5),
        ("QES:Pending", 3),
        ("PVID:Started", 2),
        ("Expert:Started", 3),
    )

    def identification_id(self, i: int) -> str:
        """Return the id of identification `i`."""
        return self.codec.uuid(TAG_IDENTIFICATION, i)

    def user_id(self, local: int) -> str:
        """Return the Swan user id of a local person (Swan's own UUID)."""
        return self.own_uuid(TAG_USER, local)

    def user_from_id(self, user_id: str) -> int | None:
        """Return the local person of a user id, or None."""
        return self.local_from_own_uuid(user_id, TAG_USER)

    def build(self, i: int, cls: str) -> list[tuple[int, State]]:
        """Return the lifecycle of identification `i`."""
        process, outcome = cls.split(":")
        rank = self.class_rank(i)
        h = digest(self.seed, "swan-gaps", i)
        waiting = "NotStarted" if rank % 4 == 0 else "Started"
        doc = pick(SWAN_DOCUMENT_TYPES, self.seed, "swandoc", i)
        started = {
            "status": "Started",
            "levels": _levels(process, "Started", qes_waiting=waiting),
            "reasons": {},
            "doc": None,
            "process": process,
        }
        steps: list[tuple[int, State]] = [(0, started)]
        if outcome == "Started":
            return steps
        if outcome == "Expired" or (outcome == "Canceled" and rank % 2):
            return [
                *steps,
                (
                    EXPIRY[process] if outcome == "Expired" else 300 + h % 600,
                    {**started, "status": outcome, "levels": _levels(process, outcome)},
                ),
            ]
        pending = {
            **started,
            "status": "Pending",
            "doc": doc,
            "levels": _levels(process, "Pending", qes_waiting=waiting),
        }
        steps.append((180 + h % 600, pending))
        if outcome == "Pending":
            return steps
        final = {**pending, "status": outcome, "levels": _levels(process, outcome)}
        if outcome.startswith("Invalid"):
            final = self._invalid(process, outcome, rank, pending)
        steps.append((1800 + h % (8 * 3600), final))
        return steps

    def _invalid(self, process: str, outcome: str, rank: int, pending: State) -> State:
        reason = SWAN_REASONS[rank % len(SWAN_REASONS)]
        if rank % 11 == 5:
            reason = SWAN_LEGACY_REASONS[(rank // 11) % len(SWAN_LEGACY_REASONS)]
        levels = _levels(process, "Invalid")
        reasons: dict[str, list[str] | None] = {}
        if process == "PVID":
            reasons = {"pvid": [reason], "expert": None}
        elif process == "Expert":
            reasons = {"expert": [reason] if rank % 7 else []}
        elif outcome == "InvalidExpert":
            # The seed's QES case: the expert step failed, QES is Invalid with no reasons.
            reasons = {"expert": [reason], "qes": None}
        else:
            levels["expert"] = "Valid"
            reasons = {"qes": [SWAN_SIGNATURE_REASONS[rank % 2]]}
        return {**pending, "status": "Invalid", "levels": levels, "reasons": reasons}

    def late(self, i: int, final: State, k: int) -> list[tuple[int, State]]:
        """Return a late change: a review that finally completes."""
        if final["status"] != "Pending":
            return []
        outcome = "Valid" if k % 3 else "Canceled"
        return [(0, {**final, "status": outcome, "levels": _levels(final["process"], outcome)})]

    def identification(self, i: int) -> dict[str, object]:
        """Return identification `i` as the resolvers expose it."""
        state, updated = self.state(i)
        created = self.created(i)
        levels = {}
        for level in LEVELS:
            status = state["levels"][level]
            info: dict[str, object] = {"__typename": TYPENAMES[status], "status": status}
            if status == "Invalid":
                info["reasons"] = state["reasons"].get(level)
            if status == "Expired":
                info["expiredAt"] = day(updated)
            levels[level] = info
        return {
            "id": self.identification_id(i),
            "createdAt": iso_z(created, millis=True),
            "updatedAt": iso_z(updated, millis=True),
            "status": state["status"],
            "process": state["process"],
            "levels": levels,
            "documents": None,
            "identityDocumentType": state["doc"],
            "_updated": updated,
            "_created": created,
        }

    def user(self, local: int, visible: int) -> dict[str, object]:
        """Return user `local` (without the identifications connection)."""
        p = self.people.get(self.global_person(local))
        idents = [self.identification(i) for i in self.person_indices(local, visible)]
        valid = {
            lvl
            for ident in idents
            for lvl, info in ident["levels"].items()
            if info["status"] == "Valid"
        }
        joined = self.created(local) - 3600 - digest(self.seed, "joined", local) % 86400
        updated = max([joined, *(ident["_updated"] for ident in idents)])
        state = digest(self.seed, "userstatus", local) % 40
        return {
            "id": self.user_id(local),
            "firstName": p.first_name,
            "lastName": p.last_name,
            "birthLastName": None,
            "allFirstNames": [p.first_name],
            "fullName": p.full_name,
            "preferredLastName": p.last_name,
            "birthDate": p.birth_date,
            "nationalityCCA3": p.country[1],
            "birthCity": p.country[3],
            "birthCountry": p.country[1],
            "mobilePhoneNumber": p.phone,
            "identificationLevels": {
                "expert": "expert" in valid,
                "QES": "qes" in valid,
                "PVID": "pvid" in valid,
            },
            "status": "Blocked" if state == 0 else "Deactivated" if state == 1 else "Active",
            "createdAt": iso_z(joined - 120, millis=True),
            "updatedAt": iso_z(updated, millis=True),
            "joinedAt": iso_z(joined, millis=True),
            "verifiedEmails": [p.email],
            "preferredNotificationChannel": "App" if local % 3 else None,
            "_identifications": idents,
        }
