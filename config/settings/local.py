"""Local / embedded mode: DEBUG on, SQLite and eager Celery unless the environment says otherwise."""
from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
