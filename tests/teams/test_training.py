"""Training services: sessions, enrolment, attendance/results and the end of onboarding (issue 3 §7–8)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from common.errors import RuleViolation
from common.models import AuditEvent
from teams.choices import Attendance, Role, TrainingKind, TrainingResult, TrainingSessionStatus
from teams.models import CollectorProfile, TrainingSession
from teams.services import (
    first_login_path, training_attendance_record, training_enrol, training_enrol_onboarding, training_session_create,
)
from tests.factories import UserFactory, make_collector

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)), TZ)


DAY = dt.date(2030, 3, 4)


@pytest.fixture
def new_hire(team):
    user = make_collector(team, username="new_hire", level="junior", in_onboarding=True)
    return user


@pytest.fixture
def session(hr, team, lead):
    return training_session_create(
        actor=hr, kind=TrainingKind.SKILLS, title="话术进阶", starts_at=at(DAY, 14), ends_at=at(DAY, 17), team=team, trainer=lead,
    )


def test_training_session_create_plans_and_audits(hr, team, lead):
    session = training_session_create(
        actor=hr, kind=TrainingKind.COMPLIANCE, title="合规培训", starts_at=at(DAY, 9), ends_at=at(DAY, 12), team=team,
        trainer=lead, location="3楼会议室",
    )
    assert session.status == TrainingSessionStatus.PLANNED
    assert session.created_by == hr
    assert AuditEvent.objects.filter(verb="training_session_created", target_id=str(session.pk), actor=hr).exists()


def test_training_session_create_refuses_end_before_start(hr):
    with pytest.raises(ValidationError) as info:
        training_session_create(actor=hr, kind=TrainingKind.SKILLS, title="x", starts_at=at(DAY, 12), ends_at=at(DAY, 9))
    assert "ends_at" in info.value.message_dict
    assert not TrainingSession.objects.exists()


def test_training_enrol_is_idempotent(hr, session, collector, collector_b):
    first = training_enrol(actor=hr, session=session, users=[collector, collector_b])
    again = training_enrol(actor=hr, session=session, users=[collector])
    assert again[0].pk == first[0].pk
    assert session.attendances.count() == 2
    assert AuditEvent.objects.filter(verb="training_enrolled").count() == 2


@pytest.mark.parametrize("status", [TrainingSessionStatus.CANCELLED, TrainingSessionStatus.HELD])
def test_training_enrol_refuses_session_not_planned(hr, session, collector, status):
    TrainingSession.objects.filter(pk=session.pk).update(status=status)
    with pytest.raises(RuleViolation) as info:
        training_enrol(actor=hr, session=session, users=[collector])
    assert info.value.rule == "training_not_planned"
    assert not session.attendances.exists()


def test_training_enrol_onboarding_plans_a_session_when_none(team, lead, new_hire):
    row = training_enrol_onboarding(actor=None, user=new_hire, team=team, start_on=DAY)
    session = row.session
    assert session.kind == TrainingKind.ONBOARDING and session.team == team and session.trainer == lead
    assert timezone.localtime(session.starts_at).time() == dt.time(9) and timezone.localtime(session.ends_at).time() == dt.time(18)
    assert timezone.localdate(session.starts_at) == DAY
    assert row.user == new_hire and row.attendance == Attendance.ENROLLED


def test_training_enrol_onboarding_reuses_next_planned_session(hr, team, lead, new_hire, collector):
    later = training_session_create(actor=hr, kind=TrainingKind.ONBOARDING, title="入职 B", starts_at=at(DAY + dt.timedelta(days=7), 9), ends_at=at(DAY + dt.timedelta(days=7), 18), team=team)
    sooner = training_session_create(actor=hr, kind=TrainingKind.ONBOARDING, title="入职 A", starts_at=at(DAY + dt.timedelta(days=2), 9), ends_at=at(DAY + dt.timedelta(days=2), 18), team=team)
    training_session_create(actor=hr, kind=TrainingKind.ONBOARDING, title="已过", starts_at=at(DAY - dt.timedelta(days=2), 9), ends_at=at(DAY - dt.timedelta(days=2), 18), team=team)
    cancelled = training_session_create(actor=hr, kind=TrainingKind.ONBOARDING, title="取消", starts_at=at(DAY, 9), ends_at=at(DAY, 18), team=team)
    TrainingSession.objects.filter(pk=cancelled.pk).update(status=TrainingSessionStatus.CANCELLED)
    row = training_enrol_onboarding(actor=hr, user=new_hire, team=team, start_on=DAY)
    assert row.session == sooner
    again = training_enrol_onboarding(actor=hr, user=new_hire, team=team, start_on=DAY)
    assert again.pk == row.pk
    assert later.attendances.count() == 0


def test_training_enrol_onboarding_ignores_other_teams_sessions(hr, team, other_team, lead, new_hire):
    training_session_create(actor=hr, kind=TrainingKind.ONBOARDING, title="B组入职", starts_at=at(DAY, 9), ends_at=at(DAY, 18), team=other_team)
    row = training_enrol_onboarding(actor=hr, user=new_hire, team=team, start_on=DAY)
    assert row.session.team == team


def onboarding_row(team, user):
    return training_enrol_onboarding(actor=None, user=user, team=team, start_on=DAY)


def test_passing_onboarding_clears_in_onboarding_and_audits(hr, team, lead, new_hire):
    row = onboarding_row(team, new_hire)
    training_attendance_record(actor=hr, attendance=row, attendance_value=Attendance.PRESENT, result=TrainingResult.PASSED, score=88)
    assert CollectorProfile.objects.get(user=new_hire).in_onboarding is False
    event = AuditEvent.objects.get(verb="onboarding_completed")
    assert event.actor == hr and event.data["user_id"] == new_hire.pk
    row.refresh_from_db()
    assert row.result == TrainingResult.PASSED and row.score == 88 and row.result_recorded_at is not None


def test_failing_onboarding_keeps_in_onboarding(hr, team, lead, new_hire):
    row = onboarding_row(team, new_hire)
    training_attendance_record(actor=hr, attendance=row, attendance_value=Attendance.PRESENT, result=TrainingResult.FAILED, score=40)
    assert CollectorProfile.objects.get(user=new_hire).in_onboarding is True
    assert not AuditEvent.objects.filter(verb="onboarding_completed").exists()


def test_passing_skills_training_keeps_in_onboarding(hr, session, new_hire):
    (row,) = training_enrol(actor=hr, session=session, users=[new_hire])
    training_attendance_record(actor=hr, attendance=row, attendance_value=Attendance.PRESENT, result=TrainingResult.PASSED)
    assert CollectorProfile.objects.get(user=new_hire).in_onboarding is True


def test_trainer_may_record_results(team, lead, new_hire):
    row = onboarding_row(team, new_hire)  # trainer = team lead
    training_attendance_record(actor=lead, attendance=row, attendance_value=Attendance.PRESENT, result=TrainingResult.PASSED)
    assert CollectorProfile.objects.get(user=new_hire).in_onboarding is False


@pytest.mark.parametrize("persona", ["other_lead", "supervisor", "director", "collector"])
def test_attendance_record_refuses_anyone_but_hr_or_trainer(request, team, lead, new_hire, persona):
    actor = request.getfixturevalue(persona)
    row = onboarding_row(team, new_hire)
    with pytest.raises(RuleViolation) as info:
        training_attendance_record(actor=actor, attendance=row, result=TrainingResult.PASSED)
    assert info.value.rule == "training_recorder"
    row.refresh_from_db()
    assert row.result == TrainingResult.PENDING
    assert CollectorProfile.objects.get(user=new_hire).in_onboarding is True


def test_attendance_record_refuses_score_over_100(hr, session, collector):
    (row,) = training_enrol(actor=hr, session=session, users=[collector])
    with pytest.raises(ValidationError) as info:
        training_attendance_record(actor=hr, attendance=row, attendance_value=Attendance.PRESENT, score=101)
    assert "score" in info.value.message_dict
    row.refresh_from_db()
    assert row.score is None and row.attendance == Attendance.ENROLLED


def test_attendance_record_accepts_score_100(hr, session, collector):
    (row,) = training_enrol(actor=hr, session=session, users=[collector])
    row = training_attendance_record(actor=hr, attendance=row, attendance_value=Attendance.PRESENT, score=100, result=TrainingResult.PASSED)
    assert row.score == 100


def test_attendance_record_refuses_result_for_absent(hr, team, lead, new_hire):
    row = onboarding_row(team, new_hire)
    training_attendance_record(actor=hr, attendance=row, attendance_value=Attendance.ABSENT)
    with pytest.raises(ValidationError) as info:
        training_attendance_record(actor=hr, attendance=row, result=TrainingResult.PASSED)
    assert "result" in info.value.message_dict
    row.refresh_from_db()
    assert row.result == TrainingResult.PENDING
    assert CollectorProfile.objects.get(user=new_hire).in_onboarding is True


def test_attendance_record_refuses_absent_with_result_in_one_call(hr, session, collector):
    (row,) = training_enrol(actor=hr, session=session, users=[collector])
    with pytest.raises(ValidationError):
        training_attendance_record(actor=hr, attendance=row, attendance_value=Attendance.ABSENT, result=TrainingResult.FAILED)
    row.refresh_from_db()
    assert row.attendance == Attendance.ENROLLED


def test_attendance_record_is_audited_with_before_and_after(hr, session, collector):
    (row,) = training_enrol(actor=hr, session=session, users=[collector])
    training_attendance_record(actor=hr, attendance=row, attendance_value=Attendance.PRESENT, note="准时")
    event = AuditEvent.objects.get(verb="training_attendance_recorded")
    assert event.data["before"]["attendance"] == "enrolled" and event.data["after"]["attendance"] == "present"


def test_first_login_path_points_at_welcome(db):
    user = UserFactory(username="fresh", role=Role.COLLECTOR)
    path = first_login_path(user)
    assert path.startswith("/people/welcome/") and path.endswith("/")
    assert len(path.strip("/").split("/")) == 4


def test_enrolable_users_grouped_by_team_session_team_first(hr, team, other_team, lead, other_lead, collector, other_collector, director):
    from django.utils import translation

    from teams.selectors import training_enrolable_users

    session = training_session_create(actor=hr, kind=TrainingKind.SKILLS, title="B", starts_at=at(DAY, 9), ends_at=at(DAY, 10), team=other_team)
    training_enrol(actor=hr, session=session, users=[other_collector])
    with translation.override("en"):
        listed = training_enrolable_users(user=hr, session=session)
    groups = dict(listed)
    labels = [label for label, _members in listed]
    assert labels[0] == other_team.name and labels[-1] == "No team"
    assert [pk for pk, _l in groups[other_team.name]] == [other_lead.pk]           # enrolled one left out, lead with their team
    assert {pk for pk, _l in groups[team.name]} == {lead.pk, collector.pk}
    assert director.pk in {pk for pk, _l in groups["No team"]}


def test_a_result_needs_the_attendee_marked_present_first(db):
    """Passing an onboarding session nobody attended would end onboarding without training."""
    import datetime as dt

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from teams.choices import Role, TrainingKind, TrainingResult
    from teams.models import CollectorProfile
    from teams.services import training_attendance_record, training_enrol, training_session_create
    from tests.factories import UserFactory

    hr = UserFactory(username="hr-present", role=Role.HR_RECRUITER)
    hire = UserFactory(username="hire-present", role=Role.COLLECTOR)
    CollectorProfile.objects.create(user=hire, in_onboarding=True)
    start = timezone.now() + dt.timedelta(days=1)
    session = training_session_create(actor=hr, kind=TrainingKind.ONBOARDING, title="入职培训", starts_at=start, ends_at=start + dt.timedelta(hours=8))
    [row] = training_enrol(actor=hr, session=session, users=[hire])

    with pytest.raises(ValidationError) as refused:
        training_attendance_record(actor=hr, attendance=row, result=TrainingResult.PASSED)

    assert "result" in refused.value.message_dict
    hire.collector_profile.refresh_from_db()
    assert hire.collector_profile.in_onboarding is True
