"""Applying one batch of parsed rows set-based (at most one row per account per batch).

Per batch: a handful of ``SELECT … IN`` look-ups of what exists (accounts, debtors, cases,
contact points, payments), the decisions in Python, then one bulk write per table through a
:class:`~collections_app.imports.writers.BulkWriter`. Status-feed rules (the issue "Foundation",
section 4; DOMAIN.md "Delinquency buckets"): a later as-of updates the account; the same as-of is
skipped ("already applied"); an older one is rejected; an unknown account that is not past due is
skipped ("not past due"). Case totals and delinquency (the worst account) are recomputed from the
case's accounts; a case with no past-due account is cured (its assignment ends), a cured case that
is past due again re-opens; every bucket move closes the open bucket-history row and opens one.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from django.utils.translation import gettext as _

from common.models import AuditEvent
from common.validators import id_number_birth_date

from ..choices import CaseStatus, ContactKind, ContactParty, DelinquencyBasis, PaymentSource, PromiseStatus
from ..models import Account, Assignment, Case, CaseBucketHistory, ContactPoint, Debtor, Payment, PromiseToPay
from ..services.classification import TierFacts, broken_promise_dates
from ..services.payments import promises_apply_payment
from .profiles import Record

if TYPE_CHECKING:
    from .engine import ImportRun

ZERO = Decimal("0.00")
LOOKUP_CHUNK = 5000
OPEN_STATUSES = (CaseStatus.OPEN, CaseStatus.ON_HOLD)
ACCOUNT_FIELDS = (
    "creditor_id", "account_number", "debtor_id", "case_id", "product", "overdue_principal", "overdue_interest",
    "overdue_fees", "overdue_amount", "outstanding_balance", "credit_limit", "delinquency_basis", "days_past_due",
    "cycles_delinquent", "earliest_due_date", "is_past_due", "as_of",
)
ACCOUNT_UPDATE_FIELDS = ACCOUNT_FIELDS[4:] + ("updated_at",)
CASE_STATE_FIELDS = (
    "id", "debtor_id", "status", "bucket", "collector_id", "version", "lost_contact", "paid_amount", "cured_on",
    "bucket_entered_on", "opened_on",
)
CASE_UPDATE_FIELDS = (
    "status", "bucket", "delinquency_basis", "days_past_due", "cycles_delinquent", "risk_tier", "tier_rule",
    "overdue_amount", "outstanding_balance", "paid_amount", "collector_id", "version", "cured_on", "bucket_entered_on",
    "as_of", "updated_at",
)
CASE_INSERT_FIELDS = ("debtor_id", "creditor_id") + CASE_UPDATE_FIELDS[:-1] + ("opened_on",)


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start:start + LOOKUP_CHUNK]


def _account_values(record: Record) -> tuple:
    """The account columns after ``creditor_id, account_number, debtor_id, case_id``."""
    r = record
    return (
        r.product, r.overdue_principal, r.overdue_interest, r.overdue_fees, r.overdue_amount, r.outstanding_balance,
        r.credit_limit, r.basis, r.days_past_due, r.cycles, r.earliest_due_date, r.past_due, r.as_of,
    )


class BatchApplier:
    """Applies batches for one :class:`~collections_app.imports.engine.ImportRun`."""

    def __init__(self, run: "ImportRun") -> None:
        self.run = run
        self.creditor_id = run.placement.creditor_id
        self.writer = run.writer
        self.classifier = run.classifier
        self.first_bucket = self.classifier.buckets[0].code
        self.window = max((r.broken_promise_window_days for r in self.classifier.rules), default=180)
        self._bucket_cache: dict[tuple[str, int], tuple[str, int]] = {}
        self.older_as_of = _("as-of %(row)s is older than %(stored)s already stored for this account")
        self.ref_conflict = _("customer reference %(ref)s already belongs to a debtor with another ID number")

    # -- helpers --------------------------------------------------------------------------------
    def bucket(self, basis: str, dpd: int | None, cycles: int | None) -> tuple[str, int]:
        """``(bucket code, bucket order)`` of one account (DPD when the feed gave DPD, else cycles)."""
        value = (dpd if basis == DelinquencyBasis.DPD else cycles) or 0
        key = (basis, value)
        found = self._bucket_cache.get(key)
        if found is None:
            code = (self.classifier.bucket_for(days_past_due=value) if basis == DelinquencyBasis.DPD
                    else self.classifier.bucket_for(cycles_delinquent=value))
            found = self._bucket_cache[key] = (code, self.classifier.bucket_order(code))
        return found

    def aggregate(self, accounts: Iterable[tuple]) -> dict[str, Any]:
        """Case totals and worst delinquency from ``(overdue, outstanding, past_due, basis, dpd,
        cycles, as_of)`` account tuples."""
        overdue = outstanding = ZERO
        worst: tuple | None = None
        worst_key = (-1, -1)
        as_of = None
        basis = DelinquencyBasis.DPD
        for a_overdue, a_outstanding, past_due, a_basis, dpd, cycles, a_as_of in accounts:
            overdue += a_overdue
            outstanding += a_outstanding
            basis = a_basis
            if as_of is None or a_as_of > as_of:
                as_of = a_as_of
            if past_due:
                code, order = self.bucket(a_basis, dpd, cycles)
                key = (order, (dpd if a_basis == DelinquencyBasis.DPD else cycles) or 0)
                if key > worst_key:
                    worst_key, worst = key, (code, a_basis, dpd, cycles)
        if worst is None:
            zero_dpd = 0 if basis == DelinquencyBasis.DPD else None
            zero_cycles = 0 if basis == DelinquencyBasis.CYCLES else None
            return {"past_due": False, "bucket": self.first_bucket, "basis": basis, "dpd": zero_dpd, "cycles": zero_cycles,
                    "overdue": overdue, "outstanding": outstanding, "as_of": as_of, "order": 0}
        code, w_basis, dpd, cycles = worst
        return {"past_due": True, "bucket": code, "basis": w_basis, "dpd": dpd if w_basis == DelinquencyBasis.DPD else None,
                "cycles": cycles if w_basis == DelinquencyBasis.CYCLES else None, "overdue": overdue,
                "outstanding": outstanding, "as_of": as_of, "order": worst_key[0]}

    def tier(self, *, order: int, overdue: Decimal, broken: tuple, lost_contact: bool, on: dt.date) -> tuple[str, str]:
        return self.classifier.tier_for(TierFacts(bucket_order=order, overdue_amount=overdue, broken_promise_dates=broken,
                                                  lost_contact=lost_contact, on=on))

    # -- the batch ------------------------------------------------------------------------------
    def apply(self, batch: list[Record]) -> None:
        run = self.run
        select_in = self.writer.select_in
        existing: dict[str, tuple] = {
            row[0]: row for row in select_in(Account, ("account_number", "id", "case_id", "debtor_id", "as_of"), "account_number",
                                             [r.account_number for r in batch], creditor_id=self.creditor_id)
        }
        updates: list[tuple[Record, tuple]] = []
        new: list[Record] = []
        for r in batch:
            found = existing.get(r.account_number)
            if found is not None:
                if r.as_of > found[4]:
                    updates.append((r, found))
                elif r.as_of == found[4]:
                    run.skip(r, run.ALREADY_APPLIED)
                else:
                    run.reject(r, self.older_as_of % {"row": r.as_of.isoformat(), "stored": found[4].isoformat()})
            elif not r.past_due:
                run.skip(r, run.NOT_PAST_DUE)
            else:
                new.append(r)
        if not updates and not new:
            return

        debtor_of = self.resolve_debtors(new)
        new = [r for r in new if r.line in debtor_of]
        # cases: existing ones of the touched debtors, then new ones
        case_state: dict[int, dict[str, Any]] = {}
        case_of_debtor: dict[int, int] = {}
        existing_debtors = sorted({debtor_of[r.line][0] for r in new if not debtor_of[r.line][1]})
        touched_case_ids = sorted({found[2] for _r, found in updates})
        for ids, key in ((existing_debtors, "debtor_id"), (touched_case_ids, "id")):
            for row in select_in(Case, CASE_STATE_FIELDS, key, ids, creditor_id=self.creditor_id):
                values = dict(zip(CASE_STATE_FIELDS, row))
                case_state[values["id"]] = values
                case_of_debtor[values["debtor_id"]] = values["id"]
        new_case_debtors = sorted({debtor_of[r.line][0] for r in new} - set(case_of_debtor))
        new_case_ids = self.writer.allocate_ids(Case, len(new_case_debtors)) if new_case_debtors else []
        case_of_debtor.update(zip(new_case_debtors, new_case_ids))
        new_case_set = set(new_case_ids)

        # accounts
        new_account_ids = self.writer.allocate_ids(Account, len(new)) if new else []
        account_rows = []
        by_case: dict[int, list[tuple[Record, int]]] = defaultdict(list)
        for r, account_id in zip(new, new_account_ids):
            debtor_id = debtor_of[r.line][0]
            case_id = case_of_debtor[debtor_id]
            account_rows.append((account_id, self.creditor_id, r.account_number, debtor_id, case_id) + _account_values(r))
            by_case[case_id].append((r, account_id))
        update_rows = []
        for r, found in updates:
            update_rows.append((found[1],) + _account_values(r) + (run.now,))
            by_case[found[2]].append((r, found[1]))
        self.writer.insert(Account, ("id",) + ACCOUNT_FIELDS, account_rows)
        self.writer.update(Account, ACCOUNT_UPDATE_FIELDS, update_rows)
        run.counts["accounts_created"] += len(account_rows)
        run.counts["accounts_updated"] += len(update_rows)

        self.write_contact_points([(r, debtor_of[r.line][0], debtor_of[r.line][1]) for r in new]
                                  + [(r, found[3], False) for r, found in updates])
        payments = self.write_payments(by_case, case_state)
        self.write_cases(by_case, case_state, new_case_set, case_of_debtor, payments)

    # -- debtors --------------------------------------------------------------------------------
    def resolve_debtors(self, new: list[Record]) -> dict[int, tuple[int, bool]]:
        """``{line: (debtor id, created here)}`` for the new accounts' rows; creates missing debtors
        (keyed by ID number when given, else by the creditor's customer reference, which defaults
        to the account number). A row whose customer reference belongs to a debtor with another ID
        number is rejected."""
        run = self.run
        if not new:
            return {}
        by_id: dict[str, int] = {}
        by_ref: dict[str, tuple[int, str | None]] = {}
        ids = sorted({r.id_number for r in new if r.id_number})
        refs = sorted({r.customer_ref or r.account_number for r in new})
        by_id.update(self.writer.select_in(Debtor, ("id_number", "id"), "id_number", ids))
        for ref, pk, id_number in self.writer.select_in(Debtor, ("customer_ref", "id", "id_number"), "customer_ref", refs,
                                                        source_creditor_id=self.creditor_id):
            by_ref[ref] = (pk, id_number)
        result: dict[int, tuple[int, bool]] = {}
        pending: dict[tuple[str, str], int] = {}  # key → index in to_create
        to_create: list[tuple] = []
        lines_of: list[list[int]] = []
        refs_taken: dict[str, str | None] = {}
        for r in new:
            ref = r.customer_ref or r.account_number
            if r.id_number and r.id_number in by_id:
                result[r.line] = (by_id[r.id_number], False)
                continue
            known = by_ref.get(ref)
            if known is not None and (not r.id_number or known[1] in (None, r.id_number)):
                result[r.line] = (known[0], False)
                continue
            key = ("id", r.id_number) if r.id_number else ("ref", ref)
            if key in pending:
                lines_of[pending[key]].append(r.line)
                continue
            if known is not None or (ref in refs_taken and refs_taken[ref] != r.id_number):
                run.reject(r, self.ref_conflict % {"ref": ref})
                continue
            refs_taken[ref] = r.id_number
            pending[key] = len(to_create)
            lines_of.append([r.line])
            birth = id_number_birth_date(r.id_number) if r.id_number else None
            to_create.append((r.name, r.id_number, birth, self.creditor_id, ref))
        created = self.writer.insert(Debtor, ("name", "id_number", "birth_date", "source_creditor_id", "customer_ref"),
                                     to_create, with_ids=True)
        for debtor_id, lines in zip(created, lines_of):
            for line in lines:
                result[line] = (debtor_id, True)
        return result

    def write_contact_points(self, rows: list[tuple[Record, int, bool]]) -> None:
        """Add each row's mobile to its debtor unless the debtor has it already."""
        wanted = {(debtor_id, r.mobile): created for r, debtor_id, created in rows if r.mobile}
        if not wanted:
            return
        check = sorted({d for (d, _m), created in wanted.items() if not created})
        have = set(self.writer.select_in(ContactPoint, ("debtor_id", "value"), "debtor_id", check, kind=ContactKind.MOBILE,
                                         party=ContactParty.DEBTOR))
        self.writer.insert(ContactPoint, ("debtor_id", "kind", "value", "party"),
                           [(d, ContactKind.MOBILE, m, ContactParty.DEBTOR) for (d, m) in wanted if (d, m) not in have])

    # -- payments -------------------------------------------------------------------------------
    def write_payments(self, by_case: dict[int, list[tuple[Record, int]]], case_state: dict[int, dict]) -> dict[int, Decimal]:
        """Feed payments: ``amount_paid`` > 0 on a case that was open before the row (the money
        came in while the case was in collections). ``external_ref`` = ``<profile>:<account>:<as-of>``
        makes a re-import a no-op. Applied to open promises FIFO (``promises_apply_payment``);
        balances are left to the feed. Returns the amount paid per case."""
        run = self.run
        candidates = []
        for case_id, items in by_case.items():
            state = case_state.get(case_id)
            if state is None or state["status"] not in OPEN_STATUSES:
                continue
            for r, account_id in items:
                if r.amount_paid and r.amount_paid > 0:
                    ref = f"{run.profile.name}:{r.account_number}:{r.as_of.isoformat()}"
                    candidates.append((case_id, account_id, r.amount_paid, r.as_of, ref))
        if not candidates:
            return {}
        known = {row[0] for row in self.writer.select_in(Payment, ("external_ref",), "external_ref", [c[4] for c in candidates],
                                                         creditor_id=self.creditor_id)}
        fresh = [c for c in candidates if c[4] not in known]
        self.writer.insert(Payment, ("case_id", "creditor_id", "account_id", "amount", "paid_on", "external_ref", "source"),
                           [(c[0], self.creditor_id, c[1], c[2], c[3], c[4], PaymentSource.FEED) for c in fresh])
        run.counts["payments_created"] += len(fresh)
        paid: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for c in fresh:
            paid[c[0]] += c[2]
        promises: dict[int, list[PromiseToPay]] = defaultdict(list)
        for promise in PromiseToPay.objects.filter(case_id__in=list(paid), status=PromiseStatus.OPEN):
            promises[promise.case_id].append(promise)
        changed: list[PromiseToPay] = []
        for c in sorted(fresh, key=lambda c: c[3]):
            if promises.get(c[0]):
                changed.extend(promises_apply_payment(promises[c[0]], amount=c[2], paid_on=c[3]))
        if changed:
            PromiseToPay.objects.bulk_update({p.pk: p for p in changed}.values(), ["paid_amount", "status", "resolved_on"])
        return paid

    # -- cases ----------------------------------------------------------------------------------
    def write_cases(self, by_case, case_state, new_case_set, case_of_debtor, paid) -> None:
        run = self.run
        now = run.now
        aggregates: dict[int, dict] = {}
        old_ids = [c for c in by_case if c not in new_case_set]
        rows_by_case: dict[int, list[tuple]] = defaultdict(list)
        for case_id, *values in self.writer.select_in(Account, (
            "case_id", "overdue_amount", "outstanding_balance", "is_past_due", "delinquency_basis", "days_past_due",
            "cycles_delinquent", "as_of"), "case_id", old_ids):
            rows_by_case[case_id].append(tuple(values))
        for case_id, accounts in rows_by_case.items():
            aggregates[case_id] = self.aggregate(accounts)
        for case_id in new_case_set:
            aggregates[case_id] = self.aggregate(
                (r.overdue_amount, r.outstanding_balance, r.past_due, r.basis, r.days_past_due, r.cycles, r.as_of)
                for r, _a in by_case[case_id]
            )
        since = min((r.as_of for items in by_case.values() for r, _a in items)) - dt.timedelta(days=self.window)
        broken = broken_promise_dates(old_ids, since=since) if old_ids else {}

        inserts, updates, history, close_on, audits, cured_with_collector = [], [], [], defaultdict(list), [], []
        debtor_of_new = {case_id: debtor for debtor, case_id in case_of_debtor.items() if case_id in new_case_set}
        for case_id, items in by_case.items():
            agg = aggregates[case_id]
            event = max(r.as_of for r, _a in items)
            if case_id in new_case_set:
                tier, rule = self.tier(order=agg["order"], overdue=agg["overdue"], broken=(), lost_contact=False, on=event)
                status = CaseStatus.OPEN if agg["past_due"] else CaseStatus.CURED
                inserts.append((case_id, debtor_of_new[case_id], self.creditor_id, status, agg["bucket"], agg["basis"], agg["dpd"],
                                agg["cycles"], tier, rule, agg["overdue"], agg["outstanding"], ZERO, None, 1,
                                None if agg["past_due"] else event, event, agg["as_of"], event))
                history.append((case_id, agg["bucket"], event, agg["dpd"], agg["cycles"], run.placement.pk))
                run.counts["cases_created"] += 1
                run.created_case_ids.add(case_id)
                continue
            state = case_state[case_id]
            event = max(event, state["bucket_entered_on"])
            status, cured_on, collector_id, version = state["status"], state["cured_on"], state["collector_id"], state["version"]
            if status in OPEN_STATUSES and not agg["past_due"]:
                status, cured_on = CaseStatus.CURED, event
                run.counts["cases_cured"] += 1
                if collector_id is not None:
                    cured_with_collector.append(case_id)
                    audits.append(AuditEvent(verb="case_unassigned", target_type="collections_app.case", target_id=str(case_id),
                                             data={"previous": collector_id, "reason": "cured_by_feed", "placement": run.placement.pk}))
                    collector_id, version = None, version + 1
            elif status == CaseStatus.CURED and agg["past_due"]:
                status, cured_on = CaseStatus.OPEN, None
                run.counts["cases_reopened"] += 1
            entered = state["bucket_entered_on"]
            if agg["bucket"] != state["bucket"]:
                close_on[event].append(case_id)
                history.append((case_id, agg["bucket"], event, agg["dpd"], agg["cycles"], run.placement.pk))
                entered = event
            tier, rule = self.tier(order=agg["order"], overdue=agg["overdue"], broken=broken.get(case_id, ()),
                                   lost_contact=state["lost_contact"], on=event)
            updates.append((case_id, status, agg["bucket"], agg["basis"], agg["dpd"], agg["cycles"], tier, rule, agg["overdue"],
                            agg["outstanding"], state["paid_amount"] + paid.get(case_id, ZERO), collector_id, version, cured_on,
                            entered, agg["as_of"], now))
            run.updated_case_ids.add(case_id)

        self.writer.insert(Case, ("id",) + CASE_INSERT_FIELDS, inserts)
        self.writer.update(Case, CASE_UPDATE_FIELDS, updates)
        for day, case_ids in close_on.items():
            for part in _chunks(case_ids):
                CaseBucketHistory.objects.filter(case_id__in=part, left_on__isnull=True).update(left_on=day)
        self.writer.insert(
            CaseBucketHistory, ("case_id", "bucket", "entered_on", "days_past_due", "cycles_delinquent", "placement_id"), history
        )
        if cured_with_collector:
            Assignment.objects.filter(case_id__in=cured_with_collector, ended_at__isnull=True).update(ended_at=now)
            AuditEvent.objects.bulk_create(audits)
