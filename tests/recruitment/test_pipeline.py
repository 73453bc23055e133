"""Pipeline moves, rejection, withdrawal and candidate e-mails (issue 3 §4)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from common.errors import RuleViolation
from common.models import AuditEvent
from recruitment.choices import ApplicationStatus, InterviewStatus, RefuseReason, StageKind
from recruitment.defaults import EMAIL_TEMPLATES
from recruitment.models import CandidateEmailTemplate, Interview, StageChange
from recruitment.services.pipeline import (
    application_enter_stage, application_move, application_reject, application_withdraw, candidate_email_send,
)

from .factories import make_application, make_posting, stage_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def posting(team, hr):
    return make_posting(team, by=hr)


@pytest.fixture
def application(posting):
    return make_application(posting, name="王小明", email="wang@example.com")


def test_default_email_templates_are_installed_by_the_migration():
    kinds = set(CandidateEmailTemplate.objects.values_list("stage_kind", flat=True))
    assert kinds == {str(kind) for kind in EMAIL_TEMPLATES}
    assert kinds >= {StageKind.APPLIED, StageKind.INTERVIEW, StageKind.REJECTED}


def test_move_records_stage_change_with_actor_note_and_audit(application, posting, hr):
    screening = stage_of(posting, StageKind.SCREENING)
    before = application.stage_entered_at

    application_move(actor=hr, application=application, stage=screening, note="简历符合")

    application.refresh_from_db()
    assert application.stage == screening
    assert application.status == ApplicationStatus.ACTIVE
    assert application.closed_at is None
    assert application.stage_entered_at > before
    change = StageChange.objects.filter(application=application).latest("at")
    assert (change.from_stage.kind, change.to_stage, change.actor, change.note) == (StageKind.APPLIED, screening, hr, "简历符合")
    event = AuditEvent.objects.get(verb="application_moved", target_id=str(application.pk))
    assert event.actor == hr and event.data["to_kind"] == StageKind.SCREENING


def test_move_updates_the_callers_instance(application, posting, hr):
    interview = stage_of(posting, StageKind.INTERVIEW)
    returned = application_move(actor=hr, application=application, stage=interview)
    assert returned is application
    assert application.stage_id == interview.pk


def test_move_to_the_current_stage_is_a_no_op(application, posting, hr):
    count = StageChange.objects.count()
    application_move(actor=hr, application=application, stage=stage_of(posting, StageKind.APPLIED))
    assert StageChange.objects.count() == count


def test_move_is_refused_to_a_stage_of_another_posting(application, team, hr):
    other = make_posting(team, title="另一个岗位")
    with pytest.raises(RuleViolation) as excinfo:
        application_move(actor=hr, application=application, stage=stage_of(other, StageKind.SCREENING))
    assert excinfo.value.rule == "stage_of_other_posting"


@pytest.mark.parametrize(
    ("kind", "rule"),
    [
        (StageKind.HIRED, "hire_through_hire"), (StageKind.REJECTED, "reject_through_reject"), (StageKind.WITHDRAWN, "withdraw_through_withdraw"),
        (StageKind.OFFER, "offer_through_offer"), (StageKind.BACKGROUND_CHECK, "background_check_through_offer"),
    ],
)
def test_move_is_refused_to_stages_only_their_verb_enters(application, posting, hr, kind, rule):
    with pytest.raises(RuleViolation) as excinfo:
        application_move(actor=hr, application=application, stage=stage_of(posting, kind))
    assert excinfo.value.rule == rule
    application.refresh_from_db()
    assert application.stage.kind == StageKind.APPLIED


def test_reject_closes_the_application_with_reason(application, posting, hr):
    application_reject(actor=hr, application=application, reason=RefuseReason.REQUIREMENTS_NOT_MET, note="无相关经验")

    application.refresh_from_db()
    assert application.stage == stage_of(posting, StageKind.REJECTED)
    assert application.status == ApplicationStatus.REJECTED
    assert application.closed_at is not None
    assert (application.refuse_reason, application.refuse_note) == (RefuseReason.REQUIREMENTS_NOT_MET, "无相关经验")
    assert AuditEvent.objects.filter(verb="application_rejected", target_id=str(application.pk)).exists()


def test_reject_with_unknown_reason_is_refused(application, hr):
    with pytest.raises(ValidationError) as excinfo:
        application_reject(actor=hr, application=application, reason="too_old")
    assert "reason" in excinfo.value.message_dict
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACTIVE


def test_withdraw_closes_the_application(application, posting, hr):
    application_withdraw(actor=hr, application=application, note="已接受其他工作")
    application.refresh_from_db()
    assert application.stage == stage_of(posting, StageKind.WITHDRAWN)
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.closed_at is not None


@pytest.mark.parametrize("verb", ["move", "reject", "withdraw"])
def test_closed_application_cannot_change_stage(application, posting, hr, verb):
    application_withdraw(actor=hr, application=application)
    with pytest.raises(RuleViolation) as excinfo:
        if verb == "move":
            application_move(actor=hr, application=application, stage=stage_of(posting, StageKind.SCREENING))
        elif verb == "reject":
            application_reject(actor=hr, application=application, reason=RefuseReason.OTHER)
        else:
            application_withdraw(actor=hr, application=application)
    assert excinfo.value.rule == "application_closed"


def test_closed_check_uses_the_database_row_not_a_stale_instance(application, posting, hr):
    from recruitment.models import Application

    stale = Application.objects.get(pk=application.pk)
    application_withdraw(actor=hr, application=application)
    with pytest.raises(RuleViolation) as excinfo:
        application_move(actor=hr, application=stale, stage=stage_of(posting, StageKind.SCREENING))
    assert excinfo.value.rule == "application_closed"


def test_enter_stage_hired_sets_hired_status(application, posting, hr):
    application_enter_stage(actor=hr, application=application, stage=stage_of(posting, StageKind.HIRED), verb="application_hired")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.HIRED and application.closed_at is not None


def test_moving_to_interview_emails_the_interview_template_on_commit(application, posting, hr, mailoutbox, django_capture_on_commit_callbacks):
    starts = timezone.make_aware(dt.datetime(2030, 3, 4, 14, 30))
    Interview.objects.create(
        application=application, round_name="初试", starts_at=starts, ends_at=starts + dt.timedelta(hours=1), location="深圳市南山区科技园 8 楼",
        status=InterviewStatus.SCHEDULED, scheduled_by=hr,
    )
    with django_capture_on_commit_callbacks(execute=True):
        application_move(actor=hr, application=application, stage=stage_of(posting, StageKind.INTERVIEW))
        assert mailoutbox == []  # nothing before commit

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["wang@example.com"]
    assert message.subject == f"{settings.COMPANY_NAME}：“信用卡催收专员”面试邀请"
    assert "王小明，您好" in message.body
    assert "2030年3月4日 14:30" in message.body
    assert "深圳市南山区科技园 8 楼" in message.body
    assert "&" not in message.body  # plain text: nothing HTML-escaped


def test_email_is_not_html_escaped(application, posting, hr, mailoutbox, django_capture_on_commit_callbacks):
    application.candidate.name = "O'Brien & 张"
    application.candidate.save(update_fields=["name"])
    with django_capture_on_commit_callbacks(execute=True):
        application_move(actor=hr, application=application, stage=stage_of(posting, StageKind.SCREENING))
    assert "O'Brien & 张，您好" in mailoutbox[0].body


def test_inactive_template_sends_nothing(application, posting, hr, mailoutbox, django_capture_on_commit_callbacks):
    CandidateEmailTemplate.objects.filter(stage_kind=StageKind.INTERVIEW).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        application_move(actor=hr, application=application, stage=stage_of(posting, StageKind.INTERVIEW))
    assert mailoutbox == []
    application.refresh_from_db()
    assert application.stage.kind == StageKind.INTERVIEW


def test_rejection_email_is_sent(application, hr, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application_reject(actor=hr, application=application, reason=RefuseReason.INTERVIEW)
    assert len(mailoutbox) == 1
    assert "很遗憾" in mailoutbox[0].body


def test_email_send_returns_false_without_address_or_after_anonymisation(application, posting, mailoutbox):
    stage = stage_of(posting, StageKind.APPLIED)
    assert candidate_email_send(application_id=application.pk, stage_id=stage.pk) is True
    candidate = application.candidate
    candidate.email = ""
    candidate.save(update_fields=["email"])
    assert candidate_email_send(application_id=application.pk, stage_id=stage.pk) is False
    candidate.email, candidate.anonymised_at = "x@example.com", timezone.now()
    candidate.save(update_fields=["email", "anonymised_at"])
    assert candidate_email_send(application_id=application.pk, stage_id=stage.pk) is False
    assert len(mailoutbox) == 1


def test_email_send_skips_a_stage_the_application_already_left(application, posting, hr, mailoutbox):
    applied = stage_of(posting, StageKind.APPLIED)
    application_move(actor=hr, application=application, stage=stage_of(posting, StageKind.SCREENING))
    assert candidate_email_send(application_id=application.pk, stage_id=applied.pk) is False
    assert mailoutbox == []


def test_broken_template_sends_nothing(application, posting, mailoutbox):
    CandidateEmailTemplate.objects.filter(stage_kind=StageKind.APPLIED).update(body="{% if %}")
    assert candidate_email_send(application_id=application.pk, stage_id=stage_of(posting, StageKind.APPLIED).pk) is False
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_templates_are_restored_for_transactional_tests(team, hr, mailoutbox):
    assert CandidateEmailTemplate.objects.filter(stage_kind=StageKind.INTERVIEW, is_active=True).exists()
    posting = make_posting(team, by=hr)
    application = make_application(posting, email="t@example.com")
    application_move(actor=hr, application=application, stage=stage_of(posting, StageKind.SCREENING))  # commits: e-mail goes out
    assert [m.to for m in mailoutbox] == [["t@example.com"]]


def test_rejecting_withdraws_the_open_offer_and_cancels_scheduled_interviews(hr, team):
    from decimal import Decimal

    from django.utils import timezone

    from recruitment.choices import InterviewStatus, OfferStatus, RefuseReason
    from recruitment.models import Interview, Offer
    from recruitment.services.pipeline import application_reject

    from .factories import future, make_application, make_posting

    application = make_application(make_posting(team, by=hr), stage_kind=StageKind.OFFER)
    interview = Interview.objects.create(
        application=application, round_name="复试", starts_at=future(24), ends_at=future(25), location="会议室", scheduled_by=hr,
    )
    today = timezone.localdate()
    offer = Offer.objects.create(
        application=application, status=OfferStatus.SENT, monthly_wage=Decimal("6000"), probation_months=0,
        start_on=today, expires_on=today, created_by=hr,
    )

    application_reject(actor=hr, application=application, reason=RefuseReason.POSITION_FILLED)

    offer.refresh_from_db()
    interview.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN and offer.decided_at is not None
    assert interview.status == InterviewStatus.CANCELLED
