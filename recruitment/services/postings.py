"""Requisitions, job postings and their pipeline stages (issue 3 §1, §4)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from teams.models import Team, User

from ..models import JobPosting, PipelineStage, Requisition


def requisition_create(*, actor: User, team: Team, role: str, headcount: int, reason: str) -> Requisition:
    """Create a pending requisition. Raises ``ValidationError`` (headcount < 1, role not a hiring
    role, empty reason)."""
    raise NotImplementedError


def requisition_decide(*, actor: User, requisition: Requisition, approve: bool, note: str = "") -> Requisition:
    """Approve or reject a pending requisition. Only a supervisor of the team's department or a
    director; never the requester. Raises ``RuleViolation`` (rule ``requisition_approver`` /
    ``requisition_not_pending`` / ``four_eyes``)."""
    raise NotImplementedError


def posting_create(
    *, actor: User, requisition: Requisition, title: str, responsibilities: str, requirements: str, location: str,
    salary_min: Decimal, salary_max: Decimal, closes_on: dt.date | None = None,
) -> JobPosting:
    """Create a draft posting (role from the requisition), install the default pipeline stages and
    the default screening rules for the role, and store ``wording_warnings`` found by
    ``recruitment.wording.discriminatory_phrases``. Raises ``ValidationError`` (salary range) or
    ``RuleViolation`` (requisition not approved: rule ``requisition_not_approved``)."""
    raise NotImplementedError


def posting_update(*, actor: User, posting: JobPosting, **fields) -> JobPosting:
    """Edit text, location, salary range or closing date; re-runs the wording check."""
    raise NotImplementedError


def posting_set_status(*, actor: User, posting: JobPosting, status: str) -> JobPosting:
    """draft → open (publish: sets ``published_at``), open ↔ paused, any → closed. Opening needs an
    approved requisition. Raises ``RuleViolation`` (rule ``posting_status_transition``)."""
    raise NotImplementedError


def pipeline_stages_install_default(*, posting: JobPosting) -> list[PipelineStage]:
    """applied → screening → interview → offer → background check → hired, then rejected, withdrawn."""
    raise NotImplementedError


def pipeline_stage_add(*, actor: User, posting: JobPosting, name: str, after: PipelineStage) -> PipelineStage:
    """Insert a custom stage after ``after`` (before hired/rejected/withdrawn)."""
    raise NotImplementedError


def pipeline_stage_rename(*, actor: User, stage: PipelineStage, name: str) -> PipelineStage:
    raise NotImplementedError


def pipeline_stage_remove(*, actor: User, stage: PipelineStage) -> None:
    """Remove a custom stage that holds no application. Raises ``RuleViolation``
    (``stage_in_use`` / ``stage_required``: built-in kinds cannot be removed)."""
    raise NotImplementedError
