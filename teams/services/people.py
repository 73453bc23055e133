"""Development plans and employee relations: feedback and team activities (issue 3 §8–9).

Who may call what is the view's business (``teams.permissions``); the services still refuse a
write by the wrong role where the rule is about people (HR manages plans, answers feedback and
organises activities), so the API, the admin and the pages cannot differ.
"""
from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_event_record
from common.dates import local_today
from common.errors import RuleViolation

from ..choices import ActivityStatus, DevelopmentPlanStatus, FeedbackKind, FeedbackStatus, GoalStatus, Role
from ..models import ActivitySignup, DevelopmentGoal, DevelopmentPlan, EmployeeFeedback, TeamActivity, User

#: Feedback moves only forward, one step at a time (HR): submitted → in review → answered → closed.
FEEDBACK_FLOW = [FeedbackStatus.SUBMITTED, FeedbackStatus.IN_REVIEW, FeedbackStatus.ANSWERED, FeedbackStatus.CLOSED]
#: Reference alphabet: no 0/O, 1/I/L, so a code read aloud or copied by hand survives.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 10


def _require_hr(actor: User, rule: str, message: str) -> None:
    if getattr(actor, "role", None) != Role.HR_RECRUITER:
        raise RuleViolation(message, rule=rule)


# --- development plans --------------------------------------------------------------------------


@transaction.atomic
def development_plan_create(*, actor: User, employee: User, title: str, goals: list[tuple[str, dt.date]] = ()) -> DevelopmentPlan:
    """A plan for ``employee`` (HR only, ``RuleViolation`` ``plan_manager``) with optional
    ``(description, due_on)`` goals. Raises ``ValidationError`` for an inactive employee or a blank
    title/goal."""
    _require_hr(actor, "plan_manager", _("Only HR creates development plans."))
    if not employee.is_active:
        raise ValidationError({"employee": [_("%(user)s is not active.") % {"user": employee.username}]})
    if employee.role in (Role.INTEGRATION_CLIENT,):
        raise ValidationError({"employee": [_("An integration client is not an employee.")]})
    plan = DevelopmentPlan(employee=employee, title=(title or "").strip(), created_by=actor)
    plan.full_clean()
    plan.save()
    for description, due_on in goals:
        _goal_create(plan=plan, description=description, due_on=due_on)
    audit_event_record(
        actor=actor, verb="development_plan_created", target=plan,
        data={"employee_id": employee.pk, "title": plan.title, "goals": len(goals)},
    )
    return plan


def _goal_create(*, plan: DevelopmentPlan, description: str, due_on: dt.date) -> DevelopmentGoal:
    goal = DevelopmentGoal(plan=plan, description=(description or "").strip(), due_on=due_on)
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def development_goal_add(*, actor: User, plan: DevelopmentPlan, description: str, due_on: dt.date) -> DevelopmentGoal:
    """Add a goal to an active plan (HR only). A completed plan reopens (a new open goal)."""
    _require_hr(actor, "plan_manager", _("Only HR changes development plans."))
    plan = DevelopmentPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == DevelopmentPlanStatus.CANCELLED:
        raise RuleViolation(_("The plan was cancelled; it takes no new goals."), rule="plan_cancelled")
    goal = _goal_create(plan=plan, description=description, due_on=due_on)
    if plan.status == DevelopmentPlanStatus.COMPLETED:
        plan.status = DevelopmentPlanStatus.ACTIVE
        plan.save(update_fields=["status"])
    audit_event_record(
        actor=actor, verb="development_goal_added", target=goal,
        data={"plan_id": plan.pk, "description": goal.description, "due_on": due_on.isoformat()},
    )
    return goal


