import factory

from idvdash.providers.models import ProviderAccount

CANARY = {
    "idenfy": {"api_key": "canary-idenfy-key-7f3a", "api_secret": "canary-idenfy-secret-9b2c"},
    "equals": {"api_key": "canary-equals-key-41d0"},
    "swan": {"client_id": "canary-swan-client-55e1", "client_secret": "canary-swan-secret-a9f2"},
    "stora": {"access_token": "canary-stora-token-c0de"},
}


class ProviderAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderAccount

    name = factory.Sequence(lambda n: f"account-{n}")
    kind = "idenfy"
    base_url = "https://ivs.idenfy.com"
    credentials = factory.LazyAttribute(lambda o: dict(CANARY[o.kind]))
