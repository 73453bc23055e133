"""Development plans, employee feedback and team activities: services and scoping (issue 3 §8–9)."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from common.errors import RuleViolation
from common.models import AuditEvent
from teams.choices import ActivityStatus, DevelopmentPlanStatus, FeedbackKind, FeedbackStatus, GoalStatus, TrainingKind
from teams.models import ActivitySignup, DevelopmentPlan, EmployeeFeedback, TeamActivity, TrainingSession
from teams.services import (
    activity_create, activity_sign_up, activity_signup_cancel, development_goal_add, development_goal_set_status,
    development_plan_create, feedback_answer, feedback_set_status, feedback_submit, training_enrol, training_session_create,
)
from tests.factories import TeamFactory, make_collector

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()


def aware(y, m, d, h=0, mi=0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(y, m, d, h, mi), TZ)


NOW = aware(2030, 5, 10, 10)


# --- development plans ------------------------------------------------------------------------------


def test_plan_create_with_goals_audits(hr, collector):
    plan = development_plan_create(actor=hr, employee=collector, title="三个月成长计划",
                                   goals=[("通过合规考试", dt.date(2030, 6, 1)), ("独立处理M2案件", dt.date(2030, 7, 1))])
    assert plan.status == DevelopmentPlanStatus.ACTIVE and plan.created_by == hr
    assert list(plan.goals.values_list("description", flat=True)) == ["通过合规考试", "独立处理M2案件"]
    assert AuditEvent.objects.filter(verb="development_plan_created", target_id=str(plan.pk), actor=hr).exists()


@pytest.mark.parametrize("persona", ["lead", "supervisor", "director", "collector"])
def test_plan_create_refuses_non_hr(request, collector, persona):
    actor = request.getfixturevalue(persona)
    with pytest.raises(RuleViolation) as info:
        development_plan_create(actor=actor, employee=collector, title="x")
    assert info.value.rule == "plan_manager"
    assert not DevelopmentPlan.objects.exists()


def test_plan_create_refuses_inactive_employee_and_blank_goal(hr, collector):
    collector.is_active = False
    collector.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as info:
        development_plan_create(actor=hr, employee=collector, title="x")
    assert "employee" in info.value.message_dict
    collector.is_active = True
    collector.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        development_plan_create(actor=hr, employee=collector, title="x", goals=[("  ", dt.date(2030, 1, 1))])
    assert not DevelopmentPlan.objects.exists()  # nothing half-saved


def test_goal_done_sets_local_done_on_and_completes_plan(hr, collector):
    plan = development_plan_create(actor=hr, employee=collector, title="p", goals=[("a", dt.date(2030, 6, 1)), ("b", dt.date(2030, 6, 2))])
    first, second = plan.goals.all()
    # 2030-05-10 23:30 in Beijing is 15:30 UTC: the local date is what counts
    with time_machine.travel(aware(2030, 5, 10, 23, 30), tick=False):
        goal = development_goal_set_status(actor=hr, goal=first, status=GoalStatus.DONE)
    assert goal.done_on == dt.date(2030, 5, 10)
    plan.refresh_from_db()
    assert plan.status == DevelopmentPlanStatus.ACTIVE
    development_goal_set_status(actor=hr, goal=second, status=GoalStatus.DROPPED)
    plan.refresh_from_db()
    assert plan.status == DevelopmentPlanStatus.COMPLETED
    development_goal_set_status(actor=hr, goal=second, status=GoalStatus.OPEN)
    plan.refresh_from_db()
    second.refresh_from_db()
    assert plan.status == DevelopmentPlanStatus.ACTIVE and second.done_on is None


def test_goal_add_reopens_completed_plan(hr, collector):
    plan = development_plan_create(actor=hr, employee=collector, title="p", goals=[("a", dt.date(2030, 6, 1))])
    development_goal_set_status(actor=hr, goal=plan.goals.get(), status=GoalStatus.DONE)
    development_goal_add(actor=hr, plan=plan, description="c", due_on=dt.date(2030, 8, 1))
    plan.refresh_from_db()
    assert plan.status == DevelopmentPlanStatus.ACTIVE and plan.goals.count() == 2


def test_goal_status_refuses_non_hr_and_unknown_status(hr, lead, collector):
    plan = development_plan_create(actor=hr, employee=collector, title="p", goals=[("a", dt.date(2030, 6, 1))])
    goal = plan.goals.get()
    with pytest.raises(RuleViolation):
        development_goal_set_status(actor=lead, goal=goal, status=GoalStatus.DONE)
    with pytest.raises(ValidationError):
        development_goal_set_status(actor=hr, goal=goal, status="finished")
    goal.refresh_from_db()
    assert goal.status == GoalStatus.OPEN


# --- feedback ---------------------------------------------------------------------------------------


def test_feedback_anonymous_keeps_no_author_anywhere(collector):
    feedback = feedback_submit(author=collector, kind=FeedbackKind.COMPLAINT, subject="排班", body="夜班太多", anonymous=True)
    feedback.refresh_from_db()
    assert feedback.author is None and feedback.is_anonymous
    assert len(feedback.reference) == 10 and feedback.reference.isalnum()
    event = AuditEvent.objects.get(verb="feedback_submitted", target_id=str(feedback.pk))
    assert event.actor is None
    assert str(collector.pk) not in str(event.data) and collector.username not in str(event.data)
    assert not AuditEvent.objects.filter(actor=collector).exists()


def test_feedback_named_stores_author_and_unique_references(collector):
    a = feedback_submit(author=collector, kind=FeedbackKind.SUGGESTION, subject="s", body="b")
    b = feedback_submit(author=collector, kind=FeedbackKind.SUGGESTION, subject="s", body="b")
    assert a.author == collector and not a.is_anonymous
    assert a.reference != b.reference
    assert AuditEvent.objects.filter(verb="feedback_submitted", actor=collector).count() == 2


def test_feedback_refuses_blank_subject(collector):
    with pytest.raises(ValidationError) as info:
        feedback_submit(author=collector, kind=FeedbackKind.SUGGESTION, subject="  ", body="b")
    assert "subject" in info.value.message_dict
    assert not EmployeeFeedback.objects.exists()


def test_feedback_moves_forward_through_the_workflow(hr, collector):
    feedback = feedback_submit(author=collector, kind=FeedbackKind.COMPLAINT, subject="s", body="b")
    feedback = feedback_set_status(actor=hr, feedback=feedback, status=FeedbackStatus.IN_REVIEW)
    feedback = feedback_answer(actor=hr, feedback=feedback, answer="已调整排班")
    assert feedback.status == FeedbackStatus.ANSWERED and feedback.answered_by == hr and feedback.answered_at
    feedback = feedback_set_status(actor=hr, feedback=feedback, status=FeedbackStatus.CLOSED)
    assert feedback.status == FeedbackStatus.CLOSED
    assert list(AuditEvent.objects.filter(target_id=str(feedback.pk)).values_list("verb", flat=True).order_by("id")) == [
        "feedback_submitted", "feedback_status_set", "feedback_answered", "feedback_status_set"]


@pytest.mark.parametrize("start,target", [
    (FeedbackStatus.SUBMITTED, FeedbackStatus.CLOSED),       # skipping
    (FeedbackStatus.SUBMITTED, FeedbackStatus.ANSWERED),     # skipping
    (FeedbackStatus.IN_REVIEW, FeedbackStatus.SUBMITTED),    # backwards
    (FeedbackStatus.CLOSED, FeedbackStatus.IN_REVIEW),       # backwards
    (FeedbackStatus.IN_REVIEW, FeedbackStatus.IN_REVIEW),    # standing still
])
def test_feedback_status_refuses_other_moves(hr, collector, start, target):
    feedback = feedback_submit(author=collector, kind=FeedbackKind.COMPLAINT, subject="s", body="b")
    EmployeeFeedback.objects.filter(pk=feedback.pk).update(status=start, answer="x")
    with pytest.raises(RuleViolation) as info:
        feedback_set_status(actor=hr, feedback=feedback, status=target)
    assert info.value.rule == "feedback_status_flow"
    feedback.refresh_from_db()
    assert feedback.status == start


def test_feedback_answered_status_needs_an_answer(hr, collector):
    feedback = feedback_submit(author=collector, kind=FeedbackKind.COMPLAINT, subject="s", body="b")
    feedback_set_status(actor=hr, feedback=feedback, status=FeedbackStatus.IN_REVIEW)
    with pytest.raises(ValidationError) as info:
        feedback_set_status(actor=hr, feedback=feedback, status=FeedbackStatus.ANSWERED)
    assert "answer" in info.value.message_dict


@pytest.mark.parametrize("persona", ["director", "supervisor", "lead", "collector"])
def test_feedback_handling_is_hr_only(request, collector, persona):
    actor = request.getfixturevalue(persona)
    feedback = feedback_submit(author=collector, kind=FeedbackKind.COMPLAINT, subject="s", body="b")
    with pytest.raises(RuleViolation):
        feedback_set_status(actor=actor, feedback=feedback, status=FeedbackStatus.IN_REVIEW)
    with pytest.raises(RuleViolation):
        feedback_answer(actor=actor, feedback=feedback, answer="a")
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.SUBMITTED and feedback.answer == ""


def test_feedback_answer_refused_when_closed(hr, collector):
    feedback = feedback_submit(author=collector, kind=FeedbackKind.COMPLAINT, subject="s", body="b")
    EmployeeFeedback.objects.filter(pk=feedback.pk).update(status=FeedbackStatus.CLOSED)
    with pytest.raises(RuleViolation):
        feedback_answer(actor=hr, feedback=feedback, answer="late")


# --- activities --------------------------------------------------------------------------------------


@pytest.fixture
def activity(hr):
    with time_machine.travel(NOW, tick=False):
        return activity_create(actor=hr, title="春季团建", starts_at=aware(2030, 5, 20, 14), signup_deadline=aware(2030, 5, 15, 18),
                               location="西湖", capacity=2)


def test_activity_create_validates_deadline_and_capacity(hr):
    with pytest.raises(ValidationError) as info:
        activity_create(actor=hr, title="x", starts_at=aware(2030, 5, 20), signup_deadline=aware(2030, 5, 21))
    assert "signup_deadline" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        activity_create(actor=hr, title="x", starts_at=aware(2030, 5, 20), signup_deadline=aware(2030, 5, 19), capacity=0)
    assert "capacity" in info.value.message_dict
    assert not TeamActivity.objects.exists()


def test_activity_create_refuses_non_hr(lead):
    with pytest.raises(RuleViolation):
        activity_create(actor=lead, title="x", starts_at=aware(2030, 5, 20), signup_deadline=aware(2030, 5, 19))


def test_activity_sign_up_is_idempotent_and_audited(activity, collector):
    with time_machine.travel(NOW, tick=False):
        first = activity_sign_up(user=collector, activity=activity)
        again = activity_sign_up(user=collector, activity=activity)
    assert first.pk == again.pk and activity.signups.count() == 1
    assert AuditEvent.objects.filter(verb="activity_signed_up", actor=collector).count() == 1


def test_activity_sign_up_refused_after_deadline(activity, collector):
    with time_machine.travel(aware(2030, 5, 15, 18, 1), tick=False):
        with pytest.raises(RuleViolation) as info:
            activity_sign_up(user=collector, activity=activity)
    assert info.value.rule == "activity_signup_closed"
    assert not activity.signups.exists()


def test_activity_sign_up_allowed_at_the_deadline(activity, collector):
    with time_machine.travel(aware(2030, 5, 15, 18), tick=False):
        activity_sign_up(user=collector, activity=activity)
    assert activity.signups.count() == 1


def test_activity_sign_up_refused_when_full(activity, collector, collector_b, lead):
    with time_machine.travel(NOW, tick=False):
        activity_sign_up(user=collector, activity=activity)
        activity_sign_up(user=collector_b, activity=activity)
        with pytest.raises(RuleViolation) as info:
            activity_sign_up(user=lead, activity=activity)
    assert info.value.rule == "activity_full"
    assert activity.signups.count() == 2


@pytest.mark.parametrize("status", [ActivityStatus.CLOSED, ActivityStatus.CANCELLED, ActivityStatus.HELD])
def test_activity_sign_up_refused_when_not_open(activity, collector, status):
    TeamActivity.objects.filter(pk=activity.pk).update(status=status)
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(RuleViolation) as info:
            activity_sign_up(user=collector, activity=activity)
    assert info.value.rule == "activity_not_open"


def test_activity_signup_cancel_frees_the_place(activity, collector, collector_b, lead):
    with time_machine.travel(NOW, tick=False):
        activity_sign_up(user=collector, activity=activity)
        activity_sign_up(user=collector_b, activity=activity)
        activity_signup_cancel(user=collector, activity=activity)
        activity_signup_cancel(user=collector, activity=activity)  # no-op the second time
        activity_sign_up(user=lead, activity=activity)
    assert set(activity.signups.values_list("user__username", flat=True)) == {"collector_b", "lead"}
    assert AuditEvent.objects.filter(verb="activity_signup_cancelled").count() == 1


def test_activity_signup_cancel_refused_after_deadline(activity, collector):
    with time_machine.travel(NOW, tick=False):
        activity_sign_up(user=collector, activity=activity)
    with time_machine.travel(aware(2030, 5, 16), tick=False):
        with pytest.raises(RuleViolation):
            activity_signup_cancel(user=collector, activity=activity)
    assert activity.signups.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_activity_last_place_goes_to_one_of_two_simultaneous_sign_ups(hr, team):
    """The full check runs on the locked activity row: two sign-ups racing for one place → one wins."""
    activity = activity_create(actor=hr, title="x", starts_at=timezone.now() + dt.timedelta(days=3),
                               signup_deadline=timezone.now() + dt.timedelta(days=2), capacity=1)
    users = [make_collector(team, username=f"racer{i}") for i in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run(user):
        try:
            barrier.wait()
            activity_sign_up(user=user, activity=activity)
            outcomes.append("ok")
        except RuleViolation as exc:
            outcomes.append(exc.rule)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["activity_full", "ok"]
    assert ActivitySignup.objects.filter(activity=activity).count() == 1


# --- scoping matrices -------------------------------------------------------------------------------


@pytest.fixture
def far_team(other_department):
    return TeamFactory(department=other_department, code="team-far", name="远方组")


@pytest.fixture
def sessions(hr, team, other_team, far_team, collector):
    def make(title, t):
        return training_session_create(actor=hr, kind=TrainingKind.SKILLS, title=title, starts_at=aware(2030, 1, 1, 9),
                                       ends_at=aware(2030, 1, 1, 12), team=t)
    s = {"team_a": make("A", team), "team_b": make("B", other_team), "company": make("C", None), "far": make("F", far_team)}
    training_enrol(actor=hr, session=s["team_a"], users=[collector])
    return s


@pytest.mark.parametrize("persona,expected", [
    ("hr", {"team_a", "team_b", "company", "far"}),
    ("director", {"team_a", "team_b", "company", "far"}),
    ("supervisor", {"team_a", "team_b", "company"}),
    ("other_supervisor", {"company", "far"}),
    ("lead", {"team_a", "company"}),
    ("other_lead", {"team_b", "company"}),
    ("collector", {"team_a"}),         # only what they attend
    ("collector_b", set()),
    ("administrator", set()),
    ("integration", set()),
])
def test_training_session_visible_to_matrix(request, sessions, persona, expected):
    user = request.getfixturevalue(persona)
    names = {name for name, s in sessions.items() if TrainingSession.objects.visible_to(user).filter(pk=s.pk).exists()}
    assert names == expected


@pytest.fixture
def plans(hr, collector, other_collector, lead, far_team):
    far_user = make_collector(far_team, username="far_collector")
    return {name: development_plan_create(actor=hr, employee=user, title=name)
            for name, user in {"collector": collector, "other_collector": other_collector, "lead": lead, "far": far_user}.items()}


@pytest.mark.parametrize("persona,expected", [
    ("hr", {"collector", "other_collector", "lead", "far"}),
    ("director", {"collector", "other_collector", "lead", "far"}),
    ("supervisor", {"collector", "other_collector", "lead"}),
    ("other_supervisor", {"far"}),
    ("lead", {"collector", "lead"}),
    ("collector", {"collector"}),
    ("collector_b", set()),
    ("administrator", set()),
    ("integration", set()),
])
def test_development_plan_visible_to_matrix(request, plans, persona, expected):
    user = request.getfixturevalue(persona)
    names = {name for name, p in plans.items() if DevelopmentPlan.objects.visible_to(user).filter(pk=p.pk).exists()}
    assert names == expected


@pytest.fixture
def feedbacks(collector, lead, director):
    return {
        "collector_named": feedback_submit(author=collector, kind=FeedbackKind.SUGGESTION, subject="a", body="b"),
        "collector_anon": feedback_submit(author=collector, kind=FeedbackKind.COMPLAINT, subject="a", body="b", anonymous=True),
        "lead_named": feedback_submit(author=lead, kind=FeedbackKind.SUGGESTION, subject="a", body="b"),
        "director_named": feedback_submit(author=director, kind=FeedbackKind.SUGGESTION, subject="a", body="b"),
    }


@pytest.mark.parametrize("persona,expected", [
    ("hr", {"collector_named", "collector_anon", "lead_named", "director_named"}),
    ("director", {"director_named"}),
    ("supervisor", set()),
    ("lead", {"lead_named"}),
    ("collector", {"collector_named"}),   # not even their own anonymous feedback
    ("administrator", set()),
])
def test_feedback_visible_to_matrix(request, feedbacks, persona, expected):
    user = request.getfixturevalue(persona)
    names = {name for name, f in feedbacks.items() if EmployeeFeedback.objects.visible_to(user).filter(pk=f.pk).exists()}
    assert names == expected


def test_anonymous_user_sees_nothing(sessions, plans, feedbacks):
    from django.contrib.auth.models import AnonymousUser

    anon = AnonymousUser()
    assert not TrainingSession.objects.visible_to(anon).exists()
    assert not DevelopmentPlan.objects.visible_to(anon).exists()
    assert not EmployeeFeedback.objects.visible_to(anon).exists()


def test_integration_client_cannot_sign_up(activity, integration):
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(RuleViolation):
            activity_sign_up(user=integration, activity=activity)
    assert not activity.signups.exists()


def test_people_records_are_not_editable_in_the_admin(db):
    """The administrator holds configuration and the audit log (PRODUCT.md): employee feedback and
    development plans are not in the admin; training sessions and activities are read-only there, so a
    result can only be recorded through the service (which ends onboarding and audits)."""
    from django.contrib import admin as django_admin

    from teams.models import DevelopmentPlan, EmployeeFeedback, TeamActivity, TrainingSession

    registry = django_admin.site._registry
    assert EmployeeFeedback not in registry and DevelopmentPlan not in registry
    for model in (TrainingSession, TeamActivity):
        model_admin = registry[model]
        assert not model_admin.has_change_permission(request=None) and not model_admin.has_add_permission(request=None)
