import pytest

from idvdash.verifications import normalise, vocabulary
from idvdash.verifications.models import Outcome
from idvdash.verifications.vocabulary import VOCABULARY, describe_outcome, explain, terms

# Each enumeration from the research notes (listed next to the mapping tables) and the
# vocabulary table that must explain it, code for code.
ENUMERATIONS = [
    ("idenfy", "status", normalise.IDENFY_STATUSES),
    ("idenfy", "face_result", normalise.IDENFY_FACE_RESULTS),
    ("idenfy", "document_result", normalise.IDENFY_DOCUMENT_RESULTS),
    ("idenfy", "fraud_tag", normalise.IDENFY_FRAUD_TAGS),
    ("idenfy", "mismatch_tag", normalise.IDENFY_MISMATCH_TAGS),
    ("idenfy", "suspicion_reason", normalise.IDENFY_SUSPICION_REASONS),
    ("equals", "status", normalise.EQUALS_STATUSES),
    ("equals", "result", normalise.EQUALS_RESULTS),
    ("swan", "status", normalise.SWAN_STATUSES),
    ("swan", "level_status", normalise.SWAN_STATUSES),
    ("swan", "invalid_reason", normalise.SWAN_INVALID_REASONS),
    ("stora", "status", normalise.STORA_STATUSES),
    ("stora", "error_code", normalise.STORA_ERROR_CODES),
]


@pytest.mark.parametrize(("kind", "category", "codes"), ENUMERATIONS)
def test_every_enumerated_code_has_a_meaning_and_nothing_else_does(kind, category, codes):
    assert set(VOCABULARY[kind][category]) == set(codes)
    for code in codes:
        assert explain(kind, code, category=category)


def test_every_vocabulary_table_is_checked_against_an_enumeration():
    checked = {(kind, category) for kind, category, _ in ENUMERATIONS}
    tables = {(kind, category) for kind, tables in VOCABULARY.items() for category in tables}

    assert tables == checked


@pytest.mark.parametrize(
    ("kind", "table"),
    [
        ("idenfy", normalise.IDENFY_OUTCOMES),
        ("swan", normalise.SWAN_OUTCOMES),
        ("stora", normalise.STORA_OUTCOMES),
    ],
)
def test_every_mapped_status_is_explained(kind, table):
    for code in table:
        assert explain(kind, code, category="status")


def test_every_reason_the_normaliser_can_emit_for_known_input_is_explained():
    for code in normalise.SWAN_REASON_ALIASES | normalise.SWAN_INVALID_REASONS:
        assert explain("swan", code, category="invalid_reason")
    for code in normalise.STORA_ERROR_CODES:
        assert explain("stora", code, category="error_code")
    for code in normalise.EQUALS_RESULTS:
        assert explain("equals", code, category="result")


def test_alias_spellings_explain_like_the_current_code():
    assert explain("swan", "BadDocumentLightning") == explain("swan", "BadDocumentLighting")
    assert explain("swan", "SanctionsListHit") == explain("swan", "SanctionListHit")
    assert vocabulary.canonical("swan", "SanctionsListHit") == "SanctionListHit"
    assert vocabulary.canonical("swan", "FraudDetected") == "FraudDetected"


def test_unknown_codes_have_no_meaning_so_the_ui_shows_them_verbatim():
    assert explain("idenfy", "SOMETHING_NEW") is None
    assert explain("stora", "SUCCEEDED") is None  # codes are case-sensitive
    assert explain("nope", "APPROVED") is None
    assert explain("swan", "Valid", category="no_such_category") is None


def test_explain_without_category_prefers_the_status_table():
    assert explain("swan", "Valid") == VOCABULARY["swan"]["status"]["Valid"]
    assert explain("swan", "Valid", category="level_status") == "This level was awarded."


def test_every_outcome_is_described():
    for outcome in Outcome:
        assert describe_outcome(outcome).endswith(".")
    assert describe_outcome("no-such-outcome") == describe_outcome(Outcome.UNKNOWN)


def test_meanings_are_plain_sentences():
    for term in terms():
        assert term.meaning[0].isupper(), term
        assert term.meaning.endswith("."), term


def test_terms_list_every_code_once_per_table_with_a_readable_category():
    listed = list(terms())
    expected = sum(len(table) for tables in VOCABULARY.values() for table in tables.values())

    assert len(listed) == expected
    assert {t.category_label for t in listed} <= set(vocabulary.CATEGORY_LABELS.values())
    assert {t.kind for t in terms("stora")} == {"stora"}
