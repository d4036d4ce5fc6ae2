"""idvdash settings: one module, every value from the environment.

Local use needs no environment at all (DEBUG defaults on, SQLite in the repo,
development-only keys). With DEBUG off, the secret key, the credential keys and
the allowed hosts must be given, or start-up stops with ImproperlyConfigured; the
provider sandbox and the development tools are never installed then.
"""

from datetime import timedelta
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from idvdash.signin.config import oidc_providers_from_json, socialaccount_providers
from idvdash.signin.config import origins as idp_origins

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, *, default: bool) -> bool:
    """Read a boolean strictly: a value that is not clearly true or false is an error."""
    raw = env.str(name, default="").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE)}, not {raw!r}.")


def required(name: str, value: object) -> None:
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off.")


DEBUG = env_bool("DEBUG", default=True)

# Development-only fallbacks; never used with DEBUG off.
_DEV_SECRET_KEY = "django-insecure-local-development-only-never-in-production"  # noqa: S105
_DEV_CREDENTIAL_KEY = "ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMtISE="

SECRET_KEY = env.str("SECRET_KEY", default="")
if not DEBUG:
    required("SECRET_KEY", SECRET_KEY)
SECRET_KEY = SECRET_KEY or _DEV_SECRET_KEY

# Provider credentials are encrypted with MultiFernet: the first key encrypts,
# every key decrypts. Rotate by putting a new key first, running
# `manage.py rotate_credentials_key`, then dropping the old key.
CREDENTIAL_KEYS = env.list("CREDENTIAL_KEYS", default=[])
if not DEBUG:
    required("CREDENTIAL_KEYS", CREDENTIAL_KEYS)
CREDENTIAL_KEYS = CREDENTIAL_KEYS or [_DEV_CREDENTIAL_KEY]
for _position, _key in enumerate(CREDENTIAL_KEYS, start=1):
    try:
        Fernet(_key)
    except (ValueError, TypeError) as err:
        raise ImproperlyConfigured(
            f"CREDENTIAL_KEYS entry {_position} is not a Fernet key "
            "(32 url-safe base64-encoded bytes; make one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`)."
        ) from err

# Match keys (`idvdash/people/keys.py`): "id:secret" pairs, the first one current.
# Personal facts that pass through idvdash are kept only as HMAC-SHA256 digests under
# these keys. Rotate by putting a new pair first; drop the old pair once its digests
# may go (the daily purge then removes them).
_DEV_MATCH_KEY = "dev:development-only-match-key-never-in-production"
MATCH_KEYS = env.list("MATCH_KEYS", default=[])
if not DEBUG:
    required("MATCH_KEYS", MATCH_KEYS)
MATCH_KEYS = MATCH_KEYS or [_DEV_MATCH_KEY]

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not DEBUG:
    required("ALLOWED_HOSTS", ALLOWED_HOSTS)
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "idvdash.core.apps.IdvdashAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",  # allauth.mfa's templates use it
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "idvdash.core",
    "idvdash.signin",
    "idvdash.providers",
    "idvdash.verifications",
    "idvdash.reviews",
    "idvdash.people",
    "idvdash.retention",
    "idvdash.figures",
]

# The provider sandbox and the tooling (demo, benchmarks, load test) are installed for
# development, the demo, tests and benchmarks only; production never installs them.
DEV_APPS = env_bool("IDVDASH_DEV_APPS", default=DEBUG)
if DEV_APPS and not DEBUG:
    raise ImproperlyConfigured(
        "IDVDASH_DEV_APPS installs the provider sandbox and the development tools, "
        "which never run in production: it can be on only when DEBUG is on."
    )
