"""Settings for the Siming portal, read from environment variables (see README: Configuration)."""

import os
from datetime import date, timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.getenv(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def envrequired(name: str, why: str) -> str:
    value = os.getenv(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set {why}")
    return value


def envurl(name: str, why: str) -> str:
    value = envrequired(name, why)
    if not value.startswith(("http://", "https://")) or len(value) < len("http://x"):
        raise ImproperlyConfigured(f"{name} must be an http:// or https:// URL, not {value!r}")
    return value.rstrip("/")


def envdate(name: str, default: str) -> date:
    value = os.getenv(name, default)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a date (YYYY-MM-DD), not {value!r}") from None


DEBUG = envbool("DEBUG", "false")

_INSECURE_KEY = "django-insecure-siming-development-only"
SECRET_KEY = os.getenv("SECRET_KEY", _INSECURE_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random string of at least 32 characters when DEBUG is off."
    )
# Keyed hash for ID numbers: a database dump alone cannot be brute-forced back to numbers. It has
# its own key because the stored hashes find duplicate ID numbers only while the key never changes,
# and the SECRET_KEY may be rotated. Only DEBUG (development, the demo) falls back to the SECRET_KEY.
ID_NUMBER_HMAC_KEY = os.getenv("ID_NUMBER_HMAC_KEY", SECRET_KEY if DEBUG else "")
if not DEBUG and (len(ID_NUMBER_HMAC_KEY) < 32 or ID_NUMBER_HMAC_KEY == SECRET_KEY):
    raise ImproperlyConfigured(
        "ID_NUMBER_HMAC_KEY must be set, when DEBUG is off, to a random string of at least 32 characters "
        "other than the SECRET_KEY. ID numbers are stored hashed under it: set it once and never change it."
    )

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "simple_history",
    "portal",
    "grids",
    "brands",
    "volunteers",
    "wishes",
    "fengling",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers (runserver threads, eager tasks) wait instead of failing at once: the timeout
    # alone does not help a transaction that read before writing (SQLite refuses its lock upgrade at
    # once, "database is locked"), so every transaction starts as a writer (BEGIN IMMEDIATE).
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.auth.UsernameOrMobileBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Repeated failed logins lock the username+IP pair, and the IP alone, for a while.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = envint("PROXY_COUNT", "0")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.getenv("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# The earliest day an activity record or a base's opening may be about (portal.validators): the
# paper ledgers a branch would copy in are this century's; 1900-01-01 or 0202 is a typing error.
EARLIEST_RECORD_DATE = envdate("EARLIEST_RECORD_DATE", "2000-01-01")

# Volunteer star levels (1–5 stars): the confirmed hours each star needs, in order.
VOLUNTEER_STAR_HOURS = [int(h) for h in envlist("VOLUNTEER_STAR_HOURS", "100,300,600,1000,1500")]
if sorted(set(VOLUNTEER_STAR_HOURS)) != VOLUNTEER_STAR_HOURS or len(VOLUNTEER_STAR_HOURS) != 5:
    raise ImproperlyConfigured(
        "VOLUNTEER_STAR_HOURS: five increasing numbers of hours, e.g. 100,300,600,1000,1500"
    )

# Partner webhooks: private (intranet) addresses are refused unless allowed, as government
# intranets need; loopback only ever for the test suite's own receiver.
WEBHOOK_ALLOW_PRIVATE_NETWORKS = envbool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "false")
WEBHOOK_ALLOW_LOOPBACK = False

# Micro-wishes: the most a wish's estimated value may be (yuan), how long a claim has to be
# fulfilled, and the limits that keep one person from holding the wall.
WISH_VALUE_CAP = envint("WISH_VALUE_CAP", "500")
WISH_CLAIM_DAYS = envint("WISH_CLAIM_DAYS", "14")
WISH_MAX_OPEN_PER_MOBILE = envint("WISH_MAX_OPEN_PER_MOBILE", "3")
WISH_MAX_OPEN_CLAIMS = envint("WISH_MAX_OPEN_CLAIMS", "3")
# Residents' side, per IP (a cache counter, "<n>/<second|minute|hour|day>"): wishes submitted, and
# tracking-code lookups (so that codes cannot be enumerated); and how many volunteers one
# published wish tells (its community's first, then its district's of the matching specialty).
WISH_SUBMIT_RATE = os.getenv("WISH_SUBMIT_RATE", "10/hour")
WISH_LOOKUP_RATE = os.getenv("WISH_LOOKUP_RATE", "30/hour")
WISH_PUBLISH_NOTIFY_MAX = envint("WISH_PUBLISH_NOTIFY_MAX", "500")
# An organization (党组织 or 爱心单位) claims wishes in batches: its own, larger limit.
WISH_MAX_OPEN_CLAIMS_ORGANIZATION = envint("WISH_MAX_OPEN_CLAIMS_ORGANIZATION", "50")

MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded media: the file system by default (one machine, or a volume every replica mounts), or an
# S3-compatible object store (MinIO on an intranet) so that web and worker replicas on several machines
# share it. Code touches files only through the storage API (FieldFile.open/save, storage.delete).
MEDIA_STORAGE = envchoice("MEDIA_STORAGE", "filesystem", ("filesystem", "s3"))


def s3_media_storage() -> dict:
    why = "when MEDIA_STORAGE=s3"
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "endpoint_url": envurl("AWS_S3_ENDPOINT_URL", why),
            "bucket_name": envrequired("AWS_STORAGE_BUCKET_NAME", why),
            "access_key": envrequired("AWS_ACCESS_KEY_ID", why),
            "secret_key": envrequired("AWS_SECRET_ACCESS_KEY", why),
            "region_name": os.getenv("AWS_S3_REGION_NAME", "us-east-1"),
            # MinIO serves buckets under the endpoint's path, not as subdomains.
            "addressing_style": envchoice("AWS_S3_ADDRESSING_STYLE", "path", ("path", "virtual", "auto")),
            "signature_version": "s3v4",
            # Objects stay private: pages link to them with signed URLs that expire (import files hold
            # full ID numbers and must never be public).
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": envint("AWS_QUERYSTRING_EXPIRE", "3600"),
            # Names are generated (uuid), but never let an upload silently replace another object.
            "file_overwrite": False,
            "location": os.getenv("AWS_LOCATION", "").strip("/"),
        },
    }


