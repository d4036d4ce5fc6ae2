"""Error pages that show people a reference id and nothing of the inside.

The 500 handler renders its template without the request context (no user, no
session, no context processors: they may be what failed) and logs the same
reference id with the traceback, so a report from a reviewer finds its log line.
"""

import logging
import sys
import uuid

from django.http import HttpRequest, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

log = logging.getLogger(__name__)

SERVER_ERROR_TEMPLATE = "500.html"
SERVER_ERROR_LOG = "Server error, reference %s, on %s %s"
FALLBACK_PAGE = "<!doctype html><title>Server error</title><h1>Something went wrong</h1><p>Reference: {reference}</p>"


def new_reference() -> str:
    """Return a short id that people can read out and that finds the log line."""
    return uuid.uuid4().hex[:12]


@requires_csrf_token
def server_error(request: HttpRequest, template_name: str = SERVER_ERROR_TEMPLATE):
    """handler500: a generic page with a reference id, the traceback only in the log."""
    reference = new_reference()
    log.error(SERVER_ERROR_LOG, reference, request.method, request.path, exc_info=sys.exc_info())
    try:
        body = loader.get_template(template_name).render({"reference": reference})
    except Exception:  # the error page must not fail in turn
        log.exception("The %s template could not be rendered", template_name)
        body = FALLBACK_PAGE.format(reference=reference)
    response = HttpResponseServerError(body)
    response["Cache-Control"] = "no-store, private"
    return response
