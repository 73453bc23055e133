"""Interviews, scorecards and reminders (issue 3 §5)."""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from django.db.models import QuerySet

from teams.models import User

from ..models import Application, Interview, Scorecard


def interview_schedule(
    *, actor: User, application: Application, round_name: str, starts_at: dt.datetime, ends_at: dt.datetime,
    interviewers: Iterable[User], location: str = "", video_link: str = "",
) -> Interview:
    """Schedule a round. Refuses with ``ValidationError`` keyed by field: start in the past
    (``starts_at``), end before start, no interviewers, an interviewer whose role cannot sit on a
    panel (``INTERVIEWER_ROLES``), neither place nor video link; ``ConflictError``-free but
    ``RuleViolation`` (rule ``interviewer_conflict``) naming the interviewer and the overlapping
    interview; ``application_closed`` for a closed application. Moves an application that is before
    the interview stage to it; queues the interview e-mail."""
    raise NotImplementedError


def interview_cancel(*, actor: User, interview: Interview, note: str = "") -> Interview:
    raise NotImplementedError


def scorecard_submit(*, interviewer: User, interview: Interview, ratings: dict[str, int], recommendation: int, notes: str = "") -> Scorecard:
    """Submit (once) the interviewer's scorecard: every attribute of the posting's role rated 1–4
    (no neutral), a recommendation 1–4. Raises ``ValidationError`` (missing/unknown attribute,
    out-of-scale rating) or ``RuleViolation`` (``not_on_panel``, ``scorecard_already_submitted``,
    ``interview_cancelled``). Marks the interview completed once every interviewer submitted."""
    raise NotImplementedError


def scorecards_visible_to(*, user: User, interview: Interview) -> QuerySet[Scorecard]:
    """HR: all scorecards of the interview; an interviewer: none of the others' until they have
    submitted their own (then all)."""
    raise NotImplementedError


def interview_reminders_send(*, now: dt.datetime | None = None, hours_ahead: int = 24) -> int:
    """E-mail interviewers (and the candidate) of scheduled interviews starting within
    ``hours_ahead`` that have no reminder yet; sets ``reminder_sent_at``. Returns how many
    interviews were reminded; running twice sends nothing twice."""
    raise NotImplementedError
