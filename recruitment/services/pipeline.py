"""Moving applications through a posting's pipeline; candidate e-mails (issue 3 §4).

Every move writes a ``StageChange`` (who, when, from, to, note) and an audit event, makes the
application's ``status`` / ``closed_at`` follow the kind of the stage it enters (hired, rejected,
withdrawn close it; anything else keeps it active) and queues that stage's candidate e-mail once
the transaction commits (Celery; the console back end by default)."""
from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from common.audit import audit_event_record
from common.errors import RuleViolation
from teams.models import User

from ..choices import TERMINAL_STAGE_KINDS, ApplicationStatus, InterviewStatus, RefuseReason, StageKind
from ..models import Application, CandidateEmailTemplate, Interview, JobPosting, PipelineStage, StageChange

logger = logging.getLogger(__name__)

# Stage kind → application status; every other kind keeps the application active.
STATUS_OF_KIND = {
    StageKind.HIRED: ApplicationStatus.HIRED,
    StageKind.REJECTED: ApplicationStatus.REJECTED,
    StageKind.WITHDRAWN: ApplicationStatus.WITHDRAWN,
}
_MOVED_FIELDS = ("stage", "stage_id", "status", "closed_at", "stage_entered_at", "refuse_reason", "refuse_note")


def posting_stage(posting: JobPosting, kind: str) -> PipelineStage:
    """The (first) stage of ``kind`` in ``posting``'s pipeline. Raises ``RuleViolation``
    (``stage_missing``) when the posting has none."""
    stage = posting.stages.filter(kind=kind).order_by("position", "id").first()
    if stage is None:
        raise RuleViolation(
            _("The posting “%(posting)s” has no “%(kind)s” stage.") % {"posting": posting, "kind": StageKind(kind).label},
            rule="stage_missing",
        )
    return stage


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update(of=("self",)).select_related("stage").get(pk=application.pk)


def _refuse_closed(application: Application) -> None:
    if application.status != ApplicationStatus.ACTIVE:
        raise RuleViolation(
            _("This application is closed (%(status)s); it cannot change stage.") % {"status": application.get_status_display()},
            rule="application_closed",
        )


@transaction.atomic
def application_enter_stage(
    *, actor: User | None, application: Application, stage: PipelineStage, note: str = "", verb: str = "application_moved",
    refuse_reason: str = "", refuse_note: str = "",
) -> Application:
    """The one low-level move every verb goes through (``application_move``, ``application_reject``,
    ``application_withdraw`` and ``hiring.application_hire``, which alone may enter the hired stage):
    no guard on the target kind beyond "same posting, application still active". Updates the
    caller's ``application`` instance too and returns it. Entering the stage the application is
    already in is a no-op (no history row, no e-mail)."""
    locked = _lock(application)
    _refuse_closed(locked)
    if stage.posting_id != locked.posting_id:
        raise RuleViolation(_("That stage belongs to another posting."), rule="stage_of_other_posting")
    if stage.pk == locked.stage_id:
        _copy_moved_fields(locked, application)
        return application
    now = timezone.now()
    from_stage = locked.stage
    locked.stage = stage
    locked.stage_entered_at = now
    locked.status = STATUS_OF_KIND.get(stage.kind, ApplicationStatus.ACTIVE)
    locked.closed_at = now if stage.kind in TERMINAL_STAGE_KINDS else None
    fields = ["stage", "stage_entered_at", "status", "closed_at"]
    if refuse_reason:
        locked.refuse_reason, locked.refuse_note = refuse_reason, refuse_note
        fields += ["refuse_reason", "refuse_note"]
    locked.save(update_fields=fields)
    StageChange.objects.create(application=locked, from_stage=from_stage, to_stage=stage, actor=actor, note=note, at=now)
    closed = _close_open_business(locked, now) if stage.kind in (StageKind.REJECTED, StageKind.WITHDRAWN) else {}
    audit_event_record(
        actor=actor, verb=verb, target=locked,
        data={
            "from_stage": from_stage.name, "to_stage": stage.name, "to_kind": stage.kind, "note": note, "refuse_reason": refuse_reason,
            **closed,
        },
    )
    candidate_email_queue(locked.pk, stage.pk)
    _copy_moved_fields(locked, application)
    return application


