"""HTTP clients for the identity verification providers, behind one small protocol."""

from .base import (
    Page,
    ProviderAuthError,
    ProviderError,
    ProviderRateLimited,
    ProviderResponseError,
    ProviderUnavailable,
    VerificationClient,
    VerificationRecord,
)
from .registry import client_for

__all__ = [
    "Page",
    "ProviderAuthError",
    "ProviderError",
    "ProviderRateLimited",
    "ProviderResponseError",
    "ProviderUnavailable",
    "VerificationClient",
    "VerificationRecord",
    "client_for",
]
