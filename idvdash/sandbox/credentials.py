"""The credentials the sandbox accepts, in the JSON shape idvdash accounts store."""

SANDBOX_CREDENTIALS: dict[str, dict[str, str]] = {
    "idenfy": {"api_key": "sandbox-idenfy-key", "api_secret": "sandbox-idenfy-secret"},
    "equals": {"api_key": "3d6f0a52-8c1e-4b7a-9f25-5a1c0e7d9b43"},
    "swan": {"client_id": "SANDBOX_idvdash", "client_secret": "sandbox-swan-secret"},
    "stora": {"client_id": "sandbox-stora-client", "client_secret": "sandbox-stora-secret"},
}
# A long-lived Stora access token (BackOffice > Settings > Public API), valid forever.
SANDBOX_STORA_ACCESS_TOKEN = "sandbox-stora-access-token-idvdash"  # noqa: S105 - sandbox only
