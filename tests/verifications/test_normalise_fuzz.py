"""The normaliser is total: any payload, any status, for every provider (≥ 500 examples each).

R11: normalisers and provider payload parsers never raise anything unhandled (≥ 500 examples).
The parsers' half is tests/providers/test_fuzz.py, whose JSON strategies this module shares.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from idvdash.providers.swan.vocabulary import LEVELS as SWAN_LEVELS
from tests.providers.test_fuzz import FUZZ, KINDS, json_objects, json_values
from tests.verifications.test_normalise import KEYS, check_total, raw_statuses


def payloads(kind: str):
    known = st.dictionaries(st.sampled_from(KEYS[kind]), json_values, max_size=5)
    levels = st.dictionaries(
        st.sampled_from((*SWAN_LEVELS, "x")),
        st.dictionaries(
            st.sampled_from(["status", "reasons", "expiredAt"]), json_values, max_size=3
        )
        | json_values,
        max_size=3,
    ).map(lambda value: {"levels": value})
    return json_objects | known | st.builds(lambda a, b: {**a, **b}, known, levels)


@pytest.mark.parametrize("kind", KINDS)
def test_the_normaliser_is_total(kind):
    @FUZZ
    @given(payload=payloads(kind), raw_status=raw_statuses(kind))
    def check(payload, raw_status):
        check_total(kind, payload, raw_status)

    check()
