"""Every route, opened on a record of every provider kind: no server error, ever.

A route that makes no sense for a record (a live read its provider does not offer)
is a 404, with no provider call and no audit row.
"""

import pytest
from django.urls import reverse

from idvdash.providers.base import LiveRead
from idvdash.providers.registry import PROVIDERS
from idvdash.verifications.models import AccessEvent
from tests.routes import body_of, routes
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

LIVE_ROUTES = {
    LiveRead.FULL_STATUS: "verifications:live_status",
    LiveRead.DOCUMENT_DATA: "verifications:data",
    LiveRead.FILE_LINKS: "verifications:files",
}
# Nothing listens here: a provider call would fail, and the page would say so (200).
UNREACHABLE = "http://127.0.0.1:9"


@pytest.fixture(params=["reviewer", "admin_user"])
def signed_in(request, client):
    client.force_login(request.getfixturevalue(request.param))
    return client


@pytest.mark.parametrize("kind", list(PROVIDERS))
def test_every_route_answers_a_record_of_every_kind_without_a_server_error(
    signed_in, make_account, kind
):
    verification = VerificationFactory(account=make_account(kind))
    samples = {"int": str(verification.pk), "path": str(verification.pk), "str": "x", "slug": "x"}

    for name, url in routes(samples):
        response = signed_in.get(url)
        body_of(response)  # a streamed answer fails while it is read, not before

        assert response.status_code < 500, (name, url, response.status_code)


@pytest.mark.parametrize("kind", list(PROVIDERS))
@pytest.mark.parametrize("read", list(LiveRead))
def test_a_live_read_the_provider_does_not_offer_is_a_404_without_a_call_or_an_audit_row(
    reviewer_client, make_account, kind, read
):
    if read in PROVIDERS[kind].live_reads:
        pytest.skip(f"{kind} offers {read}")
    verification = VerificationFactory(account=make_account(kind, base_url=UNREACHABLE))

    response = reviewer_client.get(reverse(LIVE_ROUTES[read], args=[verification.pk]))

    assert response.status_code == 404
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize("read", list(LiveRead))
def test_a_live_read_the_provider_offers_is_audited_and_answered(
    reviewer_client, make_account, read
):
    kind = next(kind for kind, provider in PROVIDERS.items() if read in provider.live_reads)
    verification = VerificationFactory(account=make_account(kind, base_url=UNREACHABLE))

    response = reviewer_client.get(reverse(LIVE_ROUTES[read], args=[verification.pk]))

    assert response.status_code == 200
    assert AccessEvent.objects.filter(verification=verification).count() == 1
    assert "did not answer in time" in response.content.decode()


def test_the_detail_page_offers_live_reads_only_where_the_provider_has_them(
    reviewer_client, make_account
):
    for kind, provider in PROVIDERS.items():
        verification = VerificationFactory(account=make_account(kind))
        page = reviewer_client.get(reverse("verifications:detail", args=[verification.pk]))

        for read, name in LIVE_ROUTES.items():
            url = reverse(name, args=[verification.pk])
            assert (url in page.content.decode()) == (read in provider.live_reads), (kind, read)
