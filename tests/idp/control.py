"""/_control/: what a test does to the identity provider (never part of a real one)."""

import base64
import json

from allauth.idp.oidc.models import Client
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

# The fault the next ID tokens carry: None, "expired", "wrong_audience",
# "wrong_issuer", "wrong_nonce", "tampered" (a claim changed after signing) or
# "unknown_key" (its header names a key the IdP does not publish).
FAULT: dict[str, str | None] = {"id_token": None}
FAULTS = {
    None,
    "expired",
    "wrong_audience",
    "wrong_issuer",
    "wrong_nonce",
    "tampered",
    "unknown_key",
}
AFTER_SIGNING = {"tampered", "unknown_key"}


def _body(request: HttpRequest) -> dict:
    return json.loads(request.body or b"{}")


@csrf_exempt
def fault(request: HttpRequest) -> HttpResponse:
    wanted = _body(request).get("id_token")
    if wanted not in FAULTS:
        return JsonResponse({"error": f"unknown fault {wanted!r}"}, status=400)
    FAULT["id_token"] = wanted
    return JsonResponse(FAULT)


@csrf_exempt
def user(request: HttpRequest) -> HttpResponse:
    """Create or update a person: username, password, groups (replaced), email."""
    data = _body(request)
    person, _ = get_user_model().objects.get_or_create(username=data["username"])
    person.email = data.get("email", "")
    person.set_password(data["password"])
    person.save()
    person.groups.set([Group.objects.get_or_create(name=g)[0] for g in data.get("groups", [])])
    return JsonResponse({"sub": str(person.pk)})


@csrf_exempt
def client(request: HttpRequest) -> HttpResponse:
    """Register (or re-register) a confidential client with these redirect URIs."""
    data = _body(request)
    Client.objects.filter(id=data["client_id"]).delete()
    registered = Client(
        id=data["client_id"],
        name=data.get("name", "idvdash"),
        type=Client.Type.CONFIDENTIAL,
        skip_consent=True,
    )
    registered.set_secret(data["client_secret"])
    registered.set_redirect_uris(data["redirect_uris"])
    registered.set_scopes(["openid", "profile", "email"])
    registered.set_default_scopes(["openid"])
    registered.set_grant_types([Client.GrantType.AUTHORIZATION_CODE])
    registered.set_response_types([Client.ResponseType.CODE])
    registered.save()
    return JsonResponse({"client_id": registered.id})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TamperMiddleware:
    """Change a signed ID token: its subject ("tampered") or its key id ("unknown_key")."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        fault = FAULT["id_token"]
        if fault not in AFTER_SIGNING or not request.path.endswith("/api/token"):
            return response
        body = json.loads(response.content)
        if "id_token" in body:
            encoded_header, encoded_payload, signature = body["id_token"].split(".")
            header, payload = (
                json.loads(_unb64(encoded_header)),
                json.loads(_unb64(encoded_payload)),
            )
            if fault == "tampered":
                payload["sub"] = "someone-else"
            else:
                header["kid"] = "a-key-nobody-published"
            parts = [_b64(json.dumps(part).encode()) for part in (header, payload)]
            body["id_token"] = ".".join([*parts, signature])
            response.content = json.dumps(body).encode()
            response["Content-Length"] = str(len(response.content))
        return response
