from django.apps import AppConfig


class ToolsConfig(AppConfig):
    """Gives `manage.py demo` and `manage.py bench`; no models, no URLs."""

    name = "tools"
    label = "tools"
