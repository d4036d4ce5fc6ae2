from django.apps import AppConfig


class VerificationsConfig(AppConfig):
    name = "idvdash.verifications"
    label = "verifications"
