"""Payments (还款): idempotent recording and first-in-first-out application to open promises.

Sources: DOMAIN.md "Promise to pay" (payments applied to open promises FIFO, Oracle Banking
Collections promise tracking); QUALITY.md input 10 (same ``Idempotency-Key`` → one payment).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_event_record
from common.dates import local_today
from common.errors import ConflictError
from teams.models import User

from ..choices import CaseStatus, PaymentSource, PromiseStatus
from ..models import ZERO, Account, Case, CaseBucketHistory, Payment, PromiseToPay
from .classification import Classifier, case_classify


def request_fingerprint(data: dict) -> str:
    """Stable hash of a request body, to tell a retried request from a reused idempotency key."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def promises_apply_payment(promises: Iterable[PromiseToPay], *, amount: Decimal, paid_on: dt.date) -> list[PromiseToPay]:
    """Apply ``amount`` CNY paid on ``paid_on`` to ``promises`` (oldest due first) in memory.

    Only promises made on or before ``paid_on`` count. A promise becomes *kept* once its paid amount reaches the promised amount on or before its
    due date + grace days. Returns the promises that changed (the caller saves them).
    """
    changed = []
    remaining = amount
    for promise in sorted(promises, key=lambda p: (p.due_date, p.pk or 0)):
        if remaining <= 0:
            break
        if promise.status != PromiseStatus.OPEN:
            continue
        if promise.created_at is not None and timezone.localdate(promise.created_at) > paid_on:
            continue  # money paid before the promise was made does not keep it
        take = min(remaining, promise.amount - promise.paid_amount)
        if take <= 0:
            continue
        promise.paid_amount += take
        remaining -= take
        if promise.paid_amount >= promise.amount and paid_on <= promise.due_date + dt.timedelta(days=promise.grace_days):
            promise.status = PromiseStatus.KEPT
            promise.resolved_on = paid_on
        changed.append(promise)
    return changed


WATERFALL = ("overdue_fees", "overdue_interest", "overdue_principal")


def accounts_apply_payment(accounts: Iterable[Account], *, amount: Decimal) -> list[Account]:
    """Apply ``amount`` CNY to past-due ``accounts`` in memory: most delinquent account first, and
    within an account fees, then interest, then principal (先费后息再本, the usual order in
    Chinese lenders' repayment allocation). Reduces overdue parts, the overdue amount and the
    outstanding balance (floored at zero); an account with nothing overdue left is no longer past
    due. Returns the accounts that changed (the caller saves them)."""
    remaining, touched = amount, []
    for account in sorted(accounts, key=lambda a: (-(a.days_past_due or 0), -(a.cycles_delinquent or 0), a.pk or 0)):
        if remaining <= 0:
            break
        for part in WATERFALL:
            take = min(remaining, getattr(account, part))
            if take <= 0:
                continue
            setattr(account, part, getattr(account, part) - take)
            account.overdue_amount = max(ZERO, account.overdue_amount - take)
            account.outstanding_balance = max(ZERO, account.outstanding_balance - take)
            remaining -= take
            if account not in touched:
                touched.append(account)
        if remaining > 0 and account.overdue_amount > 0:  # overdue not itemised into parts
            take = min(remaining, account.overdue_amount)
            account.overdue_amount -= take
            account.outstanding_balance = max(ZERO, account.outstanding_balance - take)
            remaining -= take
            if account not in touched:
                touched.append(account)
        if account.overdue_amount == ZERO:
            account.is_past_due = False
    return touched


