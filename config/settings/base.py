"""Settings shared by every environment. Values come from the environment, strictly.

With nothing set, the app runs on the embedded default: a SQLite file and
Celery tasks executed eagerly in-process. Set DATABASE_URL and REDIS_URL for
PostgreSQL and a real broker.
"""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF

from config.env import Env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = Env()

DEBUG = env.bool("DEBUG", False)
SECRET_KEY = env.str("SECRET_KEY", "insecure-development-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # The admin site, kept inside each administrator's organisation (accounts.admin_site).
    "accounts.admin_site.ConductAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "guidance",
    "incidents",
    "audit",
    "reporting",
    "notifications",
    "records",
    "imports",
    "api",
    "operations",
]
# Demo loaders and the benchmark seeder (devtools/) are for developers: on in the local
# and test settings, left out of production unless DEVTOOLS=true (the benchmark's seeding).
if env.bool("DEVTOOLS", False):
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A database that cannot be reached answers 503 with Retry-After (config/middleware.py);
    # above the middleware that read the session and the user from the database.
    "config.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.MFARequiredMiddleware",
    # A refusal (config.errors.Refused) that no view caught: a 409 page with its message.
    "config.middleware.RefusedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------
DATABASES = {"default": env.database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The pages run short queries that stop early (LIMIT over an index), for which
    # PostgreSQL's JIT compiler costs more than it saves: measured at 1,000,000 concerns,
    # 40 to 50 ms of compiling for a 70 ms query. Turned off for this application's
    # connections only.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.url("REDIS_URL", "", schemes={"redis", "rediss"})
# After a failed connection to Redis, each process skips it (cache misses, tasks not
# queued) for this many seconds before trying again (config/breaker.py); 0 tries every time.
REDIS_BACKOFF_SECONDS = env.int("REDIS_BACKOFF_SECONDS", 15, minimum=0)

if REDIS_URL:
    CACHES = {
        "default": {
            # A Redis outage makes cache misses, not errors (config/cache.py).
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "smct",
            # Give up quickly on a Redis that does not answer, rather than hang a page.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database, so a Redis outage signs nobody out. A session ends
# after SESSION_IDLE_TIMEOUT seconds without a request and, in any case,
# SESSION_ABSOLUTE_TIMEOUT seconds after signing in (accounts.middleware).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", 30 * 60, minimum=60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", 10 * 60 * 60, minimum=300)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# --- People ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PeopleBackend",
    # Sessions of people signed in through their organisation's identity provider.
    "accounts.backends.IdentityProviderBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
PASSWORD_RESET_TIMEOUT = 60 * 60
# Sign-in throttling: after AXES_FAILURE_LIMIT failures for one username from one
# address, that pair waits AXES_COOLOFF_TIME. The same person signing in from another
# address is not locked out, so an attacker cannot lock a real user out.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.throttling.attempted_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", 0, minimum=0)
ADMIN_URL = env.str("ADMIN_URL", "admin/")
# Every account must enter a code from an authenticator app before any page but
# sign-in. On by default; the local demo (config.settings.local) turns it off unless
# MFA_REQUIRED=true, and production refuses to run without it (deploy check).
MFA_REQUIRED = env.bool("MFA_REQUIRED", True)
OTP_TOTP_ISSUER = "Conduct Tracker"
# Passkeys (WebAuthn) as a second factor, never instead of signing in (accounts.mfa). The
# relying party is the site's host name; browsers accept a passkey only on the origins
# listed (the address people type, with https in production).
OTP_WEBAUTHN_RP_ID = env.str("WEBAUTHN_RP_ID", "localhost")
OTP_WEBAUTHN_RP_NAME = "Conduct Tracker"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list("WEBAUTHN_ORIGINS", ["http://localhost:8000"])
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# The admin never shows a person's authenticator secret or its QR code: an administrator
# who could read them could produce that person's codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Locale ---------------------------------------------------------------
LANGUAGE_CODE = "en-au"
TIME_ZONE = env.str("TIME_ZONE", "Australia/Melbourne")
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence is private: kept outside the web root and only served by a permission-checked view.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = None
# Each organisation's learned section-suggestion model (weights only), one file each.
SUGGESTION_MODEL_DIR = Path(
    env.str("SUGGESTION_MODEL_DIR", str(BASE_DIR / "var" / "suggestion-models"))
)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Email ----------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Conduct Tracker <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env.url("SITE_URL", "http://127.0.0.1:8000", schemes={"http", "https"})

# --- Celery ---------------------------------------------------------------
# Without REDIS_URL, tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
# An email being sent holds a claim on its outbox row. A claim older than this many
# seconds counts as abandoned by a worker that died, and the periodic resend (every
# minute) sends the email again. The send task is stopped after 60 seconds
# (notifications.services.SEND_TIME_LIMIT), so a live send never outlasts its claim.
NOTIFICATION_CLAIM_TIMEOUT = env.int("NOTIFICATION_CLAIM_TIMEOUT", 120, minimum=90)
# A task is acknowledged only after it finishes, so a worker killed mid-task hands it
# back to the queue; tasks are written to be idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every periodic job is declared here and nowhere else. A task keeps its name when its
# code moves (reporting.tasks still answers to incidents.tasks.*), so an upgraded
# installation's schedule rows and queued jobs still find it.
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": 60 * 60 * 6,
    },
    # Queues outbox emails whose first attempt failed or whose broker was down.
    "resend-unsent-notifications": {
        "task": "notifications.tasks.resend_unsent_notifications",
        "schedule": 60,
        "options": {"expire_seconds": 55},  # django-celery-beat's name for expires
    },
    # Overdue concerns: tell the assignee and escalate to the HR manager, once per stage.
    "escalate-overdue-concerns": {
        "task": "incidents.tasks.escalate_overdue_concerns",
        "schedule": 60 * 60,
    },
    # Public interest disclosure steps coming due: remind the coordinator, once per step.
    "remind-disclosure-clocks": {
        "task": "incidents.tasks.remind_disclosure_clocks",
        "schedule": 60 * 60,
    },
    # Interim measures past their review date: tell the investigator and the HR manager,
    # once per review date (incidents.casework.interim).
    "remind-interim-reviews": {
        "task": "incidents.tasks.remind_interim_reviews",
        "schedule": 60 * 60,
    },
    # Last month's trend summary to executives, from the first working day of the month.
    "send-monthly-summaries": {
        "task": "incidents.tasks.send_monthly_summaries",
        "schedule": crontab(hour=7, minute=0),
    },
    # Closed concerns whose retention period ended are listed for an HR manager to approve.
    "list-due-disposals": {
        "task": "records.tasks.list_due_disposals",
        "schedule": crontab(hour=6, minute=30),
    },
    # Dashboard rollups: recount the months that changed, every minute, and everything nightly.
    "refresh-report-rollups": {
        "task": "incidents.tasks.refresh_report_rollups",
        "schedule": 60,
        "options": {"expire_seconds": 55},
    },
    "rebuild-report-rollups": {
        "task": "incidents.tasks.rebuild_report_rollups",
        "schedule": crontab(hour=2, minute=15),
    },
    # Section suggestions learn from the sections HR confirmed (incidents.intake.learning).
    "train-suggestion-models": {
        "task": "incidents.tasks.train_suggestion_models",
        "schedule": crontab(hour=3, minute=10),
    },
    # Spreadsheets uploaded for import but never confirmed expire; their files are deleted.
    "expire-unconfirmed-imports": {
        "task": "imports.tasks.expire_unconfirmed_imports",
        "schedule": crontab(hour=6, minute=45),
    },
    # Exports, imports and approved disposals whose task was never queued (the broker was
    # down at commit) or whose worker died are queued again; each claims its row first.
    "requeue-stalled-jobs": {
        "task": "operations.tasks.requeue_stalled_jobs",
        "schedule": 60 * 5,
        "options": {"expire_seconds": 280},
    },
    # Case files (PDF) are deleted CASE_FILE_KEEP_HOURS after they were built.
    "expire-case-files": {
        "task": "incidents.casefile.tasks.expire_case_files",
        "schedule": 60 * 15,
        "options": {"expire_seconds": 600},
    },
    # Evidence kept for an unfinished form is deleted after a day.
    "purge-staged-uploads": {
        "task": "incidents.tasks.purge_staged_uploads",
        "schedule": 60 * 60 * 24,
    },
}

# --- UI -------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Every script and style comes from the project's own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    # One line per finished task is noise; failures are still logged as errors. WeasyPrint
    # logs each step of every PDF (letters) at INFO.
    "loggers": {
        "celery.app.trace": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# --- REST API (api/) -----------------------------------------------------------------
# Browsers use their signed-in session (second factor included); programs use personal
# API tokens (api.models.ApiToken). Every request is throttled per token or per person.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.ApiTokenAuthentication",
        "api.auth.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.auth.TokenScopePermission",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.ApiRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests a minute for each token (or each signed-in person, or each address when
# anonymous); more are refused with 429 until the minute has passed.
API_REQUESTS_PER_MINUTE = env.int("API_REQUESTS_PER_MINUTE", 120, minimum=1)
# The longest life a new API token may be given.
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", 365, minimum=1)
SPECTACULAR_SETTINGS = {
    "TITLE": "Social Media Conduct Tracker API",
    "DESCRIPTION": (
        "Concerns, workflow actions, notes, evidence, reference data and aggregate reports. "
        "Every rule of the web application applies: a concern you may not see answers 404."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ConcernStatusEnum": "incidents.models.Status",
        "TokenStateEnum": "api.models.STATES",
        # Yes / no / not sure: post_deleted, and the intake page's q_* questions.
        "PostDeletedEnum": "incidents.models.YesNoUnsure",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}

# --- Reporting ----------------------------------------------------------------
# Counts below this are shown as "<N" on dashboards and exports.
REPORT_SMALL_CELL_THRESHOLD = env.int("REPORT_SMALL_CELL_THRESHOLD", 5, minimum=1)
# Dashboard figures are cached this many seconds (0 switches the cache off).
REPORT_CACHE_SECONDS = env.int("REPORT_CACHE_SECONDS", 300, minimum=0)
# The dashboard reads the pre-counted rollups only if a refresh has run within this many
# seconds (the beat job refreshes them every minute); otherwise it counts directly.
REPORT_ROLLUP_MAX_AGE = env.int("REPORT_ROLLUP_MAX_AGE", 900, minimum=60)

# --- Imports ----------------------------------------------------------------
# A spreadsheet uploaded for import and not confirmed within this many days expires and
# its file is deleted (a finished or failed import's file is deleted at once).
IMPORT_UNCONFIRMED_DAYS = env.int("IMPORT_UNCONFIRMED_DAYS", 7, minimum=1)

# --- Case files -------------------------------------------------------------
# A case file (PDF) is offered for download this many hours after it was built; then its
# file is deleted (incidents/casefile, beat job expire-case-files).
CASE_FILE_KEEP_HOURS = env.int("CASE_FILE_KEEP_HOURS", 24, minimum=1)

# --- Evidence ---------------------------------------------------------------
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# Largest image accepted, in pixels (width times height), checked before decoding.
EVIDENCE_MAX_PIXELS = env.int("EVIDENCE_MAX_PIXELS", 40_000_000, minimum=1_000_000)
# A PDF preview is rendered in a process of its own, stopped after this many seconds or
# at this much memory (incidents/evidence/pdf_worker.py).
PREVIEW_RENDER_SECONDS = env.int("PREVIEW_RENDER_SECONDS", 15, minimum=1)
PREVIEW_RENDER_MEMORY_MB = env.int("PREVIEW_RENDER_MEMORY_MB", 1024, minimum=256)
# Requests larger than this are refused before the view runs; leave room for the form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
