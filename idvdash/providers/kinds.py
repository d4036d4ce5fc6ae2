"""What each provider kind needs: default URLs and credential keys (providers/CONTRACTS.md)."""

from dataclasses import dataclass

from django.db import models


class ProviderKind(models.TextChoices):
    IDENFY = "idenfy", "iDenfy"
    EQUALS = "equals", "Equals Money"
    SWAN = "swan", "Swan"
    STORA = "stora", "Stora"


@dataclass(frozen=True)
class KindSpec:
    base_url: str
    token_url: str | None
    # Each inner tuple is one accepted set of required keys (Stora accepts two).
    required: tuple[tuple[str, ...], ...]
    optional: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key this kind understands, required ones first, in a stable order."""
        seen: dict[str, None] = {}
        for option in self.required:
            seen.update(dict.fromkeys(option))
        seen.update(dict.fromkeys(self.optional))
        return tuple(seen)

    def problems(self, credentials: dict[str, str]) -> list[str]:
        """Return what is wrong with a credentials object for this kind (empty if nothing)."""
        problems = []
        unknown = sorted(set(credentials) - set(self.keys))
        if unknown:
            problems.append(f"unknown key(s): {', '.join(unknown)}")
        not_text = sorted(k for k, v in credentials.items() if not isinstance(v, str))
        if not_text:
            problems.append(f"value(s) must be strings: {', '.join(not_text)}")
        present = {k for k, v in credentials.items() if isinstance(v, str) and v.strip()}
        if not any(set(option) <= present for option in self.required):
            choices = " or ".join(" + ".join(option) for option in self.required)
            problems.append(f"required: {choices}")
        return problems


SPECS: dict[str, KindSpec] = {
    ProviderKind.IDENFY: KindSpec(
        base_url="https://ivs.idenfy.com",
        token_url=None,
        required=(("api_key", "api_secret"),),
        optional=("webhook_signing_key",),
    ),
    ProviderKind.EQUALS: KindSpec(
        base_url="https://api.equalsmoney.com/v2",
        token_url=None,
        required=(("api_key",),),
        optional=("webhook_secret",),
    ),
    ProviderKind.SWAN: KindSpec(
        base_url="https://api.swan.io/live-partner/graphql",
        token_url="https://oauth.swan.io/oauth2/token",  # noqa: S106 - a URL
        required=(("client_id", "client_secret"),),
        optional=("webhook_secret",),
    ),
    ProviderKind.STORA: KindSpec(
        base_url="https://public-api.stora.co",
        token_url="https://public-api.stora.co/oauth2/token",  # noqa: S106 - a URL
        required=(("access_token",), ("client_id", "client_secret")),
        optional=("webhook_secret",),
    ),
}
