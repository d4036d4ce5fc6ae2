from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "idvdash.core"
    label = "core"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)


class IdvdashAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "idvdash.core.admin_site.IdvdashAdminSite"
