"""Development plans and employee relations: feedback and team activities (issue 3 §8–9)."""
from __future__ import annotations

import datetime as dt

from ..models import ActivitySignup, DevelopmentGoal, DevelopmentPlan, EmployeeFeedback, TeamActivity, User


def development_plan_create(*, actor: User, employee: User, title: str, goals: list[tuple[str, dt.date]] = ()) -> DevelopmentPlan:
    raise NotImplementedError


def development_goal_add(*, actor: User, plan: DevelopmentPlan, description: str, due_on: dt.date) -> DevelopmentGoal:
    raise NotImplementedError


def development_goal_set_status(*, actor: User, goal: DevelopmentGoal, status: str) -> DevelopmentGoal:
    """done sets ``done_on`` (local today); when every goal is done/dropped the plan completes."""
    raise NotImplementedError


def feedback_submit(*, author: User, kind: str, subject: str, body: str, anonymous: bool = False) -> EmployeeFeedback:
    """Store feedback; anonymous feedback keeps no author (and no audit actor). ``reference`` is a
    random 10-character code the submitter can keep."""
    raise NotImplementedError


def feedback_set_status(*, actor: User, feedback: EmployeeFeedback, status: str) -> EmployeeFeedback:
    """submitted → in review → answered → closed (HR only); refuses other moves."""
    raise NotImplementedError


def feedback_answer(*, actor: User, feedback: EmployeeFeedback, answer: str) -> EmployeeFeedback:
    """HR's answer; status → answered."""
    raise NotImplementedError


def activity_create(
    *, actor: User, title: str, starts_at: dt.datetime, signup_deadline: dt.datetime, location: str = "",
    capacity: int | None = None, description: str = "",
) -> TeamActivity:
    raise NotImplementedError


def activity_sign_up(*, user: User, activity: TeamActivity) -> ActivitySignup:
    """Refuses after the deadline (``activity_signup_closed``), when full (``activity_full``, checked
    on the locked activity row) or not open; idempotent for someone already signed up."""
    raise NotImplementedError


def activity_signup_cancel(*, user: User, activity: TeamActivity) -> None:
    raise NotImplementedError
