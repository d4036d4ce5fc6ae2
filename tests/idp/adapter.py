"""The test identity provider's claims: groups, and the faults a test asks for."""

import time

from allauth.idp.oidc.adapter import DefaultOIDCAdapter
from django.contrib.auth import get_user_model

from . import control


class TestIdPAdapter(DefaultOIDCAdapter):
    def populate_id_token(self, id_token, client, scopes, **kwargs) -> None:
        user = get_user_model().objects.filter(pk=id_token.get("sub")).first()
        if user is not None:
            id_token["groups"] = sorted(user.groups.values_list("name", flat=True))
        fault = control.FAULT["id_token"]
        now = int(time.time())
        if fault == "expired":
            id_token["iat"], id_token["exp"] = now - 3600, now - 1800
        elif fault == "wrong_audience":
            id_token["aud"] = "some-other-application"
        elif fault == "wrong_issuer":
            id_token["iss"] = "https://idp.attacker.example"
        elif fault == "wrong_nonce":
            id_token["nonce"] = "a-nonce-of-another-sign-in"
