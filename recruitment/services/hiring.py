"""Hire → a working collector (issue 3 §7)."""
from __future__ import annotations

from dataclasses import dataclass

from teams.models import TrainingAttendance, User

from ..models import Application


@dataclass(frozen=True)
class HireResult:
    user: User
    first_login_path: str  # /welcome/<uidb64>/<token>/ — set a password, then log in
    training: TrainingAttendance | None


def application_hire(*, actor: User, application: Application, username: str = "") -> HireResult:
    """Mark hired: create the user (role from the posting, name and e-mail from the candidate,
    unusable password), the membership of the requisition's team from the offer's start date, for a
    collector a ``CollectorProfile`` junior + ``in_onboarding``, enrol the hire in the team's
    onboarding training (``teams.services.training_enrol_onboarding``), move the application to the
    hired stage, mark the requisition filled when its headcount is reached, e-mail the first-login
    link. Refuses (``RuleViolation``): no accepted offer (``hire_needs_accepted_offer``), background
    check not clear for a collector (``hire_needs_background_check``), already hired."""
    raise NotImplementedError
