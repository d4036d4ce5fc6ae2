from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class VerificationsConfig(AppConfig):
    name = "idvdash.verifications"
    label = "verifications"

    def ready(self) -> None:
        from idvdash.providers.models import ProviderAccount

        from .webhooks import forget_accounts

        for signal in (post_save, post_delete):
            signal.connect(
                forget_accounts, sender=ProviderAccount, dispatch_uid=f"webhooks-{signal}"
            )
