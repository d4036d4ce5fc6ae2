from django import forms

from .kinds import SPECS, ProviderKind
from .models import ProviderAccount

ALL_CREDENTIAL_KEYS: tuple[str, ...] = tuple(
    dict.fromkeys(key for spec in SPECS.values() for key in spec.keys)
)


def _kinds_using(key: str) -> str:
    return ", ".join(ProviderKind(kind).label for kind, spec in SPECS.items() if key in spec.keys)


def merge_credentials(
    *, kind: str, stored: dict[str, str], entered: dict[str, str], clear: set[str]
) -> dict[str, str]:
    """Return the credentials to store: entered values win, empty inputs keep stored ones.

    Keys the kind does not use are dropped (for instance after a change of kind).
    """
    keys = SPECS[kind].keys
    merged = {k: v for k, v in stored.items() if k in keys and k not in clear}
    merged.update({k: v for k, v in entered.items() if v})
    return merged


def _credential_input(key: str) -> forms.CharField:
    return forms.CharField(
        label=key,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=f"Used by {_kinds_using(key)}. Leave empty to keep the stored value.",
    )


# One password input per credential key any kind uses, declared on a class so
# the admin sees them as form fields.
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
        fields = ["name", "kind", "base_url", "token_url", "is_active", "sync_interval"]

    def clean(self) -> dict:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind not in SPECS:
            return cleaned
        entered = {k: cleaned.get(f"credential_{k}") or "" for k in ALL_CREDENTIAL_KEYS}
        spec = SPECS[kind]
        for key, value in entered.items():
            if value and key not in spec.keys:
                self.add_error(
                    f"credential_{key}", f"{ProviderKind(kind).label} does not use {key}."
                )
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
