"""A new employee's account, membership and collector profile (``teams.services.employee_onboard``)
and the reads of the hire-done and hire-confirm pages (``teams.selectors``), issue 3 §7."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from common.models import AuditEvent
from teams.choices import ExperienceLevel, Role, TrainingKind, TrainingSessionStatus
from teams.models import CollectorProfile, Membership, TrainingSession, User
from teams.selectors import employee_onboarding_summary, onboarding_session_next
from teams.services import employee_onboard, training_enrol_onboarding
from teams.services.accounts import JUNIOR_CAPACITY, JUNIOR_DAILY_NEW_CASE_CAP
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

START = dt.date(2030, 3, 4)


def onboard(hr, team, **overrides) -> User:
    kwargs = dict(actor=hr, username="chenchen", name="陈晨", email="chen@example.com", role=Role.COLLECTOR, team=team, start_on=START)
    kwargs.update(overrides)
    return employee_onboard(**kwargs)


def test_onboarding_a_collector_creates_user_membership_and_junior_profile(hr, team):
    user = onboard(hr, team)
    user.refresh_from_db()
    assert (user.username, user.name, user.email, user.role, user.department, user.is_active) == (
        "chenchen", "陈晨", "chen@example.com", Role.COLLECTOR, team.department, True,
    )
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.team, membership.started_on, membership.ended_on) == (team, START, None)
    profile = CollectorProfile.objects.get(user=user)
    assert (profile.experience_level, profile.in_onboarding, profile.capacity, profile.daily_new_case_cap, profile.skills) == (
        ExperienceLevel.JUNIOR, True, JUNIOR_CAPACITY, JUNIOR_DAILY_NEW_CASE_CAP, ["phone"],
    )
    event = AuditEvent.objects.get(verb="employee_onboarded", target_id=str(user.pk))
    assert event.actor == hr and event.data["team"] == team.code and event.data["collector_profile"]["in_onboarding"] is True


def test_onboarding_a_team_lead_creates_no_collector_profile(hr, team):
    user = onboard(hr, team, username="newlead", role=Role.TEAM_LEAD)
    assert Membership.objects.filter(user=user, team=team).exists()
    assert not CollectorProfile.objects.filter(user=user).exists()


def test_profile_settings_can_be_given(hr, team):
    user = onboard(hr, team, experience_level=ExperienceLevel.INTERMEDIATE, in_onboarding=False, capacity=120, daily_new_case_cap=30)
    profile = CollectorProfile.objects.get(user=user)
    assert (profile.experience_level, profile.in_onboarding, profile.capacity, profile.daily_new_case_cap) == (
        ExperienceLevel.INTERMEDIATE, False, 120, 30,
    )


@pytest.mark.parametrize("username", ["Taken", "has space", ""])
def test_a_taken_or_invalid_username_is_refused_and_nothing_is_saved(hr, team, username):
    UserFactory(username="taken")
    users_before = User.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        onboard(hr, team, username=username)
    assert set(excinfo.value.message_dict) == {"username"}
    assert User.objects.count() == users_before


def test_an_inactive_team_or_a_machine_role_is_refused(hr, team):
    with pytest.raises(ValidationError) as excinfo:
        onboard(hr, team, role=Role.INTEGRATION_CLIENT)
    assert "role" in excinfo.value.message_dict
    team.is_active = False
    team.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as excinfo:
        onboard(hr, team)
    assert "team" in excinfo.value.message_dict
    assert not User.objects.filter(username="chenchen").exists()


def test_onboarding_summary_reads_membership_profile_and_training(hr, team):
    user = onboard(hr, team)
    attendance = training_enrol_onboarding(actor=hr, user=user, team=team, start_on=START)
    summary = employee_onboarding_summary(user=hr, employee=user)
    assert summary["membership"].team == team
    assert summary["profile"].in_onboarding is True
    assert summary["attendances"] == [attendance]


def test_onboarding_summary_is_out_of_scope_for_a_collector(hr, team, collector):
    user = onboard(hr, team)
    with pytest.raises(User.DoesNotExist):
        employee_onboarding_summary(user=collector, employee=user)


def test_next_onboarding_session_is_the_first_planned_one_from_the_start_date(hr, team):
    tz = timezone.get_default_timezone()

    def session(day: dt.date, status=TrainingSessionStatus.PLANNED, kind=TrainingKind.ONBOARDING) -> TrainingSession:
        starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9)), tz)
        return TrainingSession.objects.create(
            kind=kind, title="入职培训", team=team, starts_at=starts, ends_at=starts + dt.timedelta(hours=8), status=status,
        )

    session(START - dt.timedelta(days=1))
    session(START, status=TrainingSessionStatus.CANCELLED)
    session(START, kind=TrainingKind.SKILLS)
    wanted = session(START + dt.timedelta(days=2))
    session(START + dt.timedelta(days=9))
    assert onboarding_session_next(user=hr, team=team, start_on=START) == wanted
    assert onboarding_session_next(user=hr, team=team, start_on=START + dt.timedelta(days=10)) is None
