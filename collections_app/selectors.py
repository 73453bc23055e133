"""Reads for pages and the API. Every selector takes the user first and starts from
``visible_to(user)`` (STYLE.md rule 3)."""
from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping

from django.db.models import Case as When_, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Sum, Value, When
from django.shortcuts import get_object_or_404

from common.dates import local_day_bounds, local_today
from teams.models import User

from .choices import PromiseStatus, RiskTier
from .filters import CaseFilterSet
from .models import Assignment, Case, CaseBucketHistory, ContactAttempt, Payment, PromiseToPay

CASE_LIST_RELATED = ("debtor", "creditor", "collector", "team")


def case_list(*, user: User, filters: Mapping[str, Any] | None = None, request=None) -> QuerySet[Case]:
    """Cases the user may see, narrowed by :class:`CaseFilterSet` (invalid filters are ignored
    by the FilterSet's form and reported through ``case_filterset``)."""
    queryset = Case.objects.visible_to(user).select_related(*CASE_LIST_RELATED)
    if filters:
        filterset = CaseFilterSet(data=filters, queryset=queryset, request=request)
        queryset = filterset.qs if filterset.is_valid() else queryset.none()
    return queryset


def case_get(*, user: User, pk: int | str) -> Case:
    """One case in the user's scope; ``Http404`` when missing *or* out of scope (same answer)."""
    return get_object_or_404(Case.objects.visible_to(user).select_related(*CASE_LIST_RELATED), pk=pk)


# --- the collector's work queue -----------------------------------------------------------------

QUEUE_PROMISE_DUE, QUEUE_CALLBACK, QUEUE_NEW, QUEUE_OTHER = 0, 1, 2, 3


