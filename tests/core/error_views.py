from django.conf import settings

from tests.providers.factories import CANARY


def explode(request):
    secret = CANARY["equals"]["api_key"]
    raise RuntimeError(f"failed with {secret} and {settings.SECRET_KEY}")
