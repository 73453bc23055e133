"""Local / embedded mode: DEBUG on, SQLite and eager Celery unless the environment says otherwise."""
from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# `make run` serves with DJANGO_DEBUG=false (real 403/404 pages, as users see them); WhiteNoise then
# serves the static files straight from the finders, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
