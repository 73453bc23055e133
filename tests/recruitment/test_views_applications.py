"""HR application pages (issue 3 §2–4, §10): the security matrix (anonymous → login, wrong role →
403, out of scope → 404, in scope → 200 with the body checked), masking for panel members, moves
from the page / the list row / the board (htmx), rejection, withdrawal, HR's own entry, the resume
download, duplicate merge, privacy export and deletion, and query-count guards."""
from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from common.models import AuditEvent
from recruitment.choices import (
    ApplicationSource, ApplicationStatus, EducationLevel, PostingStatus, RefuseReason, StageKind, StudyMode,
)
from recruitment.defaults import PRIVACY_NOTICE_VERSION
from recruitment.models import Application, Candidate, Interview, StageChange
from recruitment.services.pipeline import application_reject
from recruitment.services.screening import application_screen, screening_rules_install_defaults
from tests.factories import valid_id_number

from .factories import future, make_application, make_posting, stage_of

pytestmark = pytest.mark.django_db

MOBILE = "+8613800138000"
FULL_MOBILE_SHOWN = "138 0013 8000"
MASKED_MOBILE = "138****8000"
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# --- fixtures (imported by test_views_interviews) ---------------------------------------------------

@pytest.fixture
def client_as():
    """``client_as(user)`` → a logged-in test client (``None`` = anonymous), English UI."""

    def make(user, *, language: str = "en") -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def posting(team, hr):
    posting = make_posting(team, by=hr, title="信用卡催收专员")
    screening_rules_install_defaults(posting=posting)
    return posting


@pytest.fixture
def id_number():
    return valid_id_number()


@pytest.fixture
def application(posting, id_number):
    """王小明: 高中 (fails the collector's 大专 rule → flagged), 12 months of consumer-loan collection
    (passes the experience rule → tag 催收经验), screened; has a PDF resume."""
    application = make_application(
        posting, name="王小明", mobile=MOBILE, email="wang.xm@example.com", id_number=id_number,
        education_level=EducationLevel.HIGH_SCHOOL, mandarin_level=4, months_collection=12,
    )
    application_screen(application=application)
    application.resume.save("cv.pdf", ContentFile(PDF_BYTES), save=False)
    application.resume_name = "王小明简历.pdf"
    application.resume_type = "pdf"
    application.save(update_fields=["resume", "resume_name", "resume_type"])
    application.refresh_from_db()
    return application


@pytest.fixture
def interview(application, lead, hr):
    """A round on ``application`` with ``lead`` on the panel (``other_lead`` is not)."""
    interview = Interview.objects.create(
        application=application, round_name="一面", starts_at=future(48), ends_at=future(49), location="3 楼会议室", scheduled_by=hr,
    )
    interview.interviewers.add(lead)
    return interview


@pytest.fixture
def candidate(application):
    return application.candidate


@pytest.fixture
def draft_posting(team, hr):
    return make_posting(team, by=hr, status=PostingStatus.DRAFT, title="催收组长（草稿）")


# --- security matrix --------------------------------------------------------------------------------

# page → (method, url name, object fixture or None)
PAGES = {
    "application_list": ("get", "recruitment:application_list", None),
    "application_create": ("get", "recruitment:application_create", None),
    "application_detail": ("get", "recruitment:application_detail", "application"),
    "application_move": ("post", "recruitment:application_move", "application"),
    "application_reject": ("post", "recruitment:application_reject", "application"),
    "application_withdraw": ("post", "recruitment:application_withdraw", "application"),
    "application_resume": ("get", "recruitment:application_resume", "application"),
    "candidate_merge": ("post", "recruitment:candidate_merge", "candidate"),
    "candidate_export": ("post", "recruitment:candidate_export", "candidate"),
    "candidate_delete": ("post", "recruitment:candidate_delete", "candidate"),
    "posting_board": ("get", "recruitment:posting_board", "posting"),
}
NO_CANDIDATE_DATA = ("collector", "legal", "administrator", "integration")
HR_ONLY = ("application_create", "application_move", "application_reject", "application_withdraw", "candidate_merge", "candidate_export", "candidate_delete")


