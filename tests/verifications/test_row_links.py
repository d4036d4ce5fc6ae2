"""The list's row links, joined from a URL reversed once, are the URLs Django reverses."""

import pytest
from django.urls import reverse, set_script_prefix

from idvdash.verifications.templatetags.verification_tags import detail_url, person_url


@pytest.mark.parametrize("prefix", ["/", "/idvdash/"])
@pytest.mark.parametrize("pk", [1, 42, 987_654_321, 10**12])
def test_row_links_are_the_reversed_urls(pk, prefix):
    set_script_prefix(prefix)
    try:
        assert detail_url(pk) == reverse("verifications:detail", args=[pk])
        assert person_url(pk) == reverse("people:detail", args=[pk])
        assert detail_url(pk).startswith(prefix)
    finally:
        set_script_prefix("/")
