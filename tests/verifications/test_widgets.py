"""The reason filter's select, drawn in Python, is the markup Django's own widget draws."""

import re

import pytest
from django import forms
from django.http import QueryDict

from idvdash.verifications.forms import VerificationFilterForm

pytestmark = pytest.mark.django_db


def normalised(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html))).strip()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "reason=DOC_FAKE",
        "reason=DOC_FAKE&reason=NOT_DOCUMENTED_X",  # a code no document lists shows, chosen
        "reason=not%20a%20code&reason=%3Cscript%3E",  # errors: aria-invalid, escaped
    ],
)
def test_the_reason_select_is_djangos_markup(query):
    form = VerificationFilterForm(QueryDict(query))
    form.is_valid()
    field = form["reason"]
    django_widget = forms.SelectMultiple(attrs={"size": 6})
    django_widget.choices = form.fields["reason"].choices

    ours = normalised(field)

    assert ours == normalised(field.as_widget(widget=django_widget))
    assert ours.count("<option") > 150
    assert "<script>" not in ours
