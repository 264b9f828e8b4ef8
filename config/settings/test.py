"""Fast, quiet settings for the test suite. DATABASE_URL and REDIS_URL still apply,
so CI runs the same suite against PostgreSQL and Redis."""

from .base import *  # noqa: F403

DEBUG = False
if "devtools" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405
SECRET_KEY = "test-only-secret-key"  # noqa: S105  # nosec B105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Tasks run in-process unless a test starts a real worker (tests/conftest.py `celery_worker`),
# which switches the app to the Redis broker from REDIS_URL.
CELERY_TASK_ALWAYS_EAGER = True
# Static files come from the finders in tests; no collectstatic output is expected.
STATIC_ROOT = None
# Each test builds its own figures; tests of the dashboard cache switch it on themselves.
REPORT_CACHE_SECONDS = 0
# Most tests sign people in directly; tests/accounts/test_mfa.py turns the requirement on.
MFA_REQUIRED = False
# Django's live server (browser tests) cannot start with MEDIA_URL = None; an address on
# a host that does not exist keeps evidence unserved there too, as everywhere else.
MEDIA_URL = "http://media.invalid/"
