"""The webhook receiver: the one URL that needs no sign-in and no CSRF token.

A provider cannot sign in; the delivery's signature (or shared secret) stands in for
it, checked before anything is stored. The answer quotes nothing of what was sent.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from idvdash.providers.webhooks import MAX_BODY

from .. import webhooks


@csrf_exempt
@login_not_required
@require_POST
@never_cache
def webhook_receive(request: HttpRequest, account: str) -> HttpResponse:
    answer = webhooks.receive(
        account_name=account, headers=request.headers, body=_body(request, limit=MAX_BODY)
    )
    return HttpResponse(answer.message, status=answer.status, content_type="text/plain")


def _body(request: HttpRequest, *, limit: int) -> bytes | None:
    """The raw body, or None when it is larger than `limit` (read no further than that)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body
