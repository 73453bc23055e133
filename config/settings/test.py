"""Test settings: fast hashing, in-memory e-mail; database and Redis from the environment."""
from .base import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEBUG = False
PLACEMENT_RUN_IN_THREAD = False  # tests run imports synchronously (eager Celery) or with a real worker