def _close_open_business(application: Application, now) -> dict[str, int]:
    """A rejected or withdrawn application keeps nothing open: its open offer is withdrawn and its
    scheduled interviews are cancelled (interviewers are not left with a slot for nobody)."""
    from ..choices import OPEN_OFFER_STATUSES, OfferStatus
    from ..models import Offer

    offers = Offer.objects.filter(application=application, status__in=OPEN_OFFER_STATUSES).update(
        status=OfferStatus.WITHDRAWN, decided_at=now,
    )
    interviews = Interview.objects.filter(application=application, status=InterviewStatus.SCHEDULED).update(status=InterviewStatus.CANCELLED)
    return {"offers_withdrawn": offers, "interviews_cancelled": interviews}


def _copy_moved_fields(source: Application, target: Application) -> None:
    if source is target:
        return
    for name in _MOVED_FIELDS:
        setattr(target, name, getattr(source, name))


def candidate_email_queue(application_id: int, stage_id: int) -> None:
    """Queue the e-mail of the stage the application entered (Celery, once the transaction commits).
    The one way services send a stage e-mail: moves, a new application, a further interview round."""
    from ..tasks import candidate_email_send_task

    transaction.on_commit(lambda: candidate_email_send_task.delay(application_id, stage_id))


# Stages only their own verb enters: the offer stage comes with an offer (``offers.offer_create``),
# the background check with an accepted offer (``offers.offer_record_decision``), hired with the hire
# (``hiring.application_hire``, which creates the account), rejected / withdrawn with their reasons.
STAGE_VERBS = {
    StageKind.OFFER: ("offer_through_offer", _lazy("Draft an offer: drafting it moves the application to the offer stage.")),
    StageKind.BACKGROUND_CHECK: (
        "background_check_through_offer", _lazy("The background check follows an accepted offer: record the candidate's answer on the offer."),
    ),
    StageKind.HIRED: ("hire_through_hire", _lazy("Hire through the hire action: it creates the account and the onboarding.")),
    StageKind.REJECTED: ("reject_through_reject", _lazy("Reject through the reject action, which records the refuse reason.")),
    StageKind.WITHDRAWN: ("withdraw_through_withdraw", _lazy("Record a withdrawal through the withdraw action.")),
}


def application_move(*, actor: User | None, application: Application, stage: PipelineStage, note: str = "") -> Application:
    """Move to ``stage`` of the same posting, record a ``StageChange`` and queue that stage's e-mail
    on commit. Refuses (``RuleViolation``): a closed application (``application_closed``), a stage of
    another posting (``stage_of_other_posting``), and the stages only their own verb enters
    (:data:`STAGE_VERBS`: offer, background check, hired, rejected, withdrawn), so a candidate is never
    e-mailed about an offer that does not exist."""
    if stage.kind in STAGE_VERBS:
        rule, message = STAGE_VERBS[stage.kind]
        raise RuleViolation(str(message), rule=rule)
    return application_enter_stage(actor=actor, application=application, stage=stage, note=note)


@transaction.atomic
def application_reject(*, actor: User | None, application: Application, reason: str, note: str = "") -> Application:
    """Move to the rejected stage with a ``RefuseReason``; closes the application (``closed_at``).
    Raises ``ValidationError`` (``reason`` not a refuse reason) or ``RuleViolation``
    (``application_closed``)."""
    if reason not in RefuseReason.values:
        raise ValidationError({"reason": _("Choose a refuse reason from the list (got “%(value)s”).") % {"value": reason}})
    _refuse_closed(application)
    stage = posting_stage(application.posting, StageKind.REJECTED)
    return application_enter_stage(
        actor=actor, application=application, stage=stage, note=note, verb="application_rejected", refuse_reason=reason, refuse_note=note,
    )


@transaction.atomic
def application_withdraw(*, actor: User | None, application: Application, note: str = "") -> Application:
    """The candidate withdrew: move to the withdrawn stage, close the application. Raises
    ``RuleViolation`` (``application_closed``)."""
    _refuse_closed(application)
    stage = posting_stage(application.posting, StageKind.WITHDRAWN)
    return application_enter_stage(actor=actor, application=application, stage=stage, note=note, verb="application_withdrawn")


def candidate_email_context(application: Application, stage: PipelineStage) -> dict:
    """What a candidate e-mail template may use: ``candidate_name``, ``posting_title``,
    ``company_name``, ``stage_name`` and, when the application has a scheduled interview, ``interview``
    (the latest scheduled round: ``round_name``, ``starts_at``, ``ends_at``, ``location``,
    ``video_link``).

    Only plain values (strings, aware datetimes), never a model: HR edits these templates, and a
    model would let ``{{ interview.scheduled_by.password }}`` or
    ``{{ interview.application.candidate.id_number }}`` walk to anyone's data."""
    interview = application.interviews.filter(status=InterviewStatus.SCHEDULED).order_by("-created_at", "-id").first()
    return {
        "candidate_name": application.candidate.name,
        "posting_title": application.posting.title,
        "company_name": settings.COMPANY_NAME,
        "stage_name": stage.name,
        "interview": interview_email_values(interview) if interview is not None else None,
    }


