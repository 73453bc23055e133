"""Scoping for people records: ``visible_to(user)`` encodes the role table in PRODUCT.md."""
from __future__ import annotations

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
