"""Signal receivers of the core app."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import mark_signed_in


@receiver(user_logged_in, dispatch_uid="idvdash.core.session_clocks")
def start_session_clocks(sender, request, user, **kwargs) -> None:
    """Start the idle and absolute session clocks at every sign-in."""
    if request is not None and hasattr(request, "session"):
        mark_signed_in(request)
