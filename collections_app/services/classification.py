"""Delinquency bucket and risk tier (DOMAIN.md "Delinquency buckets", "Risk tier").

Buckets come from DPD when the feed gives DPD, else from cycles delinquent (n cycles ⇒ Mn, capped
at M7+); which one was used is stored on the account and the case. Anchors: Apache Fineract
delinquency ranges; OCC roll-rate buckets. Tier rules are evaluated in order, first match wins,
and the matching rule's name is recorded.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Sequence

from ..choices import PromiseStatus, RiskTier
from ..models import BucketDefinition, Case, PromiseToPay, TierRule


@dataclass(frozen=True)
class Bucket:
    code: str
    order: int
    min_dpd: int
    max_dpd: int | None
    min_cycles: int
    max_cycles: int | None


@dataclass(frozen=True)
class TierFacts:
    """What a tier rule looks at: bucket order (M0=0 … M7+=7), overdue amount in CNY,
    broken promises inside each rule's window, lost-contact flag."""

    bucket_order: int
    overdue_amount: Decimal
    broken_promise_dates: tuple[dt.date, ...]
    lost_contact: bool
    on: dt.date


class Classifier:
    """The configured bucket table and tier rules, loaded once and reused for a whole run
    (an import of a million rows classifies without querying per row)."""

    def __init__(self, buckets: Sequence[Bucket], rules: Sequence[TierRule]) -> None:
        if not buckets:
            raise ValueError("No delinquency buckets are configured.")
        self.buckets = sorted(buckets, key=lambda b: b.order)
        self.rules = [r for r in sorted(rules, key=lambda r: r.order) if r.is_active]
        self._order = {b.code: b.order for b in self.buckets}

    @classmethod
    def load(cls) -> "Classifier":
        buckets = [
            Bucket(b.code, b.order, b.min_dpd, b.max_dpd, b.min_cycles, b.max_cycles)
            for b in BucketDefinition.objects.all()
        ]
        return cls(buckets, list(TierRule.objects.all()))

    def bucket_order(self, code: str) -> int:
        return self._order.get(code, 0)

    def bucket_for(self, *, days_past_due: int | None = None, cycles_delinquent: int | None = None) -> str:
        """Bucket code for a DPD (days) or, when DPD is absent, a cycles-delinquent count.

        Negative or missing values mean "not past due" (the first bucket, M0).
        """
        if days_past_due is not None:
            value, lo, hi = max(days_past_due, 0), "min_dpd", "max_dpd"
        elif cycles_delinquent is not None:
            value, lo, hi = max(cycles_delinquent, 0), "min_cycles", "max_cycles"
        else:
            return self.buckets[0].code
        for bucket in self.buckets:
            upper = getattr(bucket, hi)
            if value >= getattr(bucket, lo) and (upper is None or value <= upper):
                return bucket.code
        return self.buckets[-1].code if value > 0 else self.buckets[0].code

    def tier_for(self, facts: TierFacts) -> tuple[str, str]:
        """``(tier, rule name)`` of the first matching rule; ``("low", "")`` when none matches."""
        for rule in self.rules:
            if rule_matches(rule, facts):
                return rule.tier, rule.name
        return RiskTier.LOW, ""


def rule_matches(rule: TierRule, facts: TierFacts) -> bool:
    """A rule matches when any condition it sets holds (DOMAIN.md default rules are ORs)."""
    if rule.is_catch_all:
        return True
    if rule.min_bucket_order is not None and facts.bucket_order >= rule.min_bucket_order:
        return True
    if rule.exact_bucket_order is not None and facts.bucket_order == rule.exact_bucket_order:
        return True
    if rule.min_overdue_amount is not None and facts.overdue_amount >= rule.min_overdue_amount:
        return True
    if rule.min_broken_promises:
        since = facts.on - dt.timedelta(days=rule.broken_promise_window_days)
        if sum(1 for d in facts.broken_promise_dates if d > since) >= rule.min_broken_promises:
            return True
    if rule.on_lost_contact and facts.lost_contact:
        return True
    return False


def broken_promise_dates(case_ids: Iterable[int], *, since: dt.date) -> dict[int, tuple[dt.date, ...]]:
    """Resolution dates of broken promises per case id since ``since`` (one query)."""
    result: dict[int, list[dt.date]] = {}
    rows = PromiseToPay.objects.filter(
        case_id__in=list(case_ids), status=PromiseStatus.BROKEN, resolved_on__gte=since
    ).values_list("case_id", "resolved_on")
    for case_id, resolved_on in rows:
        result.setdefault(case_id, []).append(resolved_on)
    return {k: tuple(v) for k, v in result.items()}


def case_classify(*, case: Case, on: dt.date, classifier: Classifier | None = None) -> list[str]:
    """Recompute ``case.risk_tier``/``tier_rule`` from its current bucket and facts.

    Mutates ``case`` in memory and returns the names of the fields that changed (for
    ``save(update_fields=…)``); the caller saves inside its own transaction.
    """
    classifier = classifier or Classifier.load()
    window = max((r.broken_promise_window_days for r in classifier.rules), default=180)
    dates = broken_promise_dates([case.pk], since=on - dt.timedelta(days=window)).get(case.pk, ()) if case.pk else ()
    tier, rule = classifier.tier_for(
        TierFacts(
            bucket_order=classifier.bucket_order(case.bucket),
            overdue_amount=case.overdue_amount,
            broken_promise_dates=dates,
            lost_contact=case.lost_contact,
            on=on,
        )
    )
    changed = []
    if case.risk_tier != tier:
        case.risk_tier = tier
        changed.append("risk_tier")
    if case.tier_rule != rule:
        case.tier_rule = rule
        changed.append("tier_rule")
    return changed

