"""A real OpenID Connect provider for the tests: django-allauth's own (allauth.idp.oidc).

Run in its own process (tests/plugins/idp.py starts it with gunicorn on a free loopback
port), with its own SQLite database and its own RSA signing key, both given by the
fixture in the environment. It signs people in with a username and password and sends
them back with a code, as an Entra ID, Okta or Keycloak does; its ID tokens carry a
`groups` claim. /_control/ lets a test add people and clients, and make it misbehave.
"""

import os

SECRET_KEY = os.environ.get("IDP_SECRET_KEY", "test-identity-provider-only")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
USE_TZ = True

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "allauth",
    "allauth.account",
    "allauth.idp.oidc",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "tests.idp.control.TamperMiddleware",
]
ROOT_URLCONF = "tests.idp.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["IDP_DATABASE"]}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
LOGIN_URL = "account_login"

ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_RATE_LIMITS = False
IDP_OIDC_PRIVATE_KEY = os.environ["IDP_PRIVATE_KEY"]
IDP_OIDC_ADAPTER = "tests.idp.adapter.TestIdPAdapter"
IDP_OIDC_RATE_LIMITS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"handlers": [], "level": "WARNING"},
}
