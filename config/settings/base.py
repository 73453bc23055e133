"""Settings shared by every run mode. The environment is read here, once.

Embedded default: no ``DATABASE_URL`` → SQLite under ``var/``; no ``REDIS_URL`` →
Celery runs eagerly and the cache is local memory. See ``docs/run-modes.md``.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_celery_beat",
    "common",
    "teams",
    "collections_app",
    "recruitment",
    "reporting",
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
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.i18n",
                "common.context_processors.navigation",
            ],
        },
    }
]

# --- Database: SQLite file by default, DATABASE_URL (PostgreSQL) in production.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    # WAL: pages keep reading (e.g. an import's progress) while a background import writes.
    DATABASES["default"]["OPTIONS"].setdefault("init_command", "PRAGMA journal_mode=WAL;")
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

AUTH_USER_MODEL = "teams.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- i18n: Simplified Chinese first, English complete. Asia/Shanghai.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]  # each name in its own language
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: Bootstrap and htmx come from PyPI packages at install time.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
_bootstrap_spec = importlib.util.find_spec("bootstrap")
STATICFILES_DIRS = [BASE_DIR / "static"]
if _bootstrap_spec and _bootstrap_spec.submodule_search_locations:
    STATICFILES_DIRS.append(("vendor/bootstrap", list(_bootstrap_spec.submodule_search_locations)[0]))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Placement files are private: never served under MEDIA_URL.
PRIVATE_STORAGE_ROOT = env.path("DJANGO_PRIVATE_STORAGE_ROOT", default=str(VAR_DIR / "private"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

# --- Cache and Celery: Redis when REDIS_URL is set, else local memory + eager tasks.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
# Embedded mode has no worker: a placement import runs in a thread of the web process so the upload
# page shows live progress (collections_app.services.placements).
PLACEMENT_RUN_IN_THREAD = env.bool("PLACEMENT_RUN_IN_THREAD", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Crontabs are Beijing time (CELERY_TIMEZONE): 00:05 local runs at 16:05Z the day before.
CELERY_BEAT_SCHEDULE = {
    "promise-mark-due-broken": {
        "task": "collections_app.tasks.promise_mark_overdue_broken_task",
        "schedule": crontab(hour=0, minute=5),
    },
    "allocation-run-nightly": {
        "task": "collections_app.tasks.allocation_run_task",
        "schedule": crontab(hour=7, minute=0),
    },
    "interview-reminders": {
        "task": "recruitment.tasks.interview_reminders_send_task",
        "schedule": crontab(minute=0),
    },
    "offers-expire": {
        "task": "recruitment.tasks.offers_expire_task",
        "schedule": crontab(hour=0, minute=15),
    },
    "candidates-anonymise-rejected": {
        "task": "recruitment.tasks.candidates_anonymise_rejected_task",
        "schedule": crontab(hour=2, minute=30),
    },
}

# --- Recruitment (issue 3): days a rejected candidate's data is kept before anonymisation (PIPL art. 19, 47)
RECRUITMENT_RETENTION_DAYS = env.int("RECRUITMENT_RETENTION_DAYS", default=180)
# Shown to candidates on the careers page and in e-mails.
COMPANY_NAME = env("COMPANY_NAME", default="示例消费金融有限公司")
# Scheme and host of this site, for links in e-mails sent outside a request (e.g. a new hire's first-login link).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Where candidates exercise their PIPL rights (access, correction, deletion); shown in the careers notice.
RECRUITMENT_PRIVACY_CONTACT = env("RECRUITMENT_PRIVACY_CONTACT", default="hr-privacy@example.com")

# --- REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "common.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
REST_KNOX = {
    "TOKEN_TTL": None,  # integration keys do not expire; administrators revoke them
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Collections operations API",
    "DESCRIPTION": "Collections: placements, cases, allocation, contact attempts, promises and payments. "
    "Recruitment: job postings (public read), applications (job boards post them with an integration key), "
    "interviews with scorecards, offers. "
    "Decimals are strings in CNY; dates are ISO 8601 local (Asia/Shanghai) dates.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema and the docs describe the whole API: signed-in users and API keys only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # One enum component per choice set (fields named "status" etc. would otherwise collide).
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "collections_app.choices.CaseStatus",
        "PromiseStatusEnum": "collections_app.choices.PromiseStatus",
        "PlacementStatusEnum": "collections_app.choices.PlacementStatus",
        "ProductTypeEnum": "collections_app.choices.ProductType",
        "HiringRoleEnum": "recruitment.choices.HiringRole",
        "PostingStatusEnum": "recruitment.choices.PostingStatus",
        "ApplicationStatusEnum": "recruitment.choices.ApplicationStatus",
        "ApplicationSourceEnum": "recruitment.choices.ApplicationSource",
        "RefuseReasonEnum": "recruitment.choices.RefuseReason",
        "InterviewStatusEnum": "recruitment.choices.InterviewStatus",
        "OfferStatusEnum": "recruitment.choices.OfferStatus",
        "ProposalPartyEnum": "recruitment.choices.ProposalParty",
        "ContactPartyEnum": "collections_app.choices.ContactParty",  # "party" is also an offer proposal's field
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="collections@localhost")
