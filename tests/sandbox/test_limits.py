"""The providers' documented rate limits: enforced on request, refused as each provider does."""

import time

import pytest

from idvdash.sandbox.limits import RateLimits, Refusal

from .conftest import equals_list, idenfy_list, stora_list


def control(sandbox) -> str:
    return f"{sandbox.url}/_control/rate_limits"


def test_nothing_is_refused_unless_enforcement_is_asked_for(sandbox, http, sandbox_rate_limits):
    answers = [stora_list(http, sandbox).status_code for _ in range(12)]

    assert answers == [200] * 12
    assert http.get(control(sandbox), timeout=5).json()["throttled"]["stora"] == 0


def test_stora_refuses_the_eleventh_request_in_a_second_with_its_rate_limit_headers(
    sandbox, http, sandbox_rate_limits
):
    sandbox_rate_limits.configure(enforce=True)

    answers = [stora_list(http, sandbox) for _ in range(11)]
    started = time.time()

    refused = [a for a in answers if a.status_code == 429]
    assert [a.status_code for a in answers[:10]] == [200] * 10
    assert len(refused) == 1
    assert refused[0].json()["error"]["code"] == "too_many_requests"
    assert refused[0].json()["error"]["type"] == "invalid_request_error"
    assert refused[0].headers["RateLimit-Limit"] == "10"
    assert started - 1 <= int(refused[0].headers["RateLimit-Reset"]) <= started + 2
    assert "Retry-After" not in refused[0].headers
    assert http.get(control(sandbox), timeout=5).json()["throttled"]["stora"] == 1


def test_stora_names_the_minute_window_once_that_one_is_full(sandbox_rate_limits):
    limits = RateLimits(enforce=True)
    for second in range(6):
        for tenth in range(10):
            assert limits.take("stora", now=1000 + second + tenth / 10) is None

    refusal = limits.take("stora", now=1006)

    assert refusal == Refusal(limit=60, reset_at=1060)


def test_idenfy_refuses_with_its_error_body_and_no_rate_headers(sandbox, http, sandbox_rate_limits):
    sandbox_rate_limits.configure(enforce=True, limits={"idenfy": [{"requests": 2, "seconds": 60}]})

    answers = [idenfy_list(http, sandbox) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json() == {
        "identifier": "TOO_MANY_REQUESTS",
        "message": "Too many requests. Try again later.",
    }
    assert not {"Retry-After", "RateLimit-Limit", "RateLimit-Reset"} & set(answers[2].headers)


def test_swan_refuses_with_a_bare_429(sandbox, http, sandbox_rate_limits, swan_headers):
    sandbox_rate_limits.configure(enforce=True, limits={"swan": [{"requests": 1, "seconds": 60}]})
    query = {"query": "{ users(first: 1) { totalCount } }"}

    answers = [
        http.post(sandbox.base_urls["swan"], json=query, headers=swan_headers, timeout=5)
        for _ in range(2)
    ]

    assert [a.status_code for a in answers] == [200, 429]
    assert "Retry-After" not in answers[1].headers


def test_equals_documents_no_limit_and_gets_none(sandbox, http, sandbox_rate_limits):
    sandbox_rate_limits.configure(enforce=True)

    assert {equals_list(http, sandbox).status_code for _ in range(15)} == {200}


def test_a_window_slides_no_stretch_of_its_length_holds_more_than_its_limit():
    limits = RateLimits(enforce=True)
    limits.configure(limits={"stora": [{"requests": 2, "seconds": 1}]})

    assert limits.take("stora", now=10.5) is None
    assert limits.take("stora", now=10.9) is None
    # A fixed window starting at 11.0 would let this one through.
    assert limits.take("stora", now=11.1) == Refusal(limit=2, reset_at=11.5)
    assert limits.take("stora", now=11.5) is None
    assert limits.take("stora", now=11.6) is not None
    assert limits.as_dict()["throttled"]["stora"] == 2


def test_refused_requests_do_not_count():
    limits = RateLimits(enforce=True)
    limits.configure(limits={"stora": [{"requests": 1, "seconds": 1}]})
    limits.take("stora", now=0.0)
    for tick in range(1, 10):
        assert limits.take("stora", now=tick / 10) is not None

    assert limits.take("stora", now=1.0) is None


def test_the_control_api_sets_reads_and_resets_the_limits(sandbox, http, sandbox_rate_limits):
    limits = {"stora": [{"requests": 3, "seconds": 2}]}

    set_ = http.post(control(sandbox), json={"enforce": True, "limits": limits}, timeout=5)
    for _ in range(4):
        stora_list(http, sandbox)
    read = http.get(control(sandbox), timeout=5).json()
    reset = http.delete(control(sandbox), timeout=5).json()

    assert set_.status_code == 200
    assert read["enforce"] is True
    assert read["limits"]["stora"] == limits["stora"]
    assert read["limits"]["idenfy"] == [{"requests": 10_000, "seconds": 3600}]
    assert read["throttled"] == {"idenfy": 0, "equals": 0, "swan": 0, "stora": 1}
    assert reset["enforce"] is False
    assert reset["limits"]["stora"] == [
        {"requests": 10, "seconds": 1},
        {"requests": 60, "seconds": 60},
    ]
    assert reset["throttled"]["stora"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"enforce": "yes"},
        {"limits": {"onfido": []}},
        {"limits": {"stora": [{"requests": 0, "seconds": 1}]}},
        {"limits": {"stora": [{"requests": 1.5, "seconds": 1}]}},
        {"limits": {"stora": {"requests": 1, "seconds": 1}}},
        {"limits": []},
        {"other": 1},
    ],
)
def test_the_control_api_refuses_malformed_limits(sandbox, http, sandbox_rate_limits, body):
    response = http.post(control(sandbox), json=body, timeout=5)

    assert response.status_code == 400
    assert response.json()["error"]
    assert http.get(control(sandbox), timeout=5).json()["enforce"] is False