@transaction.atomic
def payment_record(
    *,
    case: Case,
    amount: Decimal,
    paid_on: dt.date,
    actor: User | None,
    source: str = PaymentSource.API,
    external_ref: str | None = None,
    idempotency_key: str | None = None,
    fingerprint: str = "",
    account: Account | None = None,
) -> tuple[Payment, bool]:
    """Record a payment of ``amount`` CNY received on ``paid_on`` (local date) against ``case``.

    Returns ``(payment, created)``. The same ``idempotency_key`` from the same client, or the same
    ``external_ref`` for the creditor, returns the existing payment with ``created=False``; an
    idempotency key reused with a different body raises :class:`ConflictError`. A new payment is
    applied to open promises FIFO and to the case's past-due accounts (:func:`accounts_apply_payment`;
    the given ``account`` first), the case totals are recomputed from its accounts (feed payments
    leave balances to the feed), cures the case when nothing is
    overdue any more (bucket M0), and re-evaluates the risk tier. Raises ``ValidationError`` for a
    non-positive amount, more than the debtor owes, a date in the future or before the case was
    opened, or an account of another case (feed payments are the creditor's record and only the
    future-date check applies to them).
    """
    existing = _existing_payment(case=case, actor=actor, external_ref=external_ref, idempotency_key=idempotency_key, fingerprint=fingerprint)
    if existing is not None:
        return existing, False
    # Lock first, then check against the locked row: two payments at once cannot both pass the
    # "more than owed" check on a stale balance.
    locked = Case.objects.select_for_update().get(pk=case.pk)
    errors: dict[str, list[str]] = {}
    if amount is None or amount <= 0:
        errors["amount"] = [_("The payment amount must be greater than zero.")]
    if paid_on > local_today():
        errors["paid_on"] = [_("A payment cannot be dated in the future.")]
    elif source != PaymentSource.FEED and paid_on < locked.opened_on:
        errors["paid_on"] = [_("A payment dated %(paid_on)s is before the case was opened (%(opened_on)s).") % {"paid_on": paid_on, "opened_on": locked.opened_on}]
    owed = max(locked.overdue_amount, locked.outstanding_balance)
    if source != PaymentSource.FEED and amount is not None and amount > owed:
        errors["amount"] = [_("The payment ¥%(amount)s is more than the debtor owes (¥%(owed)s); record overpayments with the creditor.") % {"amount": f"{amount:,.2f}", "owed": f"{owed:,.2f}"}]
    if account is not None and account.case_id != case.pk:
        errors["account"] = [_("The account belongs to another case.")]
    if errors:
        raise ValidationError(errors)

    payment = Payment(
        case=locked, creditor_id=locked.creditor_id, account=account, amount=amount, paid_on=paid_on,
        external_ref=external_ref or None, idempotency_key=idempotency_key or None,
        request_fingerprint=fingerprint, source=source, recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    payment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            payment.save()
    except IntegrityError:
        # A concurrent request with the same key won the race: answer with its payment.
        existing = _existing_payment(case=case, actor=actor, external_ref=external_ref, idempotency_key=idempotency_key, fingerprint=fingerprint)
        if existing is None:
            raise
        return existing, False

    for promise in promises_apply_payment(
        PromiseToPay.objects.select_for_update().filter(case=locked, status=PromiseStatus.OPEN), amount=amount, paid_on=paid_on
    ):
        promise.save(update_fields=["paid_amount", "status", "resolved_on"])

    classifier = Classifier.load()
    update = ["paid_amount", "updated_at"]
    locked.paid_amount += amount
    if source != PaymentSource.FEED:
        accounts = list(Account.objects.select_for_update().filter(case=locked, is_past_due=True))
        if account is not None:
            accounts = [a for a in accounts if a.pk == account.pk] + [a for a in accounts if a.pk != account.pk]
        changed_accounts = accounts_apply_payment(accounts, amount=amount)
        if changed_accounts:
            Account.objects.bulk_update(changed_accounts, [*WATERFALL, "overdue_amount", "outstanding_balance", "is_past_due"])
        if accounts:  # case totals stay the sums of its accounts
            all_accounts = list(Account.objects.filter(case=locked))
            locked.overdue_amount = sum((a.overdue_amount for a in all_accounts if a.is_past_due), ZERO)
            locked.outstanding_balance = sum((a.outstanding_balance for a in all_accounts), ZERO)
        else:
            locked.overdue_amount = max(ZERO, locked.overdue_amount - amount)
            locked.outstanding_balance = max(ZERO, locked.outstanding_balance - amount)
        update += ["overdue_amount", "outstanding_balance"]
        if locked.overdue_amount == ZERO and locked.status == CaseStatus.OPEN:
            update += case_cure_fields(locked, on=paid_on, first_bucket=classifier.buckets[0].code)
            bucket_history_record_cures([locked])
    update += case_classify(case=locked, on=local_today(), classifier=classifier)
    locked.save(update_fields=update)
    if locked.status == CaseStatus.CURED and locked.collector_id:
        from .assignment import case_unassign

        case_unassign(case=locked, actor=actor, reason="cured_by_payment")
    audit_event_record(actor=actor, verb="payment_recorded", target=locked, data={"payment": payment.pk, "amount": str(amount), "source": source})
    return payment, True


def case_cure_fields(case: Case, *, on: dt.date, first_bucket: str) -> list[str]:
    """In memory: nothing is overdue any more, so ``case`` is cured on ``on`` and moves to the first
    bucket (M0) with DPD / cycles 0. Returns the changed field names; the bucket history is
    :func:`bucket_history_record_cures`' job."""
    case.status, case.cured_on, case.bucket, case.bucket_entered_on = CaseStatus.CURED, on, first_bucket, on
    if case.days_past_due is not None:
        case.days_past_due = 0
    if case.cycles_delinquent is not None:
        case.cycles_delinquent = 0
    return ["status", "cured_on", "bucket", "bucket_entered_on", "days_past_due", "cycles_delinquent"]


def bucket_history_record_cures(cases: list[Case]) -> None:
    """For cured ``cases`` (``cured_on`` set): close each open bucket stay on the cure date and open
    a stay in the case's new bucket, as a status feed's cure does. Three queries for any number."""
    by_id = {c.pk: c for c in cases}
    open_rows = list(CaseBucketHistory.objects.filter(case_id__in=by_id, left_on__isnull=True))
    for row in open_rows:
        row.left_on = by_id[row.case_id].cured_on
    CaseBucketHistory.objects.bulk_update(open_rows, ["left_on"])
    CaseBucketHistory.objects.bulk_create([
        CaseBucketHistory(case=c, bucket=c.bucket, entered_on=c.cured_on, days_past_due=c.days_past_due, cycles_delinquent=c.cycles_delinquent)
        for c in cases
    ])


def _existing_payment(*, case: Case, actor, external_ref, idempotency_key, fingerprint) -> Payment | None:
    if idempotency_key and getattr(actor, "pk", None):
        found = Payment.objects.filter(recorded_by=actor, idempotency_key=idempotency_key).first()
        if found is not None:
            if fingerprint and found.request_fingerprint and found.request_fingerprint != fingerprint:
                raise ConflictError(
                    _("Idempotency-Key %(key)s was already used for a different request.") % {"key": idempotency_key},
                    rule="idempotency_key_reused",
                )
            return found
    if external_ref:
        found = Payment.objects.filter(creditor_id=case.creditor_id, external_ref=external_ref).first()
        if found is not None:
            return found
    return None