def interview_email_values(interview: Interview) -> dict:
    """The ``interview`` of a candidate e-mail's context as plain values (the e-mail-template
    preview builds the same shape from sample data)."""
    return {
        "round_name": interview.round_name, "starts_at": interview.starts_at, "ends_at": interview.ends_at,
        "location": interview.location, "video_link": interview.video_link,
    }


def candidate_email_render(template: CandidateEmailTemplate, context: dict) -> tuple[str, str]:
    """(subject, body) as plain text: rendered with autoescape off, the subject on one line. Dates
    are shown in Beijing time and the site's default language (zh-hans). Raises
    ``TemplateSyntaxError`` for a broken template."""
    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        subject = Template(template.subject).render(Context(context, autoescape=False))
        body = Template(template.body).render(Context(context, autoescape=False))
    return " ".join(subject.split()), body


def candidate_email_send(*, application_id: int, stage_id: int) -> bool:
    """Render the active ``CandidateEmailTemplate`` for the stage kind and send it to the candidate
    (Django e-mail; console backend by default). False when there is no active template, no
    e-mail address, or the application was anonymised. Called by ``candidate_email_send_task``.

    Also False when the application has left that stage before the task ran (a stale e-mail such
    as "we received your application" after an automatic rejection is not sent) or when the
    template does not render (logged)."""
    application = (
        Application.objects.select_related("candidate", "posting", "stage").filter(pk=application_id).first()
    )
    stage = PipelineStage.objects.filter(pk=stage_id).first()
    if application is None or stage is None or application.stage_id != stage.pk:
        return False
    candidate = application.candidate
    if candidate.anonymised_at is not None or not candidate.email:
        return False
    template = CandidateEmailTemplate.objects.filter(stage_kind=stage.kind, is_active=True).first()
    if template is None:
        return False
    try:
        subject, body = candidate_email_render(template, candidate_email_context(application, stage))
    except TemplateSyntaxError:
        logger.exception("candidate e-mail template %s does not render", template.stage_kind)
        return False
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [candidate.email])
    audit_event_record(actor=None, verb="candidate_email_sent", target=application, data={"stage": stage.name, "stage_kind": stage.kind})
    return True


def _template_check(field: str, value: str) -> str:
    value = (value or "").strip() if field == "subject" else (value or "")
    if not value.strip():
        raise ValidationError({field: _("This field is required.")})
    try:
        Template(value)
    except TemplateSyntaxError as exc:
        raise ValidationError({field: _("Template error: %(error)s") % {"error": exc}}) from None
    return value


@transaction.atomic
def candidate_email_template_save(*, actor: User, stage_kind: str, subject: str, body: str, is_active: bool) -> CandidateEmailTemplate:
    """Create or update the e-mail candidates get on entering a stage of ``stage_kind``. Subject
    and body are Django templates (placeholders: ``pipeline.candidate_email_context``); a syntax
    error is refused. Raises ``ValidationError`` (``stage_kind``, ``subject``, ``body``)."""
    if stage_kind not in StageKind.values:
        raise ValidationError({"stage_kind": _("Unknown stage kind “%(kind)s”.") % {"kind": stage_kind}})
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for field, value in (("subject", subject), ("body", body)):
        try:
            cleaned[field] = _template_check(field, value)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    template = CandidateEmailTemplate.objects.select_for_update().filter(stage_kind=stage_kind).first()
    created = template is None
    if created:
        template = CandidateEmailTemplate(stage_kind=stage_kind)
    changed = [name for name, value in (("subject", cleaned["subject"]), ("body", cleaned["body"]), ("is_active", bool(is_active)))
               if getattr(template, name) != value]
    template.subject, template.body, template.is_active = cleaned["subject"], cleaned["body"], bool(is_active)
    template.full_clean()
    if created:
        template.save()
    elif changed:
        template.save(update_fields=[*changed, "updated_at"])
    if created or changed:
        audit_event_record(
            actor=actor, verb="candidate_email_template_saved", target=template,
            data={"stage_kind": stage_kind, "fields": ["subject", "body", "is_active"] if created else changed},
        )
    return template
