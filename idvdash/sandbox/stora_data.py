"""Stora identity verifications (`idver_…`) and their contacts (`con_…`).

A contact's id is Stora's own. Its `metadata` is the operator's own key/values
(swan-stora.md § 2.4): most operators put their customer reference there under a key
of their choosing (`CUSTOMER_REF_KEY` in the sandbox), some set nothing, and a few
contacts carry a value no reader can use (a number, a blank, an overlong string).
"""

from .catalog import Catalog, State
from .clock import iso_z
from .ids import digest, pick
from .people import Person
from .vocab import STORA_ERROR_CODES

TAG_IDVER = 40
TAG_CONTACT = 42
# The metadata key under which the sandbox's operator keeps its customer reference.
CUSTOMER_REF_KEY = "customer_ref"
CONTACT_TYPES = (
    "domestic",
    "domestic",
    "domestic",
    "company",
    "student",
    "charity",
    "local_authority",
    None,
)
CONTACT_SOURCES = (
    "pre_open",
    "incomplete_booking",
    "registered_interest",
    "price_interest",
    "quotation_request",
    "booking",
    "popup",
    "external_enquiry",
    "phone",
    "walkin",
    "import",
    "other",
    None,
)
MARKETING_SOURCES = (
    "used_before",
    "recommendation",
    "received_leaflet",
    "seen_building_signs",
    "seen_advert",
    "facebook_marketplace",
    "google_search",
    "other_online_search",
    "social_media",
    "email",
    "radio",
    "other",
    None,
)
USE_CASES = ("business_needs", "moving_home", "more_space", "refurb", "travelling", "other", None)


class StoraCatalog(Catalog):
    """Stora identity verifications."""

    provider = "stora"
    provider_no = 3
    classes = (("succeeded", 63), ("failed", 26), ("cancelled", 8), ("processing", 3))

    def idver_id(self, i: int) -> str:
        """Return the id of verification `i`."""
        return "idver_" + self.codec.token(TAG_IDVER, i)

    def index_of(self, idver: str) -> int | None:
        """Return the index of an `idver_` id, or None."""
        if not idver.startswith("idver_"):
            return None
        i = self.codec.from_token(idver.removeprefix("idver_"), TAG_IDVER)
        return i if self.is_index(i) else None

    def contact_id(self, i: int) -> str:
        """Return the `con_` id of verification `i`'s contact (Stora's own id)."""
        return "con_" + self.codec.token(TAG_CONTACT, self.local_person(i))

    def local_from_contact(self, contact: str) -> int | None:
        """Return the local person of a `con_` id, or None."""
        if not contact.startswith("con_"):
            return None
        local = self.codec.from_token(contact.removeprefix("con_"), TAG_CONTACT)
        return local if local is not None and local < self.persons else None

    def metadata(self, local: int) -> dict[str, object]:
        """Return a contact's metadata: mostly the operator's customer reference."""
        roll = digest(self.seed, "metadata", local) % 100
        ref = self.people.customer_ref(self.global_person(local))
        if roll < 80:
            return {CUSTOMER_REF_KEY: ref}
        if roll < 82:
            return {CUSTOMER_REF_KEY: int(ref.removeprefix("client-"))}
        if roll < 84:
            return {CUSTOMER_REF_KEY: "  "}
        if roll < 86:
            return {CUSTOMER_REF_KEY: ref * 40}
        if roll < 88:
            return {"crm": "imported"}
        return {}

    def email(self, local: int) -> str:
        """Return the contact's e-mail as the operator typed it (case varies)."""
        email = self.person_of(local).email
        if digest(self.seed, "email-case", local) % 4 == 0:
            name, _, domain = email.partition("@")
            return f"{name.title()}@{domain}"
        return email

    def person_of(self, local: int) -> Person:
        """Return the person behind a local person number."""
        return self.people.get(self.global_person(local))

    def build(self, i: int, cls: str) -> list[tuple[int, State]]:
        """Return the lifecycle of verification `i`."""
        h = digest(self.seed, "stora-gaps", i)
        steps: list[tuple[int, State]] = [(0, {"status": "processing", "error_code": None})]
        if cls == "processing":
            return steps
        code = None
        if cls == "failed":
            code = STORA_ERROR_CODES[self.class_rank(i) % len(STORA_ERROR_CODES)]
        gap = 30 + h % 600 if cls != "cancelled" else 3600 + h % 86400
        steps.append((gap, {"status": cls, "error_code": code}))
        return steps

    def verification(
        self, i: int, *, expand_contact: bool = False, now: int | None = None
    ) -> dict[str, object]:
        """Return the identity verification object as at `now` (keys in the docs' order)."""
        state, updated = self.state(i, now)
        contact = self.contact(i) if expand_contact else {"id": self.contact_id(i)}
        return {
            "id": self.idver_id(i),
            "contact": contact,
            "created_at": iso_z(self.created(i)),
            "error_code": state["error_code"],
            "status": state["status"],
            "updated_at": iso_z(updated),
        }

    def contact(self, i: int) -> dict[str, object]:
        """Return the expanded contact of verification `i`."""
        p, local = self.person(i), self.local_person(i)
        first_seen = self.created(local) - (1 + digest(self.seed, "contact", local) % 90) * 86400
        kind = pick(CONTACT_TYPES, self.seed, "ctype", local)
        return {
            "id": self.contact_id(i),
            "address": {
                "line_1": p.street,
                "line_2": None,
                "city": p.country[3],
                "postal_code": p.postcode,
                "state": None,
                "country_alpha2": p.country[0],
            }
            if digest(self.seed, "addr", local) % 3
            else None,
            "company_registration_number": f"{digest(self.seed, 'crn', local) % 10**8:08d}"
            if kind == "company"
            else None,
            "created_at": iso_z(first_seen),
            "email": self.email(local),
            "full_name": p.full_name,
            "identity_check": {"required": True, "status": "not_attempted"},
            "marketing_source": pick(MARKETING_SOURCES, self.seed, "msrc", local),
            "metadata": self.metadata(local),
            "phone_number": p.phone if digest(self.seed, "phone", local) % 4 else None,
            "source": pick(CONTACT_SOURCES, self.seed, "src", local),
            "status": pick(("customer", "customer", "lead", "churned"), self.seed, "cst", local),
            "stripe_customer_id": "cus_" + self.codec.token(TAG_IDVER + 1, local, 14),
            "tax_id": None,
            "tenancies_count": digest(self.seed, "tenancies", local) % 3,
            "type": kind,
            "updated_at": iso_z(self.created(local)),
            "use_case": pick(USE_CASES, self.seed, "use", local),
        }
