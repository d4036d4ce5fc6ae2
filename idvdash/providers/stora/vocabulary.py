"""Stora's codes: verification statuses and error codes, what they mean, and their outcome."""

from idvdash.providers.codes import Vocabulary, codes
from idvdash.providers.outcomes import Outcome

# The enumerations the research notes give; every code has a meaning below and
# nothing else does (tests/providers check both ways).
STATUSES = codes("processing succeeded failed cancelled")
ERROR_CODES = codes(
    "abandoned consent_declined country_not_supported device_not_supported document_expired "
    "document_type_not_supported document_unverified_other email_unverified_other "
    "email_verification_declined id_number_insufficient_document_data id_number_mismatch "
    "id_number_unverified_other phone_unverified_other phone_verification_declined "
    "selfie_document_missing_photo selfie_face_mismatch selfie_manipulated "
    "selfie_unverified_other under_supported_age"
)

ENUMERATIONS: dict[str, frozenset[str]] = {
    "status": STATUSES,
    "error_code": ERROR_CODES,
}

OUTCOMES: dict[str, Outcome] = {
    "succeeded": Outcome.APPROVED,
    "processing": Outcome.IN_REVIEW,
    "failed": Outcome.DECLINED,  # refined by FAILED_OUTCOMES
    "cancelled": Outcome.CANCELLED,
}

# Not one-to-one: a failure that decided nothing about the person's identity.
FAILED_OUTCOMES: dict[str, Outcome] = {
    "abandoned": Outcome.EXPIRED,  # they never finished
    "consent_declined": Outcome.CANCELLED,  # they refused the check
}

MEANINGS: dict[str, dict[str, str]] = {
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
}

VOCABULARY = Vocabulary(kind="stora", meanings=MEANINGS, enumerations=ENUMERATIONS)
