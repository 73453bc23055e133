"""Interviews, scorecards and reminders (issue 3 §5; Greenhouse structured hiring).

- Scheduling refuses a start in the past, an end not after the start, an empty panel, a panel
  member whose role cannot interview (``choices.INTERVIEWER_ROLES``: collectors never see candidate
  data), and an interview with neither place nor video link.
- An interviewer cannot sit in two overlapping interviews: the interviewers' user rows are locked
  (ordered by primary key, so two bookings never deadlock) before the overlap query, so two
  simultaneous bookings of the same person cannot both pass.
- Scorecards rate every attribute of the posting's role (``choices.SCORECARD_ATTRIBUTES``) on the
  four-point ``Rating`` scale, which has no neutral point, plus an overall ``Recommendation``.
  An interviewer sees the others' scorecards only once their own is in (no anchoring).
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.audit import audit_event_record
from common.errors import RuleViolation
from teams.choices import Role
from teams.models import User

from ..choices import INTERVIEWER_ROLES, SCORECARD_ATTRIBUTES, ApplicationStatus, InterviewStatus, Rating, Recommendation, StageKind
from ..models import Application, Interview, Scorecard
from . import pipeline


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _schedule_errors(
    *, round_name: str, starts_at: dt.datetime | None, ends_at: dt.datetime | None, interviewers: list[User], location: str,
    video_link: str, now: dt.datetime,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not round_name.strip():
        errors["round_name"] = [_("Name the round (e.g. “First interview”).")]
    if starts_at is None:
        errors["starts_at"] = [_("Give the start time.")]
    elif starts_at <= now:
        errors["starts_at"] = [
            _("The start time %(start)s is in the past; an interview can only be scheduled ahead.") % {"start": _local(starts_at)}
        ]
    if ends_at is None:
        errors["ends_at"] = [_("Give the end time.")]
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = [_("The end time must be after the start time.")]
    if not interviewers:
        errors["interviewers"] = [_("Choose at least one interviewer.")]
    else:
        not_allowed = [u for u in interviewers if u.role not in INTERVIEWER_ROLES or not u.is_active]
        if not_allowed:
            errors["interviewers"] = [
                _("%(user)s cannot sit on an interview panel (only HR, team leads, supervisors and directors with an active account).")
                % {"user": u.display_name}
                for u in not_allowed
            ]
    if not location.strip() and not video_link.strip():
        errors["location"] = [_("Give a place or a video link for the interview.")]
    return errors


def _check_interviewer_conflicts(*, interviewers: list[User], starts_at: dt.datetime, ends_at: dt.datetime, exclude_pk: int | None = None) -> None:
    """``RuleViolation`` (``interviewer_conflict``) when one of ``interviewers`` already sits in a
    not-cancelled interview overlapping [starts_at, ends_at). The caller holds the row locks."""
    for user in interviewers:
        clashes = Interview.objects.filter(
            interviewers=user, starts_at__lt=ends_at, ends_at__gt=starts_at,
        ).exclude(status=InterviewStatus.CANCELLED)
        if exclude_pk:
            clashes = clashes.exclude(pk=exclude_pk)
        other = clashes.order_by("starts_at", "id").first()
        if other is not None:
            raise RuleViolation(
                _("%(user)s already has an interview from %(start)s to %(end)s (%(round)s) that overlaps this time.") % {
                    "user": user.display_name, "start": _local(other.starts_at), "end": _local(other.ends_at), "round": other.round_name,
                },
                rule="interviewer_conflict",
                extra={"interviewer": user.pk, "interview": other.pk, "starts_at": other.starts_at.isoformat(), "ends_at": other.ends_at.isoformat()},
            )


@transaction.atomic
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
    panel = list({u.pk: u for u in interviewers}.values())
    location, video_link = (location or "").strip(), (video_link or "").strip()
    errors = _schedule_errors(
        round_name=round_name or "", starts_at=starts_at, ends_at=ends_at, interviewers=panel, location=location,
        video_link=video_link, now=timezone.now(),
    )
    if errors:
        raise ValidationError(errors)

    application = Application.objects.select_for_update(of=("self",)).select_related("stage", "posting").get(pk=application.pk)
    if application.status != ApplicationStatus.ACTIVE:
        raise RuleViolation(
            _("This application is closed (%(status)s); no interview can be scheduled.") % {"status": application.get_status_display()},
            rule="application_closed",
        )
    # Lock the interviewers in a fixed order, then look for overlaps: a second booking of the same
    # person waits here until the first commits, and then sees it.
    locked = list(User.objects.select_for_update().filter(pk__in=[u.pk for u in panel]).order_by("pk"))
    _check_interviewer_conflicts(interviewers=locked, starts_at=starts_at, ends_at=ends_at)

    interview = Interview(
        application=application, round_name=round_name.strip(), starts_at=starts_at, ends_at=ends_at, location=location,
        video_link=video_link, status=InterviewStatus.SCHEDULED, scheduled_by=actor if getattr(actor, "pk", None) else None,
    )
    interview.full_clean()
    interview.save()
    interview.interviewers.set(locked)
    audit_event_record(
        actor=actor, verb="interview_scheduled", target=interview,
        data={"application_id": application.pk, "round": interview.round_name, "starts_at": starts_at.isoformat(),
              "ends_at": ends_at.isoformat(), "interviewer_ids": [u.pk for u in locked]},
    )

    interview_stage = application.posting.stages.filter(kind=StageKind.INTERVIEW).order_by("position", "id").first()
    if interview_stage is not None and application.stage.position < interview_stage.position:
        # the move queues the interview-stage e-mail (its context carries this interview)
        pipeline.application_move(actor=actor, application=application, stage=interview_stage, note=interview.round_name)
    elif interview_stage is not None and application.stage_id == interview_stage.pk:
        pipeline.candidate_email_queue(application.pk, interview_stage.pk)  # a further round: same template, new details
    return interview


@transaction.atomic
def interview_cancel(*, actor: User, interview: Interview, note: str = "") -> Interview:
    """Cancel a scheduled interview (frees its interviewers' time). Raises ``RuleViolation``
    (``interview_not_scheduled``) for a completed or already cancelled one."""
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    if interview.status != InterviewStatus.SCHEDULED:
        raise RuleViolation(
            _("Only a scheduled interview can be cancelled; this one is %(status)s.") % {"status": interview.get_status_display()},
            rule="interview_not_scheduled",
        )
    interview.status = InterviewStatus.CANCELLED
    interview.save(update_fields=["status"])
    audit_event_record(actor=actor, verb="interview_cancelled", target=interview, data={"note": note, "application_id": interview.application_id})
    return interview


def _valid_point(value: object, allowed: Iterable[int]) -> bool:
    """An int on the scale: ``True``/``False``, 2.5 and "3" are not ratings."""
    return isinstance(value, int) and not isinstance(value, bool) and value in set(allowed)


@transaction.atomic
def scorecard_submit(*, interviewer: User, interview: Interview, ratings: dict[str, int], recommendation: int, notes: str = "") -> Scorecard:
    """Submit (once) the interviewer's scorecard: every attribute of the posting's role rated 1–4
    (no neutral), a recommendation 1–4. Raises ``ValidationError`` (missing/unknown attribute,
    out-of-scale rating) or ``RuleViolation`` (``not_on_panel``, ``scorecard_already_submitted``,
    ``interview_cancelled``, ``interview_not_started``). Marks the interview completed once every interviewer submitted."""
    interview = Interview.objects.select_for_update().select_related("application__posting").get(pk=interview.pk)
    if interview.status == InterviewStatus.CANCELLED:
        raise RuleViolation(_("This interview was cancelled; it takes no scorecards."), rule="interview_cancelled")
    if interview.starts_at > timezone.now():
        raise RuleViolation(
            _("This interview has not started yet (it starts %(when)s); scorecards come in once it has taken place.")
            % {"when": timezone.localtime(interview.starts_at).strftime("%Y-%m-%d %H:%M")},
            rule="interview_not_started",
        )
    panel_ids = set(interview.interviewers.values_list("pk", flat=True))
    if getattr(interviewer, "pk", None) not in panel_ids:
        raise RuleViolation(_("Only the interviewers of this round submit scorecards for it."), rule="not_on_panel")
    if interview.scorecards.filter(interviewer=interviewer).exists():
        raise RuleViolation(_("You have already submitted your scorecard for this interview."), rule="scorecard_already_submitted")

    attributes = [str(a) for a in SCORECARD_ATTRIBUTES[interview.application.posting.role]]
    labels = dict((str(a), a.label) for a in SCORECARD_ATTRIBUTES[interview.application.posting.role])
    ratings = dict(ratings or {})
    messages: list[str] = []
    for key in sorted(set(ratings) - set(attributes)):
        messages.append(_("“%(attribute)s” is not an attribute of this role's scorecard.") % {"attribute": key})
    for key in attributes:
        if key not in ratings:
            messages.append(_("Rate “%(attribute)s”.") % {"attribute": labels[key]})
        elif not _valid_point(ratings[key], Rating.values):
            messages.append(
                _("“%(attribute)s” must be rated 1, 2, 3 or 4 (four-point scale, no neutral); got %(value)s.")
                % {"attribute": labels[key], "value": ratings[key]}
            )
    errors: dict[str, list[str]] = {}
    if messages:
        errors["ratings"] = messages
    if not _valid_point(recommendation, Recommendation.values):
        errors["recommendation"] = [_("The overall recommendation is 1, 2, 3 or 4 (no neutral); got %(value)s.") % {"value": recommendation}]
    if errors:
        raise ValidationError(errors)

    scorecard = Scorecard(
        interview=interview, interviewer=interviewer, ratings={k: ratings[k] for k in attributes}, recommendation=recommendation,
        notes=notes or "", submitted_at=timezone.now(),
    )
    scorecard.full_clean()
    scorecard.save()
    audit_event_record(
        actor=interviewer, verb="scorecard_submitted", target=scorecard,
        data={"interview_id": interview.pk, "application_id": interview.application_id, "ratings": scorecard.ratings,
              "recommendation": recommendation},
    )
    submitted = set(interview.scorecards.values_list("interviewer_id", flat=True))
    if interview.status == InterviewStatus.SCHEDULED and panel_ids <= submitted:
        interview.status = InterviewStatus.COMPLETED
        interview.save(update_fields=["status"])
        audit_event_record(actor=interviewer, verb="interview_completed", target=interview, data={"scorecards": len(submitted)})
    return scorecard


def scorecards_visible_to(*, user: User, interview: Interview) -> QuerySet[Scorecard]:
    """An interviewer — HR included when HR sits on the panel — sees none of the others' scorecards
    until they have submitted their own, then all (independent feedback, Greenhouse's rule). HR not
    on the panel: all. Anyone else: none."""
    scorecards = Scorecard.objects.filter(interview=interview).select_related("interviewer").order_by("submitted_at", "id")
    if not getattr(user, "is_authenticated", False):
        return scorecards.none()
    if interview.interviewers.filter(pk=user.pk).exists():
        return scorecards if scorecards.filter(interviewer=user).exists() else scorecards.none()
    if user.role == Role.HR_RECRUITER:
        return scorecards
    return scorecards.none()


# --- reminders --------------------------------------------------------------------------------------

def _reminder_messages(interview: Interview) -> list[EmailMessage]:
    application = interview.application
    candidate = application.candidate
    where = ", ".join(x for x in (interview.location, interview.video_link) if x)
    when = f"{_local(interview.starts_at)}–{timezone.localtime(interview.ends_at).strftime('%H:%M')}"
    messages = []
    for user in interview.interviewers.all():
        if not user.email or not user.is_active:
            continue
        messages.append(EmailMessage(
            subject=_("Interview reminder: %(candidate)s, %(posting)s, %(when)s") % {
                "candidate": candidate.name, "posting": application.posting.title, "when": when,
            },
            body=_(
                "You are on the panel of “%(round)s” for %(posting)s.\n\nCandidate: %(candidate)s\nTime: %(when)s (Beijing time)\n"
                "Place / link: %(where)s\n\nSubmit your scorecard after the interview; the others' feedback is shown to you "
                "once yours is in."
            ) % {"round": interview.round_name, "posting": application.posting.title, "candidate": candidate.name, "when": when, "where": where},
            from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email],
        ))
    if candidate.email and candidate.anonymised_at is None:
        messages.append(EmailMessage(
            subject=_("Reminder: your interview with %(company)s, %(when)s") % {"company": settings.COMPANY_NAME, "when": when},
            body=_(
                "Dear %(candidate)s,\n\nthis is a reminder of your interview (%(round)s) for the position %(posting)s.\n\n"
                "Time: %(when)s (Beijing time)\nPlace / link: %(where)s\n\nIf you cannot attend, please reply to this e-mail.\n\n%(company)s"
            ) % {"candidate": candidate.name, "round": interview.round_name, "posting": application.posting.title, "when": when,
                 "where": where, "company": settings.COMPANY_NAME},
            from_email=settings.DEFAULT_FROM_EMAIL, to=[candidate.email],
        ))
    return messages


def interview_reminders_send(*, now: dt.datetime | None = None, hours_ahead: int = 24) -> int:
    """E-mail interviewers (and the candidate) of scheduled interviews starting within
    ``hours_ahead`` that have no reminder yet; sets ``reminder_sent_at``. Returns how many
    interviews were reminded; running twice sends nothing twice.

    Each interview is handled in its own transaction on its locked row (``skip_locked``: a second
    run going on at the same time skips it), so a failing mail server leaves the reminder unsent
    and it is tried again at the next run. E-mails are in the site's language and Beijing time."""
    now = now or timezone.now()
    due_ids = list(
        Interview.objects.filter(
            status=InterviewStatus.SCHEDULED, reminder_sent_at__isnull=True, starts_at__gt=now,
            starts_at__lte=now + dt.timedelta(hours=hours_ahead),
        ).order_by("starts_at", "id").values_list("pk", flat=True)
    )
    reminded = 0
    connection = get_connection()
    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        for pk in due_ids:
            with transaction.atomic():
                interview = (
                    Interview.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("application__candidate", "application__posting")
                    .filter(pk=pk, status=InterviewStatus.SCHEDULED, reminder_sent_at__isnull=True).first()
                )
                if interview is None:
                    continue
                messages = _reminder_messages(interview)
                if messages:
                    connection.send_messages(messages)
                interview.reminder_sent_at = timezone.now()
                interview.save(update_fields=["reminder_sent_at"])
                audit_event_record(actor=None, verb="interview_reminder_sent", target=interview, data={"emails": len(messages)})
                reminded += 1
    return reminded
