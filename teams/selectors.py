"""Reads for the people pages (STYLE.md rule 3): the user first, starting from ``visible_to``."""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from django.db.models import BooleanField, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.shortcuts import get_object_or_404
from django.utils import timezone


from .choices import ActivityStatus, Attendance, GoalStatus, Role, TrainingResult
from .filters import DevelopmentPlanFilterSet, EmployeeFeedbackFilterSet, TrainingSessionFilterSet
from .models import (
    ActivitySignup, CollectorProfile, DevelopmentGoal, DevelopmentPlan, EmployeeFeedback, Membership, Team, TeamActivity,
    TrainingAttendance, TrainingSession, User,
)


def _filtered(filterset_class, *, queryset: QuerySet, filters: Mapping[str, Any] | None, request=None):
    filterset = filterset_class(data=filters or None, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    return filterset, rows


# --- training -----------------------------------------------------------------------------------


def training_session_list(*, user: User, filters: Mapping[str, Any] | None = None, request=None):
    """``(filterset, sessions)``: sessions the user may see, with attendee / passed counts."""
    queryset = (
        TrainingSession.objects.visible_to(user)
        .select_related("team", "trainer")
        .annotate(
            attendee_count=Count("attendances", distinct=True),
            passed_count=Count("attendances", filter=Q(attendances__result=TrainingResult.PASSED), distinct=True),
        )
        .order_by("-starts_at", "-id")
    )
    return _filtered(TrainingSessionFilterSet, queryset=queryset, filters=filters, request=request)


def training_session_get(*, user: User, pk: int) -> TrainingSession:
    """One session in scope; missing or out of scope → ``Http404`` (the same answer)."""
    return get_object_or_404(TrainingSession.objects.visible_to(user).select_related("team", "trainer", "created_by"), pk=pk)


def training_attendees(*, session: TrainingSession) -> QuerySet[TrainingAttendance]:
    return session.attendances.select_related("user", "user__collector_profile").order_by("user__username")


def my_training_list(*, user: User) -> QuerySet[TrainingAttendance]:
    """The signed-in person's own enrolments (every session they attend), newest first."""
    return (
        TrainingAttendance.objects.filter(user=user)
        .select_related("session", "session__team", "session__trainer")
        .order_by("-session__starts_at", "-id")
    )


def training_enrolable_users(*, user: User, session: TrainingSession) -> list[tuple[str, list[tuple[int, str]]]]:
    """Active users with an active team membership that ``user`` may see and that are not yet
    enrolled, grouped by team for a ``<select multiple>`` (the session's own team first)."""
    from django.utils.translation import gettext as _

    from .models import Membership

    users = list(
        User.objects.visible_to(user)
        .filter(is_active=True)
        .exclude(role__in=[Role.INTEGRATION_CLIENT, Role.ADMINISTRATOR])
        .exclude(pk__in=session.attendances.values("user_id"))
        .order_by("username")
        .values_list("pk", "username", "name")
    )
    ids = [pk for pk, _u, _n in users]
    team_of: dict[int, Team] = {}
    teams = {t.pk: t for t in Team.objects.filter(is_active=True)}
    for team in teams.values():  # a lead belongs with the team they lead…
        if team.lead_id in ids:
            team_of[team.lead_id] = team
    for user_id, team_id in Membership.objects.filter(user_id__in=ids, ended_on__isnull=True).values_list("user_id", "team_id"):
        if team_id in teams:  # …and a member with their team
            team_of[user_id] = teams[team_id]
    groups: dict[Team | None, list[tuple[int, str]]] = {}
    for pk, username, name in users:
        groups.setdefault(team_of.get(pk), []).append((pk, f"{name or username} ({username})"))
    ordered = sorted(groups, key=lambda t: (t is None, t is not None and t.pk != session.team_id, t.code if t else ""))
    return [(team.name if team else _("No team"), groups[team]) for team in ordered]


# --- development plans ------------------------------------------------------------------------------


def development_plan_list(*, user: User, filters: Mapping[str, Any] | None = None, request=None):
    queryset = (
        DevelopmentPlan.objects.visible_to(user)
        .select_related("employee", "created_by")
        .annotate(
            goal_count=Count("goals", distinct=True),
            done_count=Count("goals", filter=Q(goals__status=GoalStatus.DONE), distinct=True),
            open_count=Count("goals", filter=Q(goals__status=GoalStatus.OPEN), distinct=True),
        )
        .order_by("-created_at", "-id")
    )
    return _filtered(DevelopmentPlanFilterSet, queryset=queryset, filters=filters, request=request)


def development_plan_get(*, user: User, pk: int) -> DevelopmentPlan:
    """One plan in scope with its goals; missing or out of scope → ``Http404``."""
    return get_object_or_404(
        DevelopmentPlan.objects.visible_to(user).select_related("employee", "created_by")
        .prefetch_related(Prefetch("goals", queryset=DevelopmentGoal.objects.order_by("due_on", "id"))),
        pk=pk,
    )


def development_plan_employees(*, user: User) -> QuerySet[User]:
    """Who a plan may be made for: active staff the user may see."""
    return (
        User.objects.visible_to(user).filter(is_active=True)
        .exclude(role__in=[Role.INTEGRATION_CLIENT, Role.ADMINISTRATOR]).order_by("username")
    )


# --- feedback ---------------------------------------------------------------------------------------


def feedback_list(*, user: User, filters: Mapping[str, Any] | None = None, request=None):
    queryset = EmployeeFeedback.objects.visible_to(user).select_related("author", "answered_by").order_by("-created_at", "-id")
    return _filtered(EmployeeFeedbackFilterSet, queryset=queryset, filters=filters, request=request)


def feedback_get(*, user: User, pk: int) -> EmployeeFeedback:
    """Feedback in scope; missing or out of scope → ``Http404``."""
    return get_object_or_404(EmployeeFeedback.objects.visible_to(user).select_related("author", "answered_by"), pk=pk)


def feedback_get_by_reference(*, reference: str) -> EmployeeFeedback | None:
    """Anonymous feedback by its reference code (what the submitter kept); case and spaces ignored.
    Named feedback is read by its author through ``visible_to``, never by code."""
    code = "".join((reference or "").split()).upper()
    if not code:
        return None
    return EmployeeFeedback.objects.filter(reference=code, is_anonymous=True).first()


# --- activities --------------------------------------------------------------------------------------


def activity_list(*, user: User, upcoming: bool = True) -> QuerySet[TeamActivity]:
    """Activities (every staff member sees all), with ``signup_count`` and ``is_signed_up`` for
    ``user``; ``upcoming`` keeps those that have not started yet, soonest first."""
    queryset = TeamActivity.objects.select_related("organiser").annotate(
        signup_count=Count("signups", distinct=True),
        is_signed_up=Exists(ActivitySignup.objects.filter(activity=OuterRef("pk"), user_id=user.pk))
        if user.is_authenticated else Value(False, output_field=BooleanField()),
    )
    if upcoming:
        return queryset.filter(starts_at__gte=timezone.now()).exclude(status=ActivityStatus.CANCELLED).order_by("starts_at", "id")
    return queryset.order_by("-starts_at", "-id")


def activity_get(*, user: User, pk: int) -> TeamActivity:
    """One activity with its sign-up figures; missing → ``Http404``."""
    return get_object_or_404(activity_list(user=user, upcoming=False), pk=pk)


def activity_signups(*, activity: TeamActivity) -> QuerySet[ActivitySignup]:
    return activity.signups.select_related("user", "user__department").order_by("created_at", "id")


def places_left(activity: TeamActivity) -> int | None:
    """Places still free (``None`` = no limit); uses the ``signup_count`` annotation when present."""
    if activity.capacity is None:
        return None
    count = getattr(activity, "signup_count", None)
    if count is None:
        count = activity.signups.count()
    return max(0, activity.capacity - count)


def attendance_is_absent(row: TrainingAttendance) -> bool:
    return row.attendance in (Attendance.ABSENT, Attendance.EXCUSED)


def teams_for_training(*, user: User) -> QuerySet[Team]:
    return Team.objects.visible_to(user).filter(is_active=True).order_by("code")


# --- new employees ------------------------------------------------------------------------------


def employee_onboarding_summary(*, user: User, employee: User) -> dict[str, Any]:
    """What a new employee's hire set up, for a reader who may see them (``User.visible_to``;
    ``User.DoesNotExist`` otherwise): ``membership`` (the latest, with its team), ``profile`` (the
    collector profile or ``None``) and ``attendances`` (training enrolments, earliest first)."""
    employee = User.objects.visible_to(user).get(pk=employee.pk)
    return {
        "membership": Membership.objects.filter(user=employee).select_related("team").order_by("-started_on", "-id").first(),
        "profile": CollectorProfile.objects.filter(user=employee).first(),
        "attendances": list(
            TrainingAttendance.objects.filter(user=employee).select_related("session__trainer").order_by("session__starts_at", "id")
        ),
    }


def onboarding_session_next(*, user: User, team: Team, start_on: dt.date) -> TrainingSession | None:
    """The planned onboarding session of ``team`` a hire starting on ``start_on`` would join (the
    first one starting that day or later, as ``services.training_enrol_onboarding`` chooses), if
    ``user`` may see it; ``None`` means one will be planned on the start date."""
    return TrainingSession.objects.visible_to(user).onboarding_from(team=team, start_on=start_on).select_related("trainer").first()
