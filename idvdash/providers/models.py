from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from .fields import EncryptedJSONField, SealedCredentials
from .ratelimit import validate_limits
from .registry import PROVIDERS, ProviderKind
from .spec import ScanPolicy

name_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$",
    "Use letters, digits, dots, dashes and underscores (it is typed on the command line).",
)


class ProviderAccount(models.Model):
    """One set of credentials for one provider; the mirror is kept per account."""

    name = models.CharField(max_length=100, unique=True, validators=[name_validator])
    kind = models.CharField(max_length=16, choices=ProviderKind.choices)
    base_url = models.URLField(
        blank=True, help_text="The provider's server URL. Leave empty for the documented default."
    )
    token_url = models.URLField(
        blank=True,
        help_text="OAuth2 token URL (Swan and Stora). Leave empty for the documented default.",
    )
    credentials = EncryptedJSONField(default=dict, editable=False)
    is_active = models.BooleanField("active", default=True)
    sync_interval = models.DurationField(
        default=timedelta(minutes=15),
        validators=[MinValueValidator(timedelta(minutes=1))],
        help_text="How often scheduled syncing runs for this account (HH:MM:SS).",
    )
    recent_pages = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Between full scans, a scheduled sync reads only this many pages from the "
        "start of the provider's list, where new and changing records are; 0: every sync "
        "reads the whole list. Empty: the provider's default. Not used by providers read "
        "incrementally (Stora).",
    )
    full_scan_interval = models.DurationField(
        null=True,
        blank=True,
        validators=[MinValueValidator(timedelta(minutes=1))],
        help_text="How often a scheduled sync reads the provider's whole list, which is how "
        "records deleted at the provider are noticed (HH:MM:SS, or 'D HH:MM:SS'). Empty: the "
        "provider's default.",
    )
    rate_limits = models.JSONField(
        null=True,
        blank=True,
        validators=[validate_limits],
        help_text=(
            'Requests idvdash may send, e.g. [{"requests": 10, "seconds": 1}, '
            '{"requests": 60, "seconds": 60}] (all hold at once; [] for no limit). '
            "Leave empty for the provider's documented limits."
        ),
    )
    customer_ref_key = models.CharField(
        "customer reference key",
        max_length=100,
        blank=True,
        default="",
        # Also the database's default: rows written by code that predates the column
        # (an older process during a deploy, migration tests) still insert.
        db_default="",
        help_text=(
            "The key under which your own customer reference is kept in the provider's "
            "metadata for each person (Stora contacts), e.g. customer_ref. idvdash links a "
            "person's records across providers when their references match exactly. "
            "Empty: this account's metadata holds no customer reference."
        ),
    )
    # Opaque to people: where the last sync stopped, so the next one resumes.
    sync_checkpoint = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Fill the kind's default URLs and refuse a token URL where the kind has none."""
        spec = PROVIDERS.get(self.kind)
        if spec is None:
            return
        if not self.base_url:
            self.base_url = spec.base_url
        if spec.token_url is None:
            if self.token_url:
                raise ValidationError(
                    {"token_url": f"{self.get_kind_display()} does not use a token URL."}
                )
        elif not self.token_url:
            self.token_url = spec.token_url

    @property
    def scan_policy(self) -> ScanPolicy:
        """How scheduled syncs read this account's list: its own settings, else its kind's."""
        default = PROVIDERS[self.kind].scans if self.kind in PROVIDERS else ScanPolicy()
        return ScanPolicy(
            recent_pages=default.recent_pages if self.recent_pages is None else self.recent_pages,
            full_every=default.full_every
            if self.full_scan_interval is None
            else self.full_scan_interval,
        )

    @property
    def credentials_readable(self) -> bool:
        return not isinstance(self.credentials, SealedCredentials)

    def credential_keys_set(self) -> list[str]:
        """Names of the credential keys that hold a value (never the values)."""
        if not self.credentials_readable:
            return []
        return sorted(k for k, v in self.credentials.items() if v)


# No database constraint to the account: on PostgreSQL the budget is written on a
# connection of its own (`ratelimit.py`), which cannot see an account whose creating
# transaction has not committed yet. Django still deletes the rows with the account.


class RateBudget(models.Model):
    """An account's request budget: the row each request locks, and how many were sent."""

    account = models.OneToOneField(
        ProviderAccount, on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )
    sent = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.account_id}: {self.sent} sent"


class RateUse(models.Model):
    """Requests an account sent in one slot of one window; they count until `expires_ms`."""

    account = models.ForeignKey(
        ProviderAccount, on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )
    window_ms = models.BigIntegerField()
    expires_ms = models.BigIntegerField()
    used = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "window_ms", "expires_ms"], name="rate_use_one_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.used} of {self.window_ms} ms until {self.expires_ms}"
