from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """An HttpRequest as our middleware leaves it: with `htmx` details and a user."""

    htmx: HtmxDetails
    user: AbstractBaseUser | AnonymousUser