@transaction.atomic
def development_goal_set_status(*, actor: User, goal: DevelopmentGoal, status: str) -> DevelopmentGoal:
    """done sets ``done_on`` (local today); when every goal is done/dropped the plan completes.
    HR only (``plan_manager``); refuses goals of a cancelled plan (``plan_cancelled``)."""
    _require_hr(actor, "plan_manager", _("Only HR changes development plans."))
    if status not in GoalStatus.values:
        raise ValidationError({"status": [_("Unknown goal status.")]})
    plan = DevelopmentPlan.objects.select_for_update().get(pk=goal.plan_id)
    goal = DevelopmentGoal.objects.select_for_update().get(pk=goal.pk)
    if plan.status == DevelopmentPlanStatus.CANCELLED:
        raise RuleViolation(_("The plan was cancelled; its goals no longer change."), rule="plan_cancelled")
    before = goal.status
    if before == status:
        return goal
    goal.status = status
    goal.done_on = local_today() if status == GoalStatus.DONE else None
    goal.save(update_fields=["status", "done_on"])
    audit_event_record(actor=actor, verb="development_goal_status_set", target=goal, data={"plan_id": plan.pk, "from": before, "to": status})

    all_closed = not plan.goals.filter(status=GoalStatus.OPEN).exists()
    new_plan_status = DevelopmentPlanStatus.COMPLETED if all_closed else DevelopmentPlanStatus.ACTIVE
    if plan.status != new_plan_status:
        plan.status = new_plan_status
        plan.save(update_fields=["status"])
        audit_event_record(actor=actor, verb="development_plan_status_set", target=plan, data={"to": new_plan_status})
    goal.plan = plan
    return goal


# --- employee feedback ----------------------------------------------------------------------------


def feedback_reference_new() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _i in range(REFERENCE_LENGTH))


@transaction.atomic
def feedback_submit(*, author: User, kind: str, subject: str, body: str, anonymous: bool = False) -> EmployeeFeedback:
    """Store feedback; anonymous feedback keeps no author (and no audit actor). ``reference`` is a
    random 10-character code the submitter can keep."""
    if kind not in FeedbackKind.values:
        raise ValidationError({"kind": [_("Choose complaint or suggestion.")]})
    for _attempt in range(5):
        feedback = EmployeeFeedback(
            kind=kind, subject=(subject or "").strip(), body=(body or "").strip(), author=None if anonymous else author,
            is_anonymous=anonymous, reference=feedback_reference_new(),
        )
        feedback.full_clean()  # also checks the reference is unused
        try:
            with transaction.atomic():
                feedback.save()
        except IntegrityError:  # a reference drawn twice at the same moment: draw again
            continue
        break
    else:  # pragma: no cover - 31**10 codes
        raise RuleViolation(_("Could not draw a free reference; try again."), rule="feedback_reference")
    audit_event_record(
        actor=None if anonymous else author, verb="feedback_submitted", target=feedback,
        data={"kind": kind, "anonymous": anonymous},
    )
    return feedback


@transaction.atomic
def feedback_set_status(*, actor: User, feedback: EmployeeFeedback, status: str) -> EmployeeFeedback:
    """submitted → in review → answered → closed (HR only); refuses other moves."""
    _require_hr(actor, "feedback_handler", _("Only HR handles employee feedback."))
    feedback = EmployeeFeedback.objects.select_for_update().get(pk=feedback.pk)
    if status not in FeedbackStatus.values:
        raise ValidationError({"status": [_("Unknown feedback status.")]})
    current = FEEDBACK_FLOW.index(feedback.status)
    target = FEEDBACK_FLOW.index(status)
    if target != current + 1:
        raise RuleViolation(
            _("Feedback moves forward one step at a time (submitted → in review → answered → closed); it cannot go from %(from)s to %(to)s.")
            % {"from": feedback.get_status_display(), "to": FeedbackStatus(status).label},
            rule="feedback_status_flow",
        )
    if status == FeedbackStatus.ANSWERED and not feedback.answer:
        raise ValidationError({"answer": [_("Write the answer first: feedback is answered by answering it.")]})
    before = feedback.status
    feedback.status = status
    feedback.save(update_fields=["status"])
    audit_event_record(actor=actor, verb="feedback_status_set", target=feedback, data={"from": before, "to": status})
    return feedback


