from django import forms

from .models import ProviderAccount
from .registry import PROVIDERS, ProviderKind

ALL_CREDENTIAL_KEYS: tuple[str, ...] = tuple(
    dict.fromkeys(key for provider in PROVIDERS.values() for key in provider.credentials.keys)
)
KEEP = "Leave empty to keep the stored value."


def merge_credentials(
    *, kind: str, stored: dict[str, str], entered: dict[str, str], clear: set[str]
) -> dict[str, str]:
    """Return the credentials to store: entered values win, empty inputs keep stored ones.

    Keys the kind does not use are dropped.
    """
    keys = PROVIDERS[kind].credentials.keys
    merged = {k: v for k, v in stored.items() if k in keys and k not in clear}
    merged.update({k: v for k, v in entered.items() if v})
    return merged


def credential_keys(kind: str | None) -> tuple[str, ...]:
    """The keys to offer for an account of `kind` (every key while the kind is unknown)."""
    return PROVIDERS[kind].credentials.keys if kind in PROVIDERS else ALL_CREDENTIAL_KEYS


def _credential_input(key: str) -> forms.CharField:
    return forms.CharField(
        label=key,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=KEEP,
    )


# One password input per credential key any kind uses, declared on a class so the
# admin sees them as form fields; the admin shows only the account kind's own.
CredentialInputs = type(
    "CredentialInputs",
    (forms.Form,),
    {f"credential_{key}": _credential_input(key) for key in ALL_CREDENTIAL_KEYS},
)


class ProviderAccountAdminForm(CredentialInputs, forms.ModelForm):
    """Credential inputs are write-only: they never render a stored value."""

    clear_credentials = forms.MultipleChoiceField(
        choices=[(k, k) for k in ALL_CREDENTIAL_KEYS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Remove stored values",
        help_text="Tick a key to delete its stored value (optional keys only).",
    )

    class Meta:
        model = ProviderAccount
        fields = [
            "name",
            "kind",
            "base_url",
            "token_url",
            "is_active",
            "sync_interval",
            "recent_pages",
            "full_scan_interval",
            "rate_limits",
            "customer_ref_key",
        ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        kind = self._kind()
        if kind not in PROVIDERS:
            return
        spec = PROVIDERS[kind].credentials
        for key in spec.keys:
            field = self.fields[f"credential_{key}"]
            if key in spec.optional:
                field.help_text = f"Optional. {KEEP}"
            else:
                others = [" + ".join(o) for o in spec.required if key not in o]
                either = f" (or {' or '.join(others)})" if others else ""
                field.help_text = f"Required{either}. {KEEP}"
        self.fields["clear_credentials"].choices = [(k, k) for k in spec.optional]
        if not PROVIDERS[kind].metadata_refs:
            # Only providers whose people carry an operator-set metadata map have the key.
            self.fields.pop("customer_ref_key", None)

    def _kind(self) -> str | None:
        """The account's kind: stored once the account exists, else as entered or asked for."""
        if self.instance.pk:
            return self.instance.kind
        return self.data.get("kind") or self.initial.get("kind")

    def clean(self) -> dict:
        cleaned = super().clean()
        kind = cleaned.get("kind") or self.instance.kind
        if kind not in PROVIDERS:
            return cleaned
        entered = {k: cleaned.get(f"credential_{k}") or "" for k in ALL_CREDENTIAL_KEYS}
        spec = PROVIDERS[kind].credentials
        for key, value in entered.items():
            if value and key not in spec.keys:
                self.add_error(None, f"{ProviderKind(kind).label} does not use {key}.")
        stored = self.instance.credentials if self.instance.pk else {}
        if not self.instance.credentials_readable:
            stored = {}
            if not any(entered.values()):
                raise forms.ValidationError(
                    "The stored credentials cannot be decrypted with the configured keys; "
                    "enter them again."
                )
        merged = merge_credentials(
            kind=kind,
            stored=stored,
            entered={k: v for k, v in entered.items() if k in spec.keys},
            clear=set(cleaned.get("clear_credentials") or ()),
        )
        for problem in spec.problems(merged):
            self.add_error(None, f"Credentials: {problem}.")
        self.merged_credentials = merged
        return cleaned

    def save(self, commit: bool = True) -> ProviderAccount:
        self.instance.credentials = self.merged_credentials
        return super().save(commit=commit)
