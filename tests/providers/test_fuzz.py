"""Provider payload parsers never raise anything unhandled (≥ 500 examples each).

R11: normalisers and provider payload parsers never raise anything unhandled (≥ 500 examples).
The normaliser's half is tests/verifications/test_normalise_fuzz.py.
"""

import contextlib
import json

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idvdash.core.values import as_dict, parse_timestamp
from idvdash.providers import http as provider_http
from idvdash.providers.equals.client import EqualsClient
from idvdash.providers.errors import ProviderError
from idvdash.providers.http import Answer, ProviderRetry
from idvdash.providers.idenfy import client as idenfy
from idvdash.providers.idenfy.client import IdenfyClient
from idvdash.providers.stora import client as stora
from idvdash.providers.stora.client import StoraClient
from idvdash.providers.swan import client as swan
from idvdash.providers.swan.client import SwanClient

FUZZ = settings(
    max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
KINDS = ("idenfy", "equals", "swan", "stora")
OPTIONS = {
    "account_name": "fuzz",
    "base_url": "http://127.0.0.1:9",
    "token_url": "http://127.0.0.1:9/t",
}
CREDENTIALS = {
    "idenfy": {"api_key": "k", "api_secret": "s"},
    "equals": {"api_key": "k"},
    "swan": {"client_id": "c", "client_secret": "s"},
    "stora": {"access_token": "t"},
}
# Small JSON values: enough shapes to break a parser, cheap enough for 500 examples.
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
json_objects = st.dictionaries(st.text(max_size=10), json_values, max_size=6)


ROW_KEYS = (
    "scanRef", "id", "applicationId", "createdAt", "created_at", "updated_at", "updatedAt",
    "status", "clientId", "contact", "contact_id", "associatedPersonId",
)  # fmt: skip
rows = st.one_of(
    json_values,
    json_objects,
    st.fixed_dictionaries(
        {}, optional={key: json_values | st.text(max_size=30) for key in ROW_KEYS}
    ),
)


def client(kind: str):
    cls = {"idenfy": IdenfyClient, "equals": EqualsClient, "swan": SwanClient, "stora": StoraClient}
    return cls[kind](credentials=CREDENTIALS[kind], session=requests.Session(), **OPTIONS)


@pytest.mark.parametrize("kind", KINDS)
def test_record_parsing_accepts_or_refuses_readably(kind):
    parser = client(kind)

    @FUZZ
    @given(row=rows)
    def check(row):
        try:
            if kind == "idenfy":
                record = parser._record(row)
            elif kind == "swan":
                record = parser._record("user-1", row if isinstance(row, dict) else {})
            else:
                record = parser.record(row)
        except ProviderError as err:
            refusal = str(err)
        else:
            refusal = ""
            assert isinstance(record.external_id, str)
            assert record.external_id
            assert isinstance(record.subject_ref, str)
            # A time is the provider's own, aware, or missing (iDenfy's list): never made up.
            assert record.created_at is None or record.created_at.tzinfo is not None
            assert record.created_at is not None or kind == "idenfy"
        assert not refusal or "fuzz" in refusal

    check()


@FUZZ
@given(body=json_values | json_objects)
def test_list_bodies_are_read_or_refused(body):
    http = provider_http.ProviderHttp(requests.Session(), "fuzz", "Fuzz")
    for read in (
        lambda: idenfy._list_of(body, "results", http),
        lambda: swan._connection(as_dict(body), "users", http),
        lambda: swan._node(body, http),
    ):
        with contextlib.suppress(ProviderError):
            read()
    swan._auth_errors(Answer(200, {}, json.dumps(body).encode()))
    swan._short(as_dict(body), 10)
    stora._State.load(as_dict(body)).dump()


@FUZZ
@given(
    body=st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()),
    headers=st.dictionaries(
        st.sampled_from(["X-Request-Id", "Request-Id", "Other"]), st.text(max_size=20)
    ),
    status=st.integers(100, 599),
)
def test_error_answers_are_described_without_raising(body, headers, status):
    answer = Answer(status, headers, body)
    assert isinstance(provider_http.provider_message(answer), str)
    provider_http.request_id(answer)
    http = provider_http.ProviderHttp(requests.Session(), "fuzz", "Fuzz")
    try:
        http.check(answer)
        refusal = ""
    except ProviderError as err:
        refusal = str(err)
    assert (200 <= status < 300) == (refusal == "")
    assert not refusal or refusal.startswith("Fuzz account 'fuzz'")


class FakeResponse:
    def __init__(self, headers):
        self.headers = headers


@FUZZ
@given(
    header=st.sampled_from(["Retry-After", "RateLimit-Reset"]),
    value=st.text(max_size=40) | st.integers(-(10**12), 10**12).map(str),
)
def test_rate_limit_headers_never_break_the_retry(header, value):
    retry = ProviderRetry(total=1, retry_after_max=60)

    delay = retry.get_retry_after(FakeResponse({header: value}))

    assert delay is None or delay >= 0


@FUZZ
@given(value=json_values | st.text(max_size=40) | st.floats(allow_nan=True))
def test_timestamps_parse_or_are_none(value):
    parsed = parse_timestamp(value)
    assert parsed is None or parsed.tzinfo is not None
