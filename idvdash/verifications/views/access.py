"""Who may use the reviewer pages, and what happens when the audit trail cannot be written."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse

from idvdash.core.http import HtmxHttpRequest

from ..audit import AuditFailed

VIEW_PERMISSION = "verifications.view_verification"
AUDIT_FAILED = (
    "This access could not be recorded in the audit trail, so nothing is shown. "
    "Try again in a moment; if it keeps happening, tell an administrator."
)
# The page script lets htmx swap responses carrying this header although they are errors.
ERROR_FRAGMENT_HEADER = "X-Idvdash-Error-Fragment"

AUDIT_FAILED_TEMPLATE = "verifications/audit_failed.html"

View = Callable[..., HttpResponse]


def reviewer_required(view: View) -> View:
    """Let reviewers in and refuse other signed-in people with 403, before anything renders.

    Anonymous people never get here: LoginRequiredMiddleware sends them to sign in, and
    HtmxLoginRedirectMiddleware turns that into HX-Redirect for htmx requests.
    """

    @wraps(view)
    def guarded(request: HtmxHttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def refuse_without_audit(view: View) -> View:
    """Answer 503 with no personal data when the view's AccessEvent could not be written."""

    @wraps(view)
    def guarded(request: HtmxHttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except AuditFailed:
            template_name = AUDIT_FAILED_TEMPLATE + ("#message" if request.htmx else "")
            context = {"message": AUDIT_FAILED}
            response = TemplateResponse(request, template_name, context, status=503)
            response[ERROR_FRAGMENT_HEADER] = "1"
            return response

    return guarded
