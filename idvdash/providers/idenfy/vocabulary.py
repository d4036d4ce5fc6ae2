"""iDenfy's codes: what each status, result and tag is, what it means, and its outcome."""

from idvdash.providers.codes import Vocabulary, codes
from idvdash.providers.outcomes import Outcome

# The enumerations the research notes give; every code has a meaning below and
# nothing else does (tests/providers check both ways).
STATUSES = codes(
    "APPROVED DENIED SUSPECTED REVIEWING ACTIVE EXPIRED EXPIRED-DELETED DELETED ARCHIVED"
)
FACE_RESULTS = codes(
    "FACE_MATCH FACE_NOT_CHECKED FACE_MISMATCH NO_FACE_FOUND TOO_MANY_FACES FACE_TOO_BLURRY "
    "FACE_GLARED FACE_UNCERTAIN FACE_NOT_ANALYSED FACE_ERROR AUTO_UNVERIFIABLE FAKE_FACE"
)
DOCUMENT_RESULTS = codes(
    "DOC_VALIDATED DOC_INFO_MISMATCH DOC_NOT_FOUND DOC_NOT_FULLY_VISIBLE DOC_FACE_NOT_FOUND "
    "DOC_TOO_BLURRY DOC_GLARED DOC_FACE_GLARED MRZ_NOT_FOUND MRZ_OCR_READING_ERROR MRZ_INVALID "
    "BARCODE_NOT_FOUND DOC_EXPIRED DOC_NOT_SUPPORTED COUNTRY_NOT_SUPPORTED COUNTRY_MISMATCH "
    "DOC_TYPE_MISMATCH DOC_SUBTYPE_MISMATCH DOC_SIDE_MISMATCH DOC_DAMAGED DOC_FAKE "
    "DOC_SPOOF_DETECTED DOC_PERSONAL_CODE_INVALID DOC_NOT_ALLOWED DOC_NAME_ERROR "
    "DOC_SURNAME_ERROR DOC_EXPIRY_ERROR DOC_DOB_ERROR DOC_PERSONAL_NUMBER_ERROR DOC_NUMBER_ERROR "
    "DOC_DATE_OF_ISSUE_ERROR DOC_SEX_ERROR DOC_NATIONALITY_ERROR DOC_NOT_ANALYSED DOC_ERROR "
    "AUTO_UNVERIFIABLE EID_FAILED NFC_INIT_FAILED NFC_FAILED NFC_TIMEOUT"
)
FRAUD_TAGS = codes(
    "FACE_IN_BLACKLIST DOC_FACE_IN_BLACKLIST DATA_IN_BLACKLIST FACE_BLACKLISTED "
    "DOC_FACE_BLACKLISTED DATA_BLACKLISTED DUPLICATE_FACE DUPLICATE_DOC_FACE "
    "DUPLICATE_PERSONAL_DATA VIRTUAL_CAMERA ADDRESS_UNVERIFIED PORTRAIT_SUBSTITUTION "
    "FACE_SUSPECTED DOC_MOBILE_PHOTO DEV_TOOLS_OPENED DOC_PRINT_SPOOFED FAKE_PHOTO AML_SUSPECTION "
    "AML_FAILED SANCTIONS_SUSPECTION SANCTIONS_FAILED LID_SUSPECTION LID_FAILED CRIMINAL_SUSPECTED "
    "CRIMINAL_CHECK_FAILED RC_FAILED DL_FAILED AUTO_UNVERIFIABLE"
)
MISMATCH_TAGS = codes(
    "NAME SURNAME FULL_NAME DOCUMENT_NUMBER PERSONAL_CODE EXPIRY_DATE DATE_OF_BIRTH "
    "DATE_OF_ISSUE NATIONALITY SEX DOC_INFO_MISMATCH UNDER_AGE OVER_AGE UNKNOWN_AGE "
    "UTILITY_ADDRESS UTILITY_NAME EXPIRED_UTILITY_BILL INVALID_ADDITIONAL_STEP "
    "ADDITIONAL_STEP_NOT_FOUND ADDITIONAL_STEP_INFORMATION_MISMATCH "
    "EXPIRED_ADDITIONAL_STEP_INFORMATION REGISTRY_CENTER_INFO_MISMATCH "
    "DRIVER_LICENSE_INFO_MISMATCH NOT_SUPPORTED_POA_DOCUMENT_TYPE "
    "NOT_SUPPORTED_POA_DOCUMENT_COUNTRY POA_COUNTRIES_MISMATCH POA_SCREENSHOT_DETECTED"
)
SUSPICION_REASONS = codes(
    "FACE_SUSPECTED DOC_MOBILE_PHOTO DEV_TOOLS_OPENED DOC_PRINT_SPOOFED FAKE_PHOTO "
    "AML_SUSPECTION AML_FAILED LID_SUSPECTION LID_FAILED AUTO_UNVERIFIABLE"
)

ENUMERATIONS: dict[str, frozenset[str]] = {
    "status": STATUSES,
    "face_result": FACE_RESULTS,
    "document_result": DOCUMENT_RESULTS,
    "fraud_tag": FRAUD_TAGS,
    "mismatch_tag": MISMATCH_TAGS,
    "suspicion_reason": SUSPICION_REASONS,
}

OUTCOMES: dict[str, Outcome] = {
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
    # outcomes.DECISIVE_OUTCOMES. The list's `suspected` flag still survives on the row.
    "DELETED": Outcome.DELETED,
    "ARCHIVED": Outcome.DELETED,
}

# Face and document results that are not a reason for concern.
CLEAN_RESULTS = codes("FACE_MATCH DOC_VALIDATED")

_FRAUD = {
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

_DOC_FIELD = "The document's {} could not be found or read."

MEANINGS: dict[str, dict[str, str]] = {
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
        "DOC_NAME_ERROR": _DOC_FIELD.format("first name"),
        "DOC_SURNAME_ERROR": _DOC_FIELD.format("surname"),
        "DOC_EXPIRY_ERROR": _DOC_FIELD.format("expiry date"),
        "DOC_DOB_ERROR": _DOC_FIELD.format("date of birth"),
        "DOC_PERSONAL_NUMBER_ERROR": _DOC_FIELD.format("personal number"),
        "DOC_NUMBER_ERROR": _DOC_FIELD.format("document number"),
        "DOC_DATE_OF_ISSUE_ERROR": _DOC_FIELD.format("date of issue"),
        "DOC_SEX_ERROR": _DOC_FIELD.format("sex"),
        "DOC_NATIONALITY_ERROR": _DOC_FIELD.format("nationality"),
        "DOC_NOT_ANALYSED": "The document was not checked because the verification failed for another reason.",
        "DOC_ERROR": "The document check failed for an unclassified reason.",
        "AUTO_UNVERIFIABLE": "The automatic checks could not decide; a person has to review it.",
        "EID_FAILED": "The electronic ID check failed.",
        "NFC_INIT_FAILED": "Reading the document's chip could not start.",
        "NFC_FAILED": "The document's chip could not be read.",
        "NFC_TIMEOUT": "Reading the document's chip timed out.",
    },
    "fraud_tag": _FRAUD,
    # The legacy suspicion reasons are fraud tags under another key, with the same meanings.
    "suspicion_reason": {
        code: _FRAUD[code]
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
}

VOCABULARY = Vocabulary(kind="idenfy", meanings=MEANINGS, enumerations=ENUMERATIONS)
