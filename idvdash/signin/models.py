from django.conf import settings
from django.db import models


class SignInEvent(models.Model):
    """One sign-in, refused sign-in, second-factor change or role change from the IdP.

    Holds who, when, from where and how; never a password, token, code or secret.
    Written by idvdash.signin.audit only; admins read it, nobody edits it.
    """

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "signed in"
        FAILED = "failed", "sign-in refused"
        SIGNED_OUT = "signed_out", "signed out"
        MFA_ADDED = "mfa_added", "second factor added"
        MFA_REMOVED = "mfa_removed", "second factor removed"
        MFA_RESET = "mfa_reset", "recovery codes regenerated"
        MFA_FAILED = "mfa_failed", "second factor refused"
        ROLES_CHANGED = "roles_changed", "roles changed by the identity provider"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # As given at the time: the typed username of a refused sign-in, or the account's.
    username = models.CharField(max_length=150, blank=True)
    # password, password+mfa:totp, sso:<provider id>, mfa:recovery_codes, ...
    method = models.CharField(max_length=60, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="signin_user_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.username or '—'} · {self.at:%Y-%m-%d %H:%M:%S}"
