"""Recruitment analytics (issue 3 §11): read-side selectors for the figures on the analytics page.

Every figure is computed from real rows through the ORM, one SQL query per figure. Figures are
counts, never candidate data, so they are scoped by posting (:func:`analytics_postings`) rather
than by ``Application.visible_to`` (which limits a supervisor to the applications they interview
on). Anonymised candidates still count: nothing here reads a personal field.

Filters (:class:`AnalyticsFilters`): one posting, and the local dates (Asia/Shanghai) between which
the application was made (``Application.created_at``, both days inclusive). Every figure, including
offers and time in stage, is about the applications the filters select.

The pipeline order is :data:`FUNNEL_KINDS` (the default template's forward stages, issue 3 §4);
rejected and withdrawn end an application without being a step of the funnel; custom stages have
no place in the order and count only in time in stage.
"""
from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When, Window
from django.db.models.functions import Lead
from django.utils import timezone

from common.dates import local_day_bounds
from common.permissions import role_can
from teams.choices import Role

from .choices import TERMINAL_STAGE_KINDS, ApplicationSource, ApplicationStatus, OfferStatus, StageKind
from .models import Application, JobPosting, Offer, StageChange
from .permissions import ANALYTICS

if TYPE_CHECKING:
    from teams.models import User

#: Forward stages in pipeline order; the funnel's steps.
FUNNEL_KINDS: tuple[StageKind, ...] = (
    StageKind.APPLIED, StageKind.SCREENING, StageKind.INTERVIEW, StageKind.OFFER, StageKind.BACKGROUND_CHECK, StageKind.HIRED,
)
RANK = {kind: position for position, kind in enumerate(FUNNEL_KINDS)}
#: Stages whose time is measured: the forward stages before the hire, then custom stages.
TIMED_KINDS: tuple[StageKind, ...] = tuple(k for k in FUNNEL_KINDS if k not in TERMINAL_STAGE_KINDS) + (StageKind.CUSTOM,)
#: An offer counts as extended to the candidate once it was sent (drafts and approvals are internal).
EXTENDED_OFFER_STATUSES = (OfferStatus.SENT, OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.EXPIRED)
DECIDED_OFFER_STATUSES = (OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.EXPIRED)

SECONDS_PER_DAY = Decimal(86400)
ONE_DECIMAL = Decimal("0.1")


def percent(part: int, whole: int) -> Decimal | None:
    """``part ÷ whole × 100`` rounded half-up to one decimal; ``None`` when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _days(value: Decimal | float | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class AnalyticsFilters:
    """``posting``: one posting (must come from :func:`analytics_postings`); ``applied_from`` /
    ``applied_to``: local dates, inclusive, on the application date."""

    posting: JobPosting | None = None
    applied_from: dt.date | None = None
    applied_to: dt.date | None = None


def analytics_postings(*, user: "User") -> QuerySet[JobPosting]:
    """Postings whose figures ``user`` may see: HR and director every posting; a supervisor the
    postings of their department's teams (starting from ``JobPosting.visible_to``, which also
    shows them other departments' published postings); anyone else none."""
    if not role_can(user, ANALYTICS, "view"):
        return JobPosting.objects.none()
    postings = JobPosting.objects.visible_to(user)
    if user.role == Role.SUPERVISOR:
        postings = postings.filter(requisition__team__department_id=user.department_id)
    return postings


def analytics_applications(*, user: "User", filters: AnalyticsFilters | None = None) -> QuerySet[Application]:
    """The applications every figure is computed over (lazy; used as a sub-query)."""
    filters = filters or AnalyticsFilters()
    applications = Application.objects.filter(posting__in=analytics_postings(user=user))
    if filters.posting is not None:
        applications = applications.filter(posting_id=filters.posting.pk)
    if filters.applied_from is not None:
        applications = applications.filter(created_at__gte=local_day_bounds(filters.applied_from)[0])
    if filters.applied_to is not None:
        applications = applications.filter(created_at__lt=local_day_bounds(filters.applied_to)[1])
    return applications


def _furthest_rank() -> Subquery:
    """Per application: the highest :data:`RANK` among the stages its ``StageChange`` rows moved it
    into (``NULL`` when it never entered a forward stage)."""
    rank = Case(*[When(to_stage__kind=kind, then=Value(position)) for kind, position in RANK.items()], output_field=IntegerField())
    changes = (
        StageChange.objects.filter(application_id=OuterRef("pk"), to_stage__kind__in=FUNNEL_KINDS)
        .annotate(rank=rank)
        .order_by("-rank")
        .values("rank")[:1]
    )
    return Subquery(changes, output_field=IntegerField())