# Files no row names are swept weekly once older than this (portal/media.py); younger ones may be
# uploads whose transaction has not committed yet.
MEDIA_ORPHAN_GRACE_HOURS = envint("MEDIA_ORPHAN_GRACE_HOURS", "24")
STORAGES = {
    "default": (
        s3_media_storage()
        if MEDIA_STORAGE == "s3"
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Security: sensible in production; DEBUG (local demo) runs over plain HTTP.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false" if DEBUG else "true")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "false" if DEBUG else "true")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if envbool("BEHIND_TLS_PROXY", "false"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(8 * 3600))

# Celery: without a broker, tasks run in-process so the embedded default needs no Redis.
REDIS_URL = os.getenv("REDIS_URL", "")
CELERY_BROKER_URL = os.getenv("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "purge-idempotency-records": {"task": "portal.tasks.purge_idempotency_records", "schedule": 3600.0},
    # Every minute: a job queued while the broker was down starts within two minutes of its return, and a
    # job whose worker was killed is taken over within about two minutes (lease + one sweep).
    "sweep-jobs": {"task": "portal.tasks.sweep_jobs", "schedule": 60.0},
    # Every minute: webhook retries that are due, and deliveries whose first send was lost.
    "send-due-webhooks": {"task": "portal.tasks.send_due_webhooks", "schedule": 60.0},
    "purge-expired-exports": {"task": "grids.tasks.purge_expired_exports", "schedule": 3600.0},
    "purge-expired-hours-exports": {"task": "volunteers.tasks.purge_expired_exports", "schedule": 3600.0},
    # Hourly: claims past their deadline go back to the wall (wishes.services.claims.claims_expire).
    "expire-wish-claims": {"task": "wishes.tasks.expire_claims", "schedule": 3600.0},
    "sweep-orphaned-media": {
        "task": "portal.tasks.sweep_orphaned_media",
        "schedule": crontab(day_of_week="sun", hour=3, minute=30),  # weekly, at night
    },
    # Dashboards (portal.stats): what changed, every few minutes; everything, nightly.
    "stats-incremental": {"task": "portal.stats.tasks.aggregate_incremental", "schedule": 300.0},
    "stats-full": {"task": "portal.stats.tasks.aggregate_full", "schedule": crontab(hour=2, minute=10)},
    # 锋领指数: members' monthly totals and yearly ratings, recomputed for the recent months.
    "fengling-totals": {"task": "fengling.tasks.compute_totals", "schedule": 900.0},
    "purge-expired-fengling-exports": {"task": "fengling.tasks.purge_expired_exports", "schedule": 3600.0},
}
CELERY_IMPORTS = ["portal.stats.tasks"]

CACHES = {
    "default": (
        {
            # A cache error is logged and the page computes without it: Redis down never fails a page.
            "BACKEND": "portal.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            # Fail fast: an unreachable Redis must not hold every request for the OS's TCP timeout.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.auth.PartnerKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["portal.api.permissions.HasApiScope"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "portal.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.Cursor",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["portal.api.throttling.PrincipalRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"principal": os.getenv("API_THROTTLE_RATE", "600/min")},
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Siming portal API (四明党建品牌门户)",
    "DESCRIPTION": "Reference data, statistics, micro-wishes and service records for partner systems.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI would otherwise send our schema to an outside validator.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "persistAuthorization": True},
    # Several models have a "kind": name each choice set, or the schema gets hashed enum names.
    # The "id" path converter (portal.ids): a positive bigint.
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1}
    },
    "ENUM_NAME_OVERRIDES": {
        "OrgKindEnum": "grids.models.OrgKind",
        "ActivityKindEnum": "brands.models.ActivityKind",
        "WishCategoryEnum": "wishes.models.WishCategory",
        "WishStatusEnum": "wishes.models.WishStatus",
        "WishEventKindEnum": "wishes.models.WishEventKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "portal.logs.RefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default logging gives "django" a console handler of its own (when DEBUG): with
        # ours on the root, every "Forbidden…" line was printed twice. The root's handler is the one.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # On the logger as well as the handler, so that every handler (and pytest's caplog) sees it.
        "django.request": {"filters": ["refusals"]},
        "axes": {"level": "WARNING"},
    },
}

# Member imports above this many rows run as a background task with a progress bar.
IMPORT_SYNC_MAX_ROWS = envint("IMPORT_SYNC_MAX_ROWS", "200")
# Member exports above this many rows are written by a background job with a progress page (openpyxl
# writes ~5,000 rows a second: the request stays under a couple of seconds).
EXPORT_SYNC_MAX_ROWS = envint("EXPORT_SYNC_MAX_ROWS", "10000")
# A finished background export can be downloaded (by the user who asked) for this long, then it is deleted.
EXPORT_KEEP_HOURS = envint("EXPORT_KEEP_HOURS", "24")

# Background jobs (portal.jobs): a worker renews its lease every heartbeat; a job whose lease lapsed
# (worker killed) is taken over; one queued this long without starting is sent again; after this many
# takes it is given up with a message.
JOB_LEASE_SECONDS = envint("JOB_LEASE_SECONDS", "60")
JOB_HEARTBEAT_SECONDS = envint("JOB_HEARTBEAT_SECONDS", "15")
JOB_QUEUED_GRACE_SECONDS = envint("JOB_QUEUED_GRACE_SECONDS", "60")
JOB_MAX_ATTEMPTS = envint("JOB_MAX_ATTEMPTS", "3")

# Notifications (portal/notifications.py). E-mail goes through Django's backend: the console in
# DEBUG, SMTP otherwise; SMS through SMS_BACKEND, a class with send_messages(messages) -> int.
EMAIL_BACKEND = os.getenv(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "false")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive: set one of them.")
# An SMTP server that does not answer must not hold a worker for minutes.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "10")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's address (https://dangjian.example.gov.cn), put before a message's link in e-mails
# and SMS; empty: the copies carry the bare path.
SITE_URL = os.getenv("SITE_URL", "")
SMS_BACKEND = os.getenv("SMS_BACKEND", "portal.notifications.ConsoleSmsBackend")

# Dashboards (portal.stats): the snapshot windows, and the red/yellow/green thresholds for party
# branches (documented in portal/stats/health.py and shown on the dashboard).
STATS_DAY_WINDOW = envint("STATS_DAY_WINDOW", "35")  # daily snapshots kept fresh, in days
STATS_MONTH_WINDOW = envint("STATS_MONTH_WINDOW", "13")  # monthly snapshots a full run recomputes
STATS_CHANGE_MARGIN_SECONDS = envint("STATS_CHANGE_MARGIN_SECONDS", "120")
STATS_RYG_QUIET_DAYS = envint("STATS_RYG_QUIET_DAYS", "60")  # red: no activity record for this long
STATS_RYG_GREEN_ATTENDANCE = envint("STATS_RYG_GREEN_ATTENDANCE", "80")  # green: attendance ≥ this %
STATS_RYG_RED_ATTENDANCE = envint("STATS_RYG_RED_ATTENDANCE", "60")  # red: attendance below this %
STATS_RYG_WISH_WAIT_DAYS = envint("STATS_RYG_WISH_WAIT_DAYS", "7")  # yellow: a wish unclaimed longer
# 锋领指数 (fengling/): every member starts the year with the base points; the year's score (base plus
# the year's events) rates them 优秀 ≥ EXCELLENT, 合格 ≥ QUALIFIED, 基本合格 ≥ BASIC, else 不合格.
FENGLING_BASE_POINTS = envint("FENGLING_BASE_POINTS", "80")
FENGLING_EXCELLENT = envint("FENGLING_EXCELLENT", "95")
FENGLING_QUALIFIED = envint("FENGLING_QUALIFIED", "75")
FENGLING_BASIC = envint("FENGLING_BASIC", "60")
FENGLING_RECENT_MONTHS = envint("FENGLING_RECENT_MONTHS", "2")  # months each scheduled run recomputes
FENGLING_BLACK_DAYS = envint("FENGLING_BLACK_DAYS", "30")  # a black-list entry's default deadline
