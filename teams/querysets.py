"""Scoping for people records: ``visible_to(user)`` encodes the role table in PRODUCT.md."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth.models import UserManager
from django.db import models
from django.db.models import Q

from .choices import Role

if TYPE_CHECKING:
    from .models import User

ALL_SEEING_PEOPLE_ROLES = {Role.ADMINISTRATOR, Role.DIRECTOR, Role.HR_RECRUITER}


def led_team_ids(user: "User") -> list[int]:
    """Ids of the teams a team lead leads or belongs to (active membership)."""
    from .models import Team

    return list(
        Team.objects.filter(
            Q(lead=user) | Q(memberships__user=user, memberships__ended_on__isnull=True)
        ).values_list("id", flat=True).distinct()
    )


class UserQuerySet(models.QuerySet):
    def visible_to(self, user: "User") -> "UserQuerySet":
        """Users the given user may read: admin/director/HR all; supervisor the
        department; lead their team members; everyone else only themselves."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.role in ALL_SEEING_PEOPLE_ROLES:
            return self.all()
        if user.role == Role.SUPERVISOR:
            return self.filter(Q(department_id=user.department_id) | Q(pk=user.pk)) if user.department_id else self.filter(pk=user.pk)
        if user.role == Role.TEAM_LEAD:
            return self.filter(
                Q(memberships__team_id__in=led_team_ids(user), memberships__ended_on__isnull=True) | Q(pk=user.pk)
            ).distinct()
        return self.filter(pk=user.pk)

    def collectors(self) -> "UserQuerySet":
        return self.filter(role=Role.COLLECTOR, is_active=True)



class MembershipQuerySet(models.QuerySet):
    def current(self, on: "dt.date") -> "MembershipQuerySet":
        """Memberships in force on the local date ``on``: started (a hire whose start date is still
        ahead is not yet a member who can be given work) and not ended."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on), started_on__lte=on)


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user: "User") -> "TeamQuerySet":
        """Teams the user may read, following the same role table as :meth:`UserQuerySet.visible_to`."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.role in ALL_SEEING_PEOPLE_ROLES:
            return self.all()
        if user.role == Role.SUPERVISOR:
            return self.filter(department_id=user.department_id)
        if user.role == Role.TEAM_LEAD:
            return self.filter(id__in=led_team_ids(user))
        if user.role == Role.COLLECTOR:
            return self.filter(memberships__user=user, memberships__ended_on__isnull=True)
        return self.none()


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    """Django's user manager (create_user, …) with :class:`UserQuerySet` scoping."""

    use_in_migrations = True


PEOPLE_MANAGER_ROLES = {Role.HR_RECRUITER, Role.DIRECTOR}


class TrainingSessionQuerySet(models.QuerySet):
    def onboarding_from(self, *, team, start_on: "dt.date") -> "TrainingSessionQuerySet":
        """``team``'s planned onboarding sessions starting on the local date ``start_on`` or later,
        earliest first: the first is where a hire starting that day is enrolled."""
        from common.dates import local_day_bounds

        from .choices import TrainingKind, TrainingSessionStatus

        day_start, _day_end = local_day_bounds(start_on)
        return self.filter(
            team=team, kind=TrainingKind.ONBOARDING, status=TrainingSessionStatus.PLANNED, starts_at__gte=day_start,
        ).order_by("starts_at", "id")

    def visible_to(self, user: "User") -> "TrainingSessionQuerySet":
        """HR and director: every session; supervisor: their department's teams and company-wide
        sessions; team lead: their teams' and company-wide; anyone else: sessions they attend."""
        if not user.is_authenticated:
            return self.none()
        if user.role in PEOPLE_MANAGER_ROLES:
            return self.all()
        if user.role == Role.SUPERVISOR:
            return self.filter(Q(team__department_id=user.department_id) | Q(team__isnull=True) | Q(attendances__user=user)).distinct()
        if user.role == Role.TEAM_LEAD:
            return self.filter(Q(team_id__in=led_team_ids(user)) | Q(team__isnull=True) | Q(attendances__user=user)).distinct()
        if user.role in (Role.ADMINISTRATOR, Role.INTEGRATION_CLIENT):
            return self.none()
        return self.filter(attendances__user=user).distinct()


class DevelopmentPlanQuerySet(models.QuerySet):
    def visible_to(self, user: "User") -> "DevelopmentPlanQuerySet":
        """HR and director: all; supervisor: employees of their department; team lead: their team
        members; everyone: their own plans."""
        if not user.is_authenticated:
            return self.none()
        if user.role in PEOPLE_MANAGER_ROLES:
            return self.all()
        if user.role in (Role.SUPERVISOR, Role.TEAM_LEAD):
            from .models import User as UserModel

            return self.filter(employee__in=UserModel.objects.visible_to(user))
        if user.role in (Role.ADMINISTRATOR, Role.INTEGRATION_CLIENT):
            return self.none()
        return self.filter(employee=user)


class EmployeeFeedbackQuerySet(models.QuerySet):
    def visible_to(self, user: "User") -> "EmployeeFeedbackQuerySet":
        """HR: all feedback; anyone else: only what they submitted under their name (anonymous
        feedback has no author, so only HR sees it)."""
        if not user.is_authenticated:
            return self.none()
        if user.role == Role.HR_RECRUITER:
            return self.all()
        return self.filter(author=user)
