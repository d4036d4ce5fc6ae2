"""iDenfy identifications: lifecycle and the bodies of the list and `/api/v2/*` endpoints."""

from .catalog import Catalog, State
from .clock import day, naive
from .ids import digest, pick
from .vocab import (
    IDENFY_AGE,
    IDENFY_DOC_FAIL,
    IDENFY_DOC_TYPES,
    IDENFY_FACE_FAIL,
    IDENFY_FILE_KEYS,
    IDENFY_FRAUD_TAGS,
    IDENFY_MISMATCH_TAGS,
    IDENFY_PROXY_RISK,
    IDENFY_SUSPICION_REASONS,
)

TAG_SCAN = 20
# Statuses that mean "personal data is gone" (idenfy-equals.md §1.4).
GONE = {"DELETED", "ARCHIVED", "EXPIRED-DELETED"}


class IdenfyCatalog(Catalog):
    """iDenfy verifications (`scanRef`s)."""

    provider = "idenfy"
    provider_no = 0
    classes = (
        ("approved", 40),
        ("approved_suspected", 4),
        ("denied", 16),
        ("denied_suspected", 3),
        ("suspected", 10),
        ("reviewing", 5),
        ("expired", 9),
        ("expired_deleted", 3),
        ("deleted", 6),
        ("archived", 4),
    )

    def scan_ref(self, i: int) -> str:
        """Return the scanRef of record `i`."""
        return self.codec.uuid(TAG_SCAN, i)

    def index_of(self, scan_ref: object) -> int | None:
        """Return the index for a scanRef, or None if it names no visible record."""
        i = self.codec.from_uuid(scan_ref, TAG_SCAN) if isinstance(scan_ref, str) else None
        return i if self.is_index(i) else None

    def client_id(self, i: int) -> str:
        """Return the clientId of record `i`: the partner's own customer reference."""
        return self.person(i).customer_ref

    def build(self, i: int, cls: str) -> list[tuple[int, State]]:
        """Return the lifecycle of record `i`."""
        rank = self.class_rank(i)
        h = digest(self.seed, "idenfy-gaps", i)
        active: State = {
            "status": "ACTIVE",
            "suspected": False,
            "face": None,
            "doc": None,
            "mface": None,
            "mdoc": None,
            "fraud": [],
            "mismatch": [],
            "decision": None,
            "phase": "created",
        }
        if cls in ("expired", "expired_deleted"):
            steps = [
                (0, active),
                (3600 + h % 86400, {**active, "status": "EXPIRED", "phase": "expired"}),
            ]
            if cls == "expired_deleted":
                steps.append((30 * 86400, {**steps[-1][1], "status": "EXPIRED-DELETED"}))
            return steps
        final = self._decision(cls, rank)
        auto = {
            **final,
            "status": "REVIEWING",
            "mface": None,
            "mdoc": None,
            "phase": "auto",
            "decision": None,
        }
        if cls == "reviewing":
            auto = {**auto, "doc": "AUTO_UNVERIFIABLE" if rank % 2 else "DOC_VALIDATED"}
            return [(0, active), (120 + h % 1800, auto)]
        steps = [(0, active), (120 + h % 1800, auto), (600 + h % 21600, final)]
        if cls in ("deleted", "archived"):
            steps.append(
                (
                    14 * 86400 + h % (60 * 86400),
                    {**final, "status": cls.upper(), "phase": "removed"},
                )
            )
        return steps

    def _decision(self, cls: str, rank: int) -> State:
        base: State = {
            "status": "APPROVED",
            "suspected": False,
            "face": "FACE_MATCH",
            "doc": "DOC_VALIDATED",
            "fraud": [],
            "mismatch": [],
            "phase": "manual",
        }
        if cls in ("deleted", "archived"):
            cls = "denied" if rank % 3 == 0 else "approved"
        if cls.startswith("denied"):
            base["status"] = "DENIED"
            base["doc"] = IDENFY_DOC_FAIL[rank % len(IDENFY_DOC_FAIL)]
            if rank % 3 == 0:
                base["face"] = IDENFY_FACE_FAIL[(rank // 3) % len(IDENFY_FACE_FAIL)]
        if cls == "suspected" or cls.endswith("_suspected"):
            base["suspected"] = True
            if cls == "suspected":
                base["status"] = "SUSPECTED"
            tags = [IDENFY_FRAUD_TAGS[rank % len(IDENFY_FRAUD_TAGS)]]
            if rank % 3 == 0:
                tags.append(IDENFY_SUSPICION_REASONS[(rank // 3) % len(IDENFY_SUSPICION_REASONS)])
            base["fraud"] = sorted(set(tags))
            if rank % 2 == 0 or (cls == "suspected" and not rank % 5):
                base["mismatch"] = [IDENFY_MISMATCH_TAGS[(rank // 2) % len(IDENFY_MISMATCH_TAGS)]]
        base["mface"], base["mdoc"] = base["face"], base["doc"]
        base["decision"] = base["status"]
        return base

    def late(self, i: int, final: State, k: int) -> list[tuple[int, State]]:
        """Return a late change: tag removal, review finished, or data deletion."""
        status = final["status"]
        if status == "SUSPECTED":
            return [
                (
                    0,
                    {
                        **final,
                        "status": "APPROVED",
                        "suspected": False,
                        "mismatch": [],
                        "decision": "APPROVED",
                    },
                )
            ]
        if status == "REVIEWING":
            decision = "APPROVED" if k % 2 else "DENIED"
            doc = "DOC_VALIDATED" if decision == "APPROVED" else "DOC_FAKE"
            return [
                (
                    0,
                    {
                        **final,
                        "status": decision,
                        "doc": doc,
                        "mface": final["face"],
                        "mdoc": doc,
                        "decision": decision,
                        "phase": "manual",
                    },
                )
            ]
        if status in ("APPROVED", "DENIED"):
            return [(0, {**final, "status": "DELETED", "phase": "removed"})]
        if status == "EXPIRED":
            return [(0, {**final, "status": "EXPIRED-DELETED"})]
        return []

    # -- response bodies ------------------------------------------------------------------

    def list_row(self, i: int) -> dict[str, object]:
        """Return the `GET /kyc/identifications/` row of record `i`."""
        state, _ = self.state(i)
        # The list enum has no EXPIRED-DELETED (seed 000); the data is deleted, so DELETED.
        status = "DELETED" if state["status"] == "EXPIRED-DELETED" else state["status"]
        return {"scanRef": self.scan_ref(i), "status": status, "suspected": state["suspected"]}

    def status_body(self, i: int) -> dict[str, object]:
        """Return the `/api/v2/status` body (the current superset, §1.2)."""
        state, _ = self.state(i)
        return {
            "status": state["status"],
            "scanRef": self.scan_ref(i),
            "clientId": self.client_id(i),
            "autoDocument": state["doc"],
            "autoFace": state["face"],
            "manualDocument": state["mdoc"],
            "manualFace": state["mface"],
            "fraudTags": list(state["fraud"]),
            "mismatchTags": list(state["mismatch"]),
        }

    def _times(self, i: int, now: int | None = None) -> dict[str, int | None]:
        steps = self.history(i, now)
        phases = {s["phase"]: t for t, s in steps}
        finish = phases.get("auto")
        start = finish - 60 - digest(self.seed, "start", i) % 240 if finish else None
        return {
            "created": steps[0][0],
            "updated": steps[-1][0],
            "start": start,
            "finish": finish,
            "review": phases.get("manual"),
        }

    def full_status_body(self, i: int) -> dict[str, object]:
        """Return the `/api/v2/full-status` body (snake_case, naive datetimes, §1.2)."""
        state, _ = self.state(i)
        times = self._times(i)
        p, rank = self.person(i), self.class_rank(i)
        started = times["start"] is not None
        doc_type = pick(IDENFY_DOC_TYPES[:4], self.seed, "doctype", i)
        supplied = digest(self.seed, "supplied", i) % 2 == 0
        gone = state["status"] in GONE

        def doc(value: str) -> str:
            return "" if gone or not started else value

        return {
            "id": self.scan_ref(i),
            "face_match_result": state["face"],
            "document_validity": state["doc"],
            "manual_face_match_result": state["mface"],
            "manual_document_validity": state["mdoc"],
            "created": naive(times["created"]),
            "updated": naive(times["updated"]),
            "client": {
                "name": p.first_name if supplied else None,
                "surname": p.last_name if supplied else None,
                "date_of_birth": p.birth_date if supplied else None,
                "personal_id_number": None,
                "document_number": None,
                "document_type": None,
                "expiry_date": None,
                "nationality": None,
                "date_of_issue": None,
                "sex": p.sex if supplied else None,
                "country": None,
                "default_country": p.country[0],
                "utility_address": None,
            },
            "client_identity_document": self._identity_document(i, doc, doc_type),
            "attempt_count": (1 + rank % 3) if started else 0,
            "suspection_reasons": [t for t in state["fraud"] if t in IDENFY_SUSPICION_REASONS],
            "start_time": naive(times["start"]) if times["start"] else None,
            "finish_time": naive(times["finish"]) if times["finish"] else None,
            "review_time": naive(times["review"]) if times["review"] else None,
        }

    def _identity_document(self, i: int, doc, doc_type: str) -> dict[str, object]:
        p = self.person(i)
        sex = "MALE" if p.sex == "M" else "FEMALE"
        issue, expiry = self._doc_dates(i)
        mrz = f"P<{p.country[1]}{p.last_name.upper()}<<{p.first_name.upper()}".ljust(44, "<")
        fields = {
            "doc_name": p.first_name.upper(),
            "doc_surname": p.last_name.upper(),
            "doc_date_of_birth": p.birth_date,
            "doc_expiry_date": expiry,
            "doc_personal_code": p.personal_code,
            "doc_document_number": p.document_number,
            "doc_sex": sex,
            "doc_nationality": p.country[0],
            "doc_date_of_issue": issue,
            "doc_license_categories": "B" if doc_type == "DRIVER_LICENSE" else "",
            "doc_document_type": doc_type,
            "doc_country": p.country[0],
            "mrz_name": p.first_name.upper(),
            "mrz_surname": p.last_name.upper(),
            "mrz_date_of_birth": p.birth_date,
            "mrz_expiry_date": expiry,
            "mrz_personal_code": p.personal_code,
            "mrz_document_number": p.document_number,
            "mrz_sex": sex,
            "mrz_nationality": p.country[1],
            "mrz_country": p.country[1],
            "mrz_document_type": "P" if doc_type == "PASSPORT" else "ID",
            "mrz_document_subtype": "",
            "mrz_optional_data": "",
            "mrz_string": mrz,
            "mrz_date_of_issue": issue,
            "manual_name": p.first_name.upper(),
            "manual_surname": p.last_name.upper(),
            "manual_date_of_birth": p.birth_date,
            "manual_expiry_date": expiry,
            "manual_personal_code": p.personal_code,
            "manual_document_number": p.document_number,
            "manual_sex": sex,
            "manual_nationality": p.country[0],
            "manual_document_type": doc_type,
            "manual_date_of_issue": issue,
            "manual_country": p.country[0],
            "manual_utility_address": "",
        }
        body: dict[str, object] = {key: doc(value) for key, value in fields.items()}
        body["manual_utility_address_match"] = None
        body["document_type"] = doc_type
        return body

    def _doc_dates(self, i: int) -> tuple[str, str]:
        issued = self.created(i) - (200 + digest(self.seed, "issued", i) % 3000) * 86400
        return day(issued), day(issued + 10 * 365 * 86400)

    def data_body(self, i: int, now: int | None = None) -> dict[str, object]:
        """Return the `/api/v2/data` body (as at `now`); all null when nothing was captured."""
        state, _ = self.state(i, now)
        p = self.person(i)
        captured = state["phase"] != "created" and state["status"] not in GONE
        captured = captured and state["status"] not in ("EXPIRED",)
        issue, expiry = self._doc_dates(i)
        values: dict[str, object] = {
            "docFirstName": p.first_name.upper(),
            "docLastName": p.last_name.upper(),
            "fullName": p.full_name.upper(),
            "docNumber": p.document_number,
            "docPersonalCode": p.personal_code,
            "docExpiry": expiry,
            "docDob": p.birth_date,
            "docDateOfIssue": issue,
            "docType": pick(IDENFY_DOC_TYPES[:4], self.seed, "doctype", i),
            "docSex": "MALE" if p.sex == "M" else "FEMALE",
            "docNationality": p.country[0],
            "docIssuingCountry": p.country[0],
            "selectedCountry": p.country[0],
            "birthPlace": p.country[3],
            "authority": None,
            "address": None,
            "docTemporaryAddress": None,
            "mothersMaidenName": None,
            "docBirthName": None,
            "docPatronymic": None,
            "driverLicenseCategory": None,
            "manuallyDataChanged": digest(self.seed, "edited", i) % 10 == 0,
            "orgFirstName": p.first_name.upper(),
            "orgLastName": p.last_name.upper(),
            "orgNationality": p.country[2].upper(),
            "orgBirthPlace": None,
            "orgAuthority": None,
            "orgAddress": None,
            "orgTemporaryAddress": None,
            "orgMothersMaidenName": None,
            "orgPatronymic": None,
            "orgBirthName": None,
            "ageEstimate": pick(IDENFY_AGE, self.seed, "age", i),
            "clientIpProxyRiskLevel": pick(IDENFY_PROXY_RISK, self.seed, "proxy", i),
            "duplicateFaces": self._duplicates(i, state),
            "duplicateDocFaces": None,
            "additionalData": None,
        }
        body: dict[str, object] = {"scanRef": self.scan_ref(i), "clientId": self.client_id(i)}
        body.update({k: (v if captured else None) for k, v in values.items()})
        return body

    def _duplicates(self, i: int, state: State) -> list[str] | None:
        if "DUPLICATE_FACE" not in state["fraud"]:
            return None
        earlier = list(self.person_indices(self.local_person(i), i))
        return [self.scan_ref(j) for j in earlier] or [self.scan_ref(max(0, i - 1))]

    def files_body(self, i: int, now: int) -> dict[str, str | None]:
        """Return `/api/v2/files` as at `now`: one-hour links, null where nothing was captured."""
        state, _ = self.state(i, now)
        captured = state["phase"] not in ("created", "expired") and state["status"] not in GONE
        folder = digest(self.seed, "files", i)
        body: dict[str, str | None] = {}
        for key in IDENFY_FILE_KEYS:
            wanted = captured and (not key.endswith("VIDEO") or folder % 4 == 0)
            body[key] = (
                "https://s3.eu-west-1.amazonaws.com/production.users.storage/users_storage/"
                f"users/{folder:016x}/{key}.{'mp4' if key.endswith('VIDEO') else 'png'}"
                f"?AWSAccessKeyId=AKIASANDBOX&Signature=sandbox&Expires={now + 3600}"
                if wanted
                else None
            )
        return body
