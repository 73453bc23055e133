"""People and structure: users and roles, departments, teams, memberships, collector profiles."""
from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import ExperienceLevel, Role, Skill
from .querysets import ScopedUserManager, TeamQuerySet


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
