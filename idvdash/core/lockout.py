"""What someone sees once too many wrong passwords locked a username (django-axes)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

LOCKED_OUT_TEMPLATE = "registration/locked_out.html"
LOCKED_OUT_MESSAGE = (
    "Too many failed sign-in attempts for this username. Sign-in is locked for "
    "{minutes} minutes; try again later or ask an administrator to unlock it."
)


def locked_out_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return LOCKED_OUT_MESSAGE.format(minutes=minutes)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the lockout page (429), rendered like every other page."""
    response = TemplateResponse(
        request,
        LOCKED_OUT_TEMPLATE,
        {"message": locked_out_message()},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    return response.render()
