"""Applications: validation, resumes, duplicates and merge (issue 3 §2, "Bad input and scope")."""
from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from common.errors import RuleViolation
from common.models import AuditEvent
from recruitment.choices import (
    ApplicationSource, ApplicationStatus, EducationLevel, Industry, MandarinLevel, PostingStatus, RequisitionStatus, StageKind, StudyMode,
)
from recruitment.defaults import PRIVACY_NOTICE_VERSION, RESUME_MAX_BYTES
from recruitment.models import Application, Candidate, JobPosting, Requisition, ScreeningResult, StageChange, WorkHistoryLine
from recruitment.services import applications as applications_module
from recruitment.services.applications import (
    ApplicationData, WorkHistoryData, application_submit, candidate_duplicates, candidate_merge, resume_validate,
)
from recruitment.services.pipeline import application_withdraw
from recruitment.services.screening import screening_rules_install_defaults
from tests.factories import valid_id_number

from .factories import make_application, make_posting

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def data(**overrides) -> ApplicationData:
    values = dict(
        name="李娜", mobile="138 0013 8000", email="LiNa@Example.com", education_level=EducationLevel.JUNIOR_COLLEGE,
        study_mode=StudyMode.FULL_TIME, consent_given=True, consent_version=PRIVACY_NOTICE_VERSION, mandarin_level=MandarinLevel.LEVEL_2A,
        work_history=[WorkHistoryData(employer="某银行信用卡中心", job_title="催收专员", industry=Industry.CREDIT_CARD_COLLECTION, months=18)],
    )
    values.update(overrides)
    return ApplicationData(**values)


def stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_STORAGE_ROOT)
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def posting(team):
    posting = make_posting(team)
    screening_rules_install_defaults(posting=posting)
    return posting


def submit(posting, *, resume=None, **overrides):
    return application_submit(posting=posting, data=data(**overrides), resume=resume, source=ApplicationSource.CAREERS_PAGE)


# --- the happy path ---


def test_submit_creates_candidate_application_history_and_screening(posting, mailoutbox, django_capture_on_commit_callbacks):
    id_number = valid_id_number()
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(posting, id_number=id_number.lower(), cover_note="  希望加入  ")

    candidate = application.candidate
    assert (candidate.name, candidate.mobile, candidate.email, candidate.id_number) == ("李娜", "+8613800138000", "lina@example.com", id_number)
    assert (candidate.education_level, candidate.mandarin_level) == (EducationLevel.JUNIOR_COLLEGE, MandarinLevel.LEVEL_2A)
    assert list(candidate.work_history.values_list("industry", "months")) == [(Industry.CREDIT_CARD_COLLECTION, 18)]
    assert application.stage.kind == StageKind.APPLIED and application.status == ApplicationStatus.ACTIVE
    assert (application.source, application.cover_note, application.consent_version) == (ApplicationSource.CAREERS_PAGE, "希望加入", PRIVACY_NOTICE_VERSION)
    assert application.consent_at is not None
    change = StageChange.objects.get(application=application)
    assert change.from_stage is None and change.to_stage == application.stage
    assert ScreeningResult.objects.filter(application=application, passed=True).count() == 3
    assert (application.screening_score, application.screening_tags, application.screening_flagged) == (20, ["催收经验"], False)
    assert AuditEvent.objects.filter(verb="application_submitted", target_id=str(application.pk)).exists()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["lina@example.com"]
    assert "已收到" in mailoutbox[0].subject


def test_referral_by_hr_records_referrer_and_who_entered_it(posting, hr, collector):
    application = application_submit(
        posting=posting, data=data(), resume=None, source=ApplicationSource.REFERRAL, source_detail="内推", referrer=collector, actor=hr,
    )
    assert (application.source, application.source_detail, application.referrer, application.submitted_by) == (
        ApplicationSource.REFERRAL, "内推", collector, hr,
    )
    assert StageChange.objects.get(application=application).actor == hr


def test_email_and_id_number_are_optional(posting):
    application = submit(posting, email="", id_number="")
    assert (application.candidate.email, application.candidate.id_number) == ("", "")


# --- resumes ---


