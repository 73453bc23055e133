"""Training sessions, enrolment, attendance and results (issue 3 §8).

Onboarding: a new hire is enrolled in their team's onboarding session
(:func:`training_enrol_onboarding`); recording ``passed`` for them on an onboarding session ends
their onboarding (``CollectorProfile.in_onboarding`` cleared), so allocation stops limiting them
to low-risk cases (DOMAIN.md allocation step 2).
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_event_record
from common.errors import RuleViolation

from ..choices import Attendance, Role, TrainingKind, TrainingResult, TrainingSessionStatus
from ..models import CollectorProfile, Team, TrainingAttendance, TrainingSession, User

ONBOARDING_TITLE = "新员工入职培训"  # "New-hire onboarding" (domain data, zh-hans like the seed)
ONBOARDING_START = dt.time(9, 0)
ONBOARDING_END = dt.time(18, 0)


def training_can_record(user: User, session: TrainingSession) -> bool:
    """HR, or the session's own trainer, may record attendance and results."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == Role.HR_RECRUITER or (session.trainer_id is not None and session.trainer_id == user.pk)


@transaction.atomic
def training_session_create(
    *, actor: User, kind: str, title: str, starts_at: dt.datetime, ends_at: dt.datetime, team: Team | None = None,
    trainer: User | None = None, location: str = "", description: str = "",
) -> TrainingSession:
    """Plan a session. Raises ``ValidationError`` (end before start)."""
    if starts_at and ends_at and ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("The end must be after the start.")]})
    if trainer is not None and not trainer.is_active:
        raise ValidationError({"trainer": [_("The trainer's account is not active.")]})
    session = TrainingSession(
        kind=kind, title=title, description=description, team=team, trainer=trainer, starts_at=starts_at,
        ends_at=ends_at, location=location, status=TrainingSessionStatus.PLANNED, created_by=actor if getattr(actor, "pk", None) else None,
    )
    session.full_clean()
    session.save()
    audit_event_record(
        actor=actor, verb="training_session_created", target=session,
        data={"kind": kind, "team": team.code if team else None, "starts_at": starts_at.isoformat(),
              "trainer_id": trainer.pk if trainer else None},
    )
    return session


def _enrol(*, actor: User | None, session: TrainingSession, user: User) -> tuple[TrainingAttendance, bool]:
    attendance, created = TrainingAttendance.objects.get_or_create(session=session, user=user)
    if created:
        audit_event_record(
            actor=actor, verb="training_enrolled", target=attendance,
            data={"session_id": session.pk, "user_id": user.pk, "kind": session.kind},
        )
    return attendance, created


