"""Candidate data on request and after the retention period (issue 3 §10; PIPL art. 19, 45, 47).

- ``candidate_export``: the data subject's own data, in full (PIPL art. 45 right of access and
  copy), as a JSON-ready dict.
- ``candidate_anonymise``: erases what identifies the person; the rows stay (with their postings,
  stages, sources and dates) so funnel counts and time-in-stage figures still add up.
- ``candidates_anonymise_rejected``: the nightly retention run (PIPL art. 19, 47): candidates whose
  every application closed as rejected or withdrawn more than ``RECRUITMENT_RETENTION_DAYS`` ago.
  Hired candidates are employees now (their data lives on as HR records) and are never touched.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_event_record
from common.models import AuditEvent
from common.errors import RuleViolation
from teams.models import User

from ..choices import ApplicationStatus
from ..models import Application, BackgroundCheck, Candidate, Interview, Offer, OfferProposal, Scorecard, StageChange, WorkHistoryLine

logger = logging.getLogger(__name__)

ANONYMISED_NAME = "已匿名"
_OPEN_STATUSES = (ApplicationStatus.ACTIVE, ApplicationStatus.HIRED)


def _iso(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def candidate_export(*, actor: User, candidate: Candidate) -> dict:
    """Everything held about the candidate (personal fields, work history, applications with
    stages, consents, interviews' times, offers) as a JSON-ready dict; audited.

    Datetimes are ISO 8601 in Beijing time, money is a string in CNY. Interviewers' scorecards are
    the company's assessment and are not part of the copy (only the interview rounds and times)."""
    candidate = Candidate.objects.prefetch_related("work_history").get(pk=candidate.pk)
    applications = (
        Application.objects.filter(candidate=candidate)
        .select_related("posting", "stage", "background_check")
        .prefetch_related("stage_changes__from_stage", "stage_changes__to_stage", "interviews", "offers__proposals", "screening_results__rule")
        .order_by("created_at", "id")
    )
    data = {
        "exported_at": _iso(timezone.now()),
        "candidate": {
            "id": candidate.pk, "name": candidate.name, "mobile": candidate.mobile, "email": candidate.email,
            "id_number": candidate.id_number, "education_level": candidate.get_education_level_display(),
            "study_mode": candidate.get_study_mode_display(), "mandarin_level": candidate.get_mandarin_level_display(),
            "created_at": _iso(candidate.created_at), "anonymised_at": _iso(candidate.anonymised_at),
        },
        "work_history": [
            {"employer": w.employer, "job_title": w.job_title, "industry": w.get_industry_display(), "months": w.months}
            for w in candidate.work_history.all()
        ],
        "applications": [],
    }
    for a in applications:
        check = getattr(a, "background_check", None)
        data["applications"].append({
            "id": a.pk, "posting": a.posting.title, "stage": a.stage.name, "status": a.get_status_display(),
            "source": a.get_source_display(), "source_detail": a.source_detail, "applied_at": _iso(a.created_at),
            "closed_at": _iso(a.closed_at), "cover_note": a.cover_note, "resume_file": a.resume_name,
            "refuse_reason": a.get_refuse_reason_display() if a.refuse_reason else "",
            "privacy_consent": {"version": a.consent_version, "at": _iso(a.consent_at)},
            "screening": [{"rule": r.rule.get_kind_display(), "passed": r.passed, "detail": r.detail} for r in a.screening_results.all()],
            "stage_history": [
                {"from": c.from_stage.name if c.from_stage else None, "to": c.to_stage.name, "at": _iso(c.at)} for c in a.stage_changes.all()
            ],
            "interviews": [
                {"round": i.round_name, "starts_at": _iso(i.starts_at), "ends_at": _iso(i.ends_at), "place": i.location,
                 "video_link": i.video_link, "status": i.get_status_display()}
                for i in a.interviews.all()
            ],
            "offers": [
                {"status": o.get_status_display(), "monthly_wage": _iso(o.monthly_wage), "contract_months": o.contract_months,
                 "probation_months": o.probation_months, "probation_wage": _iso(o.probation_wage), "start_on": _iso(o.start_on),
                 "expires_on": _iso(o.expires_on),
                 "proposals": [{"party": p.get_party_display(), "monthly_wage": _iso(p.monthly_wage), "at": _iso(p.at)} for p in o.proposals.all()]}
                for o in a.offers.all()
            ],
            "background_check": None if check is None else {
                "status": check.get_status_display(), "consent": {"version": check.consent_version, "at": _iso(check.consent_at)},
                "criminal_record": check.get_criminal_record_display(), "credit_record": check.get_credit_record_display(),
                "completed_at": _iso(check.completed_at),
            },
        })
    audit_event_record(actor=actor, verb="candidate_exported", target=candidate, data={"applications": len(data["applications"])})
    return data


def resume_files_delete_on_commit(names: list[str]) -> None:
    """Delete privately stored resume files once the transaction commits: a refusal or an error
    that rolls the rows back leaves every file in place (used by anonymisation and merge)."""
    from ..models import private_storage

    def delete() -> None:
        for name in names:
            try:
                private_storage.delete(name)
            except OSError:  # the row no longer points at it; a leftover file is logged, not fatal
                logger.warning("could not delete a candidate's resume file")

    if names:
        transaction.on_commit(delete)


#: Keys of audit-event data holding text someone typed (notes, source details): it may name the person.
AUDIT_FREE_TEXT_KEYS = frozenset({"note", "notes", "refuse_note", "source_detail", "cover_note"})


def _audit_free_text_blank(*, candidate: Candidate, personal: list[str]) -> int:
    """Blank the free text in the audit events of ``candidate``, its applications and their
    interviews, scorecards, offers and background checks: every string under
    :data:`AUDIT_FREE_TEXT_KEYS`, and any other string containing one of ``personal`` (the old name,
    mobile, e-mail, ID number). Verbs, times, ids, stages, figures and the other keys stay, so the
    history still reads. Returns how many events changed."""
    app_ids = list(Application.objects.filter(candidate=candidate).values_list("pk", flat=True))
    targets = {
        Candidate: [candidate.pk],
        Application: app_ids,
        Interview: Interview.objects.filter(application_id__in=app_ids).values_list("pk", flat=True),
        Scorecard: Scorecard.objects.filter(interview__application_id__in=app_ids).values_list("pk", flat=True),
        Offer: Offer.objects.filter(application_id__in=app_ids).values_list("pk", flat=True),
        BackgroundCheck: BackgroundCheck.objects.filter(application_id__in=app_ids).values_list("pk", flat=True),
    }
    where = Q()
    for model, ids in targets.items():
        where |= Q(target_type=model._meta.label_lower, target_id__in=[str(pk) for pk in ids])
    personal = [value for value in personal if len(value or "") >= 2]

    def scrub(value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            return {k: scrub(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [scrub(v, key) for v in value]
        if isinstance(value, str) and value and (key in AUDIT_FREE_TEXT_KEYS or any(p in value for p in personal)):
            return ""
        return value

    changed = []
    for event in AuditEvent.objects.filter(where).only("pk", "data"):
        data = scrub(event.data)
        if data != event.data:
            event.data = data
            changed.append(event)
    AuditEvent.objects.bulk_update(changed, ["data"], batch_size=500)
    return len(changed)


@transaction.atomic
def candidate_anonymise(*, actor: User | None, candidate: Candidate, reason: str) -> Candidate:
    """Erase personal fields (name → "已匿名", mobile/e-mail/ID blank, work-history employers,
    resume files deleted, cover notes, scorecard notes) but keep applications, stages, sources and
    dates so funnel counts still add up; audited. Refuses a candidate with an active application or
    who was hired (``candidate_active``).

    Also blanked: free-text notes that may name the person (stage-change notes, refuse notes,
    offer-proposal notes, background-check notes), the resume's file name, the referral source
    detail, and the same free text copied into the audit log (:func:`_audit_free_text_blank`). An
    already anonymised candidate is returned unchanged. Resume files are deleted once the
    transaction commits."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.anonymised_at is not None:
        return candidate
    open_count = candidate.applications.filter(status__in=_OPEN_STATUSES).count()
    if open_count:
        raise RuleViolation(
            _("This candidate has an active application or was hired; their data cannot be anonymised now."), rule="candidate_active",
        )

    applications = Application.objects.filter(candidate=candidate)
    files = [name for name in applications.exclude(resume="").values_list("resume", flat=True) if name]
    audit_events = _audit_free_text_blank(
        candidate=candidate, personal=[candidate.name, candidate.mobile, candidate.mobile.removeprefix("+86"), candidate.email, candidate.id_number],
    )
    applications.update(resume="", resume_name="", resume_type="", cover_note="", refuse_note="", source_detail="")
    StageChange.objects.filter(application__candidate=candidate).exclude(note="").update(note="")
    Scorecard.objects.filter(interview__application__candidate=candidate).exclude(notes="").update(notes="")
    OfferProposal.objects.filter(offer__application__candidate=candidate).exclude(note="").update(note="")
    BackgroundCheck.objects.filter(application__candidate=candidate).exclude(note="").update(note="")
    WorkHistoryLine.objects.filter(candidate=candidate).update(employer="")

    candidate.name, candidate.mobile, candidate.email, candidate.id_number = ANONYMISED_NAME, "", "", ""
    candidate.anonymised_at = timezone.now()
    candidate.save(update_fields=["name", "mobile", "email", "id_number", "anonymised_at"])
    audit_event_record(
        actor=actor, verb="candidate_anonymised", target=candidate,
        data={"reason": reason, "applications": applications.count(), "resume_files": len(files), "audit_events_blanked": audit_events},
    )
    resume_files_delete_on_commit(files)
    return candidate


def candidates_due_for_anonymisation(*, now: dt.datetime | None = None, retention_days: int | None = None):
    """Candidates not yet anonymised with at least one application, none active or hired, every
    application closed, the last one closed at least ``retention_days`` ago."""
    now = now or timezone.now()
    days = settings.RECRUITMENT_RETENTION_DAYS if retention_days is None else retention_days
    cutoff = now - dt.timedelta(days=days)
    return (
        Candidate.objects.filter(anonymised_at__isnull=True)
        .annotate(
            n_applications=Count("applications", distinct=True),
            n_open=Count("applications", filter=Q(applications__status__in=_OPEN_STATUSES) | Q(applications__closed_at__isnull=True), distinct=True),
            last_closed=Max("applications__closed_at"),
        )
        .filter(n_applications__gt=0, n_open=0, last_closed__lte=cutoff)
        .order_by("pk")
    )


def candidates_anonymise_rejected(*, now: dt.datetime | None = None, retention_days: int | None = None) -> int:
    """Anonymise candidates whose applications are all closed as rejected/withdrawn for longer
    than ``retention_days`` (default ``settings.RECRUITMENT_RETENTION_DAYS`` = 180). Returns how
    many; a second run finds none.

    Each candidate is anonymised in its own transaction; one that became active in the meantime
    (a new application) is skipped."""
    ids = list(candidates_due_for_anonymisation(now=now, retention_days=retention_days).values_list("pk", flat=True))
    done = 0
    days = settings.RECRUITMENT_RETENTION_DAYS if retention_days is None else retention_days
    for pk in ids:
        candidate = Candidate.objects.filter(pk=pk, anonymised_at__isnull=True).first()
        if candidate is None:
            continue
        try:
            candidate_anonymise(actor=None, candidate=candidate, reason=f"retention_{days}_days")
        except RuleViolation:
            continue
        done += 1
    return done
