"""Applications from the careers page, HR (referral, walk-in) and job boards (issue 3 §2).

What is collected is what the job needs (PIPL art. 6, DOMAIN.md "Candidate data"): name, mobile,
e-mail, ID number (optional until offer), education with study mode, Mandarin certificate, work
history with an industry tag and months, an optional resume, the consent to the privacy notice
(version and time). There is no field for gender, marital status, children, pregnancy, hepatitis B,
ethnicity or religion, so none can be asked or screened on."""
from __future__ import annotations

import math
import os
import uuid
from dataclasses import dataclass, field

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from common.audit import audit_event_record
from common.dates import local_today
from common.errors import RuleViolation
from common.validators import id_number_normalize, mobile_normalize
from teams.models import User

from ..choices import (
    ApplicationSource, ApplicationStatus, EducationLevel, Industry, MandarinLevel, PostingStatus, RequisitionStatus, StudyMode,
)
from ..defaults import PRIVACY_NOTICE_VERSION, RESUME_MAX_BYTES, RESUME_TYPES
from ..models import Application, Candidate, JobPosting, StageChange, WorkHistoryLine
from .pipeline import candidate_email_queue
from .privacy import resume_files_delete_on_commit

WORK_HISTORY_MAX_LINES = 20
MONTHS_MIN, MONTHS_MAX = 1, 600


@dataclass(frozen=True)
class WorkHistoryData:
    employer: str
    job_title: str
    industry: str  # choices.Industry
    months: int


@dataclass(frozen=True)
class ApplicationData:
    """What an applicant gives. ``mobile``/``id_number`` raw as typed (normalised by the service);
    ``consent_given`` must be True and ``consent_version`` the current notice version."""

    name: str
    mobile: str
    email: str
    education_level: int
    study_mode: str
    consent_given: bool
    consent_version: str
    id_number: str = ""
    mandarin_level: int = 0
    cover_note: str = ""
    work_history: list[WorkHistoryData] = field(default_factory=list)


def _megabytes(size: int, *, round_up: bool = False) -> str:
    """``5242880`` → ``"5"``; a file just over the limit shows as ``"5.1"`` (rounded up), never as the limit itself."""
    tenths = size * 10 / (1024 * 1024)
    tenths = math.ceil(tenths) if round_up else round(tenths)
    return f"{tenths / 10:.1f}".removesuffix(".0")


def resume_validate(upload: UploadedFile) -> str:
    """Return the resume's type key (``pdf``/``docx``/``jpg``/``png``) sniffed from its bytes (not
    its name). Raises ``ValidationError({"resume": …})`` over ``RESUME_MAX_BYTES`` or of any other
    type."""
    size = upload.size or 0
    if size > RESUME_MAX_BYTES:
        raise ValidationError({"resume": _("The resume is %(size)s MB; the limit is %(limit)s MB.") % {
            "size": _megabytes(size, round_up=True), "limit": _megabytes(RESUME_MAX_BYTES),
        }})
    if size == 0:
        raise ValidationError({"resume": _("The resume file is empty.")})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    extension = kind.extension if kind else None
    if extension not in RESUME_TYPES:
        raise ValidationError({"resume": _("The resume must be a PDF, Word (.docx), JPG or PNG file (this file is %(type)s).") % {
            "type": kind.mime if kind else _("of an unknown type"),
        }})
    return extension


def resume_original_name(upload: UploadedFile, resume_type: str) -> str:
    """The uploaded file's name, sanitised for display (no path, no odd characters, ≤ 200)."""
    name = get_valid_filename(os.path.basename((upload.name or "").replace("\\", "/"))) if upload.name else ""
    stem, _ext = os.path.splitext(name)
    stem = stem[:180] or "resume"
    return f"{stem}.{resume_type}"


#: The candidate's own fields: given on applying, corrected by HR (``candidate_update``).
CANDIDATE_FIELDS = ("name", "mobile", "email", "id_number", "education_level", "study_mode", "mandarin_level")