@pytest.mark.parametrize(
    ("content", "name", "kind"),
    [(PDF, "cv.pdf", "pdf"), (docx_bytes(), "cv.docx", "docx"), (PNG, "cv.png", "png"), (JPG, "cv.jpeg", "jpg"), (PDF, "cv.docx", "pdf")],
)
def test_resume_type_is_sniffed_from_bytes(content, name, kind):
    assert resume_validate(SimpleUploadedFile(name, content)) == kind


@pytest.mark.parametrize(
    ("content", "name"),
    [(EXE, "cv.pdf"), (b"just text, not a pdf", "cv.pdf"), (xlsx_bytes(), "cv.docx"), (b"GIF89a" + b"\x00" * 20, "cv.png"), (b"", "cv.pdf")],
)
def test_resume_of_another_type_is_refused(content, name):
    with pytest.raises(ValidationError) as excinfo:
        resume_validate(SimpleUploadedFile(name, content))
    assert "resume" in excinfo.value.message_dict


def test_oversized_resume_error_names_the_limit():
    upload = SimpleUploadedFile("cv.pdf", PDF + b"0" * RESUME_MAX_BYTES)
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        resume_validate(upload)
    assert excinfo.value.message_dict["resume"] == ["The resume is 5.1 MB; the limit is 5 MB."]


def test_resume_at_the_size_limit_is_accepted():
    assert resume_validate(SimpleUploadedFile("cv.pdf", PDF + b"0" * (RESUME_MAX_BYTES - len(PDF)))) == "pdf"


def test_resume_is_stored_privately_under_a_random_name(posting):
    application = submit(posting, resume=SimpleUploadedFile("../../李娜 的简历(最新).PDF", PDF, content_type="application/pdf"))

    assert application.resume_type == "pdf"
    assert application.resume_name == "李娜_的简历最新.pdf"
    stored = application.resume.name
    assert stored.startswith(f"resumes/{timezone.now():%Y/%m}/")
    assert "李娜" not in stored and "简历" not in stored
    path = Path(settings.PRIVATE_STORAGE_ROOT) / stored
    assert path.read_bytes() == PDF
    assert not str(path).startswith(str(settings.MEDIA_ROOT))


def test_invalid_application_stores_no_file_and_no_rows(posting):
    with pytest.raises(ValidationError) as excinfo:
        submit(posting, mobile="12345", resume=SimpleUploadedFile("cv.pdf", PDF))
    assert "mobile" in excinfo.value.message_dict
    assert stored_files() == []
    assert not Candidate.objects.exists() and not Application.objects.exists()


def test_failure_after_the_file_was_written_removes_it(posting, monkeypatch):
    def broken_screen(**kwargs):
        raise RuntimeError("screening broke")

    monkeypatch.setattr("recruitment.services.screening.application_screen", broken_screen)
    with pytest.raises(RuntimeError):
        submit(posting, resume=SimpleUploadedFile("cv.pdf", PDF))
    assert stored_files() == []
    assert not Candidate.objects.exists() and not WorkHistoryLine.objects.exists()


# --- bad input, per field ---


def test_all_field_errors_are_reported_together(posting):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        submit(
            posting, name="  ", mobile="1380013800", email="not-an-email", id_number="110105194912310020", education_level=9,
            study_mode="night", mandarin_level=42, consent_given=False,
            work_history=[WorkHistoryData(employer="", job_title="催收员", industry="gambling", months=0)],
            resume=SimpleUploadedFile("cv.pdf", EXE),
        )
    errors = excinfo.value.message_dict
    assert set(errors) == {
        "name", "mobile", "email", "id_number", "education_level", "study_mode", "mandarin_level", "consent", "work_history", "resume",
    }
    assert errors["work_history"] == [
        "Line 1: give the employer and the job title.", "Line 1: choose an industry from the list.",
        "Line 1: months must be a whole number from 1 to 600.",
    ]
    assert not Candidate.objects.exists()


@pytest.mark.parametrize("months", [0, 601, -3])
def test_work_history_months_outside_1_to_600_are_refused(posting, months):
    with pytest.raises(ValidationError) as excinfo:
        submit(posting, work_history=[WorkHistoryData(employer="某公司", job_title="客服", industry=Industry.CALL_CENTRE, months=months)])
    assert "work_history" in excinfo.value.message_dict


@pytest.mark.parametrize("months", [1, 600])
def test_work_history_months_at_the_bounds_are_accepted(posting, months):
    application = submit(posting, work_history=[WorkHistoryData(employer="某公司", job_title="客服", industry=Industry.CALL_CENTRE, months=months)])
    assert application.candidate.work_history.get().months == months


