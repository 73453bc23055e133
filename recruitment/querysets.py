"""Scoping for recruitment (issue 3 §10): candidate data is visible to HR and to the interviewers
of that application only; a supervisor (their department) or director also sees the applications
whose offer needs their approval. Collectors, legal, administrators and integration clients see
no candidate data. Postings are public only through ``JobPostingQuerySet.published()``."""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from teams.choices import Role

from .choices import InterviewStatus

if TYPE_CHECKING:
    from teams.models import User


def _is(user: "User", *roles: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in roles


def _approver_q(user: "User", prefix: str) -> Q:
    """Offers that need this supervisor's (department) or director's approval; ``prefix`` is the
    path from the queried model to ``Offer``."""
    if user.role == Role.DIRECTOR:
        return Q(**{f"{prefix}needs_approval": True})
    if user.role == Role.SUPERVISOR and user.department_id:
        return Q(**{f"{prefix}needs_approval": True, f"{prefix}application__posting__requisition__team__department_id": user.department_id})
    return Q(pk__in=[])


class RequisitionQuerySet(models.QuerySet):
    def visible_to(self, user: "User") -> "RequisitionQuerySet":
        """HR and director: all; supervisor: their department's teams; others: none."""
        if _is(user, Role.HR_RECRUITER, Role.DIRECTOR):
            return self.all()
        if _is(user, Role.SUPERVISOR):
            return self.filter(team__department_id=user.department_id)
        return self.none()


class JobPostingQuerySet(models.QuerySet):
    def published(self) -> "JobPostingQuerySet":
        """What /careers/ and the public API list: open postings whose closing date (local) has not
        passed."""
        from common.dates import local_today

        from .choices import PostingStatus

        return self.filter(Q(closes_on__isnull=True) | Q(closes_on__gte=local_today()), status=PostingStatus.OPEN)

    def visible_to(self, user: "User") -> "JobPostingQuerySet":
        """HR and director: every posting in any status; supervisor: their department's; others
        (and anonymous visitors): only published ones."""
        if _is(user, Role.HR_RECRUITER, Role.DIRECTOR):
            return self.all()
        if _is(user, Role.SUPERVISOR):
            return self.filter(Q(requisition__team__department_id=user.department_id) | Q(pk__in=self.published().values("pk")))
        return self.published()


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user: "User") -> "ApplicationQuerySet":
        """HR: all; team lead, supervisor, director: applications they interview on, plus (supervisor
        in their department, director anywhere) those with an offer needing approval; others: none."""
        if _is(user, Role.HR_RECRUITER):
            return self.all()
        if _is(user, Role.TEAM_LEAD, Role.SUPERVISOR, Role.DIRECTOR):
            on_panel = Q(interviews__interviewers=user) & ~Q(interviews__status=InterviewStatus.CANCELLED)
            return self.filter(on_panel | _approver_q(user, "offers__")).distinct()
        return self.none()


class CandidateQuerySet(models.QuerySet):
    def visible_to(self, user: "User") -> "CandidateQuerySet":
        """Candidates with at least one application visible to ``user``."""
        if _is(user, Role.HR_RECRUITER):
            return self.all()
        from .models import Application

        return self.filter(pk__in=Application.objects.visible_to(user).values("candidate_id"))


class InterviewQuerySet(models.QuerySet):
    def visible_to(self, user: "User") -> "InterviewQuerySet":
        """HR: all; anyone else: the interviews they sit on."""
        if _is(user, Role.HR_RECRUITER):
            return self.all()
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(interviewers=user).distinct()


class OfferQuerySet(models.QuerySet):
    def visible_to(self, user: "User") -> "OfferQuerySet":
        """HR: all; supervisor (department) and director: offers that need their approval."""
        if _is(user, Role.HR_RECRUITER):
            return self.all()
        if _is(user, Role.SUPERVISOR, Role.DIRECTOR):
            return self.filter(_approver_q(user, ""))
        return self.none()
