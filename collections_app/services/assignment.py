"""Handing a case to a collector: one service for allocation, manual reassignment and claims.

Rules: DOMAIN.md "Allocation" step 5 (every assignment records who/what made it and why; a manual
reassignment needs a reason); QUALITY.md input 11 (two simultaneous assignments: one wins, the
other gets a conflict, one assignment row).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_event_record
from common.errors import ConflictError, RuleViolation
from teams.choices import Role
from teams.models import Membership, Team, User

from ..choices import AssignmentReason
from ..models import Assignment, Case


def collector_team(collector: User) -> Team | None:
    """The collector's team (active membership), or ``None``."""
    membership = Membership.objects.filter(user=collector, ended_on__isnull=True).select_related("team").first()
    return membership.team if membership else None


def _check_actor_may_assign(actor: User, collector: User, team: Team | None) -> None:
    """A lead assigns only inside their teams, a supervisor only inside their department, a
    collector only claims for themselves; no other role assigns (``permissions.CASE["assign"]``)."""
    if actor.role == Role.TEAM_LEAD:
        from teams.querysets import led_team_ids

        if team is None or team.pk not in led_team_ids(actor):
            raise RuleViolation(_("A team lead can only assign cases to members of their own team."), rule="lead_assigns_within_team")
        return
    if actor.role == Role.SUPERVISOR:
        if team is None or team.department_id != actor.department_id:
            raise RuleViolation(_("A supervisor can only assign cases inside their department."), rule="supervisor_assigns_within_department")
        return
    if actor.role == Role.COLLECTOR and actor.pk == collector.pk:
        return
    raise RuleViolation(_("Your role cannot assign cases."), rule="role_cannot_assign")


def _check_collector_may_work(collector: User, case: Case) -> None:
    """A person can only hand a case to someone who may work it: not on leave, and with the
    experience the case's risk tier needs (DOMAIN.md allocation step 2)."""
    from .allocation_balance import allowed_tiers

    profile = getattr(collector, "collector_profile", None)
    if profile is None:
        return
    if profile.on_leave:
        raise RuleViolation(_("%(user)s is on leave.") % {"user": collector}, rule="collector_on_leave")
    if case.risk_tier not in allowed_tiers(experience_level=profile.experience_level, in_onboarding=profile.in_onboarding):
        raise RuleViolation(
            _("%(user)s (%(level)s%(onboarding)s) may not work %(tier)s-risk cases.") % {
                "user": collector, "level": profile.get_experience_level_display(),
                "onboarding": _(", in onboarding") if profile.in_onboarding else "", "tier": case.get_risk_tier_display(),
            },
            rule="experience_not_allowed_for_tier",
        )


@transaction.atomic
def case_assign(
    *,
    case: Case,
    collector: User,
    actor: User | None,
    reason: str,
    note: str = "",
    detail: dict[str, Any] | None = None,
    expected_version: int | None = None,
    team: Team | None = None,
    now: dt.datetime | None = None,
) -> Assignment:
    """Assign ``case`` to ``collector`` and return the new current :class:`Assignment`.

    ``expected_version`` is the ``Case.version`` the caller saw; if the case changed hands since,
    :class:`ConflictError` (HTTP 409) is raised and nothing is written. ``actor`` is ``None`` for
    the allocation engine. Raises :class:`RuleViolation` when the collector is not an active
    collector, is on leave or lacks the experience for the case's tier, a manual reassignment has
    no reason, the case is closed, or the actor is outside their scope.
    """
    now = now or timezone.now()
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            _("Case %(case)s was changed by someone else (version %(have)s, you saw %(seen)s). Reload and try again.")
            % {"case": locked.pk, "have": locked.version, "seen": expected_version},
            rule="stale_case_version",
            extra={"current_version": locked.version},
        )
    if not locked.is_open:
        raise RuleViolation(_("Case %(case)s is %(status)s and cannot be assigned.") % {"case": locked.pk, "status": locked.get_status_display()}, rule="case_not_open")
    if collector.role != Role.COLLECTOR or not collector.is_active:
        raise RuleViolation(_("%(user)s is not an active collector.") % {"user": collector}, rule="assignee_not_collector")
    if reason == AssignmentReason.MANUAL and not note.strip():
        raise RuleViolation(_("A manual reassignment needs a reason."), rule="manual_reassignment_needs_reason")
    if locked.collector_id == collector.pk:
        raise ConflictError(_("Case %(case)s is already assigned to %(user)s.") % {"case": locked.pk, "user": collector}, rule="already_assigned")
    team = team or collector_team(collector)
    if actor is not None:
        _check_collector_may_work(collector, locked)
        if reason == AssignmentReason.CLAIM and locked.collector_id is not None:
            raise ConflictError(_("Case %(case)s has already been claimed.") % {"case": locked.pk}, rule="already_claimed")
        _check_actor_may_assign(actor, collector, team)

    previous = locked.collector
    detail = {"bucket": locked.bucket, "risk_tier": locked.risk_tier, **(detail or {})}
    Assignment.objects.filter(case=locked, ended_at__isnull=True).update(ended_at=now)
    assignment = Assignment(
        case=locked, collector=collector, team=team, previous_collector=previous, assigned_by=actor,
        reason=reason, note=note.strip(), detail=detail, assigned_at=now,
    )
    assignment.full_clean()
    assignment.save()
    locked.collector = collector
    locked.team = team
    locked.assigned_at = now
    locked.version += 1
    locked.save(update_fields=["collector", "team", "assigned_at", "version", "updated_at"])
    audit_event_record(
        actor=actor, verb="case_assigned", target=locked,
        data={"collector": collector.pk, "previous": previous.pk if previous else None, "reason": reason, "note": note, "detail": detail},
    )
    case.collector, case.team, case.assigned_at, case.version = locked.collector, locked.team, now, locked.version
    return assignment


@transaction.atomic
def case_unassign(*, case: Case, actor: User | None, reason: str, now: dt.datetime | None = None) -> None:
    """End the current assignment (the case leaves collections: cured or closed)."""
    now = now or timezone.now()
    Assignment.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now)
    if case.collector_id is not None:
        previous = case.collector_id
        case.collector = None
        case.version += 1
        case.save(update_fields=["collector", "version", "updated_at"])
        audit_event_record(actor=actor, verb="case_unassigned", target=case, data={"previous": previous, "reason": reason})
