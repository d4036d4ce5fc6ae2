"""Demo set-up for `make demo`: local logins, printed so a newcomer can sign in."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from idvdash.providers.models import ProviderAccount
from idvdash.providers.registry import PROVIDERS
from idvdash.providers.services import set_account
from idvdash.reviews.roles import REVIEWERS, SENIOR_REVIEWERS, ensure_groups


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


DEMO_LOGINS = (
    DemoLogin("admin", "idvdash-demo-admin", "admin: Django admin, provider accounts, sync"),
    DemoLogin("reviewer", "idvdash-demo-reviewer", "reviewer: works cases, proposes decisions"),
    DemoLogin(
        "senior",
        "idvdash-demo-senior",
        "senior reviewer: approves decisions, reassigns, handles escalations",
    ),
)
# The group each non-admin demo login is put in.
DEMO_GROUPS = {"reviewer": REVIEWERS, "senior": SENIOR_REVIEWERS}


@transaction.atomic
def ensure_demo_users() -> tuple[DemoLogin, ...]:
    """Create (or reset) the demo admin, reviewer and senior reviewer; return their logins."""
    user_model = get_user_model()
    ensure_groups()
    for login in DEMO_LOGINS:
        user, _ = user_model.objects.get_or_create(username=login.username)
        is_admin = login.username == "admin"
        user.is_staff = user.is_superuser = is_admin
        user.is_active = True
        user.set_password(login.password)
        user.save()
        if login.username in DEMO_GROUPS:
            user.groups.add(Group.objects.get(name=DEMO_GROUPS[login.username]))
    return DEMO_LOGINS


# Paths under the sandbox root, per kind: (base_url path, token_url path).
SANDBOX_PATHS = {
    "idenfy": ("/idenfy", ""),
    "equals": ("/equals/v2", ""),
    "swan": ("/swan/graphql", "/swan/oauth2/token"),
    "stora": ("/stora", "/stora/oauth2/token"),
}


def demo_account_name(kind: str) -> str:
    return f"{kind}-demo"


def ensure_demo_accounts(*, sandbox_root: str) -> list[ProviderAccount]:
    """Create or update one demo account per provider, pointing at the sandbox.

    Each holds the sandbox's webhook secret too, so the sandbox's deliveries are accepted.
    """
    from idvdash.sandbox.credentials import SANDBOX_CREDENTIALS, SANDBOX_WEBHOOK_SECRETS
    from idvdash.sandbox.stora_data import CUSTOMER_REF_KEY

    root = sandbox_root.rstrip("/")
    accounts = []
    for kind, (base_path, token_path) in SANDBOX_PATHS.items():
        webhook_credential = PROVIDERS[kind].webhooks.CREDENTIAL
        account, _ = set_account(
            name=demo_account_name(kind),
            kind=kind,
            credentials={
                **SANDBOX_CREDENTIALS[kind],
                webhook_credential: SANDBOX_WEBHOOK_SECRETS[kind],
            },
            base_url=root + base_path,
            token_url=root + token_path if token_path else "",
        )
        if PROVIDERS[kind].metadata_refs and account.customer_ref_key != CUSTOMER_REF_KEY:
            # The sandbox's operator keeps its customer reference under this metadata key.
            account.customer_ref_key = CUSTOMER_REF_KEY
            account.save(update_fields=["customer_ref_key"])
        accounts.append(account)
    return accounts


# The demo admin's authenticator-app secret: staff must have a second factor, and a
# newcomer needs the demo admin at once. Demo only (a DEBUG database on one machine).
DEMO_ADMIN_TOTP_SECRET = "IDVDASHDEMOADMINTOTPSECRETBASE32"  # noqa: S105


@transaction.atomic
def ensure_demo_second_factor(username: str = "admin") -> str:
    """Give the demo admin an authenticator app with the printed secret; return the secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    user = get_user_model().objects.get(username=username)
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, DEMO_ADMIN_TOTP_SECRET)
    return DEMO_ADMIN_TOTP_SECRET


def current_totp_code(secret: str = DEMO_ADMIN_TOTP_SECRET) -> str:
    """The code an authenticator app with this secret shows now."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def demo_second_factor_hint(secret: str) -> str:
    """What the demo prints under the logins: how to answer the admin's second-factor step."""
    return (
        f"  admin's second factor: authenticator-app secret {secret}\n"
        "    (add it to any authenticator app, or print the current code with\n"
        "     .venv/bin/python manage.py demo_code)"
    )