def _candidate_fields_clean(values: dict) -> tuple[dict, dict[str, list[str]]]:
    """Validate and normalise the :data:`CANDIDATE_FIELDS` present in ``values`` (as typed): name
    (spaces collapsed, required, ≤ 100), mobile (mainland, to E.164), e-mail (optional, lower
    case), ID number (optional, validated), education level, study mode and Mandarin grade from
    their lists. Returns (cleaned, errors by field); the one validation of application and
    correction alike."""
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}

    def error(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if "name" in values:
        name = " ".join((values["name"] or "").split())
        if not name:
            error("name", _("Name is required."))
        elif len(name) > 100:
            error("name", _("Name is at most 100 characters."))
        cleaned["name"] = name
    if "mobile" in values:
        try:
            cleaned["mobile"] = mobile_normalize(values["mobile"] or "")
        except ValidationError as exc:
            error("mobile", exc.messages[0])
    if "email" in values:
        email = (values["email"] or "").strip().lower()
        if email:
            try:
                EmailValidator(message=_("%(value)s is not a valid e-mail address.") % {"value": email})(email)
            except ValidationError as exc:
                error("email", exc.messages[0])
        cleaned["email"] = email
    if "id_number" in values:
        cleaned["id_number"] = ""
        if (values["id_number"] or "").strip():
            try:
                cleaned["id_number"] = id_number_normalize(values["id_number"])
            except ValidationError as exc:
                error("id_number", exc.messages[0])
    if "education_level" in values:
        if values["education_level"] not in EducationLevel.values:
            error("education_level", _("Choose an education level from the list."))
        cleaned["education_level"] = values["education_level"]
    if "study_mode" in values:
        if values["study_mode"] not in StudyMode.values:
            error("study_mode", _("Choose a study mode from the list."))
        cleaned["study_mode"] = values["study_mode"]
    if "mandarin_level" in values:
        mandarin = values["mandarin_level"] if values["mandarin_level"] not in (None, "") else MandarinLevel.NONE
        if mandarin not in MandarinLevel.values:
            error("mandarin_level", _("Choose a Mandarin certificate grade from the list."))
        cleaned["mandarin_level"] = mandarin
    return cleaned, errors


def _clean(data: ApplicationData, *, resume: UploadedFile | None, source: str) -> tuple[dict, dict]:
    """Validate and normalise everything the applicant gave. Returns (cleaned, errors by field)."""
    cleaned, errors = _candidate_fields_clean({name: getattr(data, name) for name in CANDIDATE_FIELDS})

    def error(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    lines = []
    if len(data.work_history) > WORK_HISTORY_MAX_LINES:
        error("work_history", _("At most %(count)s work history lines.") % {"count": WORK_HISTORY_MAX_LINES})
    for number, line in enumerate(data.work_history[:WORK_HISTORY_MAX_LINES], start=1):
        employer, job_title = (line.employer or "").strip(), (line.job_title or "").strip()
        if not employer or not job_title:
            error("work_history", _("Line %(n)s: give the employer and the job title.") % {"n": number})
        if line.industry not in Industry.values:
            error("work_history", _("Line %(n)s: choose an industry from the list.") % {"n": number})
        if not isinstance(line.months, int) or isinstance(line.months, bool) or not MONTHS_MIN <= line.months <= MONTHS_MAX:
            error("work_history", _("Line %(n)s: months must be a whole number from %(min)s to %(max)s.") % {"n": number, "min": MONTHS_MIN, "max": MONTHS_MAX})
        lines.append(WorkHistoryData(employer=employer[:200], job_title=job_title[:100], industry=line.industry, months=line.months))
    cleaned["work_history"] = lines

    if data.consent_given is not True:
        error("consent", _("You must agree to the privacy notice to apply (PIPL art. 14)."))
    elif data.consent_version != PRIVACY_NOTICE_VERSION:
        error("consent", _("The privacy notice has changed (version %(current)s); please read it again and agree.") % {"current": PRIVACY_NOTICE_VERSION})

    if source not in ApplicationSource.values:
        error("source", _("Unknown application source."))

    if resume is not None:
        try:
            cleaned["resume_type"] = resume_validate(resume)
        except ValidationError as exc:
            for message in exc.message_dict.get("resume", exc.messages):
                error("resume", message)
    return cleaned, errors


def posting_accepts_applications(posting: JobPosting) -> bool:
    """Open, its closing date (local) not past, its requisition not filled or cancelled."""
    return (
        posting.status == PostingStatus.OPEN
        and (posting.closes_on is None or posting.closes_on >= local_today())
        and posting.requisition.status == RequisitionStatus.APPROVED
    )


def _posting_refuse_closed(posting: JobPosting) -> None:
    if not posting_accepts_applications(posting):
        raise RuleViolation(
            _("The posting “%(title)s” is not taking applications (it is closed, paused, filled or past its closing date).") % {"title": posting.title},
            rule="posting_not_open",
        )


def application_submit(
    *, posting: JobPosting, data: ApplicationData, resume: UploadedFile | None, source: str,
    source_detail: str = "", referrer: User | None = None, actor: User | None = None,
) -> Application:
    """Validate everything, then in one transaction create the candidate, work history and the
    application in the first stage, record the stage change, screen it
    (``screening.application_screen``) and queue the applied-stage e-mail on commit.

    Raises ``ValidationError`` keyed by field (mobile, id_number, email, resume, consent, …;
    nothing is saved) or ``RuleViolation`` (rule ``posting_not_open`` for a draft/paused/closed
    posting, ``duplicate_application`` when the same mobile, e-mail or ID number already has an
    application to this posting).

    The resume is stored under ``PRIVATE_STORAGE_ROOT``/resumes/YYYY/MM/ with a random name (the
    applicant's file name is kept only as ``resume_name``); if anything fails after it was written
    the file is deleted again."""
    _posting_refuse_closed(posting)
    cleaned, errors = _clean(data, resume=resume, source=source)
    if errors:
        raise ValidationError(errors)
    stored: list[str] = []
    try:
        return _application_create(
            posting=posting, cleaned=cleaned, data=data, resume=resume, source=source, source_detail=source_detail,
            referrer=referrer, actor=actor, stored=stored,
        )
    except BaseException:
        for name in stored:
            Application._meta.get_field("resume").storage.delete(name)
        raise


@transaction.atomic
def _application_create(
    *, posting: JobPosting, cleaned: dict, data: ApplicationData, resume: UploadedFile | None, source: str, source_detail: str,
    referrer: User | None, actor: User | None, stored: list[str],
) -> Application:
    from .screening import application_screen

    # One application at a time per posting: the duplicate check below cannot race.
    posting = JobPosting.objects.select_for_update().select_related("requisition").get(pk=posting.pk)
    _posting_refuse_closed(posting)
    keys = Q(candidate__mobile=cleaned["mobile"])
    if cleaned["email"]:
        keys |= Q(candidate__email__iexact=cleaned["email"])
    if cleaned["id_number"]:
        keys |= Q(candidate__id_number=cleaned["id_number"])
    if Application.objects.filter(posting=posting).filter(keys).exists():
        raise RuleViolation(
            _("An application to this posting with the same mobile number, e-mail or ID number already exists."), rule="duplicate_application",
        )
    first_stage = posting.stages.order_by("position", "id").first()
    if first_stage is None:
        raise RuleViolation(_("The posting has no pipeline stages."), rule="stage_missing")

    candidate = Candidate(
        name=cleaned["name"], mobile=cleaned["mobile"], email=cleaned["email"], id_number=cleaned["id_number"],
        education_level=data.education_level, study_mode=data.study_mode, mandarin_level=cleaned["mandarin_level"],
    )
    candidate.full_clean()
    candidate.save()
    lines = [
        WorkHistoryLine(candidate=candidate, employer=line.employer, job_title=line.job_title, industry=line.industry, months=line.months)
        for line in cleaned["work_history"]
    ]
    for line in lines:
        line.full_clean(exclude=["candidate"])
    WorkHistoryLine.objects.bulk_create(lines)

    now = timezone.now()
    application = Application(
        candidate=candidate, posting=posting, stage=first_stage, status=ApplicationStatus.ACTIVE, source=source,
        source_detail=(source_detail or "").strip()[:200], referrer=referrer, submitted_by=actor, cover_note=(data.cover_note or "").strip(),
        consent_version=data.consent_version, consent_at=now, stage_entered_at=now,
    )
    if resume is not None:
        application.resume_type = cleaned["resume_type"]
        application.resume_name = resume_original_name(resume, cleaned["resume_type"])
        resume.seek(0)
        application.resume.save(f"{uuid.uuid4().hex}.{cleaned['resume_type']}", resume, save=False)
        stored.append(application.resume.name)
    application.full_clean(exclude=["resume"])
    application.save()
    StageChange.objects.create(application=application, from_stage=None, to_stage=first_stage, actor=actor, at=now)
    audit_event_record(
        actor=actor, verb="application_submitted", target=application,
        data={"posting": posting.pk, "source": source, "source_detail": application.source_detail, "resume": bool(application.resume)},
    )
    application_screen(application=application, actor=actor)
    candidate_email_queue(application.pk, first_stage.pk)
    return application


@transaction.atomic
def candidate_update(*, actor: User, candidate: Candidate, **fields) -> Candidate:
    """HR corrects or completes the candidate's own details (for example the ID number an offer
    needs): any of :data:`CANDIDATE_FIELDS`, each validated and normalised as on applying
    (``ValidationError`` keyed by field; nothing is saved). Only the fields that change are saved
    and audited (``candidate_updated`` with the field names, never the values); a change of
    education or Mandarin grade screens the candidate's active applications again. Refuses an
    anonymised candidate (``RuleViolation`` ``candidate_anonymised``). Unknown field names are a
    ``TypeError`` (a programming error, not bad input)."""
    from .screening import application_screen

    unknown = sorted(set(fields) - set(CANDIDATE_FIELDS))
    if unknown:
        raise TypeError(f"candidate_update() got unknown fields: {', '.join(unknown)}")
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.anonymised_at is not None:
        raise RuleViolation(_("This candidate's personal data was erased; there is nothing left to edit."), rule="candidate_anonymised")
    cleaned, errors = _candidate_fields_clean(fields)
    if errors:
        raise ValidationError(errors)
    changed = [name for name in CANDIDATE_FIELDS if name in cleaned and getattr(candidate, name) != cleaned[name]]
    if not changed:
        return candidate
    for name in changed:
        setattr(candidate, name, cleaned[name])
    candidate.full_clean()
    candidate.save(update_fields=changed)
    audit_event_record(actor=actor, verb="candidate_updated", target=candidate, data={"fields": changed})
    if {"education_level", "mandarin_level"} & set(changed):
        for application in Application.objects.filter(candidate=candidate, status=ApplicationStatus.ACTIVE).select_related("posting", "candidate"):
            application_screen(application=application, actor=actor)
    return candidate


def candidate_duplicates(*, candidate: Candidate) -> QuerySet[Candidate]:
    """Other (not anonymised) candidates sharing the normalised mobile, e-mail or ID number."""
    keys = Q()
    if candidate.mobile:
        keys |= Q(mobile=candidate.mobile)
    if candidate.email:
        keys |= Q(email__iexact=candidate.email)
    if candidate.id_number:
        keys |= Q(id_number=candidate.id_number)
    if not keys or candidate.anonymised_at is not None:
        return Candidate.objects.none()
    return Candidate.objects.filter(keys, anonymised_at__isnull=True).exclude(pk=candidate.pk)


def _shares_key(a: Candidate, b: Candidate) -> bool:
    return bool(
        (a.mobile and a.mobile == b.mobile)
        or (a.email and a.email.lower() == (b.email or "").lower())
        or (a.id_number and a.id_number == b.id_number)
    )


@transaction.atomic
def candidate_merge(*, actor: User, keep: Candidate, merge: Candidate) -> Candidate:
    """Move ``merge``'s applications and work history to ``keep``, fill ``keep``'s blank fields from
    ``merge``, delete ``merge``; audited. Raises ``RuleViolation`` (``merge_same_posting`` when both
    applied to the same posting and neither is closed; ``merge_not_duplicate`` when they share no
    key).

    Details: when both applied to the same posting and one application is closed, the closed one is
    dropped (it was the duplicate; the audit event keeps its id, stage and status) and the other
    kept; when both are closed, ``keep``'s stays. Identical work-history lines are not doubled.
    ``keep``'s active applications are screened again (the work history may have grown). Also
    refuses ``merge_same_candidate``, ``merge_anonymised`` and ``merge_id_number_conflict`` (two
    different ID numbers are two people). Every refusal comes before any change, and the resume file
    of a dropped application is deleted only once the transaction commits."""
    from .screening import application_screen

    if keep.pk == merge.pk:
        raise RuleViolation(_("Choose two different candidates to merge."), rule="merge_same_candidate")
    locked = {c.pk: c for c in Candidate.objects.select_for_update().filter(pk__in=[keep.pk, merge.pk]).order_by("pk")}
    keep, merge = locked[keep.pk], locked[merge.pk]
    if keep.anonymised_at is not None or merge.anonymised_at is not None:
        raise RuleViolation(_("An anonymised candidate cannot be merged."), rule="merge_anonymised")
    if not _shares_key(keep, merge):
        raise RuleViolation(_("These candidates share no mobile number, e-mail or ID number; they are not duplicates."), rule="merge_not_duplicate")
    if keep.id_number and merge.id_number and keep.id_number != merge.id_number:
        raise RuleViolation(_("These candidates have different ID numbers; they are different people."), rule="merge_id_number_conflict")

    keep_apps = {a.posting_id: a for a in Application.objects.select_for_update().filter(candidate=keep).select_related("stage")}
    losers = []
    for application in Application.objects.select_for_update().filter(candidate=merge).select_related("stage").order_by("pk"):
        other = keep_apps.get(application.posting_id)
        if other is None:
            continue
        if application.status == ApplicationStatus.ACTIVE and other.status == ApplicationStatus.ACTIVE:
            raise RuleViolation(
                _("Both candidates have an open application to “%(posting)s”; close one of them first.") % {"posting": application.posting},
                rule="merge_same_posting",
            )
        losers.append(other if application.status == ApplicationStatus.ACTIVE else application)

    # Every refusal is above: from here on the merge changes rows. Resume files of the dropped
    # applications go only once the transaction commits (a rollback keeps them).
    dropped = [
        {"application": loser.pk, "posting": loser.posting_id, "stage": loser.stage.name if loser.stage_id else "", "status": loser.status}
        for loser in losers
    ]
    resume_files = [loser.resume.name for loser in losers if loser.resume]
    for loser in losers:
        loser.delete()
    resume_files_delete_on_commit(resume_files)

    moved = list(Application.objects.filter(candidate=merge).values_list("pk", flat=True))
    Application.objects.filter(pk__in=moved).update(candidate=keep)
    existing = {(l.employer, l.job_title, l.industry, l.months) for l in keep.work_history.all()}
    lines_moved = 0
    for line in merge.work_history.all():
        if (line.employer, line.job_title, line.industry, line.months) in existing:
            continue
        line.candidate = keep
        line.save(update_fields=["candidate"])
        existing.add((line.employer, line.job_title, line.industry, line.months))
        lines_moved += 1

    filled = []
    for name in ("email", "id_number"):
        if not getattr(keep, name) and getattr(merge, name):
            setattr(keep, name, getattr(merge, name))
            filled.append(name)
    if keep.mandarin_level == 0 and merge.mandarin_level:
        keep.mandarin_level = merge.mandarin_level
        filled.append("mandarin_level")
    if filled:
        keep.full_clean()
        keep.save(update_fields=filled)
    merged_id = merge.pk
    merge.delete()
    audit_event_record(
        actor=actor, verb="candidate_merged", target=keep,
        data={"merged": merged_id, "applications": moved, "dropped": dropped, "work_history_lines": lines_moved, "filled": filled},
    )
    for application in Application.objects.filter(candidate=keep, status=ApplicationStatus.ACTIVE).select_related("posting", "candidate"):
        application_screen(application=application, actor=actor)
    return keep