def _call(request, client, page: str, obj_fixture: str | None = None, data: dict | None = None):
    method, name, default_fixture = PAGES[page]
    fixture = obj_fixture or default_fixture
    args = [request.getfixturevalue(fixture).pk] if fixture else []
    return getattr(client, method)(reverse(name, args=args), data or {})


@pytest.mark.parametrize("page", sorted(PAGES))
def test_anonymous_is_sent_to_login(request, client_as, page):
    response = _call(request, client_as(None), page)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", NO_CANDIDATE_DATA)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_roles_without_candidate_access_are_refused(request, client_as, page, persona):
    response = _call(request, client_as(request.getfixturevalue(persona)), page)
    assert response.status_code == 403


@pytest.mark.parametrize("page", HR_ONLY)
def test_panel_lead_cannot_use_hr_actions(request, client_as, interview, lead, page):
    response = _call(request, client_as(lead), page)
    assert response.status_code == 403


@pytest.mark.parametrize("page", ["application_detail", "application_resume"])
def test_lead_not_on_the_panel_gets_404(request, client_as, interview, other_lead, page):
    response = _call(request, client_as(other_lead), page)
    assert response.status_code == 404


def test_board_of_a_posting_out_of_scope_is_404(client_as, other_supervisor, draft_posting):
    response = client_as(other_supervisor).get(reverse("recruitment:posting_board", args=[draft_posting.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("page", ["candidate_export", "candidate_delete", "candidate_merge", "application_detail"])
def test_missing_object_is_404_for_hr(client_as, hr, page):
    method, name, _fixture = PAGES[page]
    response = getattr(client_as(hr), method)(reverse(name, args=[999999]), {"other": 1, "confirm": "on"})
    assert response.status_code == 404


# --- list ---------------------------------------------------------------------------------------------

def test_list_shows_hr_every_application_with_screening_columns(client_as, hr, application, posting):
    other = make_application(posting, name="赵六")
    response = client_as(hr).get(reverse("recruitment:application_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "王小明" in body and "赵六" in body
    assert "信用卡催收专员" in body and "投递" in body
    assert "Flagged" in body and "催收经验" in body
    assert reverse("recruitment:application_detail", args=[other.pk]) in body
    assert 'data-testid="add-application"' in body


def test_list_shows_a_panel_lead_only_their_applications(client_as, lead, interview, posting):
    make_application(posting, name="赵六")
    response = client_as(lead).get(reverse("recruitment:application_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "王小明" in body and "赵六" not in body
    assert 'data-testid="add-application"' not in body


def test_list_filters_by_flag_tag_and_search(client_as, hr, application, posting):
    clean = make_application(posting, name="钱七", education_level=EducationLevel.BACHELOR)
    application_screen(application=clean)
    client = client_as(hr)
    flagged = client.get(reverse("recruitment:application_list"), {"screening_flagged": "true"}).content.decode()
    assert "王小明" in flagged and "钱七" not in flagged
    tagged = client.get(reverse("recruitment:application_list"), {"tag": "催收经验"}).content.decode()
    assert "王小明" in tagged and "钱七" not in tagged
    searched = client.get(reverse("recruitment:application_list"), {"q": "13800138000"}).content.decode()
    assert "王小明" in searched and "钱七" not in searched


def test_list_htmx_request_answers_only_the_results(client_as, hr, application):
    response = client_as(hr).get(reverse("recruitment:application_list"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="application-results")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="application-table"' in body and "<html" not in body


def test_list_with_a_posting_offers_its_stages(client_as, hr, application, posting):
    body = client_as(hr).get(reverse("recruitment:application_list"), {"posting": posting.pk}).content.decode()
    assert f'<option value="{stage_of(posting, StageKind.SCREENING).pk}">' in body


def test_list_query_count_does_not_grow_with_rows(client_as, hr, posting, django_assert_max_num_queries):
    for i in range(3):
        make_application(posting, name=f"候选人{i}")
    client = client_as(hr)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("recruitment:application_list"))
    for i in range(20):
        make_application(posting, name=f"更多{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("recruitment:application_list"))
    assert response.content.decode().count('id="application-row-') == 23


# --- detail -------------------------------------------------------------------------------------------

def test_detail_shows_hr_full_contacts_screening_reasons_and_history(client_as, hr, application, id_number):
    response = client_as(hr).get(reverse("recruitment:application_detail", args=[application.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert FULL_MOBILE_SHOWN in body and id_number in body and "wang.xm@example.com" in body
    assert "Education: Senior high school &lt; Junior college (dazhuan) required — failed" in body
    assert "months ≥ 6 months — passed" in body
    assert body.count('data-testid="screening-result"') == 3
    assert "12 months in collection" in body
    assert PRIVACY_NOTICE_VERSION in body
    assert reverse("recruitment:application_resume", args=[application.pk]) in body
    assert 'data-testid="stage-history"' in body and "投递" in body
    assert reverse("recruitment:candidate_export", args=[application.candidate_id]) in body
    assert 'data-testid="move-next"' in body and "Move to 筛选" in body


def test_detail_masks_contacts_for_a_panel_lead(client_as, lead, interview, application, id_number):
    response = client_as(lead).get(reverse("recruitment:application_detail", args=[application.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert MASKED_MOBILE in body and FULL_MOBILE_SHOWN not in body and MOBILE not in body
    assert id_number not in body and id_number[:6] + "********" + id_number[-4:] in body
    assert "wang.xm@example.com" not in body
    assert "Education: Senior high school" in body  # screening reasons are for the panel too
    assert 'data-testid="privacy"' not in body and 'data-testid="move-next"' not in body
    assert "Other interviewers' feedback appears after you submit yours." in body


def test_detail_lists_possible_duplicates_with_a_merge_button(client_as, hr, application, team):
    second = make_posting(team, title="催收专员（夜班）")
    duplicate = make_application(second, name="王小明", mobile=MOBILE, email="")
    body = client_as(hr).get(reverse("recruitment:application_detail", args=[application.pk])).content.decode()
    assert 'data-testid="duplicates"' in body
    assert f'data-testid="merge-{duplicate.candidate_id}"' in body


def test_detail_includes_the_offer_panel_context_when_present(client_as, hr, application):
    response = client_as(hr).get(reverse("recruitment:application_detail", args=[application.pk]))
    assert response.status_code == 200
    assert "application" in response.context


# --- moves ---------------------------------------------------------------------------------------------

def test_move_records_the_stage_change_and_returns_to_the_page(client_as, hr, application, posting):
    screening = stage_of(posting, StageKind.SCREENING)
    response = client_as(hr).post(reverse("recruitment:application_move", args=[application.pk]), {"stage": screening.pk, "note": "电话沟通顺利"})
    assert response.status_code == 302
    assert response["Location"] == reverse("recruitment:application_detail", args=[application.pk])
    application.refresh_from_db()
    assert application.stage == screening
    change = StageChange.objects.filter(application=application).latest("at", "id")
    assert change.to_stage == screening and change.actor == hr and change.note == "电话沟通顺利"


def test_move_to_hired_is_refused_with_the_rule(client_as, hr, application, posting):
    hired = stage_of(posting, StageKind.HIRED)
    client = client_as(hr)
    response = client.post(reverse("recruitment:application_move", args=[application.pk]), {"stage": hired.pk}, follow=True)
    application.refresh_from_db()
    assert application.stage.kind == StageKind.APPLIED
    assert "hire action" in response.content.decode()


def test_board_move_via_htmx_returns_the_board_with_the_card_in_its_new_column(client_as, hr, application, posting):
    interview_stage = stage_of(posting, StageKind.INTERVIEW)
    response = client_as(hr).post(
        reverse("recruitment:application_move", args=[application.pk]), {"stage": interview_stage.pk},
        HTTP_HX_REQUEST="true", HTTP_HX_TARGET="board",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="board"')
    card = body.index(f'id="card-{application.pk}"')
    assert body.index('data-testid="column-interview"') < card < body.index('data-testid="column-offer"')
    assert 'hx-swap-oob="true"' in body  # the messages
    application.refresh_from_db()
    assert application.stage == interview_stage


def test_board_move_refused_answers_422_with_the_board(client_as, hr, application, posting):
    response = client_as(hr).post(
        reverse("recruitment:application_move", args=[application.pk]), {"stage": stage_of(posting, StageKind.REJECTED).pk},
        HTTP_HX_REQUEST="true", HTTP_HX_TARGET="board",
    )
    assert response.status_code == 422
    assert 'id="board"' in response.content.decode() and "reject action" in response.content.decode()


def test_list_row_move_via_htmx_returns_the_updated_row(client_as, hr, application, posting):
    screening = stage_of(posting, StageKind.SCREENING)
    response = client_as(hr).post(
        reverse("recruitment:application_move", args=[application.pk]), {"stage": screening.pk},
        HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"application-row-{application.pk}",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<tr id="application-row-{application.pk}" hx-swap-oob="true"' in body and "筛选" in body


def test_reject_records_the_reason_and_closes(client_as, hr, application):
    response = client_as(hr).post(
        reverse("recruitment:application_reject", args=[application.pk]), {"reason": RefuseReason.REQUIREMENTS_NOT_MET, "note": "学历不符"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.refuse_reason == RefuseReason.REQUIREMENTS_NOT_MET and application.refuse_note == "学历不符"
    assert application.closed_at is not None


def test_reject_without_a_reason_changes_nothing(client_as, hr, application):
    response = client_as(hr).post(reverse("recruitment:application_reject", args=[application.pk]), {"note": "x"}, follow=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACTIVE
    assert "Choose a refuse reason" in response.content.decode()


def test_withdraw_closes_the_application(client_as, hr, application):
    client_as(hr).post(reverse("recruitment:application_withdraw", args=[application.pk]), {"note": "已接受其他公司录用"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN and application.stage.kind == StageKind.WITHDRAWN


def test_closed_application_page_shows_the_refuse_reason_and_no_moves(client_as, hr, application):
    application_reject(actor=hr, application=application, reason=RefuseReason.INTERVIEW, note="沟通能力不足")
    body = client_as(hr).get(reverse("recruitment:application_detail", args=[application.pk])).content.decode()
    assert 'data-testid="refuse-reason"' in body and "沟通能力不足" in body
    assert 'data-testid="move-next"' not in body and 'id="reject-modal"' not in body


# --- HR entry --------------------------------------------------------------------------------------------

def _entry_data(posting, **overrides) -> dict:
    data = {
        "posting": posting.pk, "source": ApplicationSource.WALK_IN, "source_detail": "门店招聘会", "name": "孙八", "mobile": "139 0013 9000",
        "email": "sun8@example.com", "id_number": "", "education_level": EducationLevel.JUNIOR_COLLEGE, "study_mode": StudyMode.FULL_TIME,
        "mandarin_level": 4, "cover_note": "", "consent_given": "on",
        "work-TOTAL_FORMS": "3", "work-INITIAL_FORMS": "0", "work-MIN_NUM_FORMS": "0", "work-MAX_NUM_FORMS": "10",
        "work-0-employer": "某银行信用卡中心", "work-0-job_title": "催收专员", "work-0-industry": "credit_card_collection", "work-0-months": "18",
        # the browser posts the untouched rows too
        "work-1-employer": "", "work-1-job_title": "", "work-1-industry": "", "work-1-months": "",
        "work-2-employer": "", "work-2-job_title": "", "work-2-industry": "", "work-2-months": "",
    }
    data.update(overrides)
    return data


def test_entry_page_offers_open_postings(client_as, hr, posting, draft_posting):
    body = client_as(hr).get(reverse("recruitment:application_create"), {"posting": posting.pk}).content.decode()
    assert 'data-testid="application-entry-form"' in body
    assert f'<option value="{posting.pk}" selected>' in body
    assert "催收组长（草稿）" not in body
    assert PRIVACY_NOTICE_VERSION in body


def test_entry_creates_a_screened_walk_in_with_paper_consent(client_as, hr, posting):
    response = client_as(hr).post(reverse("recruitment:application_create"), _entry_data(posting))
    application = Application.objects.get(candidate__name="孙八")
    assert response.status_code == 302
    assert response["Location"] == reverse("recruitment:application_detail", args=[application.pk])
    assert application.source == ApplicationSource.WALK_IN and application.submitted_by == hr
    assert application.consent_version == PRIVACY_NOTICE_VERSION and application.consent_at is not None
    assert application.candidate.mobile == "+8613900139000"
    assert application.candidate.work_history.get().months == 18
    assert application.screening_results.count() == 3


def test_entry_with_a_resume_stores_it_privately(client_as, hr, posting):
    data = _entry_data(posting, resume=SimpleUploadedFile("cv.pdf", PDF_BYTES, content_type="application/pdf"))
    client_as(hr).post(reverse("recruitment:application_create"), data)
    application = Application.objects.get(candidate__name="孙八")
    assert application.resume_type == "pdf" and application.resume.name.startswith("resumes/")


def test_entry_without_consent_is_refused_on_the_field(client_as, hr, posting):
    data = _entry_data(posting)
    data.pop("consent_given")
    response = client_as(hr).post(reverse("recruitment:application_create"), data)
    assert response.status_code == 422
    assert "PIPL" in response.context["form"].errors["consent_given"][0]
    assert not Candidate.objects.filter(name="孙八").exists()


def test_entry_with_an_invalid_mobile_shows_the_service_error_on_the_field(client_as, hr, posting):
    response = client_as(hr).post(reverse("recruitment:application_create"), _entry_data(posting, mobile="12345"))
    assert response.status_code == 422
    assert response.context["form"].errors["mobile"]
    assert not Candidate.objects.filter(name="孙八").exists()


def test_entry_duplicate_application_is_refused_naming_the_rule(client_as, hr, posting, application):
    response = client_as(hr).post(reverse("recruitment:application_create"), _entry_data(posting, mobile="13800138000"))
    assert response.status_code == 422
    assert "already exists" in " ".join(response.context["form"].errors["mobile"])
    assert Application.objects.filter(posting=posting).count() == 1


# --- resume ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["hr", "lead"])
def test_resume_download_is_an_audited_attachment(request, client_as, interview, application, persona):
    user = request.getfixturevalue(persona)
    response = client_as(user).get(reverse("recruitment:application_resume", args=[application.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert AuditEvent.objects.filter(verb="resume_downloaded", actor=user, target_id=str(application.pk)).exists()


def test_resume_missing_is_404(client_as, hr, posting):
    bare = make_application(posting)
    assert client_as(hr).get(reverse("recruitment:application_resume", args=[bare.pk])).status_code == 404


# --- candidates: merge, export, delete ----------------------------------------------------------------

def test_merge_moves_the_duplicate_applications_to_the_kept_candidate(client_as, hr, application, team):
    second = make_posting(team, title="催收专员（夜班）")
    duplicate = make_application(second, name="王小明", mobile=MOBILE, email="")
    keep = application.candidate
    response = client_as(hr).post(
        reverse("recruitment:candidate_merge", args=[keep.pk]),
        {"other": duplicate.candidate_id, "next": reverse("recruitment:application_detail", args=[application.pk])},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("recruitment:application_detail", args=[application.pk])
    assert not Candidate.objects.filter(pk=duplicate.candidate_id).exists()
    duplicate.refresh_from_db()
    assert duplicate.candidate_id == keep.pk


def test_merge_of_unrelated_candidates_is_refused_with_the_rule(client_as, hr, application, posting):
    stranger = make_application(posting, name="路人甲", mobile="+8613700137000", email="lu@example.com")
    response = client_as(hr).post(reverse("recruitment:candidate_merge", args=[application.candidate_id]), {"other": stranger.candidate_id}, follow=True)
    assert Candidate.objects.filter(pk=stranger.candidate_id).exists()
    assert "not duplicates" in response.content.decode()


def test_export_downloads_everything_held_as_json(client_as, hr, application, id_number):
    response = client_as(hr).post(reverse("recruitment:candidate_export", args=[application.candidate_id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="candidate-{application.candidate_id}.json"'
    data = json.loads(response.content)
    text = json.dumps(data, ensure_ascii=False)
    assert "王小明" in text and id_number in text and "信用卡催收专员" in text


def test_delete_on_request_anonymises_a_closed_candidate(client_as, hr, application):
    application_reject(actor=hr, application=application, reason=RefuseReason.OTHER)
    response = client_as(hr).post(reverse("recruitment:candidate_delete", args=[application.candidate_id]), {"confirm": "on"}, follow=True)
    candidate = Candidate.objects.get(pk=application.candidate_id)
    assert candidate.anonymised_at is not None
    assert candidate.name != "王小明" and candidate.mobile != MOBILE
    assert Application.objects.filter(pk=application.pk).exists()
    assert "王小明" not in response.content.decode()


def test_delete_needs_the_confirmation_box(client_as, hr, application):
    application_reject(actor=hr, application=application, reason=RefuseReason.OTHER)
    client_as(hr).post(reverse("recruitment:candidate_delete", args=[application.candidate_id]), {})
    assert Candidate.objects.get(pk=application.candidate_id).anonymised_at is None


def test_delete_of_an_active_candidate_is_refused_with_the_rule(client_as, hr, application):
    response = client_as(hr).post(reverse("recruitment:candidate_delete", args=[application.candidate_id]), {"confirm": "on"}, follow=True)
    assert Candidate.objects.get(pk=application.candidate_id).anonymised_at is None
    assert "active application" in response.content.decode()


# --- board ------------------------------------------------------------------------------------------------

def test_board_shows_stage_columns_in_order_with_rejected_and_withdrawn_folded_last(client_as, hr, application, posting):
    rejected = make_application(posting, name="周九")
    application_reject(actor=hr, application=rejected, reason=RefuseReason.OTHER)
    body = client_as(hr).get(reverse("recruitment:posting_board", args=[posting.pk])).content.decode()
    order = [body.index(f'data-testid="column-{kind}"') for kind in ("applied", "screening", "interview", "offer", "background_check", "hired", "rejected", "withdrawn")]
    assert order == sorted(order)
    assert f'id="card-{application.pk}"' in body and 'data-move-url="' in body
    assert f'data-testid="move-next-{application.pk}"' in body
    assert "周九" in body  # inside the folded rejected column


def test_board_for_a_panel_lead_holds_only_their_cards_and_no_moves(client_as, lead, interview, application, posting):
    other = make_application(posting, name="吴十")
    body = client_as(lead).get(reverse("recruitment:posting_board", args=[posting.pk])).content.decode()
    assert f'id="card-{application.pk}"' in body and f'id="card-{other.pk}"' not in body
    assert "data-move-url" not in body


def test_board_query_count_does_not_grow_with_cards(client_as, hr, posting, django_assert_max_num_queries):
    make_application(posting, name="候选人")
    application_reject(actor=None, application=make_application(posting, name="已拒绝"), reason=RefuseReason.OTHER)
    client = client_as(hr)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("recruitment:posting_board", args=[posting.pk]))
    for i, kind in enumerate([StageKind.APPLIED, StageKind.SCREENING, StageKind.INTERVIEW, StageKind.OFFER] * 5):
        make_application(posting, name=f"更多{i}", stage_kind=kind)
    for i in range(3):
        application_reject(actor=None, application=make_application(posting, name=f"拒绝{i}"), reason=RefuseReason.OTHER)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("recruitment:posting_board", args=[posting.pk]))
    assert response.content.decode().count('<article class="app-board-card') == 21