if DEV_APPS:
    INSTALLED_APPS += ["idvdash.sandbox", "tools"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # An htmx request sent to the sign-in page gets HX-Redirect, not a fragment.
    "idvdash.core.middleware.HtmxLoginRedirectMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Idle and absolute session limits (before the view, and the login check, see the user).
    "idvdash.core.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Signed-in responses: Cache-Control no-store unless the view said otherwise.
    "idvdash.core.middleware.NoStoreMiddleware",
    # A local account that must have a second factor and has none is sent to enrol one
    # (inside the header middleware, so its redirect carries their headers too).
    "idvdash.signin.middleware.RequireSecondFactorMiddleware",
    # Last, so it sees the lockout flag set during authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "idvdash.urls"
WSGI_APPLICATION = "idvdash.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite file in the repo by default; PostgreSQL in production.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets reviewers read while a sync writes; IMMEDIATE transactions and a
    # busy timeout queue writers instead of failing with "database is locked".
    # Reading the file through a memory map (address space, not memory) spares a
    # system call per page read: a re-scan's lookups of 100 ids a page took 0.43-0.49
    # ms instead of 0.55-0.65 ms at 100,000 rows.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA mmap_size=268435456;"
        ),
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Persistent connections on both engines: opening one costs a handshake on PostgreSQL,
# and on SQLite the PRAGMAs above plus, when the last connection closes, a WAL
# checkpoint (milliseconds per request under a burst of webhook deliveries).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out username before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with has_perm in one query (see the module).
    "idvdash.core.auth.PermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Sign-in (django-allauth): a username and password with a second factor, or the
