"""Creating and updating provider accounts outside the admin (commands, demo set-up)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import ProviderAccount
from .registry import PROVIDERS, ProviderKind


class AccountInputError(Exception):
    """Input for an account was refused; str() is one line, safe to print."""


def set_account(
    *,
    name: str,
    kind: str,
    credentials: object,
    base_url: str = "",
    token_url: str = "",
    is_active: bool = True,
) -> tuple[ProviderAccount, bool]:
    """Create or update the account called `name`; return it and whether it was created."""
    if kind not in PROVIDERS:
        raise AccountInputError(
            f"unknown kind {kind!r}; choose one of: {', '.join(ProviderKind.values)}"
        )
    if not isinstance(credentials, dict):
        raise AccountInputError("credentials must be a JSON object")
    problems = PROVIDERS[kind].credentials.problems(credentials)
    if problems:
        raise AccountInputError(f"credentials for {kind}: {'; '.join(problems)}")
    with transaction.atomic():
        account = ProviderAccount.objects.select_for_update().filter(name=name).first()
        created = account is None
        account = account or ProviderAccount(name=name)
        account.kind = kind
        account.base_url = base_url
        account.token_url = token_url
        account.is_active = is_active
        account.credentials = {k: v.strip() for k, v in credentials.items()}
        try:
            account.full_clean()
        except ValidationError as err:
            raise AccountInputError(_one_line(err)) from None
        account.save()
    return account, created


def _one_line(err: ValidationError) -> str:
    if hasattr(err, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in err.message_dict.items()
        )
    return " ".join(err.messages)
