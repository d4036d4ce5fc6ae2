from datetime import datetime, timedelta

from django import template
from django.utils import timezone

register = template.Library()

UNITS = (("d", 86400), ("h", 3600), ("min", 60))


@register.filter
def timedelta_short(value: timedelta | None) -> str:
    """Render a duration the way people say it: "40 s", "12 min", "3 h", "5 d"."""
    if value is None:
        return ""
    seconds = max(int(value.total_seconds()), 0)
    for unit, size in UNITS:
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


@register.filter
def age(value: datetime | None) -> str:
    """Return how long ago `value` was, in one short unit ("3 d", "5 h", "12 min")."""
    if not isinstance(value, datetime):
        return ""
    elapsed = timezone.now() - value
    seconds = int(elapsed.total_seconds())
    if seconds < 0:
        return "in the future"
    if seconds < 60:
        return "just now"
    return timedelta_short(elapsed)
