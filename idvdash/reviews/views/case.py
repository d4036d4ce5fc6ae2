"""Acting on one case from the detail page (htmx): assignment, notes, tags, closing.

Every action is a POST to its own URL. An htmx request gets the case panel back (and the
activity timeline, swapped out of band); a plain form gets a redirect to the record on
success, or the panel on a page of its own when it was refused.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from idvdash.core.http import HtmxHttpRequest
from idvdash.verifications.models import Verification
from idvdash.verifications.views.access import (
    ERROR_FRAGMENT_HEADER,
    permission_required,
    refuse_without_audit,
)

from .. import presenters, services
from ..forms import ActForm, NoteForm, TagForm, VersionForm, error_text
from ..rules import Action
from ..services import WORK_PERMISSION, Conflict, Forbidden, Refused

FRAGMENT_TEMPLATE = "reviews/case_fragment.html"
PAGE_TEMPLATE = "reviews/case_page.html"
CONFLICT_HEAD = "Someone changed this case while you were looking at it"
CONFLICT_TAIL = "Nothing you sent was applied; here is its current state."
DONE = {
    Action.ASSIGN_TO_ME: "The case is assigned to you.",
    Action.ASSIGN: "The case is assigned.",
    Action.UNASSIGN: "The case is back in the queue.",
    Action.ESCALATE: "The case is escalated to the senior reviewers.",
    Action.WITHDRAW: "The proposal is withdrawn.",
    Action.APPROVE: "The decision is approved and the case closed.",
    Action.REJECT: "The proposal is rejected and back with its author.",
}
PROPOSED = "The proposal waits for a senior reviewer's approval."
CLOSED = "The case is closed."
NOTE_ADDED = "Your note is on the timeline."
TAG_ADDED = "Tag added."
TAG_REMOVED = "Tag removed."

CaseView = Callable[[HtmxHttpRequest, int], HttpResponse]


def _guarded(view: CaseView) -> CaseView:
    view = never_cache(view)
    view = refuse_without_audit(view)
    view = permission_required(WORK_PERMISSION)(view)
    return require_POST(view)


def _verification_or_404(pk: int) -> Verification:
    verification = Verification.objects.for_detail(pk)
    if verification is None:
        raise Http404("No such verification.")
    return verification


def _respond(
    request: HtmxHttpRequest,
    verification: Verification,
    *,
    message: str,
    status: int = 200,
) -> HttpResponse:
    if status == 200 and not request.htmx:
        messages.success(request, message)
        return redirect(reverse("verifications:detail", args=[verification.pk]) + "#case")
    context = {
        "verification": verification,
        "case": presenters.panel(verification, request.user),
        "case_activity": presenters.activity(verification.pk),
        "case_message": message,
        "case_message_error": status != 200,
    }
    template = FRAGMENT_TEMPLATE if request.htmx else PAGE_TEMPLATE
    response = TemplateResponse(request, template, context, status=status)
    if status != 200:
        response[ERROR_FRAGMENT_HEADER] = "1"
    return response


def _refusal(request, verification, refusal: Refused) -> HttpResponse:
    if isinstance(refusal, Conflict):
        last = presenters.last_change(verification.pk)
        what = f" ({last.what}, {last.at:%Y-%m-%d %H:%M})" if last else ""
        message = f"{CONFLICT_HEAD}{what}. {CONFLICT_TAIL}"
        return _respond(request, verification, message=message, status=409)
    # A refusal about who you are (your role, your own proposal) is 403; about the case, 400.
    status = 403 if isinstance(refusal, Forbidden) else 400
    return _respond(request, verification, message=str(refusal), status=status)


def _invalid(request, verification, form) -> HttpResponse:
    return _respond(request, verification, message=error_text(form), status=400)


@_guarded
def assign_me(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    verification = _verification_or_404(pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, verification, form)
    try:
        services.act(
            user=request.user,
            verification_id=pk,
            action=Action.ASSIGN_TO_ME,
            version=form.cleaned_data["version"],
        )
    except Refused as refusal:
        return _refusal(request, verification, refusal)
    return _respond(request, verification, message=DONE[Action.ASSIGN_TO_ME])


@_guarded
def act(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    verification = _verification_or_404(pk)
    form = ActForm(request.POST)
    if not form.is_valid():
        return _invalid(request, verification, form)
    data = form.cleaned_data
    action = Action(data["action"])
    try:
        review = services.act(
            user=request.user,
            verification_id=pk,
            action=action,
            version=data["version"],
            target=data["target"] if action is Action.ASSIGN else None,
            reason=data["reason"],
            decision=data["decision"],
            category_id=data["category"].pk if data["category"] else None,
        )
    except Refused as refusal:
        return _refusal(request, verification, refusal)
    if action is Action.PROPOSE:
        message = CLOSED if review.state == review.State.CLOSED else PROPOSED
    else:
        message = DONE[action]
    return _respond(request, verification, message=message)


@_guarded
def note(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    verification = _verification_or_404(pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _invalid(request, verification, form)
    try:
        services.add_note(user=request.user, verification_id=pk, text=form.cleaned_data["text"])
    except Refused as refusal:
        return _refusal(request, verification, refusal)
    return _respond(request, verification, message=NOTE_ADDED)


def _tagging(request: HtmxHttpRequest, pk: int, *, add: bool) -> HttpResponse:
    verification = _verification_or_404(pk)
    form = TagForm(request.POST)
    if not form.is_valid():
        return _invalid(request, verification, form)
    change = services.tag if add else services.remove_tag
    try:
        change(user=request.user, verification_id=pk, tag=form.cleaned_data["tag"])
    except Refused as refusal:
        return _refusal(request, verification, refusal)
    return _respond(request, verification, message=TAG_ADDED if add else TAG_REMOVED)


@_guarded
def tag(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _tagging(request, pk, add=True)


@_guarded
def untag(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _tagging(request, pk, add=False)


urlpatterns = [
    path("<int:pk>/assign-me/", assign_me, name="assign_me"),
    path("<int:pk>/act/", act, name="act"),
    path("<int:pk>/note/", note, name="note"),
    path("<int:pk>/tag/", tag, name="tag"),
    path("<int:pk>/untag/", untag, name="untag"),
]
