from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "idvdash.retention"
    verbose_name = "Retention and erasure"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy check)
