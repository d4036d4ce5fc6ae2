"""Substring search ("Contains"): any part of subject_ref or external_id, any case."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from idvdash.verifications import queries
from idvdash.verifications.forms import TOO_SHORT_TO_CONTAIN, VerificationFilterForm
from idvdash.verifications.queries import Filters, Match, Sort
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def contains(text: str, **kwargs) -> set[str]:
    filters = Filters(q=text, match=Match.CONTAINS, **kwargs)
    return {v.external_id for v in queries.filter_verifications(filters=filters)}


@pytest.fixture
def rows():
    VerificationFactory(external_id="EQ-00123456", subject_ref="cust-0042917")
    VerificationFactory(external_id="ver_000998877", subject_ref="CUST-7770429")
    VerificationFactory(external_id="3fa85f6457174562b3fc2c963f66afa6", subject_ref="")
    VerificationFactory(external_id="other", subject_ref="someone-else")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0429", {"EQ-00123456", "ver_000998877"}),  # the middle of two subjects
        ("4291", {"EQ-00123456"}),
        ("ust-777", {"ver_000998877"}),  # any case
        ("2345", {"EQ-00123456"}),  # the middle of an external id
        ("B3FC2C96", {"3fa85f6457174562b3fc2c963f66afa6"}),
        ("eq-", {"EQ-00123456"}),  # the start still matches
        ("afa6", {"3fa85f6457174562b3fc2c963f66afa6"}),  # and the end
        ("nobody", set()),
    ],
)
def test_contains_matches_any_part_of_subject_or_external_id(rows, text, expected):
    assert contains(text) == expected


def test_prefix_stays_the_default_and_does_not_match_the_middle(rows):
    assert Filters(q="0429").match is Match.PREFIX
    found = {v.external_id for v in queries.filter_verifications(filters=Filters(q="0429"))}
    assert found == set()


@pytest.mark.parametrize("text", ['a"b', "50%", "a_b", "x' OR 1=1 --", "*abc", "NEAR(a b)"])
def test_contains_treats_odd_characters_as_plain_text(text):
    VerificationFactory(external_id=f"pre-{text}-post", subject_ref="s")
    VerificationFactory(external_id="decoy-50x-a1b-ab", subject_ref="t")

    assert contains(text) == {f"pre-{text}-post"}


def test_contains_keeps_up_with_renamed_and_deleted_rows():
    v = VerificationFactory(external_id="first-name", subject_ref="alpha-person")
    assert contains("pha-per") == {"first-name"}

    v.subject_ref = "omega-person"
    v.save()
    assert contains("pha-per") == set()
    assert contains("ega-per") == {"first-name"}

    v.delete()
    assert contains("ega-per") == set()


def test_contains_combines_with_filters_and_every_sort():
    for n in range(6):
        VerificationFactory(
            external_id=f"x-{n}-abc",
            subject_ref=f"s{n}",
            outcome="declined" if n % 2 else "approved",
            provider_updated_at=NOW - timedelta(days=n),
            provider_created_at=NOW - timedelta(days=10 - n),
        )
    for sort in Sort:
        filters = Filters(q="-abc", match=Match.CONTAINS, outcomes=("declined",), sort=sort)
        found = [v.external_id for v in queries.filter_verifications(filters=filters)]
        assert sorted(found) == ["x-1-abc", "x-3-abc", "x-5-abc"]
    newest = Filters(q="-abc", match=Match.CONTAINS, sort=Sort.CREATED_DESC)
    assert queries.filter_verifications(filters=newest)[0].external_id == "x-5-abc"


def test_the_form_asks_for_three_characters_to_search_inside_ids():
    form = VerificationFilterForm({"q": "ab", "match": "contains"})

    assert not form.is_valid()
    assert form.errors["q"] == [TOO_SHORT_TO_CONTAIN]
    assert form.filters().q == ""


def test_the_form_passes_the_match_mode_on():
    form = VerificationFilterForm({"q": " abc ", "match": "contains"})

    assert form.is_valid()
    assert form.filters() == Filters(q="abc", match=Match.CONTAINS)
    assert VerificationFilterForm({"match": "regex"}).is_valid() is False
    assert VerificationFilterForm({"q": "ab"}).is_valid()  # prefix needs no minimum


def test_the_list_page_offers_and_applies_contains(reviewer_client, rows):
    response = reviewer_client.get(
        reverse("verifications:list"), {"q": "0429", "match": "contains"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert '<option value="contains" selected>Contains</option>' in page
    assert {v.external_id for v in response.context["page"].rows} == {
        "EQ-00123456",
        "ver_000998877",
    }


@pytest.mark.parametrize("sort", list(Sort))
def test_an_update_range_gives_the_same_rows_in_every_sort(sort):
    for n in range(8):
        VerificationFactory(
            external_id=f"r{n}",
            changed_at=NOW - timedelta(days=n * 10),
            first_seen_at=NOW - timedelta(days=n * 10 + 3),
        )
    between = Filters(updated_from=date(2026, 1, 1), updated_to=date(2026, 2, 28), sort=sort)
    stale = Filters(stale_days=45, sort=sort)

    found = {v.external_id for v in queries.filter_verifications(filters=between)}
    assert found == {"r1", "r2", "r3", "r4", "r5", "r6"}
    assert {v.external_id for v in queries.filter_verifications(filters=stale)} >= {"r6", "r7"}
