"""HR pages for requisitions, postings, stages, screening rules, candidate e-mails and the
recruitment home page: the security matrix (QUALITY.md) and each page's behaviour in scope."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from recruitment.choices import (
    ApplicationStatus, EducationLevel, HiringRole, Industry, OfferStatus, PostingStatus, RequisitionStatus, ScreeningAction,
    ScreeningRuleKind, StageKind,
)
from recruitment.models import (
    CandidateEmailTemplate, Interview, JobPosting, Offer, PipelineStage, Requisition, ScreeningResult, ScreeningRule,
)
from teams.choices import Role
from tests.factories import DepartmentFactory, TeamFactory, UserFactory

from .factories import make_application, make_posting, stage_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_as():
    """``client_as(user)`` → a test client signed in as ``user`` (``None``: anonymous), in English."""

    def make(user, *, language: str = "en") -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def requisition(team, hr):
    return Requisition.objects.create(team=team, role=HiringRole.COLLECTOR, headcount=2, reason="新增信用卡委托方", requested_by=hr)


@pytest.fixture
def posting(team, hr):
    return make_posting(team, title="信用卡催收专员", by=hr)


@pytest.fixture
def draft(team, hr):
    return make_posting(team, title="草稿：催收组长", role=HiringRole.TEAM_LEAD, status=PostingStatus.DRAFT, by=hr)


# --- the security matrix -----------------------------------------------------------------------------------

# page → (method, url name, object fixture or None)
PAGES = {
    "home": ("get", "recruitment:home", None),
    "requisition_list": ("get", "recruitment:requisition_list", None),
    "requisition_create": ("get", "recruitment:requisition_create", None),
    "requisition_decide": ("post", "recruitment:requisition_decide", "requisition"),
    "posting_list": ("get", "recruitment:posting_list", None),
    "posting_create": ("get", "recruitment:posting_create", None),
    "posting_detail": ("get", "recruitment:posting_detail", "draft"),
    "posting_edit": ("get", "recruitment:posting_edit", "draft"),
    "posting_status": ("post", "recruitment:posting_status", "draft"),
    "posting_stages": ("get", "recruitment:posting_stages", "draft"),
    "posting_rules": ("get", "recruitment:posting_rules", "draft"),
    "email_templates": ("get", "recruitment:email_templates", None),
}
OUTSIDERS = ("collector", "legal", "administrator")
HR_ONLY = ("posting_create", "posting_edit", "posting_status", "posting_stages", "posting_rules", "email_templates")
WRONG_ROLE = (
    [(page, persona) for page in PAGES for persona in OUTSIDERS]
    + [(page, "lead") for page in PAGES if page != "home"]
    + [(page, "supervisor") for page in HR_ONLY]
    + [(page, "director") for page in HR_ONLY + ("requisition_create",)]
    + [("requisition_decide", "hr")]
)
OUT_OF_SCOPE = [
    # the persona may use the page, but not on that object (another department's)
    ("requisition_decide", "other_supervisor", "requisition"),
    ("posting_detail", "other_supervisor", "draft"),
]


def _call(request, client, page: str, obj_fixture: str | None = None):
    method, name, default_fixture = PAGES[page]
    fixture = obj_fixture or default_fixture
    args = [request.getfixturevalue(fixture).pk] if fixture else []
    return getattr(client, method)(reverse(name, args=args))


@pytest.mark.parametrize("page", sorted(PAGES))
def test_anonymous_is_sent_to_login(request, client_as, page):
    response = _call(request, client_as(None), page)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("page, persona", WRONG_ROLE)
def test_role_without_the_action_gets_403(request, client_as, page, persona):
    response = _call(request, client_as(request.getfixturevalue(persona)), page)
    assert response.status_code == 403
    assert b"403" in response.content


@pytest.mark.parametrize("page, persona, obj", OUT_OF_SCOPE)
def test_object_out_of_scope_is_404(request, client_as, page, persona, obj):
    request.getfixturevalue(obj)
    before = list(Requisition.objects.values_list("pk", "status"))
    response = _call(request, client_as(request.getfixturevalue(persona)), page, obj)
    assert response.status_code == 404
    assert list(Requisition.objects.values_list("pk", "status")) == before


def test_missing_posting_is_404_for_hr(client_as, hr):
    for name in ("posting_detail", "posting_edit", "posting_stages", "posting_rules"):
        assert client_as(hr).get(reverse(f"recruitment:{name}", args=[999999])).status_code == 404


def test_navigation_and_start_page_lead_hr_to_recruitment(client_as, hr, collector):
    assert client_as(hr).get("/")["Location"] == reverse("recruitment:home")
    html = client_as(hr).get(reverse("recruitment:home")).content.decode()
    assert f'href="{reverse("recruitment:home")}"' in html and ">Recruitment<" in html
    html = client_as(collector).get(reverse("collections:my_queue")).content.decode()
    assert reverse("recruitment:home") not in html


# --- home --------------------------------------------------------------------------------------------------------

@time_machine.travel(dt.datetime(2026, 11, 30, 23, 50, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
def test_hr_home_shows_postings_with_stage_counts_today_and_pending_requisitions(client_as, hr, posting, requisition):
    yesterday = make_application(posting, stage_kind=StageKind.SCREENING)
    yesterday.created_at = timezone.now() - dt.timedelta(hours=24)
    yesterday.save(update_fields=["created_at"])
    for _ in range(2):
        make_application(posting)
    make_application(posting, stage_kind=StageKind.INTERVIEW)
    make_application(posting, stage_kind=StageKind.REJECTED)
    paused = make_posting(posting.requisition.team, title="暂停的岗位", status=PostingStatus.PAUSED)
    make_posting(posting.requisition.team, title="已关闭的岗位", status=PostingStatus.CLOSED)
    response = client_as(hr).get(reverse("recruitment:home"))
    html = response.content.decode()
    assert response.status_code == 200
    row = html[html.index(f'data-posting="{posting.pk}"'):]
    row = row[:row.index("</tr>")]
    assert '<span class="app-funnel-n">2</span><span class="app-funnel-label">Applied</span>' in row
    assert '<span class="app-funnel-n">1</span><span class="app-funnel-label">Interview</span>' in row
    assert '<span class="app-funnel-n">1</span><span class="app-funnel-label">Screening</span>' in row
    assert 'fw-semibold">4</td>' in row  # active: the rejected one is not counted
    assert paused.title in html and "已关闭的岗位" not in html
    kpis = html[html.index('data-testid="kpi-today"'):]
    assert '<span class="app-kpi-value">4</span>' in kpis[:400]  # four applications today (Beijing date), not yesterday's
    pending = html[html.index('data-testid="requisitions-pending"'):]
    assert f"#{requisition.pk} " in pending and "新增信用卡委托方" in pending
    assert reverse("recruitment:posting_board", args=[posting.pk]) in html


def test_panel_member_home_lists_their_upcoming_interviews_only(client_as, lead, other_lead, posting):
    application = make_application(posting, name="面试候选人", stage_kind=StageKind.INTERVIEW)
    start = timezone.now() + dt.timedelta(days=1)
    mine = Interview.objects.create(application=application, round_name="一面", starts_at=start, ends_at=start + dt.timedelta(hours=1), location="3楼会议室")
    mine.interviewers.add(lead)
    theirs = Interview.objects.create(application=make_application(posting, name="别人的候选人"), round_name="一面", starts_at=start, ends_at=start + dt.timedelta(hours=1))
    theirs.interviewers.add(other_lead)
    html = client_as(lead).get(reverse("recruitment:home")).content.decode()
    assert "面试候选人" in html and reverse("recruitment:interview_detail", args=[mine.pk]) in html
    assert "别人的候选人" not in html
    assert 'data-testid="open-postings"' not in html and 'data-testid="requisitions-to-decide"' not in html


def test_supervisor_home_lists_requisitions_and_offers_awaiting_approval(client_as, supervisor, other_supervisor, hr, posting, requisition):
    application = make_application(posting, name="薪资超范围", stage_kind=StageKind.OFFER)
    offer = Offer.objects.create(
        application=application, status=OfferStatus.PENDING_APPROVAL, monthly_wage=Decimal("9500"), needs_approval=True,
        start_on=dt.date(2030, 1, 2), expires_on=dt.date(2030, 1, 1), created_by=hr,
    )
    html = client_as(supervisor).get(reverse("recruitment:home")).content.decode()
    box = html[html.index('data-testid="requisitions-to-decide"'):]
    assert f"#{requisition.pk} " in box and reverse("recruitment:requisition_decide", args=[requisition.pk]) in box
    offers = html[html.index('data-testid="offers-to-approve"'):]
    assert "薪资超范围" in offers and "¥9,500.00" in offers and reverse("recruitment:offer_detail", args=[offer.pk]) in offers
    html = client_as(other_supervisor).get(reverse("recruitment:home")).content.decode()
    assert "新增信用卡委托方" not in html and "薪资超范围" not in html


# --- requisitions ----------------------------------------------------------------------------------------------------

def test_requisition_list_shows_scope_and_decision_buttons(client_as, supervisor, other_supervisor, hr, requisition, other_department):
    far = Requisition.objects.create(team=TeamFactory(department=other_department, name="外部门组"), role=HiringRole.COLLECTOR, headcount=1, reason="别的部门")
    html = client_as(supervisor).get(reverse("recruitment:requisition_list")).content.decode()
    assert f'id="requisition-{requisition.pk}"' in html and f'id="requisition-{far.pk}"' not in html
    assert 'data-testid="decide-%d"' % requisition.pk in html
    html = client_as(hr).get(reverse("recruitment:requisition_list"), {"status": "pending"}).content.decode()
    assert f'id="requisition-{requisition.pk}"' in html and f'id="requisition-{far.pk}"' in html
    assert 'data-testid="decide-' not in html  # HR requests, it does not decide
    html = client_as(hr).get(reverse("recruitment:requisition_list"), {"status": "approved"}).content.decode()
    assert f'id="requisition-{requisition.pk}"' not in html


def test_requisition_create_by_hr_and_supervisor_team_choices_are_scoped(client_as, hr, supervisor, team, other_department):
    far_team = TeamFactory(department=other_department, name="外部门组")
    html = client_as(supervisor).get(reverse("recruitment:requisition_create")).content.decode()
    assert f'value="{team.pk}"' in html and f'value="{far_team.pk}"' not in html
    assert f'value="{far_team.pk}"' in client_as(hr).get(reverse("recruitment:requisition_create")).content.decode()
    response = client_as(supervisor).post(reverse("recruitment:requisition_create"), {"team": far_team.pk, "role": "collector", "headcount": 1, "reason": "x"})
    assert response.status_code == 422 and not Requisition.objects.exists()
    response = client_as(hr).post(reverse("recruitment:requisition_create"), {"team": team.pk, "role": "collector", "headcount": 3, "reason": "旺季扩编"})
    assert response.status_code == 302 and response["Location"] == reverse("recruitment:requisition_list")
    requisition = Requisition.objects.get()
    assert (requisition.team, requisition.headcount, requisition.status, requisition.requested_by) == (team, 3, RequisitionStatus.PENDING, hr)


def test_requisition_create_shows_field_errors(client_as, hr, team):
    response = client_as(hr).post(reverse("recruitment:requisition_create"), {"team": team.pk, "role": "collector", "headcount": 0, "reason": ""})
    html = response.content.decode()
    assert response.status_code == 422 and not Requisition.objects.exists()
    assert html.count("invalid-feedback") >= 2


def test_requisition_decide_approves_and_returns_to_next(client_as, supervisor, requisition):
    response = client_as(supervisor).post(
        reverse("recruitment:requisition_decide", args=[requisition.pk]), {"decision": "approve", "note": "同意", "next": reverse("recruitment:home")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("recruitment:home")
    requisition.refresh_from_db()
    assert requisition.status == RequisitionStatus.APPROVED and requisition.decided_by == supervisor and requisition.decision_note == "同意"


def test_requisition_decide_refusal_names_the_rule(client_as, supervisor, team):
    own = Requisition.objects.create(team=team, role=HiringRole.COLLECTOR, headcount=1, reason="自己申请", requested_by=supervisor)
    client = client_as(supervisor)
    response = client.post(reverse("recruitment:requisition_decide", args=[own.pk]), {"decision": "approve", "next": "https://evil.example/"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[0][0] == reverse("recruitment:requisition_list")  # an outside "next" is ignored
    assert "rule: four_eyes" in html
    own.refresh_from_db()
    assert own.status == RequisitionStatus.PENDING


# --- postings ---------------------------------------------------------------------------------------------------------

def test_posting_list_filters_and_counts(client_as, hr, posting, draft):
    make_application(posting)
    rejected = make_application(posting, stage_kind=StageKind.REJECTED)
    rejected.status = ApplicationStatus.REJECTED
    rejected.save(update_fields=["status"])
    html = client_as(hr).get(reverse("recruitment:posting_list")).content.decode()
    assert f'id="posting-{posting.pk}"' in html and f'id="posting-{draft.pk}"' in html
    row = html[html.index(f'id="posting-{posting.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "¥5,000–8,000/month" in row and ">1</td>" in row and ">2</td>" in row
    html = client_as(hr).get(reverse("recruitment:posting_list"), {"status": "draft"}).content.decode()
    assert f'id="posting-{draft.pk}"' in html and f'id="posting-{posting.pk}"' not in html
    html = client_as(hr).get(reverse("recruitment:posting_list"), {"role": "team_lead"}).content.decode()
    assert f'id="posting-{draft.pk}"' in html and f'id="posting-{posting.pk}"' not in html


def test_posting_list_for_supervisors_is_department_plus_open(client_as, other_supervisor, posting, draft):
    html = client_as(other_supervisor).get(reverse("recruitment:posting_list")).content.decode()
    assert f'id="posting-{posting.pk}"' in html and f'id="posting-{draft.pk}"' not in html
    assert reverse("recruitment:posting_create") not in html


def test_posting_list_needs_the_same_queries_for_one_or_many_postings(client_as, hr, team, django_assert_max_num_queries):
    client = client_as(hr)
    make_posting(team)
    client.get(reverse("recruitment:posting_list"))  # warm the session
    with django_assert_max_num_queries(8) as one:
        client.get(reverse("recruitment:posting_list"))
    for i in range(20):
        make_application(make_posting(team, title=f"岗位{i}"))
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(reverse("recruitment:posting_list")).content.decode()
    assert len(re.findall(r'id="posting-\d+"', html)) == 21


def test_posting_create_from_an_approved_requisition_warns_about_wording(client_as, hr, requisition):
    client = client_as(hr)
    html = client.get(reverse("recruitment:posting_create"), {"requisition": requisition.pk}).content.decode()
    assert "That requisition is not approved" in html  # still pending
    requisition.status = RequisitionStatus.APPROVED
    requisition.save(update_fields=["status"])
    html = client.get(reverse("recruitment:posting_create"), {"requisition": requisition.pk}).content.decode()
    assert f'<option value="{requisition.pk}" selected>' in html
    response = client.post(reverse("recruitment:posting_create"), {
        "requisition": requisition.pk, "title": "电话催收专员", "location": "深圳市南山区", "salary_min": "5000", "salary_max": "8000",
        "responsibilities": "电话联系逾期客户，协商还款。", "requirements": "大专及以上，男士优先，普通话标准。",
    })
    posting = JobPosting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("recruitment:posting_detail", args=[posting.pk])
    assert posting.status == PostingStatus.DRAFT and posting.stages.count() == 8 and posting.screening_rules.exists()
    html = client.get(response["Location"]).content.decode()
    box = html[html.index('data-testid="wording-warnings"'):]
    assert "男士优先" in box and "Gender limit or preference" in box and "Employment Promotion Law art. 27" in box
    assert "Requirements" in box
    assert "possibly discriminatory wording" in html  # the message after saving


def test_posting_create_refuses_bad_salary_range(client_as, hr, requisition):
    requisition.status = RequisitionStatus.APPROVED
    requisition.save(update_fields=["status"])
    response = client_as(hr).post(reverse("recruitment:posting_create"), {
        "requisition": requisition.pk, "title": "催收专员", "location": "深圳", "salary_min": "8000", "salary_max": "5000",
        "responsibilities": "催收", "requirements": "大专",
    })
    assert response.status_code == 422 and not JobPosting.objects.exists()
    assert "is-invalid" in response.content.decode()


def test_posting_create_without_approved_requisitions_explains_why(client_as, hr, requisition):
    html = client_as(hr).get(reverse("recruitment:posting_create")).content.decode()
    assert 'data-testid="no-approved-requisition"' in html


def test_posting_detail_shows_counts_status_buttons_and_links(client_as, hr, supervisor, posting):
    make_application(posting)
    make_application(posting, stage_kind=StageKind.SCREENING)
    html = client_as(hr).get(reverse("recruitment:posting_detail", args=[posting.pk])).content.decode()
    counts = html[html.index('data-testid="posting-stage-counts"'):]
    assert '<span class="app-stagecount-n">1</span>\n            <span class="app-stagecount-name">投递</span>' in counts
    assert "2 active of 2 applications" in counts
    actions = html[html.index('data-testid="posting-status-actions"'):]
    assert 'data-status="paused"' in actions and 'data-status="closed"' in actions and 'data-status="open"' not in actions[:600]
    assert reverse("recruitment:posting_board", args=[posting.pk]) in html
    assert reverse("recruitment:application_list") + f"?posting={posting.pk}" in html
    assert reverse("careers:detail", args=[posting.pk]) in html
    html = client_as(supervisor).get(reverse("recruitment:posting_detail", args=[posting.pk])).content.decode()
    assert 'data-testid="posting-status-actions"' not in html and reverse("recruitment:posting_edit", args=[posting.pk]) not in html


def test_publish_pause_and_close_a_posting(client_as, hr, draft):
    client = client_as(hr)
    url = reverse("recruitment:posting_status", args=[draft.pk])
    assert client.post(url, {"status": "open"})["Location"] == reverse("recruitment:posting_detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == PostingStatus.OPEN and draft.published_at is not None
    assert draft.title in Client().get(reverse("careers:list")).content.decode()
    client.post(url, {"status": "paused"})
    draft.refresh_from_db()
    assert draft.status == PostingStatus.PAUSED
    client.post(url, {"status": "closed"})
    html = client.post(url, {"status": "open"}, follow=True).content.decode()
    draft.refresh_from_db()
    assert draft.status == PostingStatus.CLOSED
    assert "rule: posting_status_transition" in html
    assert reverse("recruitment:posting_edit", args=[draft.pk]) not in html  # a closed posting is final


def test_posting_edit_saves_through_the_service_and_rechecks_wording(client_as, hr, posting):
    response = client_as(hr).post(reverse("recruitment:posting_edit", args=[posting.pk]), {
        "title": posting.title, "location": "广州市天河区", "salary_min": "5500", "salary_max": "9000",
        "responsibilities": posting.responsibilities, "requirements": "限男性，已婚已育优先",
    })
    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.location == "广州市天河区" and posting.salary_min == Decimal("5500")
    assert {w["rule"] for w in posting.wording_warnings} >= {"gender", "marital_childbearing"}
    html = client_as(hr).get(reverse("recruitment:posting_edit", args=[posting.pk])).content.decode()
    assert 'value="广州市天河区"' in html and 'data-testid="wording-warnings"' in html


# --- stages ------------------------------------------------------------------------------------------------------------

def test_stages_add_rename_and_remove(client_as, hr, posting):
    client = client_as(hr)
    url = reverse("recruitment:posting_stages", args=[posting.pk])
    screening = stage_of(posting, StageKind.SCREENING)
    assert client.post(url, {"op": "add", "name": "电话初筛", "after": screening.pk}).status_code == 302
    custom = posting.stages.get(name="电话初筛")
    names = list(posting.stages.order_by("position").values_list("name", flat=True))
    assert names.index("电话初筛") == names.index(screening.name) + 1 and custom.kind == StageKind.CUSTOM
    assert client.post(url, {"op": "rename", "stage": custom.pk, "name": "电话沟通"}).status_code == 302
    custom.refresh_from_db()
    assert custom.name == "电话沟通"
    response = client.post(url, {"op": "rename", "stage": custom.pk, "name": screening.name})
    assert response.status_code == 422 and "already has a stage named" in response.content.decode()
    html = client.post(url, {"op": "remove", "stage": screening.pk}, follow=True).content.decode()
    assert "rule: stage_required" in html and PipelineStage.objects.filter(pk=screening.pk).exists()
    assert client.post(url, {"op": "remove", "stage": custom.pk}).status_code == 302
    assert not PipelineStage.objects.filter(pk=custom.pk).exists()
    html = client.get(url).content.decode()
    assert 'data-testid="stage-add-form"' in html and "built-in" in html


def test_stages_of_another_posting_are_404(client_as, hr, posting, draft):
    other_stage = stage_of(draft, StageKind.SCREENING)
    url = reverse("recruitment:posting_stages", args=[posting.pk])
    assert client_as(hr).post(url, {"op": "rename", "stage": other_stage.pk, "name": "x"}).status_code == 404
    assert client_as(hr).post(url, {"op": "remove", "stage": "abc"}).status_code == 404


# --- screening rules -----------------------------------------------------------------------------------------------------

def test_rules_add_edit_and_delete(client_as, hr, posting):
    client = client_as(hr)
    url = reverse("recruitment:posting_rules", args=[posting.pk])
    response = client.post(url, {"op": "save", "kind": "experience_months", "industries": ["consumer_loan_collection", "credit_card_collection"],
                                 "months": "12", "action": "score", "points": "15", "tag": "", "is_active": "on", "education_level": "4"})
    assert response.status_code == 302
    rule = ScreeningRule.objects.get(posting=posting)
    assert rule.months == 12 and rule.points == 15 and rule.education_level is None  # only the kind's parameter is kept
    html = client.get(url, {"edit": rule.pk}).content.decode()
    assert f'name="rule" value="{rule.pk}"' in html and "≥ 12 months in Consumer-loan collection, Credit-card collection" in html
    client.post(url, {"op": "save", "rule": rule.pk, "kind": "experience_months", "industries": ["credit_card_collection"], "months": "24",
                      "action": "flag", "points": "0", "auto_reject": "on", "is_active": "on"})
    rule.refresh_from_db()
    assert rule.months == 24 and rule.auto_reject and rule.action == ScreeningAction.FLAG
    assert client.post(url, {"op": "delete", "rule": rule.pk}).status_code == 302
    assert not ScreeningRule.objects.filter(pk=rule.pk).exists()


def test_rule_missing_its_parameter_is_refused_on_the_field(client_as, hr, posting):
    response = client_as(hr).post(reverse("recruitment:posting_rules", args=[posting.pk]), {"op": "save", "kind": "education_min", "action": "flag", "points": "0"})
    assert response.status_code == 422 and not ScreeningRule.objects.exists()
    assert "An education rule needs the minimum education level." in response.content.decode()


def test_rule_that_screened_applications_cannot_be_deleted(client_as, hr, posting):
    rule = ScreeningRule.objects.create(posting=posting, kind=ScreeningRuleKind.EDUCATION_MIN, education_level=EducationLevel.JUNIOR_COLLEGE)
    ScreeningResult.objects.create(application=make_application(posting), rule=rule, passed=True, detail={})
    html = client_as(hr).post(reverse("recruitment:posting_rules", args=[posting.pk]), {"op": "delete", "rule": rule.pk}, follow=True).content.decode()
    assert ScreeningRule.objects.filter(pk=rule.pk).exists() and "rule: rule_has_results" in html


def test_rule_of_another_posting_is_404(client_as, hr, posting, draft):
    rule = ScreeningRule.objects.create(posting=draft, kind=ScreeningRuleKind.EDUCATION_MIN, education_level=EducationLevel.BACHELOR)
    url = reverse("recruitment:posting_rules", args=[posting.pk])
    assert client_as(hr).get(url, {"edit": rule.pk}).status_code == 404
    assert client_as(hr).post(url, {"op": "delete", "rule": rule.pk}).status_code == 404
    assert ScreeningRule.objects.filter(pk=rule.pk).exists()


# --- candidate e-mails ---------------------------------------------------------------------------------------------------

def test_email_templates_list_placeholders_and_save(client_as, hr):
    from recruitment.defaults import email_templates_install

    email_templates_install()
    client = client_as(hr)
    html = client.get(reverse("recruitment:email_templates")).content.decode()
    assert "{{ candidate_name }}" in html and "{{ interview.round_name }}" in html
    assert 'data-testid="template-applied"' in html and 'data-testid="template-custom"' in html
    response = client.post(reverse("recruitment:email_templates"), {
        "stage_kind": "applied", "applied-subject": "已收到：{{ posting_title }}", "applied-body": "{{ candidate_name }}，您好", "applied-is_active": "",
    })
    assert response.status_code == 302
    template = CandidateEmailTemplate.objects.get(stage_kind="applied")
    assert template.subject == "已收到：{{ posting_title }}" and not template.is_active
    html = client.get(reverse("recruitment:email_templates")).content.decode()
    assert "已收到：信用卡催收专员" in html and "张三，您好" in html  # the preview renders with sample data


def test_email_template_with_a_syntax_error_is_refused(client_as, hr):
    response = client_as(hr).post(reverse("recruitment:email_templates"), {
        "stage_kind": "custom", "custom-subject": "进度更新", "custom-body": "{% if candidate_name %}未闭合", "custom-is_active": "on",
    })
    assert response.status_code == 422
    assert not CandidateEmailTemplate.objects.filter(stage_kind="custom").exists()
    assert "Template error" in response.content.decode()