# company's identity provider over OpenID Connect. Nobody signs up: accounts are made
# by admins, or on a first single sign-on, matched by the provider's subject (`sub`),
# never by e-mail address. See idvdash/signin/ and README "People and permissions".
ACCOUNT_ADAPTER = "idvdash.signin.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "idvdash.signin.adapters.SocialAccountAdapter"
ACCOUNT_FORMS = {"login": "idvdash.signin.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = False
# The session cookie lives SESSION_COOKIE_AGE (the idle limit), as before allauth.
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
# django-axes counts and locks out wrong passwords (below); allauth's own counter of
# failed sign-ins would answer first with a page of its own.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
# The callback address sent to identity providers is https in production, whatever
# scheme the proxy in front used.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_QUERY_EMAIL = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False

# Identity providers, one JSON list (see idvdash/signin/config.py for every key).
OIDC_PROVIDERS = oidc_providers_from_json(env.str("OIDC_PROVIDERS", default=""))
SOCIALACCOUNT_PROVIDERS = socialaccount_providers(OIDC_PROVIDERS)

# Second factors (allauth.mfa): authenticator apps, passkeys / security keys, and
# single-use recovery codes. Staff and superusers who sign in with a password must
# have one; MFA_REQUIRED_FOR_LOCAL extends that to every password account (on by
# default in production, where every account can open identity documents).
MFA_ADAPTER = "idvdash.signin.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="idvdash")
MFA_RECOVERY_CODES_SHOW_ONCE = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_REQUIRED_FOR_LOCAL = env_bool("MFA_REQUIRED_FOR_LOCAL", default=not DEBUG)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Background work (syncs) goes through Django's tasks framework on a database
# queue; `manage.py db_worker` runs it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# The backfill of what a provider's list leaves out (iDenfy's times): seconds at the end
# of each sync, and the share of the account's request budget it may use.
BACKFILL_SECONDS = env.float("BACKFILL_SECONDS", default=60.0)
BACKFILL_SHARE = env.float("BACKFILL_SHARE", default=0.5)

# Provider HTTP calls: bounded retries (connection errors, 429, 5xx) with
# exponential backoff and jitter; Retry-After is honoured up to 60 s.
PROVIDER_HTTP = {
    "RETRIES": env.int("PROVIDER_HTTP_RETRIES", default=3),
    "BACKOFF": env.float("PROVIDER_HTTP_BACKOFF", default=0.5),
    "CONNECT_TIMEOUT": env.float("PROVIDER_CONNECT_TIMEOUT", default=5.0),
    "READ_TIMEOUT": env.float("PROVIDER_READ_TIMEOUT", default=30.0),
}

# Sessions: an idle reviewer is logged out; a session never outlives a working day.
# idvdash.core.middleware.SessionLifetimeMiddleware enforces both limits; polling
# requests (SESSION_POLLING_TRIGGERS: htmx element ids) do not count as activity.
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
SESSION_ACTIVITY_GRANULARITY = timedelta(minutes=1)
SESSION_POLLING_TRIGGERS = ("sync-status",)
SESSION_COOKIE_AGE = int(SESSION_IDLE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# username (from any address), or from one address (for any username), that username
# or address is locked for AXES_COOLOFF_TIME; no password is checked while it is
# locked. A successful sign-in resets the count.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "idvdash.core.lockout.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_SENSITIVE_PARAMETERS = ["password"]
if env_bool("BEHIND_TLS_PROXY", default=False):
    # The proxy's X-Forwarded-For names the client; REMOTE_ADDR is the proxy.
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")


def retention_days(name: str, *, default: int) -> int:
    """A retention in whole days from the environment; 0, negative or not a number stops
    start-up with a line naming it (a purge that removes everything is never a default)."""
    raw = env.str(name, default="").strip()
    if not raw:
        return default
    try:
        days = int(raw)
    except ValueError:
        days = 0
    if days < 1:
        raise ImproperlyConfigured(
            f"{name} must be a whole number of days, 1 or more, not {raw!r}."
        )
    return days


# Retention, per kind of data (`idvdash/retention/purge.py`; the README's "Retention and
# erasure" gives the reason for each default). The daily purge is queued by the
# scheduler and run by the worker; `manage.py purge` runs it now.
# Mirrored rows the provider has not listed for this long are reduced to the bare
# record (outcome, decision, times): AML record keeping, five years after the end.
UNLISTED_ROW_RETENTION_DAYS = retention_days("UNLISTED_ROW_RETENTION_DAYS", default=1826)
# Stored iDenfy full-status snapshots (names, document data) are cleared after this.
DETAIL_SNAPSHOT_RETENTION_DAYS = retention_days("DETAIL_SNAPSHOT_RETENTION_DAYS", default=30)
# What processed webhook events kept (facts) is cleared after this; the events
# themselves (key, type, times) are deleted after the second.
WEBHOOK_FACTS_RETENTION_DAYS = retention_days("WEBHOOK_FACTS_RETENTION_DAYS", default=30)
WEBHOOK_EVENT_RETENTION_DAYS = retention_days("WEBHOOK_EVENT_RETENTION_DAYS", default=400)
# Security logs: who opened what (access) and who signed in, a year plus margin.
ACCESS_EVENT_RETENTION_DAYS = retention_days("ACCESS_EVENT_RETENTION_DAYS", default=400)
SIGNIN_EVENT_RETENTION_DAYS = retention_days("SIGNIN_EVENT_RETENTION_DAYS", default=400)
# Operational records; the latest run of each account is always kept.
SYNC_RUN_RETENTION_DAYS = retention_days("SYNC_RUN_RETENTION_DAYS", default=90)
# Tombstones of forgotten subjects are keyed hashes under this key (`retention/tombstones.py`),
# not under MATCH_KEYS, so rotating match keys never forgets a tombstone. Set it once and
# keep it; unset, a key derived from SECRET_KEY is used (rotating that one would then
# make earlier tombstones unrecognisable).
ERASURE_KEY = env.str("ERASURE_KEY", default="")

# Headers. Scripts only from our origin or with the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    # Browsers apply form-action to the redirect after a form too: the single sign-on
    # button's POST is answered with a redirect to the identity provider.
    "form-action": [CSP.SELF, *idp_origins(OIDC_PROVIDERS)],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request bodies and headers never reach the log (credentials travel in them).
        "urllib3": {"level": "WARNING"},
        # Break-glass sign-ins and refused single sign-ons are WARNINGs here.
        "idvdash.signin": {"level": "INFO"},
    },
}
