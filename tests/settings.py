"""Test-only overrides; everything else comes from idvdash.settings."""

from idvdash.settings import *  # noqa: F403
from idvdash.settings import INSTALLED_APPS, STORAGES

# The suite tests the sandbox and the tools whatever the environment says.
INSTALLED_APPS = [
    *INSTALLED_APPS,
    *(app for app in ("idvdash.sandbox", "tools") if app not in INSTALLED_APPS),
]

# Tests render templates without collectstatic.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Serve static files from the finders, as in development (no collectstatic in tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Same retries as production, without the waiting.
PROVIDER_HTTP = {"RETRIES": 3, "BACKOFF": 0.01, "CONNECT_TIMEOUT": 2.0, "READ_TIMEOUT": 5.0}

# SQLite tests run on a file, as production SQLite does (WAL, IMMEDIATE transactions):
# concurrency tests need real file locking, not the shared in-memory cache. The file
# lives in memory-backed /dev/shm where there is one, so it costs no disk I/O.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import os
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(
            "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir(),
            f"idvdash-test-{os.getpid()}.sqlite3",
        )
    }

# Syncs in tests read lists, not the backfill's extra full-status calls: tests of the
# backfill turn it on (tests/verifications/test_backfill.py).
BACKFILL_SECONDS = 0.0
