from datetime import timedelta

import factory
from django.utils import timezone

from idvdash.verifications.models import Outcome, Verification
from tests.providers.factories import ProviderAccountFactory


class VerificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verification

    account = factory.SubFactory(ProviderAccountFactory)
    provider = factory.LazyAttribute(lambda o: o.account.kind)
    external_id = factory.Sequence(lambda n: f"ext-{n:06d}")
    subject_ref = factory.Sequence(lambda n: f"client-{n % 50:04d}")
    outcome = Outcome.APPROVED
    raw_status = "APPROVED"
    provider_created_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))
    provider_updated_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    first_seen_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))
    changed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    last_synced_at = factory.LazyFunction(timezone.now)
    last_seen_at = factory.LazyFunction(timezone.now)
    raw = factory.LazyAttribute(lambda o: {"scanRef": o.external_id, "status": o.raw_status})

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # first_seen_at is auto_now_add: the database is told the wanted time afterwards.
        first_seen_at = kwargs.pop("first_seen_at", None)
        verification = super()._create(model_class, *args, **kwargs)
        if first_seen_at is not None:
            model_class.objects.filter(pk=verification.pk).update(first_seen_at=first_seen_at)
            verification.first_seen_at = first_seen_at
        return verification
