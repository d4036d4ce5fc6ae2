"""iDenfy webhooks: the `IdentificationWebhook` body (idenfy-equals.md § 1.5).

Headers `Idenfy-Event-Type` and `Idenfy-Signature` (lower-case hex HMAC-SHA256 of the raw
body with the webhook's signing key). A decision comes in two callbacks, as with manual
review on: `IDENTIFICATION_AUTO_FINISHED` with `final: false` when the automatic checks
end (the record is `REVIEWING`), then `IDENTIFICATION_MANUAL_FINISHED` with
`final: true`; an expiry sends `IDENTIFICATION_EXPIRED`. Changes the documents name no
event for (creation, deletion, archiving, a tag removed in the dashboard) send nothing.
Retries: the legacy FAQ's one retry after 0.5 s (current documents give no schedule).
"""

import hashlib
import hmac

from ..catalog import State
from ..idenfy_data import IdenfyCatalog
from ..ids import digest, pick
from .base import Event, NoSuchRecord, check_event
from .changes import Change

AUTO, MANUAL = "IDENTIFICATION_AUTO_FINISHED", "IDENTIFICATION_MANUAL_FINISHED"
EXPIRED, CANCELLED = "IDENTIFICATION_EXPIRED", "IDENTIFICATION_CANCELLED"
EVENTS = (AUTO, MANUAL, "IDENTIFICATION_RESUBMITTED", CANCELLED, EXPIRED, "IDENTIFICATION")
PHASE_EVENTS = {"auto": AUTO, "manual": MANUAL, "expired": EXPIRED}
PLATFORMS = ("PC", "MOBILE", "TABLET", "MOBILE_APP", "MOBILE_SDK")


def sign_hex(secret: str, message: bytes) -> str:
    """Return the lower-case hex HMAC-SHA256 of `message` keyed with `secret`."""
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class IdenfyHooks:
    """iDenfy's callbacks for the sandbox's identifications."""

    kind = "idenfy"
    events = EVENTS
    retry_delays = (0.5,)

    def __init__(self, catalog: IdenfyCatalog) -> None:
        self.catalog = catalog

    def for_change(self, change: Change) -> list[Event]:
        """Return the callback for a step that ends a phase (none for other steps)."""
        phase = change.state["phase"]
        if change.previous is not None and change.previous["phase"] == phase:
            return []
        event = PHASE_EVENTS.get(str(phase))
        return [self._event(change.index, change.state, event, change.at)] if event else []

    def for_record(self, external_id: str, event: str | None, **options: str) -> list[Event]:
        """Return the callback for a scanRef's current state (or the event named)."""
        i = self.catalog.index_of(external_id)
        if i is None:
            raise NoSuchRecord(f"no identification with scanRef {external_id!r}")
        state, _ = self.catalog.state(i)
        now = self.catalog.clock.timestamp()
        chosen = check_event(event, PHASE_EVENTS.get(str(state["phase"])), EVENTS)
        return [self._event(i, state, chosen, now)]

    @staticmethod
    def _final(event: str, state: State) -> bool:
        if event == AUTO:
            return False
        if event in ("IDENTIFICATION_RESUBMITTED", "IDENTIFICATION"):
            return state["phase"] != "auto"
        return True

    def _event(self, i: int, state: State, event: str, at: int) -> Event:
        catalog, scan_ref = self.catalog, self.catalog.scan_ref(i)
        person, seed = catalog.person(i), catalog.seed
        times = catalog._times(i, at)  # the times full-status shows
        data = catalog.data_body(i, at)
        del data["scanRef"], data["clientId"]
        files = {key: url for key, url in catalog.files_body(i, at).items() if url}
        final = self._final(event, state)
        payload = {
            "final": final,
            "platform": pick(PLATFORMS, seed, "platform", i),
            "scanRef": scan_ref,
            "externalRef": None,
            "clientId": catalog.client_id(i),
            "companyId": None,
            "beneficiaryId": None,
            "startTime": times["start"],
            "finishTime": times["finish"],
            "clientIp": f"198.51.100.{1 + digest(seed, 'client-ip', i) % 254}",
            "clientIpCountry": person.country[0],
            "clientLocation": f"{person.country[3]}, {person.country[2]}",
            "gdcMatch": None,
            "manualAddress": None,
            "manualAddressMatch": False,
            "status": {
                "overall": state["status"],
                "fraudTags": list(state["fraud"]),
                "mismatchTags": list(state["mismatch"]),
                "autoFace": state["face"],
                "manualFace": state["mface"],
                "autoDocument": state["doc"],
                "manualDocument": state["mdoc"],
                "additionalSteps": None,
            },
            "data": data,
            "fileUrls": files or None,
            "additionalStepPdfUrls": {},
            "AML": None,
            "amlCheck": None,
            "LID": None,
            "CRIMINAL_CHECK": None,
            "riskAssessment": None,
        }
        key = f"{scan_ref}:{event}:{str(final).lower()}"
        return Event(self.kind, event, key, scan_ref, payload, at)

    def headers(self, event: Event, secret: str) -> list[tuple[str, str]]:
        """Return the delivery headers, signed over the raw body."""
        return [
            ("Content-Type", "application/json"),
            ("Idenfy-Event-Type", event.event),
            ("Idenfy-Signature", sign_hex(secret, event.body)),
        ]
