"""`manage.py check --deploy`: warn when tombstones are keyed under SECRET_KEY."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

NO_ERASURE_KEY = Warning(
    "ERASURE_KEY is not set: tombstones of forgotten subjects are keyed under a key "
    "derived from SECRET_KEY, so rotating SECRET_KEY would stop them being recognised.",
    hint="Set ERASURE_KEY to a long random secret once, and keep it.",
    id="idvdash.retention.W001",
)


@register(Tags.security, deploy=True)
def erasure_key(app_configs, **kwargs):
    return [] if settings.ERASURE_KEY else [NO_ERASURE_KEY]