def work_queue(*, user: User, filters: Mapping[str, Any] | None = None, today: dt.date | None = None, request=None) -> QuerySet[Case]:
    """Open cases in scope, in work-queue order (PRODUCT.md): promises due today, scheduled
    call-backs due by the end of today, new cases (never contacted), then high risk, then high
    overdue amount (CNY). Annotates ``queue_rank`` (0–3) and ``tier_rank`` (2 high … 0 low)."""
    today = today or local_today()
    _start, end_of_today = local_day_bounds(today)
    promise_due = PromiseToPay.objects.filter(case=OuterRef("pk"), status=PromiseStatus.OPEN, due_date__lte=today)
    return (
        case_list(user=user, filters=filters, request=request)
        .open()
        .annotate(
            queue_rank=When_(
                When(Exists(promise_due), then=Value(QUEUE_PROMISE_DUE)),
                When(next_action_at__lt=end_of_today, then=Value(QUEUE_CALLBACK)),
                When(last_contacted_at__isnull=True, then=Value(QUEUE_NEW)),
                default=Value(QUEUE_OTHER),
                output_field=IntegerField(),
            ),
            tier_rank=When_(
                When(risk_tier=RiskTier.HIGH, then=Value(2)),
                When(risk_tier=RiskTier.MEDIUM, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("queue_rank", "-tier_rank", "-overdue_amount", "id")
    )


@dataclass(frozen=True)
class QueuePage:
    cases: list[Case]
    next_cursor: str | None


def _encode_cursor(case: Case) -> str:
    raw = json.dumps([case.queue_rank, case.tier_rank, str(case.overdue_amount), case.pk])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_cursor(cursor: str) -> tuple[int, int, Decimal, int] | None:
    try:
        rank, tier, amount, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
        return int(rank), int(tier), Decimal(amount), int(pk)
    except Exception:  # noqa: BLE001 - a tampered cursor restarts at page one
        return None


def work_queue_page(*, queryset: QuerySet[Case], after: str | None = None, size: int = 25) -> QueuePage:
    """Keyset pagination over :func:`work_queue` order: constant cost at any depth."""
    key = _decode_cursor(after) if after else None
    if key is not None:
        rank, tier, amount, pk = key
        queryset = queryset.filter(
            Q(queue_rank__gt=rank)
            | Q(queue_rank=rank, tier_rank__lt=tier)
            | Q(queue_rank=rank, tier_rank=tier, overdue_amount__lt=amount)
            | Q(queue_rank=rank, tier_rank=tier, overdue_amount=amount, id__gt=pk)
        )
    rows = list(queryset[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    return QueuePage(cases=rows, next_cursor=_encode_cursor(rows[-1]) if has_more and rows else None)


# --- the case page ------------------------------------------------------------------------------

@dataclass(frozen=True)
class TimelineEntry:
    """One line of the case timeline. ``kind`` is attempt / promise / payment / assignment / bucket."""

    at: dt.datetime
    kind: str
    obj: Any


def _day_start(day: dt.date) -> dt.datetime:
    return local_day_bounds(day)[0]


def case_timeline(*, case: Case, limit: int = 200) -> list[TimelineEntry]:
    """Attempts, promises, payments, assignments and bucket moves of one case, newest first
    (five queries whatever the length)."""
    entries: list[TimelineEntry] = []
    for attempt in ContactAttempt.objects.filter(case=case).select_related("actor", "result_code", "contact_point")[:limit]:
        entries.append(TimelineEntry(attempt.started_at, "attempt", attempt))
    for promise in PromiseToPay.objects.filter(case=case).select_related("created_by").order_by("-created_at")[:limit]:
        entries.append(TimelineEntry(promise.created_at, "promise", promise))
    for payment in Payment.objects.filter(case=case).select_related("recorded_by")[:limit]:
        entries.append(TimelineEntry(_day_start(payment.paid_on), "payment", payment))
    for assignment in Assignment.objects.filter(case=case).select_related("collector", "assigned_by", "previous_collector").order_by("-assigned_at")[:limit]:
        entries.append(TimelineEntry(assignment.assigned_at, "assignment", assignment))
    for move in CaseBucketHistory.objects.filter(case=case).order_by("-entered_on")[:limit]:
        entries.append(TimelineEntry(_day_start(move.entered_on), "bucket", move))
    entries.sort(key=lambda e: (e.at, e.kind), reverse=True)
    return entries[:limit]


# --- portfolio summary --------------------------------------------------------------------------

def case_summary(*, user: User, filters: Mapping[str, Any] | None = None, request=None) -> dict[str, Any]:
    """Count and outstanding balance (CNY) of open cases per bucket and per tier, with the
    case-list filters applied. Shape::

        {"basis": "open cases", "total": {"count": n, "outstanding_balance": Decimal, "overdue_amount": Decimal},
         "by_bucket": [{"bucket": "M1", "count": n, "outstanding_balance": Decimal, "overdue_amount": Decimal}, …],
         "by_tier": [{"risk_tier": "high", …}, …]}
    """
    queryset = case_list(user=user, filters=filters, request=request).open().order_by()
    aggregates = {"count": Count("id"), "outstanding_balance": Sum("outstanding_balance"), "overdue_amount": Sum("overdue_amount")}

    def rows(field: str) -> list[dict[str, Any]]:
        out = []
        for row in queryset.values(field).annotate(**aggregates).order_by(field):
            row["outstanding_balance"] = row["outstanding_balance"] or Decimal("0.00")
            row["overdue_amount"] = row["overdue_amount"] or Decimal("0.00")
            out.append(row)
        return out

    total = queryset.aggregate(**aggregates)
    return {
        "basis": "open cases",
        "total": {
            "count": total["count"],
            "outstanding_balance": total["outstanding_balance"] or Decimal("0.00"),
            "overdue_amount": total["overdue_amount"] or Decimal("0.00"),
        },
        "by_bucket": sorted(rows("bucket"), key=lambda r: _bucket_sort_key(r["bucket"])),
        "by_tier": sorted(rows("risk_tier"), key=lambda r: {"high": 0, "medium": 1, "low": 2}.get(r["risk_tier"], 3)),
    }


def _bucket_sort_key(code: str) -> int:
    digits = "".join(ch for ch in code if ch.isdigit())
    return int(digits) if digits else 0


def promise_source_attempt(*, case: Case, user: User, today: dt.date | None = None) -> ContactAttempt | None:
    """The contact attempt a promise taken now most likely came from: the user's latest PTP
    attempt on this case today (local date) that no promise points to yet, or ``None``."""
    start, end = local_day_bounds(today or local_today())
    return (
        ContactAttempt.objects.filter(case=case, actor=user, result_code_id="PTP", started_at__gte=start, started_at__lt=end, promises__isnull=True)
        .order_by("-started_at", "-id")
        .first()
    )
