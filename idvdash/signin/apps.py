from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "idvdash.signin"
    label = "signin"
    verbose_name = "Sign-in"

    def ready(self) -> None:
        from . import audit  # noqa: F401  (connects the receivers)