def test_excel_damaged_id_number_is_refused_with_the_reason(posting):
    with pytest.raises(ValidationError) as excinfo:
        submit(posting, id_number="4.40304E+17")
    assert "Excel" in excinfo.value.message_dict["id_number"][0]


def test_outdated_consent_version_is_refused(posting):
    with pytest.raises(ValidationError) as excinfo:
        submit(posting, consent_version="2020-01")
    assert "consent" in excinfo.value.message_dict


def test_unknown_source_is_refused(posting):
    with pytest.raises(ValidationError) as excinfo:
        application_submit(posting=posting, data=data(), resume=None, source="newspaper")
    assert "source" in excinfo.value.message_dict


# --- posting must be open ---


@pytest.mark.parametrize("status", [PostingStatus.DRAFT, PostingStatus.PAUSED, PostingStatus.CLOSED])
def test_posting_that_is_not_open_refuses_applications(team, status):
    posting = make_posting(team, status=status)
    with pytest.raises(RuleViolation) as excinfo:
        submit(posting)
    assert excinfo.value.rule == "posting_not_open"
    assert not Application.objects.exists()


def test_posting_past_its_closing_date_refuses_applications(posting):
    JobPosting.objects.filter(pk=posting.pk).update(closes_on=timezone.localdate() - dt.timedelta(days=1))
    posting.refresh_from_db()
    with pytest.raises(RuleViolation) as excinfo:
        submit(posting)
    assert excinfo.value.rule == "posting_not_open"


def test_posting_closing_today_still_takes_applications(posting):
    JobPosting.objects.filter(pk=posting.pk).update(closes_on=timezone.localdate())
    posting.refresh_from_db()
    assert submit(posting).pk


def test_filled_posting_refuses_applications(posting):
    Requisition.objects.filter(pk=posting.requisition_id).update(status=RequisitionStatus.FILLED)
    posting.refresh_from_db()
    with pytest.raises(RuleViolation) as excinfo:
        submit(posting)
    assert excinfo.value.rule == "posting_not_open"


# --- duplicates ---


@pytest.mark.parametrize(
    "second",
    [
        dict(mobile="+86 138-0013-8000", email="other@example.com"),
        dict(mobile="13900139000", email="LINA@example.COM"),
        dict(mobile="13900139000", email="other@example.com", id_number="SAME"),
    ],
)
def test_duplicate_application_is_refused(posting, second):
    id_number = valid_id_number()
    submit(posting, id_number=id_number)
    if second.get("id_number") == "SAME":
        second = {**second, "id_number": id_number.lower()}
    with pytest.raises(RuleViolation) as excinfo:
        submit(posting, **second)
    assert excinfo.value.rule == "duplicate_application"
    assert Application.objects.count() == 1


def test_withdrawn_application_still_counts_as_duplicate(posting):
    application = submit(posting)
    application_withdraw(actor=None, application=application)
    with pytest.raises(RuleViolation) as excinfo:
        submit(posting)
    assert excinfo.value.rule == "duplicate_application"


def test_same_person_may_apply_to_another_posting(posting, team):
    other = make_posting(team, title="消费贷催收专员")
    submit(posting)
    application = submit(other)
    assert application.posting == other
    assert Candidate.objects.count() == 2  # found as duplicates, merged by HR


def test_candidate_duplicates_by_mobile_email_or_id_number(posting, team):
    first = submit(posting).candidate
    other = make_posting(team, title="消费贷催收专员")
    by_email = make_application(other, mobile="+8613900139000", email="lina@example.com").candidate
    unrelated = make_application(other, mobile="+8613700137000", email="x@example.com").candidate
    anonymised = make_application(make_posting(team, title="t3"), mobile="+8613800138000", email="").candidate
    Candidate.objects.filter(pk=anonymised.pk).update(anonymised_at=timezone.now())

    assert set(candidate_duplicates(candidate=first)) == {by_email}
    assert set(candidate_duplicates(candidate=by_email)) == {first}
    assert list(candidate_duplicates(candidate=unrelated)) == []


# --- merge ---


