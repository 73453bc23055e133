"""Scoping: ``visible_to(user)`` for every collections model, per the role table in PRODUCT.md.

collector: cases currently assigned to them · team lead: the cases of their teams ·
supervisor: the cases of their department's teams plus unallocated cases · director: everything ·
administrator: none (configuration and audit log, PRODUCT.md) · legal officer: referred cases (none until legal referral exists) ·
HR recruiter: nothing · integration client: cases of the creditors it is linked to.
Objects outside the scope are simply absent, so a lookup through them is a 404.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from teams.choices import Role
from teams.querysets import led_team_ids

if TYPE_CHECKING:
    from teams.models import User

ALL_CASES_ROLES = {Role.DIRECTOR}


def case_scope_q(user: "User", prefix: str = "") -> Q | None:
    """The Q object selecting the cases ``user`` may see, with field names under ``prefix``.

    Returns ``None`` for "everything" and ``Q(pk__in=[])`` for "nothing".
    """
    p = f"{prefix}__" if prefix else ""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.role in ALL_CASES_ROLES:  # a superuser is scoped by its role like anyone else
        return None
    if user.role == Role.COLLECTOR:
        return Q(**{f"{p}collector": user})
    if user.role == Role.TEAM_LEAD:
        return Q(**{f"{p}team_id__in": led_team_ids(user)})
    if user.role == Role.SUPERVISOR:
        if not user.department_id:
            return Q(pk__in=[])
        return Q(**{f"{p}team__department_id": user.department_id}) | Q(**{f"{p}team__isnull": True})
    if user.role == Role.INTEGRATION_CLIENT:
        return Q(**{f"{p}creditor__integration_clients": user})
    return Q(pk__in=[])  # legal officer (no referrals yet), HR recruiter, unknown roles


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user: "User") -> "CaseQuerySet":
        q = case_scope_q(user)
        if q is None:
            return self.all()
        if q == Q(pk__in=[]):
            return self.none()
        return self.filter(q)

    def open(self) -> "CaseQuerySet":
        from .choices import CaseStatus

        return self.filter(status__in=[CaseStatus.OPEN, CaseStatus.ON_HOLD])


class CaseChildQuerySet(models.QuerySet):
    """Rows that hang off a case (``scope_field`` = ``case``) or off a debtor (``debtor``);
    visible when one of their cases is."""

    scope_field: str = "case"
    case_value: str = "pk"

    def visible_to(self, user: "User") -> "CaseChildQuerySet":
        from .models import Case

        if case_scope_q(user) is None:
            return self.all()
        cases = Case.objects.visible_to(user).values(self.case_value)
        return self.filter(**{f"{self.scope_field}__in": cases})

    @classmethod
    def as_manager_for(cls, scope_field: str, case_value: str = "pk") -> Any:
        subclass = type(f"{cls.__name__}_{scope_field}", (cls,), {"scope_field": scope_field, "case_value": case_value})
        return subclass.as_manager()


class AssignmentQuerySet(CaseChildQuerySet):
    scope_field = "case"

    def current(self) -> "AssignmentQuerySet":
        return self.filter(ended_at__isnull=True)


class AccountQuerySet(CaseChildQuerySet):
    scope_field = "case"


class DebtorQuerySet(CaseChildQuerySet):
    scope_field = "pk"
    case_value = "debtor_id"


class CreditorQuerySet(models.QuerySet):
    def visible_to(self, user: "User") -> "CreditorQuerySet":
        """Collections roles read every creditor; an integration client its own; HR and legal none."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.role in {Role.ADMINISTRATOR, Role.DIRECTOR, Role.SUPERVISOR, Role.TEAM_LEAD, Role.COLLECTOR}:
            return self.all()
        if user.role == Role.INTEGRATION_CLIENT:
            return self.filter(integration_clients=user)
        return self.none()


class PlacementQuerySet(models.QuerySet):
    def visible_to(self, user: "User") -> "PlacementQuerySet":
        """Supervisors and directors see every placement; an integration client the placements of
        its creditors; nobody else any (the administrator neither: no case data)."""
        if not user.is_authenticated:
            return self.none()
        if user.role in {Role.DIRECTOR, Role.SUPERVISOR}:
            return self.all()
        if user.role == Role.INTEGRATION_CLIENT:
            return self.filter(creditor__integration_clients=user)
        return self.none()
