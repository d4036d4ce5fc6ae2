import pytest

from idvdash.providers import vocabulary
from idvdash.providers.codes import CATEGORY_LABELS
from idvdash.providers.equals import vocabulary as equals_codes
from idvdash.providers.idenfy import vocabulary as idenfy_codes
from idvdash.providers.outcomes import Outcome, describe_outcome
from idvdash.providers.registry import PROVIDERS
from idvdash.providers.stora import vocabulary as stora_codes
from idvdash.providers.swan import vocabulary as swan_codes
from idvdash.providers.vocabulary import explain, terms

# Each enumeration from the research notes (listed in each provider's vocabulary) and
# the table that must explain it, code for code.
ENUMERATIONS = [
    (kind, category, codes)
    for kind, provider in PROVIDERS.items()
    for category, codes in provider.vocabulary.enumerations.items()
]


def test_the_enumerations_cover_what_the_research_notes_list():
    checked = {(kind, category) for kind, category, _ in ENUMERATIONS}

    assert checked == {
        ("idenfy", "status"),
        ("idenfy", "face_result"),
        ("idenfy", "document_result"),
        ("idenfy", "fraud_tag"),
        ("idenfy", "mismatch_tag"),
        ("idenfy", "suspicion_reason"),
        ("equals", "status"),
        ("equals", "result"),
        ("swan", "status"),
        ("swan", "level_status"),
        ("swan", "invalid_reason"),
        ("stora", "status"),
        ("stora", "error_code"),
    }


@pytest.mark.parametrize(("kind", "category", "codes"), ENUMERATIONS)
def test_every_enumerated_code_has_a_meaning_and_nothing_else_does(kind, category, codes):
    assert set(PROVIDERS[kind].vocabulary.meanings[category]) == set(codes)
    for code in codes:
        assert explain(kind, code, category=category)


def test_every_vocabulary_table_is_checked_against_an_enumeration():
    checked = {(kind, category) for kind, category, _ in ENUMERATIONS}
    tables = {
        (kind, category)
        for kind, provider in PROVIDERS.items()
        for category in provider.vocabulary.meanings
    }

    assert tables == checked


@pytest.mark.parametrize(
    ("kind", "table"),
    [
        ("idenfy", idenfy_codes.OUTCOMES),
        ("swan", swan_codes.OUTCOMES),
        ("stora", stora_codes.OUTCOMES),
    ],
)
def test_every_mapped_status_is_explained(kind, table):
    for code in table:
        assert explain(kind, code, category="status")


def test_every_reason_the_normaliser_can_emit_for_known_input_is_explained():
    for code in set(swan_codes.ALIASES) | swan_codes.INVALID_REASONS:
        assert explain("swan", code, category="invalid_reason")
    for code in stora_codes.ERROR_CODES:
        assert explain("stora", code, category="error_code")
    for code in equals_codes.RESULTS:
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
    assert explain("swan", "Valid") == swan_codes.MEANINGS["status"]["Valid"]
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
    expected = sum(
        len(table) for p in PROVIDERS.values() for table in p.vocabulary.meanings.values()
    )

    assert len(listed) == expected
    assert {t.category_label for t in listed} <= set(CATEGORY_LABELS.values())
    assert {t.kind for t in terms("stora")} == {"stora"}
