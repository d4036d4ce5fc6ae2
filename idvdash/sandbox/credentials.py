"""The credentials the sandbox accepts, in the JSON shape idvdash accounts store."""

SANDBOX_CREDENTIALS: dict[str, dict[str, str]] = {
    "idenfy": {"api_key": "sandbox-idenfy-key", "api_secret": "sandbox-idenfy-secret"},
    "equals": {"api_key": "3d6f0a52-8c1e-4b7a-9f25-5a1c0e7d9b43"},
    "swan": {"client_id": "SANDBOX_idvdash", "client_secret": "sandbox-swan-secret"},
    "stora": {"client_id": "sandbox-stora-client", "client_secret": "sandbox-stora-secret"},
}
# A long-lived Stora access token (BackOffice > Settings > Public API), valid forever.
SANDBOX_STORA_ACCESS_TOKEN = "sandbox-stora-access-token-idvdash"  # noqa: S105 - sandbox only
# The secret each kind's webhooks are signed (Swan: authenticated) with unless a target
# names its own: iDenfy's signing key, Equals' sharedSecret (uuid-like, at most 36
# characters), Swan's subscription secret (at most 36, UUIDv4 recommended) and Stora's
# endpoint secret (64 hex characters).
SANDBOX_WEBHOOK_SECRETS: dict[str, str] = {
    "idenfy": "sandbox-idenfy-webhook-signing-key",
    "equals": "9b2f6c1e-4d7a-4e83-a5c0-3f18d2b7e694",
    "swan": "e4a1c7d2-58b3-4f06-9c2e-7d1b3a6f0e85",
    "stora": "5f1c9e2a7b3d48e6a0c4f7b2d9e81a3c6b5f0d2e4a7c9b1e3d5f7a9c2e4b6d8f",
}
