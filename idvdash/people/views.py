"""The person page and the link and unlink actions; the rules live in `linking.py`.

The page is for reviewers (it shows records) and is audited before it is shown; the
actions are for reviewers who work cases. Every action answers with a redirect and a
message: a missing reason or an unknown subject is said so, never a server error.
Nothing personal goes into a URL: persons and subjects are named by idvdash's ids.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from idvdash.core.http import HtmxHttpRequest
from idvdash.verifications.audit import AuditFailed
from idvdash.verifications.models import Verification
from idvdash.verifications.querysets import MAX_PK
from idvdash.verifications.views.access import refuse_without_audit, reviewer_required

from . import linking, queries
from .forms import ReasonForm, StartForm, SubjectForm, first_error
from .models import Person, PersonView, Subject

LINKED = "Linked {subject} to this person."
UNLINKED = "Unlinked {subject}; idvdash will not link it again on its own."
STARTED = "Linked {subject}."


@require_GET
@reviewer_required
@refuse_without_audit
@never_cache
def person_detail(request: HtmxHttpRequest, pk: int) -> TemplateResponse:
    page = queries.person_page(pk)
    if page is None:
        raise Http404("No such person.")
    _audit(request, page)
    context = {"page": page, "person": page.person, "may_link": linking.may_link(request.user)}
    return TemplateResponse(request, "people/person_detail.html", context)


def _audit(request: HtmxHttpRequest, page: queries.PersonPage) -> None:
    try:
        with transaction.atomic():
            PersonView.objects.create(user=request.user, person=page.person, shown=page.shown)
    except DatabaseError as err:
        raise AuditFailed("person view") from err


def _person_or_404(pk: int) -> Person:
    person = Person.objects.filter(pk=pk).first() if 0 < pk <= MAX_PK else None
    if person is None:
        raise Http404("No such person.")
    return person


def _linker(request: HtmxHttpRequest) -> None:
    if not linking.may_link(request.user):
        raise PermissionDenied


@require_POST
@reviewer_required
def person_link(request: HtmxHttpRequest, pk: int) -> HttpResponseRedirect:
    """Link a subject (a suggestion's) to this person."""
    _linker(request)
    person = _person_or_404(pk)
    form = SubjectForm(request.POST)
    if _valid(request, form):
        subject = get_object_or_404(Subject, pk=form.cleaned_data["subject"])
        reason = form.cleaned_data["reason"]
        if _made(request, lambda: linking.link(subject, person, by=request.user, reason=reason)):
            messages.success(request, LINKED.format(subject=subject))
    return _to_person(person.pk)


@require_POST
@reviewer_required
def person_unlink(request: HtmxHttpRequest, pk: int) -> HttpResponseRedirect:
    """Take one of this person's subjects out of it."""
    _linker(request)
    person = _person_or_404(pk)
    form = SubjectForm(request.POST)
    if _valid(request, form):
        subject = get_object_or_404(Subject, pk=form.cleaned_data["subject"], person=person)
        reason = form.cleaned_data["reason"]
        if _made(request, lambda: linking.unlink(subject, by=request.user, reason=reason)):
            messages.success(request, UNLINKED.format(subject=subject))
    return _to_person(person.pk)


@require_POST
@reviewer_required
def verification_link(request: HtmxHttpRequest, pk: int) -> HttpResponseRedirect:
    """From a record's page: link its subject to a person, or start a person with it."""
    _linker(request)
    verification = Verification.objects.for_detail(pk)
    if verification is None:
        raise Http404("No such verification.")
    back = HttpResponseRedirect(reverse("verifications:detail", args=[verification.pk]))
    if not verification.subject_ref:
        raise Http404("The provider has not said who this is.")
    form = StartForm(request.POST)
    if not _valid(request, form):
        return back
    person = None
    if form.cleaned_data["person"]:
        person = _person_or_404(form.cleaned_data["person"])
    joining = None
    if form.cleaned_data["with_subject"]:
        joining = get_object_or_404(Subject, pk=form.cleaned_data["with_subject"])
    subject = linking.subject_for(verification.account, verification.subject_ref)
    try:
        with transaction.atomic():
            person = linking.link(
                subject, person, by=request.user, reason=form.cleaned_data["reason"]
            )
            if joining is not None and joining.pk != subject.pk:
                linking.link(joining, person, by=request.user, reason=form.cleaned_data["reason"])
    except linking.Refused as refused:
        messages.error(request, str(refused))
        return back
    messages.success(request, STARTED.format(subject=subject))
    return _to_person(person.pk)


def _valid(request: HtmxHttpRequest, form: ReasonForm) -> bool:
    if form.is_valid():
        return True
    messages.error(request, first_error(form))
    return False


def _made(request: HtmxHttpRequest, change: Callable[[], object]) -> bool:
    """Make the change; a refusal becomes the message the person sees."""
    try:
        change()
    except linking.Refused as refused:
        messages.error(request, str(refused))
        return False
    return True


def _to_person(pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("people:detail", args=[pk]))
