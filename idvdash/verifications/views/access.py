"""Who may use the reviewer pages, and what happens when the audit trail cannot be written."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django_htmx.http import HttpResponseClientRedirect

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
    """Let reviewers in; send anonymous people to sign in (htmx too), refuse others with 403.

    It takes over from LoginRequiredMiddleware for these views only to answer htmx
    requests with HX-Redirect (a 302 would swap the login page into the fragment).
    """

    @login_not_required
    @wraps(view)
    def guarded(request: HtmxHttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated:
            return _to_login(request)
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


def _to_login(request: HtmxHttpRequest) -> HttpResponse:
    if not request.htmx:
        return redirect_to_login(request.get_full_path())
    # After signing in, come back to the page the fragment was on, not to the fragment.
    back_to = request.htmx.current_url_abs_path or request.get_full_path()
    return HttpResponseClientRedirect(redirect_to_login(back_to).url)
