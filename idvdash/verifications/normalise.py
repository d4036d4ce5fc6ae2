"""Provider record -> Verification fields: outcome, reasons, levels (providers/CONTRACTS.md).

Everything here is total: odd provider input gives Outcome.UNKNOWN or empty values,
never an exception, so one strange row cannot stop a sync.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from idvdash.providers.clients.base import VerificationRecord, parse_timestamp
from idvdash.verifications.models import Outcome
from idvdash.verifications.vocabulary import canonical

RAW_STATUS_LENGTH = 64


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The enumerations the research notes give, per provider; tests check that every
# code here has a mapping and a meaning, and that nothing else does.
IDENFY_STATUSES = _codes(
    "APPROVED DENIED SUSPECTED REVIEWING ACTIVE EXPIRED EXPIRED-DELETED DELETED ARCHIVED"
)
IDENFY_FACE_RESULTS = _codes(
    "FACE_MATCH FACE_NOT_CHECKED FACE_MISMATCH NO_FACE_FOUND TOO_MANY_FACES FACE_TOO_BLURRY "
    "FACE_GLARED FACE_UNCERTAIN FACE_NOT_ANALYSED FACE_ERROR AUTO_UNVERIFIABLE FAKE_FACE"
)
IDENFY_DOCUMENT_RESULTS = _codes(
    "DOC_VALIDATED DOC_INFO_MISMATCH DOC_NOT_FOUND DOC_NOT_FULLY_VISIBLE DOC_FACE_NOT_FOUND "
    "DOC_TOO_BLURRY DOC_GLARED DOC_FACE_GLARED MRZ_NOT_FOUND MRZ_OCR_READING_ERROR MRZ_INVALID "
    "BARCODE_NOT_FOUND DOC_EXPIRED DOC_NOT_SUPPORTED COUNTRY_NOT_SUPPORTED COUNTRY_MISMATCH "
    "DOC_TYPE_MISMATCH DOC_SUBTYPE_MISMATCH DOC_SIDE_MISMATCH DOC_DAMAGED DOC_FAKE "
    "DOC_SPOOF_DETECTED DOC_PERSONAL_CODE_INVALID DOC_NOT_ALLOWED DOC_NAME_ERROR "
    "DOC_SURNAME_ERROR DOC_EXPIRY_ERROR DOC_DOB_ERROR DOC_PERSONAL_NUMBER_ERROR DOC_NUMBER_ERROR "
    "DOC_DATE_OF_ISSUE_ERROR DOC_SEX_ERROR DOC_NATIONALITY_ERROR DOC_NOT_ANALYSED DOC_ERROR "
    "AUTO_UNVERIFIABLE EID_FAILED NFC_INIT_FAILED NFC_FAILED NFC_TIMEOUT"
)
IDENFY_FRAUD_TAGS = _codes(
    "FACE_IN_BLACKLIST DOC_FACE_IN_BLACKLIST DATA_IN_BLACKLIST FACE_BLACKLISTED "
    "DOC_FACE_BLACKLISTED DATA_BLACKLISTED DUPLICATE_FACE DUPLICATE_DOC_FACE "
    "DUPLICATE_PERSONAL_DATA VIRTUAL_CAMERA ADDRESS_UNVERIFIED PORTRAIT_SUBSTITUTION "
    "FACE_SUSPECTED DOC_MOBILE_PHOTO DEV_TOOLS_OPENED DOC_PRINT_SPOOFED FAKE_PHOTO AML_SUSPECTION "
    "AML_FAILED SANCTIONS_SUSPECTION SANCTIONS_FAILED LID_SUSPECTION LID_FAILED CRIMINAL_SUSPECTED "
    "CRIMINAL_CHECK_FAILED RC_FAILED DL_FAILED AUTO_UNVERIFIABLE"
)
IDENFY_MISMATCH_TAGS = _codes(
    "NAME SURNAME FULL_NAME DOCUMENT_NUMBER PERSONAL_CODE EXPIRY_DATE DATE_OF_BIRTH "
    "DATE_OF_ISSUE NATIONALITY SEX DOC_INFO_MISMATCH UNDER_AGE OVER_AGE UNKNOWN_AGE "
    "UTILITY_ADDRESS UTILITY_NAME EXPIRED_UTILITY_BILL INVALID_ADDITIONAL_STEP "
    "ADDITIONAL_STEP_NOT_FOUND ADDITIONAL_STEP_INFORMATION_MISMATCH "
    "EXPIRED_ADDITIONAL_STEP_INFORMATION REGISTRY_CENTER_INFO_MISMATCH "
    "DRIVER_LICENSE_INFO_MISMATCH NOT_SUPPORTED_POA_DOCUMENT_TYPE "
    "NOT_SUPPORTED_POA_DOCUMENT_COUNTRY POA_COUNTRIES_MISMATCH POA_SCREENSHOT_DETECTED"
)
IDENFY_SUSPICION_REASONS = _codes(
    "FACE_SUSPECTED DOC_MOBILE_PHOTO DEV_TOOLS_OPENED DOC_PRINT_SPOOFED FAKE_PHOTO "
    "AML_SUSPECTION AML_FAILED LID_SUSPECTION LID_FAILED AUTO_UNVERIFIABLE"
)
EQUALS_STATUSES = _codes("to_be_completed in_progress completed expired")
EQUALS_RESULTS = _codes("approved declined resubmission_requested")
SWAN_STATUSES = _codes("Started NotStarted Pending Valid Invalid Canceled Expired NotSupported")
SWAN_INVALID_REASONS = _codes(
    "AbsentOrIncompleteFace AlteredDevice BadDocumentLighting DamagedDocument ExpiredDocument "
    "FraudDetected InadequateVideo InsufficientApplicantLighting InsufficientApplicantLiveness "
    "InsufficientConnectionQuality InsufficientDocumentLiveness InsufficientDocumentReadability "
    "InsufficientFaceReadability InsufficientVideoReadability InternalError InvalidAddress "
    "InvalidOrMissingData InvoluntaryIdentification MissingGeolocationData NegativeNewsHit "
    "NonMatchingIdentity NonOriginalDocument SanctionListHit SecondDocumentRequired "
    "TechnicalSignatureError TimeoutSignatureFlow UnacceptableDocument UnderageApplicant "
    # Legacy values (before October 2023), still known.
    "InsufficientDocumentQuality InvalidIdentity"
)
# Spellings Swan has used besides the ones above (see vocabulary.ALIASES).
SWAN_REASON_ALIASES = _codes("BadDocumentLightning InsufficientApplicantLightning SanctionsListHit")
SWAN_LEVELS = ("expert", "qes", "pvid")
STORA_STATUSES = _codes("processing succeeded failed cancelled")
STORA_ERROR_CODES = _codes(
    "abandoned consent_declined country_not_supported device_not_supported document_expired "
    "document_type_not_supported document_unverified_other email_unverified_other "
    "email_verification_declined id_number_insufficient_document_data id_number_mismatch "
    "id_number_unverified_other phone_unverified_other phone_verification_declined "
    "selfie_document_missing_photo selfie_face_mismatch selfie_manipulated "
    "selfie_unverified_other under_supported_age"
)

IDENFY_OUTCOMES: dict[str, Outcome] = {
    "APPROVED": Outcome.APPROVED,
    "DENIED": Outcome.DECLINED,
    "SUSPECTED": Outcome.SUSPECTED,
    "REVIEWING": Outcome.IN_REVIEW,
    "ACTIVE": Outcome.PENDING,
    "EXPIRED": Outcome.EXPIRED,
    # Not one-to-one: never completed *and* data removed; "never completed" wins.
    "EXPIRED-DELETED": Outcome.EXPIRED,
    # DELETED and ARCHIVED replace a former decision. A record alone does not carry
    # that decision, so the outcome here is `deleted`; keeping the last decisive
    # outcome visible is the sync's job (it holds the previous row): see
    # DECISIVE_OUTCOMES. The list's `suspected` flag still survives on the row.
    "DELETED": Outcome.DELETED,
    "ARCHIVED": Outcome.DELETED,
}

# Equals: the outcome depends on status *and* result; result is present only once completed.
EQUALS_OUTCOMES: dict[tuple[str, str | None], Outcome] = {
    ("to_be_completed", None): Outcome.PENDING,
    ("in_progress", None): Outcome.PENDING,
    ("expired", None): Outcome.EXPIRED,
    ("completed", "approved"): Outcome.APPROVED,
    ("completed", "declined"): Outcome.DECLINED,
    # Not a final decline: the person has to act again, so it waits on them.
    ("completed", "resubmission_requested"): Outcome.PENDING,
    # Defensive: completed without a result should not happen; the provider still owes us one.
    ("completed", None): Outcome.IN_REVIEW,
}

SWAN_OUTCOMES: dict[str, Outcome] = {
    "Valid": Outcome.APPROVED,
    "Invalid": Outcome.DECLINED,
    "Pending": Outcome.IN_REVIEW,
    "Started": Outcome.PENDING,
    # Deprecated name for Started; Swan's own app treats them alike.
    "NotStarted": Outcome.PENDING,
    "Canceled": Outcome.CANCELLED,
    "Expired": Outcome.EXPIRED,
    # A level-only status; as a global status it means nothing we can decide on.
    "NotSupported": Outcome.UNKNOWN,
}

STORA_OUTCOMES: dict[str, Outcome] = {
    "succeeded": Outcome.APPROVED,
    "processing": Outcome.IN_REVIEW,
    "failed": Outcome.DECLINED,  # refined by STORA_FAILED_OUTCOMES
    "cancelled": Outcome.CANCELLED,
}
# Not one-to-one: a failure that decided nothing about the person's identity.
STORA_FAILED_OUTCOMES: dict[str, Outcome] = {
    "abandoned": Outcome.EXPIRED,  # they never finished
    "consent_declined": Outcome.CANCELLED,  # they refused the check
}

DECISIVE_OUTCOMES = frozenset({Outcome.APPROVED, Outcome.DECLINED, Outcome.SUSPECTED})

# iDenfy face/document results that are not a reason for concern.
IDENFY_CLEAN_RESULTS = _codes("FACE_MATCH DOC_VALIDATED")
# Swan reasons in the notes' risk/compliance category: flagged as suspected for the
# reviewer's "suspicious" filter while the outcome stays `declined`.
SWAN_RISK_REASONS = _codes(
    "FraudDetected SanctionListHit NegativeNewsHit InvoluntaryIdentification AlteredDevice"
)


def to_fields(kind: str, record: VerificationRecord) -> dict[str, Any]:
    """Return the Verification model fields for one provider record."""
    payload = record.payload if isinstance(record.payload, dict) else {}
    raw_status = _text(record.raw_status)
    fields = _NORMALISERS[kind](payload, raw_status)
    return {
        "external_id": record.external_id,
        "subject_ref": record.subject_ref,
        "outcome": fields.get("outcome", Outcome.UNKNOWN),
        "raw_status": raw_status[:RAW_STATUS_LENGTH],
        "suspected": fields.get("suspected", False),
        "reason_codes": fields.get("reason_codes", []),
        "levels": fields.get("levels", {}),
        "process": fields.get("process", "")[:RAW_STATUS_LENGTH],
        "provider_created_at": record.created_at,
        "provider_updated_at": record.updated_at or record.created_at,
        "raw": record.payload,
    }


def times_from_detail(kind: str, detail: object) -> dict[str, Any]:
    """Return the provider's own creation / update times found in a live detail, if any.

    iDenfy's list carries no times (its rows start with the time we first saw them);
    its full status has `created` and `updated`.
    """
    if kind != "idenfy" or not isinstance(detail, dict):
        return {}
    created = parse_timestamp(detail.get("created"))
    updated = parse_timestamp(detail.get("updated")) or created
    if created is None:
        return {}
    return {"provider_created_at": created, "provider_updated_at": max(created, updated)}


def _idenfy(payload: dict[str, Any], raw_status: str) -> dict[str, Any]:
    outcome = IDENFY_OUTCOMES.get(raw_status, Outcome.UNKNOWN)
    # A preliminary (webhook final: false) decision is not one yet.
    if payload.get("final") is False and outcome in DECISIVE_OUTCOMES:
        outcome = Outcome.IN_REVIEW
    # Webhooks nest the tags under "status"; status/full-status responses keep them flat.
    nested = payload.get("status") if isinstance(payload.get("status"), dict) else {}
    sources = (payload, nested)
    tags = _unique(
        code
        for key in ("fraudTags", "suspicionReasons", "suspection_reasons", "mismatchTags")
        for source in sources
        for code in _strings(source.get(key))
    )
    results = _unique(
        value
        for key in (
            "manualFace",
            "manualDocument",
            "autoFace",
            "autoDocument",
            "manual_face_match_result",
            "manual_document_validity",
            "face_match_result",
            "document_validity",
        )
        for source in sources
        if isinstance(value := source.get(key), str) and value
    )
    concerns = [code for code in results if code not in IDENFY_CLEAN_RESULTS]
    return {
        "outcome": outcome,
        "suspected": payload.get("suspected") is True or raw_status == "SUSPECTED",
        "reason_codes": _unique([*tags, *concerns]),
    }


def _equals(payload: dict[str, Any], raw_status: str) -> dict[str, Any]:
    result = payload.get("result")
    result = result if isinstance(result, str) and result else None
    outcome = EQUALS_OUTCOMES.get((raw_status, result))
    if outcome is None:
        # A result on a session that is not completed: the status still tells the state.
        outcome = EQUALS_OUTCOMES.get((raw_status, None), Outcome.UNKNOWN)
    return {"outcome": outcome, "reason_codes": [result] if result else []}


def _swan(payload: dict[str, Any], raw_status: str) -> dict[str, Any]:
    levels = swan_levels(payload.get("levels"))
    reasons = _unique(
        reason
        for level in levels.values()
        if level["status"] == "Invalid"
        for reason in level["reasons"]
    )
    process = payload.get("process")
    return {
        "outcome": SWAN_OUTCOMES.get(raw_status, Outcome.UNKNOWN),
        "suspected": any(reason in SWAN_RISK_REASONS for reason in reasons),
        "reason_codes": reasons,
        "levels": levels,
        "process": process if isinstance(process, str) else "",
    }


def swan_levels(levels: object) -> dict[str, dict[str, Any]]:
    """Return {level: {"status", "reasons", "expiredAt"}} for every level Swan reported.

    A level Swan reported with a status is always a full dict, `NotSupported` included
    (that is the explicit "not applicable to this process" mark). A level missing, `{}`
    or without a status is omitted. Reasons use one spelling per code.
    """
    if not isinstance(levels, dict):
        return {}
    out: dict[str, dict[str, Any]] = {}
    for name in SWAN_LEVELS:
        level = levels.get(name)
        if not isinstance(level, dict):
            continue
        status = level.get("status")
        if not isinstance(status, str) or not status:
            continue
        expired_at = level.get("expiredAt")
        out[name] = {
            "status": status,
            "reasons": _unique(canonical("swan", code) for code in _strings(level.get("reasons"))),
            "expiredAt": expired_at if isinstance(expired_at, str) else None,
        }
    return out


def _stora(payload: dict[str, Any], raw_status: str) -> dict[str, Any]:
    error_code = payload.get("error_code")
    error_code = error_code if isinstance(error_code, str) and error_code else None
    outcome = STORA_OUTCOMES.get(raw_status, Outcome.UNKNOWN)
    if raw_status == "failed" and error_code in STORA_FAILED_OUTCOMES:
        outcome = STORA_FAILED_OUTCOMES[error_code]
    # Stora has no suspicion signal on verifications (swan-stora.md 3.2): suspected stays False.
    return {"outcome": outcome, "reason_codes": [error_code] if error_code else []}


_NORMALISERS: dict[str, Callable[[dict[str, Any], str], dict[str, Any]]] = {
    "idenfy": _idenfy,
    "equals": _equals,
    "swan": _swan,
    "stora": _stora,
}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if not isinstance(value, list | tuple):
        return []
    return [item for item in value if isinstance(item, str) and item]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