def test_merge_moves_applications_history_fills_blanks_and_deletes(posting, team, hr):
    keep = submit(posting, email="", id_number="").candidate
    other = make_posting(team, title="消费贷催收专员")
    screening_rules_install_defaults(posting=other)
    id_number = valid_id_number()
    merge_app = application_submit(
        posting=other, resume=None, source=ApplicationSource.WALK_IN,
        data=data(email="lina@example.com", id_number=id_number, work_history=[
            WorkHistoryData(employer="某银行信用卡中心", job_title="催收专员", industry=Industry.CREDIT_CARD_COLLECTION, months=18),
            WorkHistoryData(employer="某消费金融", job_title="催收组长", industry=Industry.CONSUMER_LOAN_COLLECTION, months=30),
        ]),
    )
    merge = merge_app.candidate

    result = candidate_merge(actor=hr, keep=keep, merge=merge)

    assert result.pk == keep.pk
    keep.refresh_from_db()
    assert (keep.email, keep.id_number) == ("lina@example.com", id_number)
    assert set(keep.applications.values_list("posting_id", flat=True)) == {posting.pk, other.pk}
    assert sorted(keep.work_history.values_list("months", flat=True)) == [18, 30]  # identical line not doubled
    assert not Candidate.objects.filter(pk=merge.pk).exists()
    event = AuditEvent.objects.get(verb="candidate_merged")
    assert event.actor == hr and event.data["merged"] == merge.pk and event.data["applications"] == [merge_app.pk]


def test_merge_of_unrelated_candidates_is_refused(posting, team, hr):
    a = submit(posting).candidate
    b = make_application(make_posting(team, title="t2"), mobile="+8613900139000", email="b@example.com").candidate
    with pytest.raises(RuleViolation) as excinfo:
        candidate_merge(actor=hr, keep=a, merge=b)
    assert excinfo.value.rule == "merge_not_duplicate"


def test_merge_with_two_open_applications_to_the_same_posting_is_refused(posting, hr):
    a = make_application(posting, mobile="+8613800138000", email="a@example.com").candidate
    b = make_application(posting, mobile="+8613800138000", email="b@example.com").candidate
    with pytest.raises(RuleViolation) as excinfo:
        candidate_merge(actor=hr, keep=a, merge=b)
    assert excinfo.value.rule == "merge_same_posting"
    assert Candidate.objects.filter(pk__in=[a.pk, b.pk]).count() == 2


def test_merge_drops_the_closed_duplicate_application(posting, hr):
    keep_app = make_application(posting, mobile="+8613800138000", email="a@example.com")
    merge_app = make_application(posting, mobile="+8613800138000", email="b@example.com")
    application_withdraw(actor=hr, application=keep_app, note="重复投递")
    candidate_merge(actor=hr, keep=keep_app.candidate, merge=merge_app.candidate)
    assert list(Application.objects.filter(posting=posting).values_list("pk", "candidate_id")) == [(merge_app.pk, keep_app.candidate_id)]
    assert AuditEvent.objects.get(verb="candidate_merged").data["dropped"][0]["application"] == keep_app.pk


def test_merge_of_candidates_with_different_id_numbers_is_refused(posting, team, hr):
    a = make_application(posting, mobile="+8613800138000", id_number=valid_id_number()).candidate
    b_id = valid_id_number()
    while b_id == a.id_number:
        b_id = valid_id_number()
    b = make_application(make_posting(team, title="t2"), mobile="+8613800138000", id_number=b_id).candidate
    with pytest.raises(RuleViolation) as excinfo:
        candidate_merge(actor=hr, keep=a, merge=b)
    assert excinfo.value.rule == "merge_id_number_conflict"


def test_merge_rescreens_the_kept_candidates_open_applications(posting, team, hr):
    keep_app = submit(posting, work_history=[])
    assert keep_app.screening_score == 0
    other = make_posting(team, title="t2")
    merge = make_application(other, mobile="+8613800138000", email="", months_collection=12).candidate
    candidate_merge(actor=hr, keep=keep_app.candidate, merge=merge)
    keep_app.refresh_from_db()
    assert keep_app.screening_score == 20


def test_module_exposes_the_contract():
    # others code against these names (recruitment/services/__init__.py)
    for name in ("ApplicationData", "WorkHistoryData", "resume_validate", "application_submit", "candidate_duplicates", "candidate_merge"):
        assert hasattr(applications_module, name)
    assert os.path.sep not in applications_module.resume_original_name(SimpleUploadedFile("a/b/c.pdf", PDF), "pdf")
