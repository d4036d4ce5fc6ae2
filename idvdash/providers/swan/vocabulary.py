"""Swan's codes: identification and level statuses, rejection reasons, and their outcome."""

from idvdash.providers.codes import Vocabulary, codes
from idvdash.providers.outcomes import Outcome

# The enumerations the research notes give; every code has a meaning below and
# nothing else does (tests/providers check both ways).
STATUSES = codes("Started NotStarted Pending Valid Invalid Canceled Expired NotSupported")
INVALID_REASONS = codes(
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

ENUMERATIONS: dict[str, frozenset[str]] = {
    "status": STATUSES,
    "level_status": STATUSES,
    "invalid_reason": INVALID_REASONS,
}

OUTCOMES: dict[str, Outcome] = {
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

# Reasons in the notes' risk/compliance category: flagged as suspected for the
# reviewer's "suspicious" filter while the outcome stays `declined`.
RISK_REASONS = codes(
    "FraudDetected SanctionListHit NegativeNewsHit InvoluntaryIdentification AlteredDevice"
)

LEVELS = ("expert", "qes", "pvid")

MEANINGS: dict[str, dict[str, str]] = {
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
}

# Other spellings Swan has used for the same code: alias -> code in MEANINGS.
ALIASES: dict[str, str] = {
    "BadDocumentLightning": "BadDocumentLighting",
    "InsufficientApplicantLightning": "InsufficientApplicantLighting",
    "SanctionsListHit": "SanctionListHit",
}

VOCABULARY = Vocabulary(kind="swan", meanings=MEANINGS, enumerations=ENUMERATIONS, aliases=ALIASES)