# --- funnel --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    kind: str
    label: str
    count: int
    conversion: Decimal | None  # % of the previous step; None for the first step or an empty previous step
    of_applied: Decimal | None  # % of the applications


@dataclass(frozen=True)
class FunnelRow:
    posting_id: int | None  # None = all postings in the selection
    title: str
    steps: list[FunnelStep]

    @property
    def total(self) -> int:
        return self.steps[0].count if self.steps else 0


@dataclass(frozen=True)
class Funnel:
    overall: FunnelRow
    postings: list[FunnelRow] = field(default_factory=list)


def _funnel_steps(reached: dict[int, int]) -> list[FunnelStep]:
    """``reached`` maps a furthest rank to its application count → the cumulative steps."""
    steps: list[FunnelStep] = []
    applied = sum(reached.values())
    previous: int | None = None
    for kind in FUNNEL_KINDS:
        count = sum(n for rank, n in reached.items() if rank >= RANK[kind])
        steps.append(FunnelStep(
            kind=kind, label=str(kind.label), count=count,
            conversion=None if previous is None else percent(count, previous), of_applied=percent(count, applied),
        ))
        previous = count
    return steps


def recruitment_funnel(*, user: "User", filters: AnalyticsFilters | None = None) -> Funnel:
    """Funnel by stage, overall and per posting (one query).

    For each forward stage kind in pipeline order (:data:`FUNNEL_KINDS`), the number of
    applications that reached it: those with a ``StageChange`` into a stage of that kind **or of a
    later kind** (a stage HR skipped on the board counts as passed, so the funnel never widens).
    Every application counts as applied, including one that never entered a forward stage.
    Conversion = count ÷ count of the previous step × 100 (one decimal, half-up); ``of_applied`` =
    count ÷ applications × 100. Rejected and withdrawn applications count up to the stage they
    reached. Per-posting rows are ordered by title; the overall row is their sum.
    """
    rows = (
        analytics_applications(user=user, filters=filters)
        .annotate(furthest=_furthest_rank())
        .values("posting_id", "posting__title", "furthest")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_posting: dict[int, dict[int, int]] = {}
    titles: dict[int, str] = {}
    overall: dict[int, int] = {}
    for row in rows:
        rank = row["furthest"] if row["furthest"] is not None else RANK[StageKind.APPLIED]
        titles[row["posting_id"]] = row["posting__title"]
        bucket = per_posting.setdefault(row["posting_id"], {})
        bucket[rank] = bucket.get(rank, 0) + row["n"]
        overall[rank] = overall.get(rank, 0) + row["n"]
    postings = [
        FunnelRow(posting_id=pk, title=titles[pk], steps=_funnel_steps(reached))
        for pk, reached in sorted(per_posting.items(), key=lambda item: (titles[item[0]], item[0]))
    ]
    return Funnel(overall=FunnelRow(posting_id=None, title="", steps=_funnel_steps(overall)), postings=postings)


# --- sources -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    source: str
    label: str
    applications: int
    interviewed: int  # reached the interview stage (or later)
    offered: int  # received an offer that was sent (sent, accepted, declined, expired)
    hired: int
    hire_rate: Decimal | None  # hired ÷ applications × 100


def source_effectiveness(*, user: "User", filters: AnalyticsFilters | None = None) -> list[SourceRow]:
    """Source effectiveness, one row per ``ApplicationSource`` in its order, zero rows included
    (one query).

    Per source: applications; reached interview (furthest stage ≥ interview, as in the funnel);
    offers = applications with at least one offer sent to the candidate (status sent, accepted,
    declined or expired — drafts, offers awaiting approval and offers withdrawn are internal);
    hired = reached the hired stage; hire rate = hired ÷ applications × 100 (one decimal).
    """
    extended = Offer.objects.filter(application_id=OuterRef("pk"), status__in=EXTENDED_OFFER_STATUSES)
    rows = (
        analytics_applications(user=user, filters=filters)
        .annotate(furthest=_furthest_rank(), offered=Exists(extended))
        .values("source")
        .annotate(
            applications=Count("id"),
            interviewed=Count("id", filter=Q(furthest__gte=RANK[StageKind.INTERVIEW])),
            offers=Count("id", filter=Q(offered=True)),
            hired=Count("id", filter=Q(furthest__gte=RANK[StageKind.HIRED])),
        )
        .order_by()
    )
    by_source = {row["source"]: row for row in rows}
    result = []
    for source in ApplicationSource:
        row = by_source.get(source.value, {})
        applications, hired = row.get("applications", 0), row.get("hired", 0)
        result.append(SourceRow(
            source=source.value, label=str(source.label), applications=applications, interviewed=row.get("interviewed", 0),
            offered=row.get("offers", 0), hired=hired, hire_rate=percent(hired, applications),
        ))
    return result


# --- time in stage -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageTimeRow:
    kind: str
    label: str
    stays: int  # number of stays measured
    average_days: Decimal | None
    median_days: Decimal | None


def time_in_stage(*, user: "User", filters: AnalyticsFilters | None = None, now: dt.datetime | None = None) -> list[StageTimeRow]:
    """Average and median days spent in each stage kind (one query).

    A stay starts at a ``StageChange`` into the stage and ends at the application's next
    ``StageChange`` (consecutive rows ordered by ``at``, then id). The current stage of an
    **active** application counts up to ``now`` (default: the current time), so a stage where
    applications are stuck shows it; the last stage of a closed application ends at its
    ``closed_at`` (terminal stages — hired, rejected, withdrawn — are not measured at all). Days =
    seconds ÷ 86,400, average and median over the stays, one decimal. Rows: the forward stages
    before the hire in pipeline order, then custom stages; every forward row is listed, a stage with
    no stay shows ``None``.
    """
    now = now or timezone.now()
    changes = (
        StageChange.objects.filter(application__in=analytics_applications(user=user, filters=filters))
        .annotate(left_at=Window(Lead("at"), partition_by=[F("application_id")], order_by=[F("at").asc(), F("id").asc()]))
        .values("to_stage__kind", "at", "left_at", "application__status", "application__closed_at")
        .order_by()
    )
    durations: dict[str, list[Decimal]] = {kind.value: [] for kind in TIMED_KINDS}
    for change in changes:
        kind = change["to_stage__kind"]
        if kind not in durations:
            continue
        end = change["left_at"]
        if end is None:
            end = now if change["application__status"] == ApplicationStatus.ACTIVE else change["application__closed_at"]
        if end is None or end < change["at"]:
            continue
        durations[kind].append(Decimal((end - change["at"]).total_seconds()) / SECONDS_PER_DAY)
    rows = []
    for kind in TIMED_KINDS:
        values = durations[kind.value]
        if not values and kind == StageKind.CUSTOM:
            continue
        rows.append(StageTimeRow(
            kind=kind.value, label=str(kind.label), stays=len(values),
            average_days=_days(sum(values) / len(values)) if values else None,
            median_days=_days(statistics.median(values)) if values else None,
        ))
    return rows


# --- offer acceptance ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferAcceptance:
    accepted: int
    declined: int
    expired: int
    open: int  # draft, awaiting approval or sent: not decided yet
    withdrawn: int

    @property
    def decided(self) -> int:
        return self.accepted + self.declined + self.expired

    @property
    def rate(self) -> Decimal | None:
        """accepted ÷ (accepted + declined + expired) × 100, one decimal; ``None`` with no decided offer."""
        return percent(self.accepted, self.decided)


def offer_acceptance(*, user: "User", filters: AnalyticsFilters | None = None) -> OfferAcceptance:
    """Offer acceptance rate among decided offers of the selected applications (one query):
    accepted ÷ (accepted + declined + expired). Offers still open and withdrawn offers are counted
    for context but are not part of the rate."""
    counts = Offer.objects.filter(application__in=analytics_applications(user=user, filters=filters)).aggregate(
        accepted=Count("id", filter=Q(status=OfferStatus.ACCEPTED)),
        declined=Count("id", filter=Q(status=OfferStatus.DECLINED)),
        expired=Count("id", filter=Q(status=OfferStatus.EXPIRED)),
        open=Count("id", filter=Q(status__in=[OfferStatus.DRAFT, OfferStatus.PENDING_APPROVAL, OfferStatus.SENT])),
        withdrawn=Count("id", filter=Q(status=OfferStatus.WITHDRAWN)),
    )
    return OfferAcceptance(**counts)
