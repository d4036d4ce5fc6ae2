from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "idvdash.reviews"
    label = "reviews"
    verbose_name = "Case work"

    def ready(self) -> None:
        from idvdash.verifications.signals import mirror_written

        from . import provider_changes

        mirror_written.connect(provider_changes.follow, dispatch_uid="reviews.follow_mirror")
