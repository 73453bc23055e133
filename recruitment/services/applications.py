"""Applications from the careers page, HR (referral, walk-in) and job boards (issue 3 §2)."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from teams.models import User

from ..models import Application, Candidate, JobPosting


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


def resume_validate(upload: UploadedFile) -> str:
    """Return the resume's type key (``pdf``/``docx``/``jpg``/``png``) sniffed from its bytes (not
    its name). Raises ``ValidationError({"resume": …})`` over ``RESUME_MAX_BYTES`` or of any other
    type."""
    raise NotImplementedError


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
    application to this posting)."""
    raise NotImplementedError


def candidate_duplicates(*, candidate: Candidate) -> QuerySet[Candidate]:
    """Other (not anonymised) candidates sharing the normalised mobile, e-mail or ID number."""
    raise NotImplementedError


def candidate_merge(*, actor: User, keep: Candidate, merge: Candidate) -> Candidate:
    """Move ``merge``'s applications and work history to ``keep``, fill ``keep``'s blank fields from
    ``merge``, delete ``merge``; audited. Raises ``RuleViolation`` (``merge_same_posting`` when both
    applied to the same posting and neither is closed; ``merge_not_duplicate`` when they share no
    key)."""
    raise NotImplementedError
