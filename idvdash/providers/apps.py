from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "idvdash.providers"
    label = "providers"
