"""Role personas (cookiecutter-django habit) and the markers' skip rules.

World: one department with team A (lead ``lead``, collectors ``collector`` and ``collector_b``)
and team B (lead ``other_lead``, collector ``other_collector``); a supervisor of the department;
a supervisor of another department; director, HR recruiter, legal officer, administrator and an
integration client linked to ``creditor``.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from teams.choices import Role

from .factories import CreditorFactory, DepartmentFactory, TeamFactory, UserFactory, make_collector

SHARED_DATA = Path(settings.BASE_DIR).parent / "shared" / "data"


def pytest_collection_modifyitems(config, items):
    is_pg = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    has_redis = bool(settings.REDIS_URL)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    for item in items:
        if "postgres" in item.keywords and not is_pg:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (CI's second run does)"))
        if "redis" in item.keywords and not has_redis:
            item.add_marker(pytest.mark.skip(reason="needs Redis and a Celery worker: set REDIS_URL (CI's second run does)"))
        if "browser" in item.keywords and not chromium:
            item.add_marker(pytest.mark.skip(reason="no Chromium installed (apt-get install chromium; .ci/run does)"))
        if "shared_data" in item.keywords and not SHARED_DATA.is_dir():
            item.add_marker(pytest.mark.skip(reason=f"real data set not found at {SHARED_DATA} (../shared is absent in a fresh clone)"))


@pytest.fixture(autouse=True)
def _celery_eager_unless_real_worker(request):
    """Tasks run in-process (eager) in every test but those marked ``redis``, which start a real
    worker: with REDIS_URL set the app would otherwise queue to Redis and wait for a worker that
    only those tests start."""
    from config.celery_app import app

    if "redis" in request.keywords:
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _configuration_defaults(request):
    """Transactional tests (live server, threads, a real worker) run on a database that an earlier
    transactional test flushed, which removes migration-installed rows: put the default buckets,
    tier rules and result codes back (idempotent)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    if transactional or "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        from collections_app.defaults import configuration_defaults_install
        from recruitment.defaults import email_templates_install

        request.getfixturevalue("transactional_db")
        configuration_defaults_install()
        email_templates_install()


@pytest.fixture
def shared_data() -> Path:
    return SHARED_DATA


@pytest.fixture
def department(db):
    return DepartmentFactory(code="dept-main", name="信用卡催收部")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(code="dept-other", name="其他部门")


@pytest.fixture
def team(department):
    return TeamFactory(department=department, code="team-a", name="A组", buckets=["M1", "M2"])


@pytest.fixture
def other_team(department):
    return TeamFactory(department=department, code="team-b", name="B组", buckets=["M3", "M4", "M5", "M6", "M7+"])


@pytest.fixture
def lead(team):
    user = UserFactory(username="lead", role=Role.TEAM_LEAD, department=team.department)
    team.lead = user
    team.save(update_fields=["lead"])
    return user


@pytest.fixture
def other_lead(other_team):
    user = UserFactory(username="other_lead", role=Role.TEAM_LEAD, department=other_team.department)
    other_team.lead = user
    other_team.save(update_fields=["lead"])
    return user


@pytest.fixture
def collector(team):
    return make_collector(team, username="collector")


@pytest.fixture
def collector_b(team):
    return make_collector(team, username="collector_b")


@pytest.fixture
def other_collector(other_team):
    return make_collector(other_team, username="other_collector")


@pytest.fixture
def supervisor(department):
    return UserFactory(username="supervisor", role=Role.SUPERVISOR, department=department)


@pytest.fixture
def other_supervisor(other_department):
    return UserFactory(username="other_supervisor", role=Role.SUPERVISOR, department=other_department)


@pytest.fixture
def director(db):
    return UserFactory(username="director", role=Role.DIRECTOR)


@pytest.fixture
def hr(db):
    return UserFactory(username="hr", role=Role.HR_RECRUITER)


@pytest.fixture
def legal(db):
    return UserFactory(username="legal", role=Role.LEGAL_OFFICER)


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin", role=Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def creditor(db):
    return CreditorFactory(code="zhongyin-cf", name="中银消费金融")


@pytest.fixture
def integration(creditor):
    user = UserFactory(username="integration", role=Role.INTEGRATION_CLIENT)
    creditor.integration_clients.add(user)
    return user


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as():
    """``api_as(user)`` → an APIClient authenticated as ``user`` (session-less force auth)."""

    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def token_for():
    """``token_for(user)`` → a real integration key (knox, stored hashed) for ``user``."""
    from knox.models import AuthToken

    def make(user) -> str:
        _instance, token = AuthToken.objects.create(user=user, expiry=None)
        return token

    return make


@pytest.fixture(autouse=True)
def _private_storage(tmp_path, settings):
    settings.PRIVATE_STORAGE_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    os.makedirs(settings.PRIVATE_STORAGE_ROOT, exist_ok=True)
