"""Test data for recruitment, built from model rows (not services), so a service test starts from a
known state. ``make_posting`` gives an approved requisition and an open posting with the default
stage template; ``make_application`` a candidate with an application in the first stage."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from faker import Faker

from recruitment.choices import (
    ApplicationSource, EducationLevel, HiringRole, Industry, PostingStatus, RequisitionStatus, StageKind, StudyMode,
)
from recruitment.defaults import PRIVACY_NOTICE_VERSION
from recruitment.models import Application, Candidate, JobPosting, PipelineStage, Requisition, StageChange, WorkHistoryLine
from teams.models import Team, User

fake = Faker("zh_CN")

DEFAULT_STAGES = (
    ("投递", StageKind.APPLIED), ("筛选", StageKind.SCREENING), ("面试", StageKind.INTERVIEW), ("录用", StageKind.OFFER),
    ("背景调查", StageKind.BACKGROUND_CHECK), ("已入职", StageKind.HIRED), ("未通过", StageKind.REJECTED), ("已撤回", StageKind.WITHDRAWN),
)


def make_posting(
    team: Team, *, role: str = HiringRole.COLLECTOR, status: str = PostingStatus.OPEN, title: str = "信用卡催收专员",
    salary_min: Decimal = Decimal("5000"), salary_max: Decimal = Decimal("8000"), headcount: int = 3, by: User | None = None,
) -> JobPosting:
    requisition = Requisition.objects.create(
        team=team, role=role, headcount=headcount, reason="业务增长", status=RequisitionStatus.APPROVED, requested_by=by,
    )
    posting = JobPosting.objects.create(
        requisition=requisition, title=title, role=role, responsibilities="电话催收逾期账户", requirements="大专及以上",
        location="深圳市南山区", salary_min=salary_min, salary_max=salary_max, status=status,
        published_at=timezone.now() if status == PostingStatus.OPEN else None, created_by=by,
    )
    PipelineStage.objects.bulk_create(
        [PipelineStage(posting=posting, name=name, kind=kind, position=i) for i, (name, kind) in enumerate(DEFAULT_STAGES)]
    )
    return posting


def stage_of(posting: JobPosting, kind: str) -> PipelineStage:
    return posting.stages.get(kind=kind)


def make_application(
    posting: JobPosting, *, name: str | None = None, mobile: str | None = None, email: str | None = None, id_number: str = "",
    education_level: int = EducationLevel.JUNIOR_COLLEGE, mandarin_level: int = 3, months_collection: int = 0,
    source: str = ApplicationSource.CAREERS_PAGE, stage_kind: str = StageKind.APPLIED,
) -> Application:
    """A candidate and an application placed directly in the ``stage_kind`` stage (no screening run)."""
    candidate = Candidate.objects.create(
        name=name or fake.name(), mobile=mobile or f"+86{fake.phone_number()}", email=email if email is not None else fake.email(),
        id_number=id_number, education_level=education_level, study_mode=StudyMode.FULL_TIME, mandarin_level=mandarin_level,
    )
    if months_collection:
        WorkHistoryLine.objects.create(
            candidate=candidate, employer="某消费金融公司", job_title="催收专员", industry=Industry.CONSUMER_LOAN_COLLECTION, months=months_collection,
        )
    now = timezone.now()
    stage = stage_of(posting, stage_kind)
    application = Application.objects.create(
        candidate=candidate, posting=posting, stage=stage, source=source, consent_version=PRIVACY_NOTICE_VERSION,
        consent_at=now, stage_entered_at=now,
    )
    StageChange.objects.create(application=application, to_stage=stage, at=now)
    return application


def future(hours: int = 48) -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=hours)


def took_place(interview):
    """Move ``interview`` into the past (it ended an hour ago), as it must be before its scorecards
    come in (rule ``interview_not_started``); returns it refreshed."""
    from recruitment.models import Interview

    now = timezone.now()
    Interview.objects.filter(pk=interview.pk).update(starts_at=now - dt.timedelta(hours=2), ends_at=now - dt.timedelta(hours=1))
    interview.refresh_from_db()
    return interview
