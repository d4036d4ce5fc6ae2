from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def timedelta_short(value: timedelta | None) -> str:
    """Render a duration the way people say it: "40 s", "12 min", "3 h", "5 d"."""
    if value is None:
        return ""
    seconds = max(int(value.total_seconds()), 0)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"
