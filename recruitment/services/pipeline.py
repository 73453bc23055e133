"""Moving applications through a posting's pipeline; candidate e-mails (issue 3 §4)."""
from __future__ import annotations

from teams.models import User

from ..models import Application, PipelineStage


def application_move(*, actor: User | None, application: Application, stage: PipelineStage, note: str = "") -> Application:
    """Move to ``stage`` of the same posting, record a ``StageChange`` and queue that stage's e-mail
    on commit. Refuses (``RuleViolation``): a closed application (``application_closed``), a stage of
    another posting (``stage_of_other_posting``), the hired stage (``hire_through_hire``: use
    ``hiring.application_hire``), rejected/withdrawn (use the verbs below)."""
    raise NotImplementedError


def application_reject(*, actor: User | None, application: Application, reason: str, note: str = "") -> Application:
    """Move to the rejected stage with a ``RefuseReason``; closes the application (``closed_at``)."""
    raise NotImplementedError


def application_withdraw(*, actor: User | None, application: Application, note: str = "") -> Application:
    """The candidate withdrew: move to the withdrawn stage, close the application."""
    raise NotImplementedError


def candidate_email_send(*, application_id: int, stage_id: int) -> bool:
    """Render the active ``CandidateEmailTemplate`` for the stage kind and send it to the candidate
    (Django e-mail; console backend by default). False when there is no active template, no
    e-mail address, or the application was anonymised. Called by ``candidate_email_send_task``."""
    raise NotImplementedError
