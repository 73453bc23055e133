"""Requisitions, postings, their status and pipeline stages (issue 3 §1, §4)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from common.errors import RuleViolation
from common.models import AuditEvent
from recruitment.choices import HiringRole, PostingStatus, RequisitionStatus, ScreeningAction, ScreeningRuleKind, StageKind
from recruitment.models import JobPosting, PipelineStage, Requisition
from recruitment.services.pipeline import application_move
from recruitment.services.postings import (
    pipeline_stage_add, pipeline_stage_remove, pipeline_stage_rename, pipeline_stages_install_default, posting_create, posting_set_status,
    posting_update, requisition_create, requisition_decide,
)

from .factories import make_application, make_posting

pytestmark = pytest.mark.django_db

POSTING_TEXT = dict(
    title="信用卡催收专员", responsibilities="负责信用卡逾期账户的电话提醒与协商还款。", requirements="大专及以上学历，普通话标准。",
    location="深圳市南山区", salary_min=Decimal("5000"), salary_max=Decimal("8000"),
)


@pytest.fixture
def requisition(team, hr, supervisor):
    requisition = requisition_create(actor=hr, team=team, role=HiringRole.COLLECTOR, headcount=2, reason="新增M1业务")
    return requisition_decide(actor=supervisor, requisition=requisition, approve=True)


# --- requisitions ---


def test_requisition_is_created_pending_and_audited(team, hr):
    requisition = requisition_create(actor=hr, team=team, role=HiringRole.TEAM_LEAD, headcount=1, reason="组长离职")
    assert requisition.status == RequisitionStatus.PENDING
    assert requisition.requested_by == hr
    assert AuditEvent.objects.filter(verb="requisition_created", target_id=str(requisition.pk)).exists()


def test_requisition_with_bad_fields_is_refused_per_field(team, hr):
    with pytest.raises(ValidationError) as excinfo:
        requisition_create(actor=hr, team=team, role="director", headcount=0, reason="  ")
    assert set(excinfo.value.message_dict) == {"role", "headcount", "reason"}
    assert not Requisition.objects.exists()


def test_requisition_is_approved_by_a_supervisor_of_the_department(team, hr, supervisor):
    requisition = requisition_create(actor=hr, team=team, role=HiringRole.COLLECTOR, headcount=2, reason="扩编")
    requisition_decide(actor=supervisor, requisition=requisition, approve=True, note="同意")
    requisition.refresh_from_db()
    assert (requisition.status, requisition.decided_by, requisition.decision_note) == (RequisitionStatus.APPROVED, supervisor, "同意")
    assert requisition.decided_at is not None
    assert AuditEvent.objects.filter(verb="requisition_approved", actor=supervisor).exists()


def test_requisition_is_rejected_by_a_director(team, hr, director):
    requisition = requisition_create(actor=hr, team=team, role=HiringRole.COLLECTOR, headcount=2, reason="扩编")
    requisition_decide(actor=director, requisition=requisition, approve=False, note="预算不足")
    requisition.refresh_from_db()
    assert requisition.status == RequisitionStatus.REJECTED
    assert AuditEvent.objects.filter(verb="requisition_rejected", actor=director).exists()


@pytest.mark.parametrize("persona", ["other_supervisor", "hr", "lead"])
def test_requisition_cannot_be_decided_by_others(team, hr, persona, request):
    requisition = requisition_create(actor=hr, team=team, role=HiringRole.COLLECTOR, headcount=2, reason="扩编")
    with pytest.raises(RuleViolation) as excinfo:
        requisition_decide(actor=request.getfixturevalue(persona), requisition=requisition, approve=True)
    assert excinfo.value.rule == "requisition_approver"
    requisition.refresh_from_db()
    assert requisition.status == RequisitionStatus.PENDING


def test_requester_cannot_approve_own_requisition(team, supervisor):
    requisition = requisition_create(actor=supervisor, team=team, role=HiringRole.COLLECTOR, headcount=1, reason="扩编")
    with pytest.raises(RuleViolation) as excinfo:
        requisition_decide(actor=supervisor, requisition=requisition, approve=True)
    assert excinfo.value.rule == "four_eyes"


def test_decided_requisition_cannot_be_decided_again(requisition, director):
    with pytest.raises(RuleViolation) as excinfo:
        requisition_decide(actor=director, requisition=requisition, approve=False)
    assert excinfo.value.rule == "requisition_not_pending"


# --- postings ---


def test_posting_create_installs_default_stages_and_rules(requisition, hr):
    posting = posting_create(actor=hr, requisition=requisition, **POSTING_TEXT)

    assert posting.status == PostingStatus.DRAFT and posting.published_at is None
    assert posting.role == HiringRole.COLLECTOR
    assert list(posting.stages.values_list("name", "kind")) == [
        ("投递", StageKind.APPLIED), ("初筛", StageKind.SCREENING), ("面试", StageKind.INTERVIEW), ("录用意向", StageKind.OFFER),
        ("背景调查", StageKind.BACKGROUND_CHECK), ("已入职", StageKind.HIRED), ("未通过", StageKind.REJECTED), ("已撤回", StageKind.WITHDRAWN),
    ]
    rules = list(posting.screening_rules.values_list("kind", "action"))
    assert rules == [
        (ScreeningRuleKind.EDUCATION_MIN, ScreeningAction.FLAG), (ScreeningRuleKind.MANDARIN_MIN, ScreeningAction.FLAG),
        (ScreeningRuleKind.EXPERIENCE_MONTHS, ScreeningAction.SCORE),
    ]
    assert not posting.screening_rules.filter(auto_reject=True).exists()
    assert posting.wording_warnings == []
    assert AuditEvent.objects.filter(verb="posting_created", target_id=str(posting.pk)).exists()


def test_posting_create_stores_wording_warnings(requisition, hr):
    posting = posting_create(actor=hr, requisition=requisition, **{**POSTING_TEXT, "requirements": "男士优先，已婚已育，身高165cm以上"})
    warnings = posting.wording_warnings
    assert [(w["phrase"], w["rule"], w["field"]) for w in warnings] == [
        ("男士优先", "gender", "requirements"), ("已婚已育", "marital_childbearing", "requirements"), ("身高165cm以上", "appearance", "requirements"),
    ]
    assert posting.status == PostingStatus.DRAFT  # warned, not blocked
    assert JobPosting.objects.get(pk=posting.pk).wording_warnings == warnings


@pytest.mark.parametrize("status", [RequisitionStatus.PENDING, RequisitionStatus.REJECTED])
def test_posting_needs_an_approved_requisition(team, hr, status):
    requisition = Requisition.objects.create(team=team, role=HiringRole.COLLECTOR, headcount=1, reason="x", status=status, requested_by=hr)
    with pytest.raises(RuleViolation) as excinfo:
        posting_create(actor=hr, requisition=requisition, **POSTING_TEXT)
    assert excinfo.value.rule == "requisition_not_approved"
    assert not JobPosting.objects.exists()


def test_posting_with_inverted_salary_range_is_refused(requisition, hr):
    with pytest.raises(ValidationError) as excinfo:
        posting_create(actor=hr, requisition=requisition, **{**POSTING_TEXT, "salary_min": Decimal("9000"), "salary_max": Decimal("6000")})
    assert "salary_max" in excinfo.value.message_dict
    assert not JobPosting.objects.exists() and not PipelineStage.objects.exists()


def test_posting_with_missing_text_is_refused_per_field(requisition, hr):
    with pytest.raises(ValidationError) as excinfo:
        posting_create(actor=hr, requisition=requisition, **{**POSTING_TEXT, "title": " ", "location": ""})
    assert {"title", "location"} <= set(excinfo.value.message_dict)


@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone.utc))
def test_posting_with_closing_date_in_the_past_is_refused(requisition, hr):
    with pytest.raises(ValidationError) as excinfo:
        posting_create(actor=hr, requisition=requisition, **POSTING_TEXT, closes_on=dt.date(2026, 11, 30))
    assert "closes_on" in excinfo.value.message_dict


def test_posting_update_reruns_wording_check(requisition, hr):
    posting = posting_create(actor=hr, requisition=requisition, **{**POSTING_TEXT, "requirements": "限男性"})
    assert [w["phrase"] for w in posting.wording_warnings] == ["限男性"]

    posting_update(actor=hr, posting=posting, requirements="男女不限，大专及以上", salary_max=Decimal("9000"))

    posting.refresh_from_db()
    assert posting.wording_warnings == []
    assert posting.salary_max == Decimal("9000")
    event = AuditEvent.objects.get(verb="posting_updated")
    assert sorted(event.data["fields"]) == ["requirements", "salary_max"]


def test_posting_update_refuses_other_fields_and_closed_postings(requisition, hr):
    posting = posting_create(actor=hr, requisition=requisition, **POSTING_TEXT)
    with pytest.raises(ValidationError) as excinfo:
        posting_update(actor=hr, posting=posting, status=PostingStatus.OPEN)
    assert "status" in excinfo.value.message_dict
    posting_set_status(actor=hr, posting=posting, status=PostingStatus.CLOSED)
    with pytest.raises(RuleViolation) as excinfo:
        posting_update(actor=hr, posting=posting, title="新标题")
    assert excinfo.value.rule == "posting_closed"


def test_publishing_sets_published_at_and_pause_reopen_keeps_it(requisition, hr):
    posting = posting_create(actor=hr, requisition=requisition, **POSTING_TEXT)
    posting_set_status(actor=hr, posting=posting, status=PostingStatus.OPEN)
    posting.refresh_from_db()
    published = posting.published_at
    assert posting.status == PostingStatus.OPEN and published is not None
    assert JobPosting.objects.published().filter(pk=posting.pk).exists()

    posting_set_status(actor=hr, posting=posting, status=PostingStatus.PAUSED)
    assert not JobPosting.objects.published().filter(pk=posting.pk).exists()
    posting_set_status(actor=hr, posting=posting, status=PostingStatus.OPEN)
    posting.refresh_from_db()
    assert posting.published_at == published
    verbs = list(AuditEvent.objects.filter(target_id=str(posting.pk), verb__startswith="posting_").order_by("id").values_list("verb", flat=True))
    assert verbs == ["posting_created", "posting_published", "posting_paused", "posting_reopened"]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (PostingStatus.DRAFT, PostingStatus.PAUSED), (PostingStatus.CLOSED, PostingStatus.OPEN), (PostingStatus.CLOSED, PostingStatus.CLOSED),
        (PostingStatus.OPEN, PostingStatus.OPEN), (PostingStatus.OPEN, PostingStatus.DRAFT), (PostingStatus.OPEN, "archived"),
    ],
)
def test_posting_status_transition_is_refused(team, hr, start, target):
    posting = make_posting(team, status=start)
    with pytest.raises(RuleViolation) as excinfo:
        posting_set_status(actor=hr, posting=posting, status=target)
    assert excinfo.value.rule == "posting_status_transition"
    posting.refresh_from_db()
    assert posting.status == start


@pytest.mark.parametrize("start", [PostingStatus.DRAFT, PostingStatus.OPEN, PostingStatus.PAUSED])
def test_any_posting_can_be_closed(team, hr, start):
    posting = make_posting(team, status=start)
    posting_set_status(actor=hr, posting=posting, status=PostingStatus.CLOSED)
    posting.refresh_from_db()
    assert posting.status == PostingStatus.CLOSED
    assert AuditEvent.objects.filter(verb="posting_closed", target_id=str(posting.pk)).exists()


def test_opening_on_a_filled_requisition_is_refused(team, hr):
    posting = make_posting(team, status=PostingStatus.PAUSED)
    Requisition.objects.filter(pk=posting.requisition_id).update(status=RequisitionStatus.FILLED)
    with pytest.raises(RuleViolation) as excinfo:
        posting_set_status(actor=hr, posting=posting, status=PostingStatus.OPEN)
    assert excinfo.value.rule == "requisition_not_approved"


def test_opening_after_the_closing_date_is_refused(team, hr):
    posting = make_posting(team, status=PostingStatus.DRAFT)
    JobPosting.objects.filter(pk=posting.pk).update(closes_on=timezone.localdate() - dt.timedelta(days=1))
    posting.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        posting_set_status(actor=hr, posting=posting, status=PostingStatus.OPEN)
    assert "closes_on" in excinfo.value.message_dict


# --- pipeline stages ---


def test_default_stages_install_is_idempotent(requisition, hr):
    posting = posting_create(actor=hr, requisition=requisition, **POSTING_TEXT)
    assert len(pipeline_stages_install_default(posting=posting)) == 8
    assert posting.stages.count() == 8


def test_custom_stage_is_inserted_after_the_given_stage(team, hr):
    posting = make_posting(team)
    interview = posting.stages.get(kind=StageKind.INTERVIEW)
    stage = pipeline_stage_add(actor=hr, posting=posting, name="复试", after=interview)
    assert stage.kind == StageKind.CUSTOM
    assert list(posting.stages.values_list("name", flat=True))[2:5] == ["面试", "复试", "录用"]
    assert AuditEvent.objects.filter(verb="pipeline_stage_added").exists()


def test_custom_stage_cannot_go_after_a_terminal_stage_or_duplicate_a_name(team, hr):
    posting = make_posting(team)
    with pytest.raises(RuleViolation) as excinfo:
        pipeline_stage_add(actor=hr, posting=posting, name="复试", after=posting.stages.get(kind=StageKind.HIRED))
    assert excinfo.value.rule == "stage_after_terminal"
    with pytest.raises(ValidationError) as excinfo:
        pipeline_stage_add(actor=hr, posting=posting, name="面试", after=posting.stages.get(kind=StageKind.APPLIED))
    assert "name" in excinfo.value.message_dict
    other = make_posting(team, title="另一个")
    with pytest.raises(RuleViolation) as excinfo:
        pipeline_stage_add(actor=hr, posting=posting, name="复试", after=other.stages.get(kind=StageKind.INTERVIEW))
    assert excinfo.value.rule == "stage_of_other_posting"


def test_stage_rename(team, hr):
    posting = make_posting(team)
    stage = pipeline_stage_rename(actor=hr, stage=posting.stages.get(kind=StageKind.SCREENING), name="电话初筛")
    assert PipelineStage.objects.get(pk=stage.pk).name == "电话初筛"
    with pytest.raises(ValidationError):
        pipeline_stage_rename(actor=hr, stage=stage, name="")


def test_builtin_stage_cannot_be_removed(team, hr):
    posting = make_posting(team)
    with pytest.raises(RuleViolation) as excinfo:
        pipeline_stage_remove(actor=hr, stage=posting.stages.get(kind=StageKind.INTERVIEW))
    assert excinfo.value.rule == "stage_required"


def test_custom_stage_in_use_cannot_be_removed_until_empty_and_unused(team, hr):
    posting = make_posting(team)
    stage = pipeline_stage_add(actor=hr, posting=posting, name="复试", after=posting.stages.get(kind=StageKind.INTERVIEW))
    application = make_application(posting)
    application_move(actor=hr, application=application, stage=stage)
    with pytest.raises(RuleViolation) as excinfo:
        pipeline_stage_remove(actor=hr, stage=stage)
    assert excinfo.value.rule == "stage_in_use"
    application_move(actor=hr, application=application, stage=posting.stages.get(kind=StageKind.INTERVIEW))
    with pytest.raises(RuleViolation) as excinfo:  # still in the stage history
        pipeline_stage_remove(actor=hr, stage=stage)
    assert excinfo.value.rule == "stage_in_use"


def test_unused_custom_stage_is_removed(team, hr):
    posting = make_posting(team)
    stage = pipeline_stage_add(actor=hr, posting=posting, name="复试", after=posting.stages.get(kind=StageKind.INTERVIEW))
    pipeline_stage_remove(actor=hr, stage=stage)
    assert not PipelineStage.objects.filter(pk=stage.pk).exists()
    assert AuditEvent.objects.filter(verb="pipeline_stage_removed").exists()
