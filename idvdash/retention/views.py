""" "Forget this person": a confirmation page (GET changes nothing), then the erasure (POST)."""

from __future__ import annotations

from django.http import Http404
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from idvdash.core.http import HtmxHttpRequest
from idvdash.people.models import Person
from idvdash.verifications.views.access import permission_required

from . import erasure
from .forms import ForgetForm

FORGET_PERMISSION = "retention.forget_person"
TEMPLATE = "retention/forget.html"


@require_http_methods(["GET", "POST"])
@permission_required(FORGET_PERMISSION)
@never_cache
def forget_person(request: HtmxHttpRequest, pk: int) -> TemplateResponse:
    person = Person.objects.filter(pk=pk).first()
    if person is None:
        raise Http404("No such person.")
    scope = erasure.scope_of(person)
    form = ForgetForm(request.POST if request.method == "POST" else None)
    done = None
    if request.method == "POST" and form.is_valid():
        done = erasure.forget(person=person, by=request.user, reason=form.cleaned_data["reason"])
        form = None
    context = {"person": person, "scope": scope, "form": form, "erasure": done}
    return TemplateResponse(request, TEMPLATE, context)
