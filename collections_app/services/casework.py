"""Working a case: contact attempts (append-only) and promises to pay (DOMAIN.md)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_event_record
from common.dates import local_today
from common.errors import RuleViolation
from teams.models import User

from ..choices import PromiseStatus
from ..models import AllocationPolicy, Case, ContactAttempt, ContactPoint, PromiseToPay, ResultCode
from .classification import case_classify
from .compliance import contact_compliance_check

CLOCK_SKEW = dt.timedelta(minutes=5)
PROMISE_MAX_DAYS = 30  # a promise further out is a repayment plan, not a promise to pay
LOST_CONTACT_CODE = "LOST_CONTACT"


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise RuleViolation(
            _("Case %(case)s is %(status)s; no further work can be recorded on it.") % {"case": case.pk, "status": case.get_status_display()},
            rule="case_not_open",
        )


@transaction.atomic
def contact_attempt_record(
    *,
    case: Case,
    actor: User | None,
    channel: str,
    result_code: ResultCode | str,
    party: str = "debtor",
    direction: str = "outbound",
    contact_point: ContactPoint | None = None,
    started_at: dt.datetime | None = None,
    duration_seconds: int = 0,
    note: str = "",
    next_action_at: dt.datetime | None = None,
    recording_ref: str = "",
    corrects: ContactAttempt | None = None,
    override_reason: str = "",
) -> ContactAttempt:
    """Append one contact attempt (催记) to ``case`` and update the case's follow-up fields.

    Attempts are never edited: a correction is a new attempt with ``corrects`` set. A
    ``LOST_CONTACT`` result flags the case as lost contact and re-evaluates its risk tier.
    Raises ``ValidationError`` for a contact point of another debtor, a start time in the future,
    a next action in the past or an inactive result code; :class:`RuleViolation` on a closed case
    or when the contact policy refuses it (:func:`.compliance.contact_compliance_check`: contact
    window, daily limits, third parties, do-not-contact, holds). A supervisor's ``override_reason``
    waives a policy refusal and is audited (``compliance_override``) in this transaction.
    """
    now = timezone.now()
    started_at = started_at or now
    if isinstance(result_code, str):
        result_code = ResultCode.objects.filter(code=result_code, is_active=True).first() or _invalid_result_code(result_code)
    errors: dict[str, list[str]] = {}
    if contact_point is not None and contact_point.debtor_id != case.debtor_id:
        errors["contact_point"] = [_("This contact point belongs to another debtor.")]
    if started_at > now + CLOCK_SKEW:
        errors["started_at"] = [_("A contact attempt cannot start in the future.")]
    if next_action_at is not None and next_action_at < now - CLOCK_SKEW:
        errors["next_action_at"] = [_("The next action must be in the future.")]
    if corrects is not None and corrects.case_id != case.pk:
        errors["corrects"] = [_("A correction must refer to an attempt on the same case.")]
    if errors:
        raise ValidationError(errors)
    _require_open(case)
    contact_compliance_check(
        case=case, channel=channel, party=party, contact_point=contact_point, started_at=started_at, result_code=result_code,
        actor=actor, direction=direction, corrects=corrects, override_reason=override_reason,
    )

    attempt = ContactAttempt(
        case=case, actor=actor, channel=channel, party=party, direction=direction, contact_point=contact_point,
        started_at=started_at, duration_seconds=duration_seconds, result_code=result_code, note=note.strip(),
        next_action_at=next_action_at, recording_ref=recording_ref, corrects=corrects,
    )
    attempt.full_clean()
    attempt.save()

    update = ["last_contacted_at", "updated_at"]
    case.last_contacted_at = max(filter(None, [case.last_contacted_at, started_at]))
    if next_action_at is not None:
        case.next_action_at = next_action_at
        update.append("next_action_at")
    if result_code.code == LOST_CONTACT_CODE and not case.lost_contact:
        case.lost_contact = True
        update.append("lost_contact")
        update += case_classify(case=case, on=local_today())
    elif result_code.is_right_party and case.lost_contact:
        case.lost_contact = False  # reached again: skip tracing succeeded
        update.append("lost_contact")
        update += case_classify(case=case, on=local_today())
    case.save(update_fields=update)
    audit_event_record(actor=actor, verb="contact_attempt_recorded", target=case, data={"attempt": attempt.pk, "result": result_code.code})
    return attempt


def _invalid_result_code(code: str):
    raise ValidationError({"result_code": [_("Unknown or inactive result code: %(code)s") % {"code": code}]})


@transaction.atomic
def promise_to_pay_create(
    *,
    case: Case,
    actor: User | None,
    amount: Decimal,
    due_date: dt.date,
    attempt: ContactAttempt | None = None,
    today: dt.date | None = None,
) -> PromiseToPay:
    """Record a promise to pay ``amount`` CNY by ``due_date`` (a local date from today to
    today + ``PROMISE_MAX_DAYS``); the amount may not exceed what the debtor owes (the larger of
    the case's overdue amount and outstanding balance).

    The grace period comes from the allocation policy (DOMAIN.md default 0 days). Raises
    ``ValidationError`` for a non-positive amount, a due date in the past or an attempt on
    another case; :class:`RuleViolation` on a closed case.
    """
    today = today or local_today()
    errors: dict[str, list[str]] = {}
    owed = max(case.overdue_amount, case.outstanding_balance)
    if amount is None or amount <= 0:
        errors["amount"] = [_("The promised amount must be greater than zero.")]
    elif amount > owed:
        errors["amount"] = [_("The promised amount ¥%(amount)s is more than the debtor owes (¥%(owed)s).") % {"amount": f"{amount:,.2f}", "owed": f"{owed:,.2f}"}]
    if due_date < today:
        errors["due_date"] = [_("The promise due date cannot be in the past.")]
    elif due_date > today + dt.timedelta(days=PROMISE_MAX_DAYS):
        errors["due_date"] = [_("A promise must fall due within %(days)s days; use a repayment plan for longer terms.") % {"days": PROMISE_MAX_DAYS}]
    if attempt is not None and attempt.case_id != case.pk:
        errors["attempt"] = [_("The contact attempt belongs to another case.")]
    if errors:
        raise ValidationError(errors)
    _require_open(case)
    promise = PromiseToPay(
        case=case, attempt=attempt, amount=amount, due_date=due_date,
        grace_days=AllocationPolicy.current().promise_grace_days, created_by=actor,
    )
    promise.full_clean()
    promise.save()
    audit_event_record(actor=actor, verb="promise_created", target=case, data={"promise": promise.pk, "amount": str(amount), "due_date": due_date.isoformat()})
    return promise


@transaction.atomic
def promise_cancel(*, promise: PromiseToPay, actor: User | None, reason: str) -> PromiseToPay:
    """Cancel an open promise (for example taken by mistake). Needs a reason."""
    if promise.status != PromiseStatus.OPEN:
        raise RuleViolation(_("Only an open promise can be cancelled."), rule="promise_not_open")
    if not reason.strip():
        raise ValidationError({"reason": [_("Give a reason for cancelling the promise.")]})
    promise.status = PromiseStatus.CANCELLED
    promise.resolved_on = local_today()
    promise.save(update_fields=["status", "resolved_on"])
    audit_event_record(actor=actor, verb="promise_cancelled", target=promise.case, data={"promise": promise.pk, "reason": reason})
    return promise


def promise_resolve_overdue(promise: PromiseToPay) -> None:
    """In memory: an open promise whose due date + grace days has passed is kept (paid ≥
    promised), partially kept (something paid) or broken, resolved the day after its grace ends
    (DOMAIN.md "Promise to pay")."""
    if promise.paid_amount >= promise.amount:
        promise.status = PromiseStatus.KEPT
    elif promise.paid_amount > 0:
        promise.status = PromiseStatus.PARTIALLY_KEPT
    else:
        promise.status = PromiseStatus.BROKEN
    promise.resolved_on = promise.due_date + dt.timedelta(days=promise.grace_days + 1)


def promise_mark_overdue_broken(*, today: dt.date | None = None) -> dict[str, int]:
    """Close every open promise whose due date + grace days is before ``today`` (local date).

    Paid ≥ promised → kept; something paid → partially kept; nothing → broken (DOMAIN.md
    "Promise to pay", Oracle Banking Collections promise tracking). Cases with a newly broken
    promise get their risk tier re-evaluated. Safe to run twice: only open promises are touched.
    Returns counts per resulting status.
    """
    from .classification import Classifier

    today = today or local_today()
    counts = {PromiseStatus.KEPT: 0, PromiseStatus.PARTIALLY_KEPT: 0, PromiseStatus.BROKEN: 0}
    classifier = Classifier.load()
    candidates = PromiseToPay.objects.filter(status=PromiseStatus.OPEN, due_date__lt=today).values_list("id", flat=True)
    for promise_id in list(candidates):
        with transaction.atomic():
            promise = PromiseToPay.objects.select_for_update().select_related("case").get(pk=promise_id)
            if promise.status != PromiseStatus.OPEN or promise.due_date + dt.timedelta(days=promise.grace_days) >= today:
                continue
            promise_resolve_overdue(promise)
            promise.save(update_fields=["status", "resolved_on"])
            counts[promise.status] += 1
            if promise.status == PromiseStatus.BROKEN:
                case = promise.case
                changed = case_classify(case=case, on=today, classifier=classifier)
                if changed:
                    case.save(update_fields=changed + ["updated_at"])
                audit_event_record(actor=None, verb="promise_broken", target=case, data={"promise": promise.pk})
    return {str(k): v for k, v in counts.items()}
