"""Training sessions, enrolment, attendance and results (issue 3 §8)."""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from ..models import Team, TrainingAttendance, TrainingSession, User


def training_session_create(
    *, actor: User, kind: str, title: str, starts_at: dt.datetime, ends_at: dt.datetime, team: Team | None = None,
    trainer: User | None = None, location: str = "", description: str = "",
) -> TrainingSession:
    """Plan a session. Raises ``ValidationError`` (end before start)."""
    raise NotImplementedError


def training_enrol(*, actor: User, session: TrainingSession, users: Iterable[User]) -> list[TrainingAttendance]:
    """Enrol users (idempotent: an already enrolled user keeps their row). Refuses a cancelled or
    held session (``RuleViolation`` ``training_not_planned``)."""
    raise NotImplementedError


def training_enrol_onboarding(*, actor: User | None, user: User, team: Team, start_on: dt.date) -> TrainingAttendance:
    """Enrol a new hire in ``team``'s next planned onboarding session starting on or after
    ``start_on``; when there is none, plan one ("New-hire onboarding", 09:00–18:00 Beijing on
    ``start_on``, trainer = the team lead) and enrol them in it."""
    raise NotImplementedError


def training_attendance_record(
    *, actor: User, attendance: TrainingAttendance, attendance_value: str | None = None, result: str | None = None,
    score: int | None = None, note: str | None = None,
) -> TrainingAttendance:
    """Record attendance and/or result (HR or the session's trainer). A ``passed`` result of an
    onboarding session clears the attendee's ``CollectorProfile.in_onboarding`` (onboarding ends),
    audited. Raises ``RuleViolation`` (``training_recorder``) for anyone else, ``ValidationError``
    for a score over 100 or a result for someone marked absent."""
    raise NotImplementedError
