"""People and structure: users and roles, departments, teams, memberships, collector profiles."""
from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    ActivityStatus, Attendance, DevelopmentPlanStatus, ExperienceLevel, FeedbackKind, FeedbackStatus, GoalStatus, Role, Skill,
    TrainingKind, TrainingResult, TrainingSessionStatus,
)
from .querysets import (
    DevelopmentPlanQuerySet, EmployeeFeedbackQuerySet, MembershipQuerySet, ScopedUserManager, TeamQuerySet, TrainingSessionQuerySet,
)


class User(AbstractUser):
    """A login. ``role`` drives what the person sees (PRODUCT.md role table)."""

    name = models.CharField(_("name"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.COLLECTOR)
    department = models.ForeignKey(
        "teams.Department", verbose_name=_("department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def display_name(self) -> str:
        return self.name or self.get_full_name() or self.username


class Department(models.Model):
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A collection team. ``buckets`` and ``tiers`` declare the work it takes (DOMAIN.md allocation step 1)."""

    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    buckets = models.JSONField(_("buckets worked"), default=list, blank=True, help_text=_("Bucket codes, e.g. [\"M1\", \"M2\"]"))
    tiers = models.JSONField(_("risk tiers worked"), default=list, blank=True, help_text=_("Empty means every tier"))
    works_field = models.BooleanField(_("field team"), default=False)
    lead = models.ForeignKey("teams.User", verbose_name=_("team lead"), null=True, blank=True, on_delete=models.SET_NULL, related_name="led_teams")
    is_active = models.BooleanField(_("active"), default=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's membership of a team; one active membership per user."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="memberships")
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(ended_on__isnull=True), name="one_active_membership_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.team}"


class CollectorProfile(models.Model):
    """Allocation facts about a collector (DOMAIN.md allocation step 2 and 3)."""

    user = models.OneToOneField(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="collector_profile")
    experience_level = models.CharField(_("experience level"), max_length=16, choices=ExperienceLevel.choices, default=ExperienceLevel.JUNIOR)
    skills = models.JSONField(_("skills"), default=list, blank=True, help_text=_("Subset of phone, field"))
    capacity = models.PositiveIntegerField(_("capacity (max open cases)"), default=200)
    daily_new_case_cap = models.PositiveIntegerField(_("daily new-case cap"), default=40)
    on_leave = models.BooleanField(_("on leave"), default=False)
    in_onboarding = models.BooleanField(_("in onboarding training"), default=False)

    class Meta:
        verbose_name = _("collector profile")
        verbose_name_plural = _("collector profiles")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=0), name="collector_capacity_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_experience_level_display()})"

    def has_skill(self, skill: Skill | str) -> bool:
        return str(skill) in (self.skills or [])


# --- Training and development (issue 3 §8; HR plans them now, leads and supervisors later) ---


class TrainingSession(models.Model):
    """One training session (培训 / 案件交流分享会). ``team`` empty = open to the whole company.
    An onboarding session of a team is where its new hires are enrolled (``teams.services.training``)."""

    kind = models.CharField(_("kind"), max_length=16, choices=TrainingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="training_sessions")
    trainer = models.ForeignKey(User, verbose_name=_("trainer"), null=True, blank=True, on_delete=models.SET_NULL, related_name="trainings_given")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=TrainingSessionStatus.choices, default=TrainingSessionStatus.PLANNED)
    created_by = models.ForeignKey(User, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="training_ends_after_start"),
        ]
        indexes = [models.Index(fields=["team", "kind", "status"])]

    def __str__(self) -> str:
        return self.title


class TrainingAttendance(models.Model):
    """One attendee of a session: attendance and result. Passing an onboarding session ends the
    attendee's onboarding (``CollectorProfile.in_onboarding`` cleared by the service)."""

    session = models.ForeignKey(TrainingSession, verbose_name=_("training session"), on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(User, verbose_name=_("attendee"), on_delete=models.CASCADE, related_name="training_attendances")
    attendance = models.CharField(_("attendance"), max_length=16, choices=Attendance.choices, default=Attendance.ENROLLED)
    result = models.CharField(_("result"), max_length=16, choices=TrainingResult.choices, default=TrainingResult.PENDING)
    score = models.PositiveSmallIntegerField(_("score (0–100)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    result_recorded_at = models.DateTimeField(_("result recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendances")
        ordering = ["session", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_attendance_per_session_user"),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__lte=100), name="training_score_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.session}"


class DevelopmentPlan(models.Model):
    """A per-employee development plan with goals and due dates."""

    employee = models.ForeignKey(User, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="development_plans")
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=DevelopmentPlanStatus.choices, default=DevelopmentPlanStatus.ACTIVE)
    created_by = models.ForeignKey(User, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DevelopmentPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("development plan")
        verbose_name_plural = _("development plans")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class DevelopmentGoal(models.Model):
    plan = models.ForeignKey(DevelopmentPlan, verbose_name=_("development plan"), on_delete=models.CASCADE, related_name="goals")
    description = models.CharField(_("goal"), max_length=300)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=16, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("development goal")
        verbose_name_plural = _("development goals")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description


# --- Employee relations (issue 3 §9) ---


class EmployeeFeedback(models.Model):
    """An employee complaint or suggestion. Anonymous feedback stores no author at all; the
    submitter keeps ``reference`` (shown once) to look up HR's answer."""

    kind = models.CharField(_("kind"), max_length=16, choices=FeedbackKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("details"))
    author = models.ForeignKey(User, verbose_name=_("author"), null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback_given")
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    reference = models.CharField(_("reference"), max_length=16, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=FeedbackStatus.choices, default=FeedbackStatus.SUBMITTED)
    answer = models.TextField(_("HR answer"), blank=True)
    answered_by = models.ForeignKey(User, verbose_name=_("answered by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    objects = EmployeeFeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("employee feedback")
        verbose_name_plural = _("employee feedback")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(is_anonymous=False) | Q(author__isnull=True), name="anonymous_feedback_has_no_author"),
        ]

    def __str__(self) -> str:
        return self.subject


class TeamActivity(models.Model):
    """A team activity HR organises (团建), with sign-up. ``capacity`` empty = no limit."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    signup_deadline = models.DateTimeField(_("sign-up deadline"))
    status = models.CharField(_("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.OPEN)
    organiser = models.ForeignKey(User, verbose_name=_("organiser"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("team activity")
        verbose_name_plural = _("team activities")
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ActivitySignup(models.Model):
    activity = models.ForeignKey(TeamActivity, verbose_name=_("team activity"), on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(User, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="activity_signups")
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity sign-up")
        verbose_name_plural = _("activity sign-ups")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "user"], name="one_signup_per_activity_user")]

    def __str__(self) -> str:
        return f"{self.user} → {self.activity}"
