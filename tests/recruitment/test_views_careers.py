"""The public careers pages (issue 3 §1–2): no login, zh-hans and en, open postings only, the apply
form end to end through the test client, and every refusal leaving zero new rows."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from recruitment.choices import (
    ApplicationSource, EducationLevel, Industry, MandarinLevel, PostingStatus, ScreeningAction, ScreeningRuleKind, StudyMode,
)
from recruitment.defaults import PRIVACY_NOTICE_VERSION, RESUME_MAX_BYTES
from recruitment.models import Application, Candidate, ScreeningResult, ScreeningRule, WorkHistoryLine
from recruitment.views.careers import greeting_name

from .factories import make_application, make_posting

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def public(language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def form_data(**overrides) -> dict:
    data = {
        "name": "王小明", "mobile": "138 1234 5678", "email": "xiaoming@example.com", "id_number": "",
        "education_level": str(EducationLevel.JUNIOR_COLLEGE.value), "study_mode": StudyMode.FULL_TIME, "mandarin_level": str(MandarinLevel.LEVEL_2A.value),
        "cover_note": "三年信用卡催收经验。", "referrer_name": "", "source": "careers_page", "consent_version": PRIVACY_NOTICE_VERSION, "consent": "on",
        "work-TOTAL_FORMS": "3", "work-INITIAL_FORMS": "0", "work-MIN_NUM_FORMS": "0", "work-MAX_NUM_FORMS": "20",
        "work-0-employer": "某银行信用卡中心", "work-0-job_title": "催收专员", "work-0-industry": Industry.CREDIT_CARD_COLLECTION, "work-0-months": "30",
        "work-1-employer": "某呼叫中心", "work-1-job_title": "客服", "work-1-industry": Industry.CALL_CENTRE, "work-1-months": "12",
        "work-2-employer": "", "work-2-job_title": "", "work-2-industry": "", "work-2-months": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def apply(client: Client, posting, *, resume: SimpleUploadedFile | None = None, **overrides):
    data = form_data(**overrides)
    if resume is not None:
        data["resume"] = resume
    return client.post(reverse("careers:apply", args=[posting.pk]), data)


@pytest.fixture
def posting(team, hr):
    posting = make_posting(team, title="信用卡催收专员", by=hr)
    ScreeningRule.objects.create(posting=posting, kind=ScreeningRuleKind.EDUCATION_MIN, education_level=EducationLevel.JUNIOR_COLLEGE, action=ScreeningAction.FLAG)
    ScreeningRule.objects.create(
        posting=posting, kind=ScreeningRuleKind.EXPERIENCE_MONTHS, industries=[Industry.CREDIT_CARD_COLLECTION], months=6,
        action=ScreeningAction.SCORE, points=20, position=1,
    )
    return posting


def _rows() -> tuple[int, int, int]:
    return Application.objects.count(), Candidate.objects.count(), WorkHistoryLine.objects.count()


# --- the list ------------------------------------------------------------------------------------------

def test_careers_list_shows_open_postings_without_internal_names(team, posting):
    draft = make_posting(team, title="草稿岗位", status=PostingStatus.DRAFT)
    paused = make_posting(team, title="暂停岗位", status=PostingStatus.PAUSED)
    closed = make_posting(team, title="已关闭岗位", status=PostingStatus.CLOSED)
    response = public().get(reverse("careers:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("careers:detail", args=[posting.pk]) in html and "信用卡催收专员" in html
    assert "¥5,000–8,000/month" in html
    assert "深圳市南山区" in html and "Collector" in html
    assert posting.published_at.astimezone().strftime("%Y") in html
    for hidden in (draft, paused, closed):
        assert hidden.title not in html
    assert team.name not in html and team.department.name not in html  # no internal names
    assert 'data-testid="language-switch"' in html
    assert settings.COMPANY_NAME in html
    assert 'href="/login/' not in html and "Log out" not in html  # no staff navigation


def test_careers_list_searches_by_keyword_and_location(team, posting):
    other = make_posting(team, title="催收组长")
    other.location = "广州市天河区"
    other.save(update_fields=["location"])
    html = public().get(reverse("careers:list"), {"q": "组长"}).content.decode()
    assert "催收组长" in html and "信用卡催收专员" not in html
    html = public().get(reverse("careers:list"), {"location": "深圳市南山区"}).content.decode()
    assert "信用卡催收专员" in html and "催收组长" not in html
    assert '<option value="广州市天河区"' in html  # the location choices list every open location
    html = public().get(reverse("careers:list"), {"q": "nothing-matches"}).content.decode()
    assert "No open position matches your search." in html


def test_careers_list_needs_the_same_queries_for_one_or_many_postings(team, django_assert_max_num_queries):
    make_posting(team)
    with django_assert_max_num_queries(3):
        assert public().get(reverse("careers:list")).status_code == 200
    for i in range(15):
        make_posting(team, title=f"岗位{i}")
    with django_assert_max_num_queries(3):
        html = public().get(reverse("careers:list")).content.decode()
    assert html.count('data-testid="careers-job"') == 16


def test_careers_page_speaks_english_and_chinese(posting):
    html = public("en").get(reverse("careers:list")).content.decode()
    assert '<html lang="en">' in html and "open position" in html
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(reverse("careers:list")).content.decode()
    assert '<html lang="zh-hans">' in html
    # the language switch in the header: /i18n/setlang/ sets the cookie and returns to the page
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("careers:list")})
    assert response.status_code == 302 and response["Location"] == reverse("careers:list")
    assert '<html lang="en">' in client.get(reverse("careers:list")).content.decode()


# --- the posting page -------------------------------------------------------------------------------------

APPLY_INPUTS = {
    "csrfmiddlewaretoken", "source", "consent_version", "name", "mobile", "email", "id_number", "education_level", "study_mode",
    "mandarin_level", "resume", "referrer_name", "cover_note", "consent",
    "work-TOTAL_FORMS", "work-INITIAL_FORMS", "work-MIN_NUM_FORMS", "work-MAX_NUM_FORMS",
}


def test_posting_page_shows_the_text_the_form_and_the_full_notice(posting):
    response = public().get(reverse("careers:detail", args=[posting.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "电话催收逾期账户" in html and "大专及以上" in html
    assert f'action="{reverse("careers:apply", args=[posting.pk])}"' in html and 'enctype="multipart/form-data"' in html
    names = set(re.findall(r'<(?:input|select|textarea|button)\b[^>]*\bname="([^"]+)"', html)) - {"language", "next"}
    line_fields = {n for n in names if re.fullmatch(r"work-(\d+|__prefix__)-(employer|job_title|industry|months)", n)}
    assert names - line_fields == APPLY_INPUTS  # nothing else is asked: no gender, marriage, children, health, ethnicity, religion, photo
    assert {f"work-{i}-{f}" for i in range(3) for f in ("employer", "job_title", "industry", "months")} <= line_fields
    assert 'accept=".pdf,.docx,.jpg,.jpeg,.png"' in html and f"{RESUME_MAX_BYTES // 1024 // 1024} MB" in html
    assert "required later if we make you an offer" in html
    notice = html[html.index('data-testid="privacy-notice"'):]
    for text in (settings.COMPANY_NAME, "180 days", "access, copy, correct or delete", settings.RECRUITMENT_PRIVACY_CONTACT, PRIVACY_NOTICE_VERSION):
        assert text in notice
    assert 'value="2026-11"' in html  # the consent records the notice version shown
    options = re.findall(r'<option value="(\d)"', html[html.index('name="education_level"'):html.index('name="study_mode"')])
    assert options == [str(level.value) for level in EducationLevel]  # the ordered scale, in order


def test_draft_posting_is_404_and_paused_or_closed_takes_no_applications(team, posting):
    draft = make_posting(team, status=PostingStatus.DRAFT)
    response = public().get(reverse("careers:detail", args=[draft.pk]))
    assert response.status_code == 404 and 'data-testid="careers-not-found"' in response.content.decode()
    assert draft.title not in response.content.decode()
    assert public().post(reverse("careers:apply", args=[draft.pk]), form_data()).status_code == 404
    assert public().get(reverse("careers:applied", args=[draft.pk])).status_code == 404
    assert public().get(reverse("careers:detail", args=[999999])).status_code == 404
    assert Application.objects.count() == 0
    for status in (PostingStatus.PAUSED, PostingStatus.CLOSED):
        other = make_posting(team, status=status)
        response = public().get(reverse("careers:detail", args=[other.pk]))
        html = response.content.decode()
        assert response.status_code == 410
        assert "This job is no longer taking applications" in html and 'data-testid="apply-form"' not in html


# --- applying ----------------------------------------------------------------------------------------------

def test_valid_application_is_saved_once_with_consent_private_resume_and_screening(posting):
    client = public()
    response = apply(client, posting, resume=SimpleUploadedFile("简历.pdf", PDF, content_type="application/pdf"))
    assert response.status_code == 302 and response["Location"] == reverse("careers:applied", args=[posting.pk])
    application = Application.objects.get()
    assert application.posting == posting and application.source == ApplicationSource.CAREERS_PAGE
    assert application.consent_version == PRIVACY_NOTICE_VERSION and application.consent_at is not None
    candidate = application.candidate
    assert candidate.mobile == "+8613812345678" and candidate.email == "xiaoming@example.com"
    assert candidate.education_level == EducationLevel.JUNIOR_COLLEGE and candidate.mandarin_level == MandarinLevel.LEVEL_2A
    assert sorted(candidate.work_history.values_list("industry", "months")) == [(Industry.CALL_CENTRE, 12), (Industry.CREDIT_CARD_COLLECTION, 30)]
    resume_path = Path(application.resume.path).resolve()
    assert resume_path.is_file() and resume_path.read_bytes() == PDF
    assert resume_path.is_relative_to(Path(settings.PRIVATE_STORAGE_ROOT).resolve())
    assert not resume_path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert ScreeningResult.objects.filter(application=application).count() == 2  # screening ran on both rules
    application.refresh_from_db()
    assert application.screening_score == 20 and not application.screening_flagged
    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you, 王小明!" in thanks
    assert "13812345678" not in thanks and "xiaoming@example.com" not in thanks


def test_a_named_employee_makes_it_a_referral_and_a_tampered_source_is_ignored(posting):
    apply(public(), posting, referrer_name="  李 雷 ", source="job_board")
    application = Application.objects.get()
    assert application.source == ApplicationSource.REFERRAL and application.source_detail == "李 雷"
    apply(public(), posting, mobile="13900001111", email="other@example.com", source="walk_in")
    assert Application.objects.order_by("-id").first().source == ApplicationSource.CAREERS_PAGE


@pytest.mark.parametrize("overrides, field, resume", [
    ({"mobile": "12345"}, "mobile", None),
    ({"id_number": "110105194912310020"}, "id_number", None),            # fails the GB 11643 check digit
    ({"id_number": "4.40304E+17"}, "id_number", None),                   # destroyed by Excel
    ({"consent": None}, "consent", None),
    ({"email": "not-an-email"}, "email", None),
    ({"education_level": ""}, "education_level", None),
    ({"work-2-employer": "只填了单位"}, "job_title", None),                 # a half-filled work-history line
    ({}, "resume", ("big.pdf", PDF + b"0" * (RESUME_MAX_BYTES + 1))),     # oversized
    ({}, "resume", ("resume.pdf", EXE)),                                 # an .exe renamed .pdf
], ids=["mobile", "id-checksum", "id-excel", "no-consent", "email", "education", "work-line", "resume-size", "resume-type"])
def test_invalid_application_shows_the_field_error_and_saves_nothing(posting, overrides, field, resume):
    upload = SimpleUploadedFile(resume[0], resume[1], content_type="application/pdf") if resume else None
    before = _rows()
    response = apply(public(), posting, resume=upload, **overrides)
    html = response.content.decode()
    assert response.status_code == 422
    assert _rows() == before == (0, 0, 0)
    assert 'data-testid="form-errors"' in html and 'data-testid="apply-form"' in html
    # the error sits under its field: an "is-invalid" control named like the field
    assert re.search(rf'name="[^"]*{field}"[^>]*class="[^"]*is-invalid|class="[^"]*is-invalid[^"]*"[^>]*name="[^"]*{field}"', html), field
    assert 'value="王小明"' in html or field == "name"  # what the candidate typed is kept


def test_valid_id_number_is_accepted_and_stored_normalised(posting):
    response = apply(public(), posting, id_number="11010519491231002x")
    assert response.status_code == 302
    assert Candidate.objects.get().id_number == "11010519491231002X"


def test_application_to_a_closed_posting_is_refused_with_the_rule(team, posting):
    posting.status = PostingStatus.CLOSED
    posting.save(update_fields=["status"])
    response = apply(public(), posting)
    html = response.content.decode()
    assert response.status_code == 410
    assert _rows() == (0, 0, 0)
    assert 'data-rule="posting_not_open"' in html and "This job is no longer taking applications" in html
    assert 'data-testid="apply-form"' not in html


def test_duplicate_application_is_refused_with_the_rule(posting):
    make_application(posting, mobile="+8613812345678", email="first@example.com")
    before = _rows()
    response = apply(public(), posting, mobile="+86 138-1234-5678")
    html = response.content.decode()
    assert response.status_code == 422
    assert _rows() == before
    assert 'data-rule="duplicate_application"' in html and "You have already applied for this job" in html
    assert 'data-testid="apply-form"' in html


def test_thank_you_page_without_a_fresh_application_greets_no_one(posting):
    html = public().get(reverse("careers:applied", args=[posting.pk])).content.decode()
    assert "Thank you!" in html and posting.title in html


@pytest.mark.parametrize("name, expected", [
    ("王小明", "王小明"), ("欧阳娜娜", "欧阳娜娜"), ("Li Lei", "Li Lei"), (" Anna  Smith ", "Anna Smith"), ("", ""),
])
def test_the_thank_you_page_greets_with_the_full_name(name, expected):
    assert greeting_name(name) == expected
