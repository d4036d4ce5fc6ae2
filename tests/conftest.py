import pytest
from django.contrib.auth.models import Group

from idvdash.figures import drawn
from idvdash.providers.models import ProviderAccount
from idvdash.providers.ratelimit import close_own_connections
from idvdash.sandbox.credentials import SANDBOX_CREDENTIALS
from idvdash.verifications.webhooks import forget_accounts

pytest_plugins = ["tests.plugins.sandbox", "tests.plugins.samples", "tests.plugins.idp"]

PASSWORD = "correct horse battery staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enrol_totp(user, secret: str = TOTP_SECRET):
    """Give `user` an authenticator app (TOTP) with a known secret."""
    from allauth.mfa.totp.internal.auth import TOTP

    return TOTP.activate(user, secret)


# Accounts made for tests that are not about rate limits: a budget still counts every
# request, but one no test reaches, so none waits on the providers' real limits.
TEST_RATE_LIMITS = [{"requests": 10_000, "seconds": 1}]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """The test database, as pytest-django sets it up; the rate budget's own connections
    (PostgreSQL) are closed before it is dropped."""
    yield
    close_own_connections()


@pytest.fixture(autouse=True)
def _no_kept_overview_drawings():
    """A rolled-back test takes the figures' version back; a drawing kept at that version
    by one test is not the next test's."""
    yield
    drawn.forget()


@pytest.fixture(autouse=True)
def _no_remembered_webhook_accounts():
    """A rolled-back test's accounts are not remembered by the next (rollback signals nothing)."""
    yield
    forget_accounts()


@pytest.fixture
def make_user(django_user_model):
    def make(
        username: str, *, reviewer: bool = False, senior: bool = False, staff: bool = False, **extra
    ):
        user = django_user_model.objects.create_user(
            username=username, password=PASSWORD, is_staff=staff, is_superuser=staff, **extra
        )
        if reviewer:
            user.groups.add(Group.objects.get(name="Reviewers"))
        if senior:
            user.groups.add(Group.objects.get(name="Senior reviewers"))
        if staff:
            # Staff must have a second factor (idvdash.signin.middleware): these have one.
            enrol_totp(user)
        return user

    return make


@pytest.fixture
def reviewer(make_user):
    return make_user("rita", reviewer=True)


@pytest.fixture
def senior(make_user):
    return make_user("sam", senior=True)


@pytest.fixture
def other_user(make_user):
    """Signed in, but in no group: no access to verifications."""
    return make_user("otto")


@pytest.fixture
def admin_user(make_user):
    return make_user("ada", staff=True)


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def make_account(sandbox, sandbox_faults):
    """Create a provider account pointing at the sandbox (sandbox credentials by default)."""

    def make(kind: str, **overrides) -> ProviderAccount:
        return ProviderAccount.objects.create(
            name=overrides.pop("name", f"{kind}-test"),
            kind=kind,
            base_url=overrides.pop("base_url", sandbox.base_urls[kind]),
            token_url=overrides.pop("token_url", sandbox.token_urls.get(kind, "")),
            credentials=overrides.pop("credentials", dict(SANDBOX_CREDENTIALS[kind])),
            rate_limits=overrides.pop("rate_limits", TEST_RATE_LIMITS),
            **overrides,
        )

    return make