@transaction.atomic
def training_enrol(*, actor: User, session: TrainingSession, users: Iterable[User]) -> list[TrainingAttendance]:
    """Enrol users (idempotent: an already enrolled user keeps their row). Refuses a cancelled or
    held session (``RuleViolation`` ``training_not_planned``)."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.status != TrainingSessionStatus.PLANNED:
        raise RuleViolation(
            _("Only a planned session takes attendees; this one is %(status)s.") % {"status": session.get_status_display()},
            rule="training_not_planned",
        )
    rows = []
    for user in users:
        if not user.is_active:
            raise ValidationError({"users": [_("%(user)s is not active.") % {"user": user.username}]})
        rows.append(_enrol(actor=actor, session=session, user=user)[0])
    return rows


@transaction.atomic
def training_enrol_onboarding(*, actor: User | None, user: User, team: Team, start_on: dt.date) -> TrainingAttendance:
    """Enrol a new hire in ``team``'s next planned onboarding session starting on or after
    ``start_on``; when there is none, plan one ("New-hire onboarding", 09:00–18:00 Beijing on
    ``start_on``, trainer = the team lead) and enrol them in it."""
    session = TrainingSession.objects.select_for_update().onboarding_from(team=team, start_on=start_on).first()
    tz = timezone.get_default_timezone()
    if session is None:
        trainer = team.lead if team.lead_id and team.lead.is_active else None
        session = TrainingSession(
            kind=TrainingKind.ONBOARDING, title=ONBOARDING_TITLE, team=team, trainer=trainer,
            starts_at=timezone.make_aware(dt.datetime.combine(start_on, ONBOARDING_START), tz),
            ends_at=timezone.make_aware(dt.datetime.combine(start_on, ONBOARDING_END), tz),
            status=TrainingSessionStatus.PLANNED, created_by=actor if getattr(actor, "pk", None) else None,
        )
        session.full_clean()
        session.save()
        audit_event_record(
            actor=actor, verb="training_session_created", target=session,
            data={"kind": session.kind, "team": team.code, "starts_at": session.starts_at.isoformat(),
                  "trainer_id": session.trainer_id, "automatic": True},
        )
    attendance, _created = _enrol(actor=actor, session=session, user=user)
    return attendance


@transaction.atomic
def training_attendance_record(
    *, actor: User, attendance: TrainingAttendance, attendance_value: str | None = None, result: str | None = None,
    score: int | None = None, note: str | None = None,
) -> TrainingAttendance:
    """Record attendance and/or result (HR or the session's trainer). A ``passed`` result of an
    onboarding session clears the attendee's ``CollectorProfile.in_onboarding`` (onboarding ends),
    audited. Raises ``RuleViolation`` (``training_recorder``) for anyone else, ``ValidationError``
    for a score over 100 or a result for someone not marked present (passing a session one did not
    attend would end onboarding without training)."""
    attendance = TrainingAttendance.objects.select_for_update().select_related("session", "user").get(pk=attendance.pk)
    session = attendance.session
    if not training_can_record(actor, session):
        raise RuleViolation(_("Only HR or the session's trainer records attendance and results."), rule="training_recorder")
    if session.status == TrainingSessionStatus.CANCELLED:
        raise RuleViolation(_("The session was cancelled; nothing can be recorded."), rule="training_cancelled")

    before = {"attendance": attendance.attendance, "result": attendance.result, "score": attendance.score}
    fields: list[str] = []
    if attendance_value is not None:
        if attendance_value not in Attendance.values:
            raise ValidationError({"attendance": [_("Unknown attendance value.")]})
        attendance.attendance = attendance_value
        fields.append("attendance")
    if score is not None:
        if score < 0 or score > 100:
            raise ValidationError({"score": [_("The score is between 0 and 100.")]})
        attendance.score = score
        fields.append("score")
    if note is not None:
        attendance.note = note
        fields.append("note")
    if result is not None:
        if result not in TrainingResult.values:
            raise ValidationError({"result": [_("Unknown result value.")]})
        attendance.result = result
        fields.append("result")
    if attendance.attendance != Attendance.PRESENT and (attendance.result != TrainingResult.PENDING or (score is not None)):
        raise ValidationError({"result": [_("Only an attendee marked present can have a result or a score: record the attendance first.")]})
    if "result" in fields or "score" in fields:
        attendance.result_recorded_at = timezone.now()
        fields.append("result_recorded_at")
    if not fields:
        return attendance

    attendance.full_clean()
    attendance.save(update_fields=fields)
    audit_event_record(
        actor=actor, verb="training_attendance_recorded", target=attendance,
        data={"session_id": session.pk, "user_id": attendance.user_id, "before": before,
              "after": {"attendance": attendance.attendance, "result": attendance.result, "score": attendance.score}},
    )

    if session.kind == TrainingKind.ONBOARDING and attendance.result == TrainingResult.PASSED:
        profile = CollectorProfile.objects.select_for_update().filter(user_id=attendance.user_id, in_onboarding=True).first()
        if profile is not None:
            profile.in_onboarding = False
            profile.save(update_fields=["in_onboarding"])
            audit_event_record(
                actor=actor, verb="onboarding_completed", target=profile,
                data={"user_id": attendance.user_id, "session_id": session.pk, "score": attendance.score},
            )
    return attendance


#: Status moves of a session (HR): a planned session is held or cancelled; nothing comes back.
SESSION_MOVES = {TrainingSessionStatus.PLANNED: {TrainingSessionStatus.HELD, TrainingSessionStatus.CANCELLED}}


@transaction.atomic
def training_session_set_status(*, actor: User, session: TrainingSession, status: str) -> TrainingSession:
    """Mark a planned session held or cancelled (HR only, ``RuleViolation`` ``training_manager``;
    other moves ``training_status_flow``). A held session takes no more attendees."""
    if getattr(actor, "role", None) != Role.HR_RECRUITER:
        raise RuleViolation(_("Only HR changes a session's status."), rule="training_manager")
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if status not in SESSION_MOVES.get(session.status, set()):
        raise RuleViolation(
            _("A %(from)s session cannot become %(to)s.") % {
                "from": session.get_status_display(), "to": TrainingSessionStatus(status).label if status in TrainingSessionStatus.values else status,
            },
            rule="training_status_flow",
        )
    before = session.status
    session.status = status
    session.save(update_fields=["status"])
    audit_event_record(actor=actor, verb="training_session_status_set", target=session, data={"from": before, "to": status})
    return session
