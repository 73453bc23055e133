"""Core case-work services: assignment, attempts, promises, payments."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from collections_app.choices import AssignmentReason, CaseStatus, PromiseStatus
from collections_app.models import Assignment, Payment
from collections_app.services import (
    case_assign, contact_attempt_record, payment_record, promise_mark_overdue_broken, promise_to_pay_create,
)
from common.dates import local_today
from common.errors import ConflictError, RuleViolation
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_case_assign_records_reason_and_bumps_version(team, collector, lead):
    case = CaseFactory(team=team)
    assignment = case_assign(case=case, collector=collector, actor=lead, reason=AssignmentReason.MANUAL, note="经验丰富", expected_version=1)
    case.refresh_from_db()
    assert case.collector == collector and case.version == 2
    assert assignment.reason == AssignmentReason.MANUAL and assignment.assigned_by == lead and assignment.note == "经验丰富"


def test_case_assign_with_stale_version_is_a_conflict_and_writes_nothing(team, collector, collector_b, lead):
    case = CaseFactory(team=team)
    case_assign(case=case, collector=collector, actor=lead, reason=AssignmentReason.MANUAL, note="a", expected_version=1)
    with pytest.raises(ConflictError) as err:
        case_assign(case=case, collector=collector_b, actor=lead, reason=AssignmentReason.MANUAL, note="b", expected_version=1)
    assert err.value.rule == "stale_case_version"
    assert Assignment.objects.filter(case=case).count() == 1


def test_manual_reassignment_without_reason_is_refused(team, collector, lead):
    case = CaseFactory(team=team)
    with pytest.raises(RuleViolation) as err:
        case_assign(case=case, collector=collector, actor=lead, reason=AssignmentReason.MANUAL, note="  ")
    assert err.value.rule == "manual_reassignment_needs_reason"


def test_lead_cannot_assign_outside_own_team(team, lead, other_collector):
    case = CaseFactory(team=team)
    with pytest.raises(RuleViolation) as err:
        case_assign(case=case, collector=other_collector, actor=lead, reason=AssignmentReason.MANUAL, note="x")
    assert err.value.rule == "lead_assigns_within_team"


def test_lost_contact_attempt_raises_tier_to_high(team, collector):
    case = CaseFactory(team=team, collector=collector, bucket="M1", overdue_amount=Decimal("500"))
    yesterday_10am = timezone.make_aware(dt.datetime.combine(local_today() - dt.timedelta(days=1), dt.time(10)), timezone.get_default_timezone())
    contact_attempt_record(case=case, actor=collector, channel="phone", result_code="LOST_CONTACT", started_at=yesterday_10am)  # inside 08:00–22:00
    case.refresh_from_db()
    assert case.lost_contact and case.risk_tier == "high" and case.tier_rule == "high_lost_contact"


def test_attempt_in_future_is_rejected(team, collector):
    case = CaseFactory(team=team, collector=collector)
    with pytest.raises(ValidationError) as err:
        contact_attempt_record(case=case, actor=collector, channel="phone", result_code="NO_ANSWER", started_at=timezone.now() + dt.timedelta(hours=2))
    assert "started_at" in err.value.message_dict


def test_payment_keeps_promise_fifo_and_reduces_overdue(team, collector):
    case = CaseFactory(team=team, collector=collector, overdue_amount=Decimal("3000.00"))
    today = local_today()
    first = promise_to_pay_create(case=case, actor=collector, amount=Decimal("500.00"), due_date=today)
    second = promise_to_pay_create(case=case, actor=collector, amount=Decimal("800.00"), due_date=today + dt.timedelta(days=5))
    payment, created = payment_record(case=case, amount=Decimal("700.00"), paid_on=today, actor=collector, source="manual")
    assert created
    first.refresh_from_db(); second.refresh_from_db(); case.refresh_from_db()
    assert first.status == PromiseStatus.KEPT and first.paid_amount == Decimal("500.00")
    assert second.status == PromiseStatus.OPEN and second.paid_amount == Decimal("200.00")
    assert case.overdue_amount == Decimal("2300.00") and case.paid_amount == Decimal("700.00")


def test_payment_with_same_idempotency_key_is_recorded_once(team, collector, integration):
    case = CaseFactory(team=team)
    kwargs = dict(case=case, amount=Decimal("100.00"), paid_on=local_today(), actor=integration, idempotency_key="k-1", fingerprint="f")
    p1, c1 = payment_record(**kwargs)
    p2, c2 = payment_record(**kwargs)
    assert (c1, c2) == (True, False) and p1.pk == p2.pk and Payment.objects.count() == 1
    with pytest.raises(ConflictError):
        payment_record(**{**kwargs, "fingerprint": "other"})


def test_payment_of_whole_overdue_cures_the_case(team, collector):
    case = CaseFactory(team=team, collector=collector, overdue_amount=Decimal("100.00"))
    payment_record(case=case, amount=Decimal("100.00"), paid_on=local_today(), actor=collector, source="manual")
    case.refresh_from_db()
    assert case.status == CaseStatus.CURED and case.collector is None


def test_unpaid_promise_is_broken_after_grace_and_task_is_safe_twice(team, collector):
    case = CaseFactory(team=team, collector=collector, overdue_amount=Decimal("500"))
    today = local_today()
    promise = promise_to_pay_create(case=case, actor=collector, amount=Decimal("100"), due_date=today, today=today)
    assert promise_mark_overdue_broken(today=today)["broken"] == 0
    assert promise_mark_overdue_broken(today=today + dt.timedelta(days=1))["broken"] == 1
    assert promise_mark_overdue_broken(today=today + dt.timedelta(days=1))["broken"] == 0
    promise.refresh_from_db(); case.refresh_from_db()
    assert promise.status == PromiseStatus.BROKEN
    assert case.risk_tier == "medium" and case.tier_rule == "medium_one_broken_promise_180d"


def test_payment_reduces_accounts_fees_then_interest_then_principal_and_case_stays_their_sum(team, collector):
    from tests.factories import AccountFactory

    case = CaseFactory(team=team, collector=collector, overdue_amount=Decimal("4000.00"), outstanding_balance=Decimal("9000.00"))
    worst = AccountFactory(case=case, days_past_due=40, overdue_principal=Decimal("2500"), overdue_interest=Decimal("400"),
                           overdue_fees=Decimal("100"), overdue_amount=Decimal("3000"), outstanding_balance=Decimal("8000"))
    other = AccountFactory(case=case, days_past_due=10, overdue_principal=Decimal("1000"), overdue_interest=Decimal("0"),
                           overdue_fees=Decimal("0"), overdue_amount=Decimal("1000"), outstanding_balance=Decimal("1000"))
    payment_record(case=case, amount=Decimal("450.00"), paid_on=local_today(), actor=collector, source="manual")
    worst.refresh_from_db(); other.refresh_from_db(); case.refresh_from_db()
    assert (worst.overdue_fees, worst.overdue_interest, worst.overdue_principal) == (Decimal("0.00"), Decimal("50.00"), Decimal("2500.00"))
    assert other.overdue_amount == Decimal("1000.00")
    assert case.overdue_amount == worst.overdue_amount + other.overdue_amount == Decimal("3550.00")
    assert case.outstanding_balance == worst.outstanding_balance + other.outstanding_balance == Decimal("8550.00")


def test_manual_assignment_to_collector_on_leave_is_refused(team, collector, lead):
    collector.collector_profile.on_leave = True
    collector.collector_profile.save()
    with pytest.raises(RuleViolation) as err:
        case_assign(case=CaseFactory(team=team), collector=collector, actor=lead, reason=AssignmentReason.MANUAL, note="x")
    assert err.value.rule == "collector_on_leave"


@pytest.mark.parametrize("level, onboarding, tier, allowed", [
    ("junior", False, "medium", False), ("junior", False, "low", True), ("intermediate", False, "high", False),
    ("intermediate", False, "medium", True), ("senior", True, "medium", False), ("senior", False, "high", True),
])
def test_manual_assignment_respects_experience_for_tier(team, collector, lead, level, onboarding, tier, allowed):
    profile = collector.collector_profile
    profile.experience_level, profile.in_onboarding = level, onboarding
    profile.save()
    case = CaseFactory(team=team, risk_tier=tier)
    if allowed:
        case_assign(case=case, collector=collector, actor=lead, reason=AssignmentReason.MANUAL, note="x")
    else:
        with pytest.raises(RuleViolation) as err:
            case_assign(case=case, collector=collector, actor=lead, reason=AssignmentReason.MANUAL, note="x")
        assert err.value.rule == "experience_not_allowed_for_tier"


def test_promise_more_than_owed_or_too_far_out_is_refused(team, collector):
    case = CaseFactory(team=team, collector=collector, overdue_amount=Decimal("3000.00"), outstanding_balance=Decimal("8000.00"))
    today = local_today()
    with pytest.raises(ValidationError) as err:
        promise_to_pay_create(case=case, actor=collector, amount=Decimal("8000.01"), due_date=today)
    assert "amount" in err.value.message_dict
    promise_to_pay_create(case=case, actor=collector, amount=Decimal("8000.00"), due_date=today + dt.timedelta(days=30))
    with pytest.raises(ValidationError) as err:
        promise_to_pay_create(case=case, actor=collector, amount=Decimal("10"), due_date=today + dt.timedelta(days=31))
    assert "due_date" in err.value.message_dict


def test_payment_more_than_owed_or_before_the_case_opened_is_refused(team, collector):
    case = CaseFactory(team=team, overdue_amount=Decimal("100.00"), outstanding_balance=Decimal("500.00"))
    with pytest.raises(ValidationError) as err:
        payment_record(case=case, amount=Decimal("500.01"), paid_on=local_today(), actor=collector, source="manual")
    assert "amount" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        payment_record(case=case, amount=Decimal("1"), paid_on=case.opened_on - dt.timedelta(days=1), actor=collector, source="manual")
    assert "paid_on" in err.value.message_dict
    assert Payment.objects.count() == 0


def test_payment_made_before_a_promise_does_not_keep_it(team, collector):
    case = CaseFactory(team=team, collector=collector)
    today = local_today()
    promise = promise_to_pay_create(case=case, actor=collector, amount=Decimal("100"), due_date=today)
    payment_record(case=case, amount=Decimal("100"), paid_on=today - dt.timedelta(days=2), actor=collector, source="manual")
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.OPEN and promise.paid_amount == Decimal("0.00")


def test_cure_by_payment_moves_the_case_to_m0_with_history(team, collector):
    from collections_app.models import CaseBucketHistory

    case = CaseFactory(team=team, collector=collector, bucket="M2", days_past_due=40, overdue_amount=Decimal("100.00"))
    CaseBucketHistory.objects.create(case=case, bucket="M2", entered_on=case.opened_on, days_past_due=40)
    payment_record(case=case, amount=Decimal("100.00"), paid_on=local_today(), actor=collector, source="manual")
    case.refresh_from_db()
    assert (case.status, case.bucket, case.days_past_due) == (CaseStatus.CURED, "M0", 0)
    assert list(CaseBucketHistory.objects.filter(case=case).values_list("bucket", "left_on")) == [("M2", local_today()), ("M0", None)]