@transaction.atomic
def feedback_answer(*, actor: User, feedback: EmployeeFeedback, answer: str) -> EmployeeFeedback:
    """HR's answer; status → answered. Refused for closed feedback (``feedback_status_flow``);
    an answered item may have its answer corrected (it stays answered)."""
    _require_hr(actor, "feedback_handler", _("Only HR answers employee feedback."))
    feedback = EmployeeFeedback.objects.select_for_update().get(pk=feedback.pk)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": [_("The answer is empty.")]})
    if feedback.status == FeedbackStatus.CLOSED:
        raise RuleViolation(_("Closed feedback cannot be answered again."), rule="feedback_status_flow")
    before = feedback.status
    feedback.answer = answer
    feedback.answered_by = actor
    feedback.answered_at = timezone.now()
    feedback.status = FeedbackStatus.ANSWERED
    feedback.full_clean()
    feedback.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    audit_event_record(actor=actor, verb="feedback_answered", target=feedback, data={"from": before, "to": feedback.status})
    return feedback


# --- team activities ----------------------------------------------------------------------------------


@transaction.atomic
def activity_create(
    *, actor: User, title: str, starts_at: dt.datetime, signup_deadline: dt.datetime, location: str = "",
    capacity: int | None = None, description: str = "",
) -> TeamActivity:
    """An activity open for sign-up (HR only, ``activity_manager``). Raises ``ValidationError`` when
    the sign-up deadline is after the start or the capacity is below 1."""
    _require_hr(actor, "activity_manager", _("Only HR organises team activities."))
    if signup_deadline and starts_at and signup_deadline > starts_at:
        raise ValidationError({"signup_deadline": [_("The sign-up deadline must be on or before the start.")]})
    if capacity is not None and capacity < 1:
        raise ValidationError({"capacity": [_("Places must be at least 1 (leave empty for no limit).")]})
    activity = TeamActivity(
        title=(title or "").strip(), description=description, starts_at=starts_at, signup_deadline=signup_deadline,
        location=location, capacity=capacity, organiser=actor, status=ActivityStatus.OPEN,
    )
    activity.full_clean()
    activity.save()
    audit_event_record(
        actor=actor, verb="activity_created", target=activity,
        data={"title": activity.title, "starts_at": starts_at.isoformat(), "capacity": capacity},
    )
    return activity


@transaction.atomic
def activity_sign_up(*, user: User, activity: TeamActivity) -> ActivitySignup:
    """Refuses after the deadline (``activity_signup_closed``), when full (``activity_full``, checked
    on the locked activity row) or not open; idempotent for someone already signed up."""
    activity = TeamActivity.objects.select_for_update().get(pk=activity.pk)
    existing = ActivitySignup.objects.filter(activity=activity, user=user).first()
    if existing is not None:
        return existing
    if user.role in (Role.INTEGRATION_CLIENT, Role.ADMINISTRATOR) or not user.is_active:
        raise RuleViolation(_("Only staff sign up for team activities."), rule="activity_staff_only")
    if activity.status != ActivityStatus.OPEN:
        raise RuleViolation(
            _("This activity is not open for sign-up (%(status)s).") % {"status": activity.get_status_display()},
            rule="activity_not_open",
        )
    if timezone.now() > activity.signup_deadline:
        raise RuleViolation(_("The sign-up deadline has passed."), rule="activity_signup_closed")
    if activity.capacity is not None and activity.signups.count() >= activity.capacity:
        raise RuleViolation(_("The activity is full."), rule="activity_full")
    signup = ActivitySignup.objects.create(activity=activity, user=user)
    audit_event_record(actor=user, verb="activity_signed_up", target=activity, data={"user_id": user.pk})
    return signup


@transaction.atomic
def activity_signup_cancel(*, user: User, activity: TeamActivity) -> None:
    """Withdraw ``user``'s sign-up (no-op when not signed up). Refused once the sign-up deadline
    has passed (``activity_signup_closed``): HR plans places from the list at the deadline."""
    activity = TeamActivity.objects.select_for_update().get(pk=activity.pk)
    signup = ActivitySignup.objects.filter(activity=activity, user=user).first()
    if signup is None:
        return
    if timezone.now() > activity.signup_deadline and activity.status != ActivityStatus.CANCELLED:
        raise RuleViolation(_("The sign-up deadline has passed; ask HR to take you off the list."), rule="activity_signup_closed")
    signup.delete()
    audit_event_record(actor=user, verb="activity_signup_cancelled", target=activity, data={"user_id": user.pk})
