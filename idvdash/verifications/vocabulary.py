"""Plain-language meaning of every provider status and reason code, for reviewers.

Meanings come from the providers' documentation as summarised in
providers/idenfy-equals.md and providers/swan-stora.md. Codes not listed here are
shown verbatim by the UI (explain() returns None for them).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from idvdash.verifications.models import Outcome

CATEGORY_LABELS: dict[str, str] = {
    "status": "Status",
    "result": "Result",
    "level_status": "Level status",
    "face_result": "Face check result",
    "document_result": "Document check result",
    "fraud_tag": "Fraud tag",
    "mismatch_tag": "Mismatch tag",
    "suspicion_reason": "Suspicion reason",
    "invalid_reason": "Reason for rejection",
    "error_code": "Error code",
}

OUTCOME_MEANINGS: dict[str, str] = {
    Outcome.APPROVED: "The provider verified this person's identity.",
    Outcome.DECLINED: "The provider could not verify this person's identity.",
    Outcome.SUSPECTED: (
        "The checks may have passed, but the provider flagged fraud or data mismatches "
        "and left the decision to us."
    ),
    Outcome.IN_REVIEW: "The person has done their part; the provider is still checking.",
    Outcome.PENDING: "Waiting for the person to start, finish or redo the verification.",
    Outcome.EXPIRED: "The verification was never finished in time; nothing was decided.",
    Outcome.CANCELLED: "The verification was cancelled or refused; nothing was decided.",
    Outcome.DELETED: "The provider has deleted or archived this verification's data.",
    Outcome.UNKNOWN: "The provider reported a status idvdash does not recognise; see the raw value.",
}

_IDENFY_FRAUD = {
    "FACE_IN_BLACKLIST": "This verification's selfie was added to a blocklist.",
    "DOC_FACE_IN_BLACKLIST": "This verification's document photo was added to a blocklist.",
    "DATA_IN_BLACKLIST": "This verification's personal data was added to a blocklist.",
    "FACE_BLACKLISTED": "The selfie matches a face on a blocklist.",
    "DOC_FACE_BLACKLISTED": "The document photo matches a face on a blocklist.",
    "DATA_BLACKLISTED": "The personal data matches an entry on a blocklist.",
    "DUPLICATE_FACE": "The selfie matches the selfie of an earlier verification.",
    "DUPLICATE_DOC_FACE": "The document photo matches the document photo of an earlier verification.",
    "DUPLICATE_PERSONAL_DATA": "The personal data matches an earlier verification.",
    "VIRTUAL_CAMERA": "A virtual camera was probably used instead of a real one.",
    "ADDRESS_UNVERIFIED": "The address was not verified.",
    "PORTRAIT_SUBSTITUTION": "The portrait on the document may have been replaced.",
    "FACE_SUSPECTED": "The selfie may not be genuine.",
    "DOC_MOBILE_PHOTO": "The document was shown on a phone screen instead of in person.",
    "DEV_TOOLS_OPENED": "The person opened the browser's developer tools during the check.",
    "DOC_PRINT_SPOOFED": "The document appears to be a paper print-out.",
    "FAKE_PHOTO": "A photo appears to be fake.",
    "AML_SUSPECTION": "The person may be on a sanctions or politically-exposed-persons list.",
    "AML_FAILED": "The anti-money-laundering check could not be run.",
    "SANCTIONS_SUSPECTION": "The person may be on a sanctions list.",
    "SANCTIONS_FAILED": "The sanctions check could not be run.",
    "LID_SUSPECTION": "The document appears in a lost or stolen documents database.",
    "LID_FAILED": "The lost or stolen documents check could not be run.",
    "CRIMINAL_SUSPECTED": "The person may have a criminal record.",
    "CRIMINAL_CHECK_FAILED": "The criminal record check could not be run.",
    "RC_FAILED": "The registry centre check failed.",
    "DL_FAILED": "The driving licence registry check failed.",
    "AUTO_UNVERIFIABLE": "The automatic checks could not decide; a person has to review it.",
}

_IDENFY_DOC_FIELD = "The document's {} could not be found or read."

VOCABULARY: dict[str, dict[str, dict[str, str]]] = {
    "idenfy": {
        "status": {
            "APPROVED": "The verification passed.",
            "DENIED": "The verification failed; the face and document results say why.",
            "SUSPECTED": (
                "Face and document may be fine, but fraud or mismatch tags were attached; "
                "iDenfy leaves the decision to us."
            ),
            "REVIEWING": "An iDenfy reviewer is checking the verification.",
            "ACTIVE": "The verification link was issued and has not been used yet.",
            "EXPIRED": "The verification link expired before the person used it.",
            "EXPIRED-DELETED": "The verification link expired and its data was deleted.",
            "DELETED": "The verification's data was deleted at iDenfy.",
            "ARCHIVED": "The verification's data was archived and can no longer be read.",
        },
        "face_result": {
            "FACE_MATCH": "The selfie matches the photo on the document.",
            "FACE_NOT_CHECKED": "The selfie was not compared with the document photo.",
            "FACE_MISMATCH": (
                "The selfie could not be matched to the document photo "
                "(quality, blur, something in the way, or a different person)."
            ),
            "NO_FACE_FOUND": "No face was found in the selfie.",
            "TOO_MANY_FACES": "More than one face was in the selfie.",
            "FACE_TOO_BLURRY": "The selfie was too blurry.",
            "FACE_GLARED": "Glare on the selfie hid the face.",
            "FACE_UNCERTAIN": "Liveness could not be confirmed (lighting, possible fake, or obstruction).",
            "FACE_NOT_ANALYSED": "The face was not checked because the verification failed for another reason.",
            "FACE_ERROR": "The face check failed for an unclassified reason.",
            "AUTO_UNVERIFIABLE": "The automatic checks could not decide; a person has to review it.",
            "FAKE_FACE": "The face appears to be fake (a photo of a screen, a virtual camera, or a mask).",
        },
        "document_result": {
            "DOC_VALIDATED": "The document was checked and accepted.",
            "DOC_INFO_MISMATCH": "The details we supplied differ from those on the document.",
            "DOC_NOT_FOUND": "No document was found in the photo.",
            "DOC_NOT_FULLY_VISIBLE": "Part of the document was cut off.",
            "DOC_FACE_NOT_FOUND": "No portrait was found on the document.",
            "DOC_TOO_BLURRY": "The document photo was too blurry to read.",
            "DOC_GLARED": "Glare on the document made it unreadable.",
            "DOC_FACE_GLARED": "Glare on the document's portrait made it unreadable.",
            "MRZ_NOT_FOUND": "The machine-readable zone of the document was not found.",
            "MRZ_OCR_READING_ERROR": "The machine-readable zone could not be read or its check digits are wrong.",
            "MRZ_INVALID": "The machine-readable zone is present but invalid.",
            "BARCODE_NOT_FOUND": "The document's barcode was not found.",
            "DOC_EXPIRED": "The document has expired.",
            "DOC_NOT_SUPPORTED": "This type of document is not supported.",
            "COUNTRY_NOT_SUPPORTED": "The document's issuing country is not supported.",
            "COUNTRY_MISMATCH": "The country the person chose differs from the document's country.",
            "DOC_TYPE_MISMATCH": "A different type of document was uploaded than expected.",
            "DOC_SUBTYPE_MISMATCH": "A different kind of document was uploaded than expected.",
            "DOC_SIDE_MISMATCH": "The wrong side of the document was uploaded.",
            "DOC_DAMAGED": "The document is damaged and no longer valid.",
            "DOC_FAKE": "The document appears to be forged.",
            "DOC_SPOOF_DETECTED": "Someone tried to pass off a copy or image as the document.",
            "DOC_PERSONAL_CODE_INVALID": "The personal code on the document fails validation.",
            "DOC_NOT_ALLOWED": "Our settings do not allow this type of document.",
            "DOC_NAME_ERROR": _IDENFY_DOC_FIELD.format("first name"),
            "DOC_SURNAME_ERROR": _IDENFY_DOC_FIELD.format("surname"),
            "DOC_EXPIRY_ERROR": _IDENFY_DOC_FIELD.format("expiry date"),
            "DOC_DOB_ERROR": _IDENFY_DOC_FIELD.format("date of birth"),
            "DOC_PERSONAL_NUMBER_ERROR": _IDENFY_DOC_FIELD.format("personal number"),
            "DOC_NUMBER_ERROR": _IDENFY_DOC_FIELD.format("document number"),
            "DOC_DATE_OF_ISSUE_ERROR": _IDENFY_DOC_FIELD.format("date of issue"),
            "DOC_SEX_ERROR": _IDENFY_DOC_FIELD.format("sex"),
            "DOC_NATIONALITY_ERROR": _IDENFY_DOC_FIELD.format("nationality"),
            "DOC_NOT_ANALYSED": "The document was not checked because the verification failed for another reason.",
            "DOC_ERROR": "The document check failed for an unclassified reason.",
            "AUTO_UNVERIFIABLE": "The automatic checks could not decide; a person has to review it.",
            "EID_FAILED": "The electronic ID check failed.",
            "NFC_INIT_FAILED": "Reading the document's chip could not start.",
            "NFC_FAILED": "The document's chip could not be read.",
            "NFC_TIMEOUT": "Reading the document's chip timed out.",
        },
        "fraud_tag": _IDENFY_FRAUD,
        # The legacy suspicion reasons are fraud tags under another key, with the same meanings.
        "suspicion_reason": {
            code: _IDENFY_FRAUD[code]
            for code in (
                "FACE_SUSPECTED",
                "DOC_MOBILE_PHOTO",
                "DEV_TOOLS_OPENED",
                "DOC_PRINT_SPOOFED",
                "FAKE_PHOTO",
                "AML_SUSPECTION",
                "AML_FAILED",
                "LID_SUSPECTION",
                "LID_FAILED",
                "AUTO_UNVERIFIABLE",
            )
        },
        "mismatch_tag": {
            "NAME": "The first name we supplied differs from the document.",
            "SURNAME": "The surname we supplied differs from the document.",
            "FULL_NAME": "The full name we supplied differs from the document.",
            "DOCUMENT_NUMBER": "The document number we supplied differs from the document.",
            "PERSONAL_CODE": "The personal code we supplied differs from the document.",
            "EXPIRY_DATE": "The expiry date we supplied differs from the document.",
            "DATE_OF_BIRTH": "The date of birth we supplied differs from the document.",
            "DATE_OF_ISSUE": "The date of issue we supplied differs from the document.",
            "NATIONALITY": "The nationality we supplied differs from the document.",
            "SEX": "The sex we supplied differs from the document.",
            "DOC_INFO_MISMATCH": "Details we supplied differ from the document.",
            "UNDER_AGE": "The person is younger than the minimum age we set.",
            "OVER_AGE": "The person is older than the maximum age we set.",
            "UNKNOWN_AGE": "The person's age could not be read although an age limit is set.",
            "UTILITY_ADDRESS": "The address on the proof-of-address document does not match.",
            "UTILITY_NAME": "The name on the proof-of-address document does not match.",
            "EXPIRED_UTILITY_BILL": "The proof-of-address document is too old.",
            "INVALID_ADDITIONAL_STEP": "An additional document step is invalid.",
            "ADDITIONAL_STEP_NOT_FOUND": "An additional document step is missing.",
            "ADDITIONAL_STEP_INFORMATION_MISMATCH": "An additional document's details do not match.",
            "EXPIRED_ADDITIONAL_STEP_INFORMATION": "An additional document has expired.",
            "REGISTRY_CENTER_INFO_MISMATCH": "The registry centre's data differs from the document.",
            "DRIVER_LICENSE_INFO_MISMATCH": "The driving licence registry's data differs from the document.",
            "NOT_SUPPORTED_POA_DOCUMENT_TYPE": "This type of proof-of-address document is not supported.",
            "NOT_SUPPORTED_POA_DOCUMENT_COUNTRY": "Proof-of-address documents from this country are not supported.",
            "POA_COUNTRIES_MISMATCH": "The proof-of-address country differs from the expected country.",
            "POA_SCREENSHOT_DETECTED": "The proof-of-address document is a screenshot.",
        },
    },
    "equals": {
        "status": {
            "to_be_completed": "The verification link was sent; the person has not started.",
            "in_progress": "The person opened the link and started, but has not finished.",
            "completed": "The person finished; the result gives the decision.",
            "expired": "The verification link lapsed before the person finished.",
        },
        "result": {
            "approved": "The person's identity was verified.",
            "declined": "The verification failed.",
            "resubmission_requested": (
                "The person must redo the verification; this is not a final decline."
            ),
        },
    },
    "swan": {
        "status": {
            "Started": "The identification was created; the person has not finished it.",
            "NotStarted": "The identification has not been finished (older name for Started).",
            "Pending": "The person has done their part; Swan or its provider is reviewing.",
            "Valid": "The identification succeeded.",
            "Invalid": "The identification failed; the reasons say why.",
            "Canceled": "The identification was cancelled by the person or Swan, or the provider was unavailable.",
            "Expired": "The identification was not finished in time.",
            "NotSupported": "Swan reported no applicable status for this identification.",
        },
        "level_status": {
            "Started": "This level has started but is not finished.",
            "NotStarted": "This level has not been finished (older name for Started).",
            "Pending": "This level is being reviewed.",
            "Valid": "This level was awarded.",
            "Invalid": "This level failed; its reasons say why.",
            "Canceled": "This level was cancelled.",
            "Expired": "This level was not finished in time.",
            "NotSupported": "This level does not apply to this identification process.",
        },
        "invalid_reason": {
            "AbsentOrIncompleteFace": "The face was not fully in the photo.",
            "AlteredDevice": "The device was technically modified (for example jailbroken).",
            "BadDocumentLighting": "The lighting on the document was too dark or too bright.",
            "DamagedDocument": "The document is damaged, even slightly.",
            "ExpiredDocument": "The document has expired.",
            "FraudDetected": "A fraud attempt was detected.",
            "InadequateVideo": "The video quality was insufficient or information was missing.",
            "InsufficientApplicantLighting": "The lighting on the person's face was insufficient.",
            "InsufficientApplicantLiveness": "The person did not make the movements needed to prove liveness.",
            "InsufficientConnectionQuality": "The internet connection was too weak.",
            "InsufficientDocumentLiveness": "The document was not moved enough to prove it is real.",
            "InsufficientDocumentReadability": "The document was blurry or distorted.",
            "InsufficientFaceReadability": "The face was blurry or distorted.",
            "InsufficientVideoReadability": "The video was blurry or distorted.",
            "InternalError": "A technical error occurred; the person should try again.",
            "InvalidAddress": "The address is invalid or not accepted.",
            "InvalidOrMissingData": "Identification data is invalid or missing.",
            "InvoluntaryIdentification": "The person seems to be acting against their will.",
            "MissingGeolocationData": "Geolocation was required but unavailable.",
            "NegativeNewsHit": "The person appears on an adverse-media list.",
            "NonMatchingIdentity": "The identity does not match the expected information.",
            "NonOriginalDocument": "A copy (digital or paper) was used instead of the original document.",
            "SanctionListHit": "The person appears on a sanctions list.",
            "SecondDocumentRequired": "A second document is needed.",
            "TechnicalSignatureError": "The electronic signature failed technically; the person should try again.",
            "TimeoutSignatureFlow": "The electronic signature timed out; the person should try again.",
            "UnacceptableDocument": "This type of document is not accepted.",
            "UnderageApplicant": "The person is under the minimum age of 18.",
            "InsufficientDocumentQuality": "The document quality was insufficient (older reason).",
            "InvalidIdentity": "The identity was found invalid (older reason).",
        },
    },
    "stora": {
        "status": {
            "processing": "The person submitted the check; automated verification is running.",
            "succeeded": "The person's identity was verified.",
            "failed": "The verification did not pass; the error code says why.",
            "cancelled": "The verification was cancelled.",
        },
        "error_code": {
            "abandoned": "The person left the verification without finishing it.",
            "consent_declined": "The person refused consent to the biometric checks.",
            "country_not_supported": "The document's country is not supported.",
            "device_not_supported": "The person's device has no usable camera.",
            "document_expired": "The document has expired.",
            "document_type_not_supported": "This type of document is not allowed.",
            "document_unverified_other": "The document could not be verified.",
            "email_unverified_other": "The email address could not be verified.",
            "email_verification_declined": "The person declined the email check.",
            "id_number_insufficient_document_data": "The document lacks the data needed to check the ID number.",
            "id_number_mismatch": "The ID number does not match the records.",
            "id_number_unverified_other": "The ID number could not be verified.",
            "phone_unverified_other": "The phone number could not be verified.",
            "phone_verification_declined": "The person declined the phone check.",
            "selfie_document_missing_photo": "The document has no photo to compare the selfie with.",
            "selfie_face_mismatch": "The selfie does not match the photo on the document.",
            "selfie_manipulated": "The selfie appears to have been manipulated.",
            "selfie_unverified_other": "The selfie could not be verified.",
            "under_supported_age": "The person is below the supported age.",
        },
    },
}

# Other spellings a provider has used for the same code: alias -> code in VOCABULARY.
ALIASES: dict[str, dict[str, str]] = {
    "swan": {
        "BadDocumentLightning": "BadDocumentLighting",
        "InsufficientApplicantLightning": "InsufficientApplicantLighting",
        "SanctionsListHit": "SanctionListHit",
    },
}


@dataclass(frozen=True, slots=True)
class Term:
    """One code and its meaning, as the UI lists them."""

    kind: str
    category: str
    code: str
    meaning: str

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category)


def canonical(kind: str, code: str) -> str:
    """Return the code a provider alias stands for (the code itself when it is no alias)."""
    return ALIASES.get(kind, {}).get(code, code)


def explain(kind: str, code: str, *, category: str | None = None) -> str | None:
    """Return the plain-language meaning of a provider code, or None when it is unknown."""
    tables = VOCABULARY.get(kind, {})
    code = canonical(kind, code)
    if category is not None:
        return tables.get(category, {}).get(code)
    for table in tables.values():
        if code in table:
            return table[code]
    return None


def describe_outcome(outcome: str) -> str:
    """Return the plain-language meaning of a shared outcome."""
    return OUTCOME_MEANINGS.get(outcome, OUTCOME_MEANINGS[Outcome.UNKNOWN])


def terms(kind: str | None = None) -> Iterator[Term]:
    """Yield every known code with its meaning, provider by provider, category by category."""
    for provider, tables in VOCABULARY.items():
        if kind is not None and provider != kind:
            continue
        for category, table in tables.items():
            for code, meaning in table.items():
                yield Term(provider, category, code, meaning)
