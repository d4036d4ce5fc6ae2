from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "idvdash.sandbox"
    label = "sandbox"
