"""Offers: Labour Contract Law art. 19–20, approval outside the salary range, negotiation history,
send / accept / decline / withdraw / expire, and background checks (issue 3 §6)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from common.errors import RuleViolation
from common.models import AuditEvent
from recruitment.choices import (
    ApplicationStatus, BackgroundCheckStatus, CheckResult, OfferStatus, ProposalParty, RefuseReason, StageKind,
)
from recruitment.defaults import BACKGROUND_CHECK_CONSENT_VERSION
from recruitment.models import BackgroundCheck, Offer, OfferProposal
from recruitment.services.offers import (
    background_check_consent_record, background_check_result_record, offer_approve, offer_counter, offer_create,
    offer_record_decision, offer_send, offer_withdraw, offers_expire, probation_max_months, probation_validate,
)
from recruitment.services.pipeline import application_reject
from tests.factories import UserFactory
from teams.choices import Role

from .factories import make_application, make_posting, stage_of
from .later_stages import BEIJING, TODAY, accepted_offer, at, clock, draft_offer, interviewed_application, offer_terms  # noqa: F401

pytestmark = pytest.mark.django_db

W = Decimal("10000.00")


# --- Labour Contract Law art. 19: probation length by contract term ---------------------------------

@pytest.mark.parametrize(
    ("contract_months", "limit"),
    [(1, 0), (2, 0), (3, 1), (11, 1), (12, 2), (35, 2), (36, 6), (120, 6), (None, 6)],
)
def test_probation_limit_follows_article_19(contract_months, limit):
    assert probation_max_months(contract_months) == limit
    probation_validate(contract_months=contract_months, probation_months=limit, monthly_wage=W, probation_wage=W if limit else None)
    with pytest.raises(ValidationError) as exc:
        probation_validate(contract_months=contract_months, probation_months=limit + 1, monthly_wage=W, probation_wage=W)
    message = exc.value.message_dict["probation_months"][0]
    assert "art. 19" in message and "probation_months" in message


def test_contract_under_three_months_allows_no_probation_at_all():
    probation_validate(contract_months=2, probation_months=0, monthly_wage=W, probation_wage=None)
    with pytest.raises(ValidationError) as exc:
        probation_validate(contract_months=2, probation_months=1, monthly_wage=W, probation_wage=W)
    assert "under 3 months" in exc.value.message_dict["probation_months"][0]


def test_open_ended_contract_allows_six_months_not_seven():
    probation_validate(contract_months=None, probation_months=6, monthly_wage=W, probation_wage=Decimal("8000"))
    with pytest.raises(ValidationError) as exc:
        probation_validate(contract_months=None, probation_months=7, monthly_wage=W, probation_wage=Decimal("8000"))
    assert "open-ended" in exc.value.message_dict["probation_months"][0]


# --- art. 20: probation wage ≥ 80 % --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("probation_wage", "ok"),
    [(Decimal("7999.00"), False), (Decimal("7999.99"), False), (Decimal("8000.00"), True), (Decimal("10000.00"), True)],
)
def test_probation_wage_at_least_80_percent_article_20(probation_wage, ok):
    kwargs = dict(contract_months=36, probation_months=3, monthly_wage=W, probation_wage=probation_wage)
    if ok:
        probation_validate(**kwargs)
        return
    with pytest.raises(ValidationError) as exc:
        probation_validate(**kwargs)
    message = exc.value.message_dict["probation_wage"][0]
    assert "art. 20" in message and "80%" in message and "8000.00" in message


def test_probation_wage_at_79_99_percent_of_an_odd_wage_is_refused():
    wage = Decimal("6543.21")
    with pytest.raises(ValidationError):
        probation_validate(contract_months=24, probation_months=2, monthly_wage=wage, probation_wage=(wage * Decimal("0.7999")).quantize(Decimal("0.01")))
    probation_validate(contract_months=24, probation_months=2, monthly_wage=wage, probation_wage=Decimal("5234.57"))  # 80.0001 %


def test_probation_wage_required_with_probation():
    with pytest.raises(ValidationError) as exc:
        probation_validate(contract_months=36, probation_months=1, monthly_wage=W, probation_wage=None)
    assert "art. 20" in exc.value.message_dict["probation_wage"][0]
    probation_validate(contract_months=36, probation_months=0, monthly_wage=W, probation_wage=None)


def test_contract_term_and_wage_must_be_positive():
    with pytest.raises(ValidationError) as exc:
        probation_validate(contract_months=0, probation_months=0, monthly_wage=Decimal("0"), probation_wage=None)
    assert {"contract_months", "monthly_wage"} <= set(exc.value.message_dict)


# --- offer_create ------------------------------------------------------------------------------------

@pytest.fixture
def posting(team, hr):
    return make_posting(team, by=hr)  # salary range 5,000–8,000


@pytest.fixture
def application(posting):
    return interviewed_application(posting, name="张伟", email="zhangwei@example.com")


def test_offer_create_drafts_records_first_proposal_and_moves_to_offer_stage(clock, application, posting, hr):
    offer = draft_offer(application, hr)

    assert offer.status == OfferStatus.DRAFT and not offer.needs_approval
    assert (offer.monthly_wage, offer.contract_months, offer.probation_months, offer.probation_wage) == (
        Decimal("6000.00"), 36, 3, Decimal("4800.00"),
    )
    proposal = OfferProposal.objects.get(offer=offer)
    assert (proposal.party, proposal.monthly_wage, proposal.actor) == (ProposalParty.COMPANY, Decimal("6000.00"), hr)
    application.refresh_from_db()
    assert application.stage == stage_of(posting, StageKind.OFFER)
    assert AuditEvent.objects.filter(verb="offer_created", target_id=str(offer.pk), actor=hr).exists()


@pytest.mark.parametrize(
    ("wage", "needs"), [(Decimal("4999.99"), True), (Decimal("5000"), False), (Decimal("8000"), False), (Decimal("8000.01"), True)],
)
def test_offer_outside_salary_range_needs_approval(clock, application, hr, wage, needs):
    offer = draft_offer(application, hr, monthly_wage=wage, probation_months=0, probation_wage=None)
    assert offer.needs_approval is needs
    assert offer.status == (OfferStatus.PENDING_APPROVAL if needs else OfferStatus.DRAFT)


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"start_on": TODAY - dt.timedelta(days=1), "expires_on": TODAY - dt.timedelta(days=2)}, "start_on"),
        ({"expires_on": TODAY - dt.timedelta(days=1)}, "expires_on"),
        ({"expires_on": TODAY + dt.timedelta(days=15)}, "expires_on"),  # after the start date
        ({"contract_months": 11, "probation_months": 2}, "probation_months"),
        ({"probation_wage": Decimal("4799.99")}, "probation_wage"),
    ],
)
def test_offer_create_refuses_bad_terms_and_saves_nothing(clock, application, hr, terms, field):
    with pytest.raises(ValidationError) as exc:
        draft_offer(application, hr, **terms)
    assert field in exc.value.message_dict
    assert not Offer.objects.exists() and not OfferProposal.objects.exists()
    application.refresh_from_db()
    assert application.stage.kind == StageKind.INTERVIEW


def test_offer_on_the_start_and_answer_day_today_is_fine(clock, application, hr):
    offer = draft_offer(application, hr, start_on=TODAY, expires_on=TODAY)
    assert offer.start_on == TODAY


@pytest.mark.parametrize("id_number", ["", "110105194912310020", "4.40304E+17"])
def test_offer_needs_a_valid_id_number(clock, posting, hr, id_number):
    application = make_application(posting, id_number=id_number, stage_kind=StageKind.INTERVIEW)
    with pytest.raises(ValidationError) as exc:
        draft_offer(application, hr)
    assert "required from the offer stage" in exc.value.message_dict["id_number"][0]
    assert not Offer.objects.exists()


def test_one_open_offer_per_application(clock, application, hr):
    first = draft_offer(application, hr)
    with pytest.raises(RuleViolation) as exc:
        draft_offer(application, hr)
    assert exc.value.rule == "open_offer_exists"

    offer_withdraw(actor=hr, offer=first, note="薪资结构调整")
    second = draft_offer(application, hr, monthly_wage=Decimal("6500"), probation_wage=Decimal("5200"))
    assert second.status == OfferStatus.DRAFT
    assert Offer.objects.filter(application=application).count() == 2


def test_offer_refused_for_a_closed_application(clock, application, hr):
    application_reject(actor=hr, application=application, reason=RefuseReason.INTERVIEW)
    with pytest.raises(RuleViolation) as exc:
        draft_offer(application, hr)
    assert exc.value.rule == "application_closed"


def test_offer_does_not_move_an_application_already_in_background_check(clock, posting, hr):
    application = interviewed_application(posting, stage_kind=StageKind.BACKGROUND_CHECK)
    draft_offer(application, hr)
    application.refresh_from_db()
    assert application.stage.kind == StageKind.BACKGROUND_CHECK


# --- negotiation and approval ----------------------------------------------------------------------

def test_candidate_counter_is_history_only(clock, application, hr):
    offer = draft_offer(application, hr)
    offer_counter(actor=hr, offer=offer, party=ProposalParty.CANDIDATE, monthly_wage=Decimal("7000"), note="期望 7k")

    offer.refresh_from_db()
    assert offer.monthly_wage == Decimal("6000.00")
    assert list(offer.proposals.values_list("party", "monthly_wage")) == [
        (ProposalParty.COMPANY, Decimal("6000.00")), (ProposalParty.CANDIDATE, Decimal("7000.00")),
    ]


def test_company_counter_sets_wage_and_rechecks_probation(clock, application, hr):
    offer = draft_offer(application, hr)
    with pytest.raises(ValidationError) as exc:
        offer_counter(actor=hr, offer=offer, party=ProposalParty.COMPANY, monthly_wage=Decimal("7000"))  # 4,800 < 80 % of 7,000
    assert "probation_wage" in exc.value.message_dict
    assert offer.proposals.count() == 1

    offer_counter(actor=hr, offer=offer, party=ProposalParty.COMPANY, monthly_wage=Decimal("7000"), probation_wage=Decimal("5600"))
    offer.refresh_from_db()
    assert (offer.monthly_wage, offer.probation_wage, offer.needs_approval) == (Decimal("7000.00"), Decimal("5600.00"), False)


def test_company_counter_outside_range_needs_new_approval(clock, application, hr, supervisor):
    offer = draft_offer(application, hr, monthly_wage=Decimal("8500"), probation_wage=Decimal("6800"))
    offer_approve(actor=supervisor, offer=offer)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DRAFT and offer.approved_by == supervisor

    offer_counter(actor=hr, offer=offer, party=ProposalParty.COMPANY, monthly_wage=Decimal("9000"), probation_wage=Decimal("7200"))
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING_APPROVAL and offer.approved_by is None and offer.approved_at is None
    with pytest.raises(RuleViolation) as exc:
        offer_send(actor=hr, offer=offer)
    assert exc.value.rule == "offer_approval_missing"

    offer_counter(actor=hr, offer=offer, party=ProposalParty.COMPANY, monthly_wage=Decimal("8000"), probation_wage=Decimal("6400"))
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DRAFT and not offer.needs_approval
    offer_send(actor=hr, offer=offer)


@pytest.mark.parametrize("approver", ["supervisor", "director"])
def test_offer_outside_range_approved_by_department_supervisor_or_director(clock, application, hr, approver, request):
    user = request.getfixturevalue(approver)
    offer = draft_offer(application, hr, monthly_wage=Decimal("4500"), probation_wage=Decimal("3600"))
    with pytest.raises(RuleViolation) as exc:
        offer_send(actor=hr, offer=offer)
    assert exc.value.rule == "offer_approval_missing"

    offer_approve(actor=user, offer=offer)
    offer_send(actor=hr, offer=offer)

    offer.refresh_from_db()
    assert offer.status == OfferStatus.SENT and offer.approved_by == user
    assert AuditEvent.objects.filter(verb="offer_approved", actor=user).exists()


@pytest.mark.parametrize("approver", ["other_supervisor", "hr", "lead", "collector"])
def test_offer_approval_refused_for_others(clock, application, hr, approver, request):
    user = request.getfixturevalue(approver)
    offer = draft_offer(application, hr, monthly_wage=Decimal("9000"), probation_wage=Decimal("7200"))
    with pytest.raises(RuleViolation) as exc:
        offer_approve(actor=user, offer=offer)
    assert exc.value.rule == "offer_approver"


def test_offer_inside_range_needs_no_approval(clock, application, hr, supervisor):
    offer = draft_offer(application, hr)
    with pytest.raises(RuleViolation) as exc:
        offer_approve(actor=supervisor, offer=offer)
    assert exc.value.rule == "offer_needs_no_approval"


# --- send, decide, withdraw, expire ---------------------------------------------------------------

def test_send_emails_the_terms_to_the_candidate(clock, application, hr, mailoutbox, django_capture_on_commit_callbacks):
    offer = draft_offer(application, hr)
    with django_capture_on_commit_callbacks(execute=True):
        offer_send(actor=hr, offer=offer)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.SENT
    letter = mailoutbox[-1]
    assert letter.to == ["zhangwei@example.com"]
    assert "6000.00" in letter.body and "4800.00" in letter.body and (TODAY + dt.timedelta(days=7)).isoformat() in letter.body


def test_send_refused_twice_and_after_the_answer_date(clock, application, hr):
    offer = draft_offer(application, hr, expires_on=TODAY + dt.timedelta(days=1))
    offer_send(actor=hr, offer=offer)
    with pytest.raises(RuleViolation) as exc:
        offer_send(actor=hr, offer=offer)
    assert exc.value.rule == "offer_not_open"

    other = interviewed_application(offer.application.posting)
    late = draft_offer(other, hr, expires_on=TODAY + dt.timedelta(days=1))
    clock.move_to(at(days=2))
    with pytest.raises(RuleViolation) as exc:
        offer_send(actor=hr, offer=late)
    assert exc.value.rule == "offer_expired"


def test_declined_offer_rejects_the_application(clock, application, hr):
    offer = draft_offer(application, hr)
    offer_send(actor=hr, offer=offer)

    offer_record_decision(actor=hr, offer=offer, accepted=False, note="已接受其他公司")

    offer.refresh_from_db()
    application.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED and offer.decided_at is not None
    assert application.status == ApplicationStatus.REJECTED and application.refuse_reason == RefuseReason.OFFER_DECLINED
    assert application.closed_at is not None
    assert not BackgroundCheck.objects.exists()


def test_accepted_offer_moves_to_background_check_awaiting_consent(clock, application, posting, hr):
    offer = accepted_offer(application, hr)

    application.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    assert application.stage == stage_of(posting, StageKind.BACKGROUND_CHECK) and application.status == ApplicationStatus.ACTIVE
    check = BackgroundCheck.objects.get(application=application)
    assert check.status == BackgroundCheckStatus.AWAITING_CONSENT and check.consent_at is None
    assert AuditEvent.objects.filter(verb="offer_accepted", target_id=str(offer.pk)).exists()


def test_decision_refused_unless_sent(clock, application, hr):
    offer = draft_offer(application, hr)
    with pytest.raises(RuleViolation) as exc:
        offer_record_decision(actor=hr, offer=offer, accepted=True)
    assert exc.value.rule == "offer_not_sent"


def test_acceptance_after_the_answer_date_is_refused(clock, application, hr):
    offer = draft_offer(application, hr, expires_on=TODAY + dt.timedelta(days=3))
    offer_send(actor=hr, offer=offer)
    clock.move_to(at(days=4))
    with pytest.raises(RuleViolation) as exc:
        offer_record_decision(actor=hr, offer=offer, accepted=True)
    assert exc.value.rule == "offer_expired"


def test_withdraw_only_open_offers(clock, application, hr):
    offer = accepted_offer(application, hr)
    with pytest.raises(RuleViolation) as exc:
        offer_withdraw(actor=hr, offer=offer)
    assert exc.value.rule == "offer_not_open"


def test_offers_expire_after_the_answer_date_by_local_date_and_twice_is_harmless(clock, posting, hr):
    due = draft_offer(interviewed_application(posting), hr, expires_on=TODAY + dt.timedelta(days=2))
    offer_send(actor=hr, offer=due)
    later = draft_offer(interviewed_application(posting), hr, expires_on=TODAY + dt.timedelta(days=3))
    offer_send(actor=hr, offer=later)
    draft = draft_offer(interviewed_application(posting), hr, expires_on=TODAY + dt.timedelta(days=1))

    # 00:15 Beijing on the day after ``due``'s answer date: still the previous day in UTC.
    clock.move_to(dt.datetime.combine(TODAY + dt.timedelta(days=3), dt.time(0, 15), tzinfo=BEIJING))
    assert offers_expire() == 1
    assert offers_expire() == 0

    due.refresh_from_db()
    later.refresh_from_db()
    draft.refresh_from_db()
    assert (due.status, later.status, draft.status) == (OfferStatus.EXPIRED, OfferStatus.SENT, OfferStatus.DRAFT)
    assert due.application.status == ApplicationStatus.ACTIVE
    assert AuditEvent.objects.filter(verb="offer_expired", target_id=str(due.pk), actor=None).count() == 1


def test_offers_expire_on_the_answer_date_itself_keeps_it(clock, posting, hr):
    offer = draft_offer(interviewed_application(posting), hr, expires_on=TODAY)
    offer_send(actor=hr, offer=offer)
    assert offers_expire(today=TODAY) == 0
    assert offers_expire(today=TODAY + dt.timedelta(days=1)) == 1


# --- background checks -----------------------------------------------------------------------------

@pytest.fixture
def check(clock, application, hr):
    accepted_offer(application, hr)
    return BackgroundCheck.objects.get(application=application)


def test_results_refused_before_consent(check, hr):
    with pytest.raises(RuleViolation) as exc:
        background_check_result_record(actor=hr, check=check, criminal_record=CheckResult.CLEAR, credit_record=CheckResult.CLEAR)
    assert exc.value.rule == "background_check_consent"
    check.refresh_from_db()
    assert check.criminal_record == CheckResult.PENDING


def test_consent_needs_the_current_notice_version(check, application, hr):
    with pytest.raises(ValidationError) as exc:
        background_check_consent_record(actor=hr, application=application, consent_version="2020-01")
    assert "consent_version" in exc.value.message_dict

    recorded = background_check_consent_record(actor=hr, application=application, consent_version=BACKGROUND_CHECK_CONSENT_VERSION)
    assert recorded.status == BackgroundCheckStatus.IN_PROGRESS and recorded.consent_version == BACKGROUND_CHECK_CONSENT_VERSION
    assert recorded.consent_at is not None
    again = background_check_consent_record(actor=hr, application=application, consent_version=BACKGROUND_CHECK_CONSENT_VERSION)
    assert again.consent_at == recorded.consent_at
    assert AuditEvent.objects.filter(verb="background_check_consented").count() == 1


def test_consent_refused_before_an_offer_is_accepted(clock, application, hr):
    with pytest.raises(RuleViolation) as exc:
        background_check_consent_record(actor=hr, application=application, consent_version=BACKGROUND_CHECK_CONSENT_VERSION)
    assert exc.value.rule == "background_check_not_open"


@pytest.mark.parametrize(
    ("criminal", "credit", "status", "completed"),
    [
        (CheckResult.CLEAR, CheckResult.CLEAR, BackgroundCheckStatus.CLEAR, True),
        (CheckResult.CLEAR, CheckResult.ADVERSE, BackgroundCheckStatus.CONCERN, True),
        (CheckResult.ADVERSE, CheckResult.PENDING, BackgroundCheckStatus.CONCERN, True),
        (CheckResult.CLEAR, CheckResult.PENDING, BackgroundCheckStatus.IN_PROGRESS, False),
    ],
)
def test_check_status_is_derived_from_both_records(check, application, hr, criminal, credit, status, completed):
    background_check_consent_record(actor=hr, application=application, consent_version=BACKGROUND_CHECK_CONSENT_VERSION)

    result = background_check_result_record(actor=hr, check=check, criminal_record=criminal, credit_record=credit, note="派出所证明")

    assert result.status == status and (result.completed_at is not None) is completed and result.recorded_by == hr
    assert AuditEvent.objects.filter(verb="background_check_recorded", target_id=str(check.pk), data__after__status=status).exists()


def test_check_result_refuses_unknown_values(check, application, hr):
    background_check_consent_record(actor=hr, application=application, consent_version=BACKGROUND_CHECK_CONSENT_VERSION)
    with pytest.raises(ValidationError) as exc:
        background_check_result_record(actor=hr, check=check, criminal_record="ok", credit_record=CheckResult.CLEAR)
    assert "criminal_record" in exc.value.message_dict


def test_open_ended_contract_offer_with_six_months_probation(clock, application):
    hr2 = UserFactory(username="hr_zhao", role=Role.HR_RECRUITER)
    offer = offer_create(actor=hr2, application=application, **offer_terms(contract_months=None, probation_months=6, probation_wage=Decimal("4800")))
    assert offer.created_by == hr2 and offer.contract_months is None and offer.probation_months == 6


def test_no_probation_stores_no_probation_wage(clock, application, hr):
    offer = draft_offer(application, hr, contract_months=2, probation_months=0, probation_wage=Decimal("6000"))
    assert offer.probation_wage is None
