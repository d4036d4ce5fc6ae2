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


def permission_required(permission: str) -> Callable[[View], View]:
    """Let people with `permission` in and refuse other signed-in people with 403.

    The check runs before anything renders. Anonymous people never get here:
    LoginRequiredMiddleware sends them to sign in, and HtmxLoginRedirectMiddleware turns
    that into HX-Redirect for htmx requests. (Django's decorator of the same name would
    send a signed-in person without the permission to the sign-in page instead.)
    """
    return _refuse_unless(lambda request: request.user.has_perm(permission))


def reviewer_required(view: View) -> View:
    """Let reviewers in and refuse other signed-in people with 403."""
    return permission_required(VIEW_PERMISSION)(view)


def staff_required(view: View) -> View:
    """Let staff (admins) in and refuse other signed-in people with 403."""
    return _refuse_unless(lambda request: request.user.is_staff)(view)


def _refuse_unless(allowed: Callable[[HtmxHttpRequest], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(request: HtmxHttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if not allowed(request):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorator


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
