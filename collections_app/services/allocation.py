"""The allocation engine (分案): route open cases to teams and deal them to eligible collectors.

Rules (DOMAIN.md "Allocation", steps 1–5; anchors: 现金侠 back office daily cap and month-start
regroup, mo9 snake order, CollectionONE re-assignment after N days, Oracle Banking Collections
skill-based allocation):

1. **Route** by bucket and tier: a case goes to the active teams whose ``Team.buckets`` contain its
   bucket and whose ``Team.tiers`` contain its tier (empty = every tier). Several matching teams form
   one pool. No case carries a "needs field work" flag yet, so ``Team.works_field`` is not used for
   routing (docs/allocation.md).
2. **Eligible collectors** of the pool: active users with role collector, an active membership of
   one of the pool's teams, a collector profile, not on leave, experience level allowed for the tier
   (senior: all; intermediate: low and medium; junior or in onboarding: low only — ``TIER_ACCESS``),
   under capacity (``CollectorProfile.capacity`` = max open cases) and under the daily new-case cap
   (assignments received on the local business date).
3. **Balance**: each pool's cases are sorted by overdue amount (CNY) descending and dealt in snake
   order (1→k, k→1, …). How many cases each collector gets (the quota) is weighted by remaining
   capacity: the quotas bring the pool's collectors to the same utilisation (open cases ÷ capacity),
   capped by remaining capacity and the daily cap ("water filling"). With equal capacities this makes
   case counts differ by at most one; the snake keeps the amounts within one case's amount.
   Pools are dealt from the highest tier down (the scarcest collectors first).
4. **Stickiness**: an assigned case stays with its collector unless (in this priority)
   the collector became unavailable (inactive, not a collector, on leave, left the case's team),
   the case changed bucket since it was assigned (``Assignment.detail["bucket"]``; for an assignment
   that recorded no bucket, ``Case.bucket_entered_on`` after the assignment's local date), it is the
   1st of the month and ``AllocationPolicy.regroup_at_month_start`` is set (once per month-start day),
   or ``AllocationPolicy.reallocate_after_days_without_progress`` = N is set and neither a contact
   attempt nor a payment was recorded in the last N local days since the assignment. A case is never
   dealt back to the collector it is taken from; when no one else can take it, it stays where it is
   and is reported as unallocated with the reason.
5. **Records**: each new ``Assignment`` has ``reason`` (:class:`AssignmentReason`) and ``detail``
   (see :func:`allocation_run`); one audit event per run.

Writes are set-based (end the current assignments, ``bulk_create`` the new ones, one UPDATE per
collector bumping ``Case.version``), keeping ``case_assign``'s invariants: one current assignment
per case (partial unique constraint) and a version bump, so a manual assignment holding a stale
version gets :class:`~common.errors.ConflictError`. The candidate cases are locked
(``SELECT … FOR UPDATE``) for the run; one run at a time is guaranteed by a row lock on the
:class:`AllocationPolicy` row (on SQLite the ``BEGIN IMMEDIATE`` write lock serialises).
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any, Iterable, Iterator, Sequence

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_event_record
from common.dates import local_day_bounds, local_today
from common.errors import ConflictError, RuleViolation
from common.permissions import role_can
from teams.choices import Role
from teams.models import Membership, Team, User

from ..choices import RISK_TIER_RANK, AllocationRunStatus, AssignmentReason, CaseStatus, UnallocatedReason
from ..models import AllocationPolicy, AllocationRun, Assignment, Case, ContactAttempt, Payment
from ..permissions import ALLOCATION
from .allocation_balance import (
    STRATEGY, TIER_ACCESS, ZERO, Allotment, Candidate, CollectorState, DealOutcome, allowed_tiers, deal, snake_slots,
    water_fill_quotas,
)

__all__ = [
    "TIER_ACCESS", "Allotment", "Candidate", "CollectorState", "DealOutcome", "Router", "allocation_load_by_collector",
    "allocation_run", "allocation_run_create", "allowed_tiers", "deal", "snake_slots", "water_fill_quotas",
]

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
CHUNK_SIZE = 500  # ids per IN (...) clause; SQLite's parameter limit is far above it
RUN_IN_PROGRESS_WINDOW = dt.timedelta(hours=1)  # CELERY_TASK_TIME_LIMIT: an older "running" row is dead
AUDITED_RESULT_KEYS = ("today", "candidates", "assigned", "by_reason", "unallocated", "month_start_regroup")

OPEN_STATUSES = (CaseStatus.OPEN, CaseStatus.ON_HOLD)


# --- reading the world ----------------------------------------------------------------------------

def _chunks(ids: Sequence[int], size: int = CHUNK_SIZE) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _open_loads() -> dict[int, tuple[int, Decimal]]:
    """Open cases and their overdue amount (CNY) per collector id (one GROUP BY)."""
    rows = (
        Case.objects.filter(status__in=OPEN_STATUSES, collector__isnull=False)
        .values("collector_id").annotate(n=Count("id"), amount=Sum("overdue_amount")).order_by()
    )
    return {r["collector_id"]: (r["n"], (r["amount"] or ZERO).quantize(CENT)) for r in rows}


def _daily_counts(today: dt.date) -> dict[int, int]:
    """Assignments received per collector on the local date ``today`` (any reason)."""
    start, end = local_day_bounds(today)
    rows = (
        Assignment.objects.filter(assigned_at__gte=start, assigned_at__lt=end)
        .values("collector_id").annotate(n=Count("id")).order_by()
    )
    return {r["collector_id"]: r["n"] for r in rows}


def _collector_states(today: dt.date) -> dict[int, CollectorState]:
    """Every collector available for allocation: active user with role collector, a profile, not on
    leave, a membership of an active team in force on ``today`` (started, not ended). Capacity and cap are checked while dealing."""
    memberships = (
        Membership.objects.current(on=today).filter(
            team__is_active=True, user__is_active=True, user__role=Role.COLLECTOR,
            user__collector_profile__isnull=False, user__collector_profile__on_leave=False,
        )
        .select_related("user__collector_profile", "team").order_by("user_id")
    )
    loads, daily = _open_loads(), _daily_counts(today)
    states: dict[int, CollectorState] = {}
    for m in memberships:
        profile = m.user.collector_profile
        n, amount = loads.get(m.user_id, (0, ZERO))
        states[m.user_id] = CollectorState(
            user_id=m.user_id, username=m.user.username, name=m.user.display_name, team_id=m.team_id,
            team_code=m.team.code,
            tiers=allowed_tiers(experience_level=profile.experience_level, in_onboarding=profile.in_onboarding),
            capacity=profile.capacity, daily_cap=profile.daily_new_case_cap, open_cases=n, open_amount=amount,
            daily_count=daily.get(m.user_id, 0),
        )
    return states


def _month_start_due(policy: AllocationPolicy, today: dt.date, run: AllocationRun) -> bool:
    """Regroup on the 1st local day when enabled, once: not if another run already did it today."""
    if not policy.regroup_at_month_start or today.day != 1:
        return False
    return not AllocationRun.objects.filter(
        status=AllocationRunStatus.SUCCEEDED, today=today, result__month_start_regroup=True
    ).exclude(pk=run.pk).exists()


def _candidates(*, policy: AllocationPolicy, today: dt.date, regroup: bool) -> list[Candidate]:
    """Open cases to (re-)allocate with their reason, locked ``FOR UPDATE`` in id order."""
    day_start, _day_end = local_day_bounds(today)
    available_in_team = Membership.objects.filter(
        user_id=OuterRef("collector_id"), team_id=OuterRef("team_id"), ended_on__isnull=True, team__is_active=True,
        user__is_active=True, user__role=Role.COLLECTOR, user__collector_profile__on_leave=False,
    )
    recorded_bucket = Subquery(
        Assignment.objects.filter(case_id=OuterRef("pk"), ended_at__isnull=True)
        .annotate(recorded=KT("detail__bucket")).values("recorded")[:1]
    )
    qs = Case.objects.filter(status__in=OPEN_STATUSES).annotate(
        collector_available=Exists(available_in_team),
        recorded_bucket=recorded_bucket,
        assigned_on=TruncDate("assigned_at"),
    )
    bucket_changed = (Q(recorded_bucket__isnull=False) & ~Q(recorded_bucket=F("bucket"))) | Q(
        recorded_bucket__isnull=True, assigned_on__isnull=False, bucket_entered_on__gt=F("assigned_on")
    )
    wanted = Q(collector__isnull=True) | Q(collector_available=False) | bucket_changed
    if regroup:
        wanted |= Q(collector__isnull=False) & (Q(assigned_at__lt=day_start) | Q(assigned_at__isnull=True))
    days = policy.reallocate_after_days_without_progress
    progress_since: dt.datetime | None = None
    if days:
        since_date = today - dt.timedelta(days=days - 1)  # progress on or after this date keeps the case
        progress_since = local_day_bounds(since_date)[0]
        qs = qs.annotate(
            recent_progress=Exists(ContactAttempt.objects.filter(case_id=OuterRef("pk"), started_at__gte=progress_since))
            | Exists(Payment.objects.filter(case_id=OuterRef("pk"), paid_on__gte=since_date))
        )
        wanted |= Q(collector__isnull=False, assigned_at__lt=progress_since, recent_progress=False)
    qs = qs.filter(wanted).order_by("pk").select_for_update(of=("self",))
    fields = ["pk", "bucket", "risk_tier", "tier_rule", "overdue_amount", "collector_id", "team_id", "collector_available",
              "recorded_bucket", "bucket_entered_on", "assigned_on", "assigned_at"]
    if days:
        fields.append("recent_progress")
    rows = list(qs.values(*fields))
    unavailable = {r["collector_id"] for r in rows if r["collector_id"] and not r["collector_available"]}
    unavailable_rules = _unavailable_rules(unavailable)

    result = []
    for r in rows:
        reason, rule, previous_bucket = _why(
            r, regroup=regroup, day_start=day_start, days=days, progress_since=progress_since, unavailable_rules=unavailable_rules
        )
        if reason is None:  # e.g. recorded bucket equal after all: nothing to do
            continue
        result.append(Candidate(
            case_id=r["pk"], bucket=r["bucket"], tier=r["risk_tier"], tier_rule=r["tier_rule"], amount=r["overdue_amount"],
            collector_id=r["collector_id"], team_id=r["team_id"], reason=reason, rule=rule, previous_bucket=previous_bucket,
        ))
    return result


def _why(
    r: dict[str, Any], *, regroup: bool, day_start: dt.datetime, days: int | None, progress_since: dt.datetime | None,
    unavailable_rules: dict[tuple[int, int | None], str],
) -> tuple[str | None, str, str | None]:
    """``(AssignmentReason, rule name, previous bucket)`` for one candidate row, by priority."""
    if r["collector_id"] is None:
        return AssignmentReason.NEW_CASE, "new_case", None
    if not r["collector_available"]:
        rule = unavailable_rules.get((r["collector_id"], r["team_id"]), "collector_unavailable")
        return AssignmentReason.COLLECTOR_UNAVAILABLE, rule, None
    recorded = r["recorded_bucket"]
    if recorded is not None and recorded != r["bucket"]:
        return AssignmentReason.BUCKET_CHANGE, "bucket_change", recorded
    if recorded is None and r["assigned_on"] is not None and r["bucket_entered_on"] > r["assigned_on"]:
        return AssignmentReason.BUCKET_CHANGE, "bucket_entered_after_assignment", None
    if regroup and (r["assigned_at"] is None or r["assigned_at"] < day_start):
        return AssignmentReason.MONTH_START, "month_start_regroup", None
    idle = progress_since is not None and r["assigned_at"] is not None and r["assigned_at"] < progress_since
    if days and idle and not r.get("recent_progress"):
        return AssignmentReason.NO_PROGRESS, f"no_progress_{days}_days", None
    return None, "", None


def _unavailable_rules(collector_ids: set[int]) -> dict[tuple[int, int | None], str]:
    """Why each of these collectors cannot keep their cases, keyed by (collector id, case's team id):
    a rule name for ``Assignment.detail["rule"]``."""
    if not collector_ids:
        return {}
    users = {u.pk: u for u in User.objects.filter(pk__in=collector_ids).select_related("collector_profile")}
    teams = dict(
        Membership.objects.filter(user_id__in=collector_ids, ended_on__isnull=True).values_list("user_id", "team_id")
    )
    inactive_teams = set(Team.objects.filter(is_active=False).values_list("pk", flat=True))
    rules: dict[tuple[int, int | None], str] = {}
    case_teams = (
        Case.objects.filter(status__in=OPEN_STATUSES, collector_id__in=collector_ids)
        .values_list("collector_id", "team_id").distinct()
    )
    for uid, team_id in case_teams:
        user = users.get(uid)
        profile = getattr(user, "collector_profile", None) if user else None
        if user is None or not user.is_active:
            rule = "collector_inactive"
        elif user.role != Role.COLLECTOR:
            rule = "collector_not_collector"
        elif profile is None:
            rule = "collector_without_profile"
        elif profile.on_leave:
            rule = "collector_on_leave"
        elif teams.get(uid) != team_id:
            rule = "collector_left_team"
        elif team_id in inactive_teams:
            rule = "team_inactive"
        else:
            rule = "collector_unavailable"
        rules[(uid, team_id)] = rule
    return rules


# --- routing ---------------------------------------------------------------------------------------

class Router:
    """Bucket × tier → the active teams that work it (DOMAIN.md allocation step 1)."""

    def __init__(self, teams: Iterable[Team]) -> None:
        self.teams = [t for t in teams if t.is_active]
        self._cache: dict[tuple[str, str], tuple[int, ...]] = {}

    def teams_for(self, bucket: str, tier: str) -> tuple[int, ...]:
        key = (bucket, tier)
        if key not in self._cache:
            self._cache[key] = tuple(sorted(
                t.pk for t in self.teams if bucket in (t.buckets or []) and (not t.tiers or tier in t.tiers)
            ))
        return self._cache[key]


# --- the run ---------------------------------------------------------------------------------------

def _check_may_run(actor: User | None) -> None:
    """The system (``None``) or a role allowed ``run`` in ``permissions.ALLOCATION`` (one table)."""
    if actor is None or role_can(actor, ALLOCATION, "run"):
        return
    raise RuleViolation(_("Your role cannot run allocation."), rule="role_cannot_run_allocation")


@transaction.atomic
def allocation_run_create(*, actor: User | None) -> AllocationRun:
    """Create a pending :class:`AllocationRun` requested by ``actor`` and dispatch
    ``allocation_run_task`` after commit.

    Raises :class:`RuleViolation` (``role_cannot_run_allocation``) unless the actor is a supervisor,
    director, administrator or superuser (``None`` = the system), and :class:`ConflictError`
    (``allocation_run_in_progress``) while another run created in the last hour is pending or running.
    """
    from ..tasks import allocation_run_task

    _check_may_run(actor)
    busy = AllocationRun.objects.filter(
        status__in=[AllocationRunStatus.PENDING, AllocationRunStatus.RUNNING],
        created_at__gte=timezone.now() - RUN_IN_PROGRESS_WINDOW,
    ).first()
    if busy is not None:
        raise ConflictError(
            _("Allocation run #%(run)s is still in progress.") % {"run": busy.pk},
            rule="allocation_run_in_progress", extra={"run": busy.pk},
        )
    run = AllocationRun.objects.create(requested_by=actor, today=local_today(), status=AllocationRunStatus.PENDING)
    audit_event_record(actor=actor, verb="allocation_run_requested", target=run, data={"today": run.today.isoformat()})
    allocation_run_task.delay_on_commit(run.pk)
    return run


def allocation_run(*, run_id: int | None = None, actor: User | None = None, today: dt.date | None = None) -> AllocationRun:
    """Execute one allocation run and return its row (status ``succeeded``, or ``failed`` and the
    exception re-raised).

    ``run_id=None`` creates the row (``actor`` is then checked as in :func:`allocation_run_create`).
    ``today`` is the local business date (default: the run's own ``today``, set when it was
    requested, or :func:`common.dates.local_today` for a new row); it drives the
    daily cap, the month-start regroup and the no-progress window. Safe to run twice: a succeeded run
    is returned untouched, and a second run finds nothing left to do (assigned cases are sticky).
    Only one run executes at a time (row lock on the :class:`AllocationPolicy` row).

    ``Assignment.detail`` of each new row: ``{"run", "strategy": "snake", "rule", "tier",
    "tier_rule", "bucket", "previous_bucket"?, "team", "load_before": {"open_cases",
    "open_overdue_amount" (CNY string), "remaining_capacity", "daily_count"}, "quota", "pool":
    {"collectors", "cases"}}``.

    ``AllocationRun.result``: ``{"today", "strategy", "month_start_regroup", "candidates",
    "assigned", "by_reason": {reason: n}, "unallocated": {no_team|no_eligible_collector|capacity|
    daily_cap: n}, "unallocated_kept_by_previous_collector": n, "teams": [{"team_id", "code",
    "name", "cases", "overdue_amount", "new_cases", "new_overdue_amount"}], "collectors": [rows of
    :func:`allocation_load_by_collector` plus "new_cases", "new_overdue_amount"]}``; amounts are CNY
    strings with two decimals, cases are open cases after the run.
    """
    if run_id is None:
        _check_may_run(actor)
        run = AllocationRun.objects.create(requested_by=actor, today=today or local_today(), status=AllocationRunStatus.PENDING)
    else:
        run = AllocationRun.objects.get(pk=run_id)
    today = today or run.today  # the business date it was requested for, even if a worker starts it later

    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().get(pk=run.pk)
        if run.status == AllocationRunStatus.SUCCEEDED:
            return run
        run.status, run.started_at, run.today, run.error_message = AllocationRunStatus.RUNNING, timezone.now(), today, ""
        run.save(update_fields=["status", "started_at", "today", "error_message"])

    try:
        with transaction.atomic():
            policy = AllocationPolicy.current()
            policy = AllocationPolicy.objects.select_for_update().get(pk=policy.pk)
            run = AllocationRun.objects.select_for_update().get(pk=run.pk)
            if run.status == AllocationRunStatus.SUCCEEDED:  # a twin delivery finished while we waited
                return run
            result = _allocate(run=run, policy=policy, today=today, actor=run.requested_by)
            run.status, run.result, run.finished_at = AllocationRunStatus.SUCCEEDED, result, timezone.now()
            run.save(update_fields=["status", "result", "finished_at"])
            audit_event_record(
                actor=run.requested_by, verb="allocation_run_succeeded", target=run,
                data={k: result[k] for k in AUDITED_RESULT_KEYS},
            )
    except Exception as exc:
        logger.exception("allocation run %s failed", run.pk)
        with transaction.atomic():
            AllocationRun.objects.filter(pk=run.pk).update(
                status=AllocationRunStatus.FAILED, finished_at=timezone.now(),
                error_message=f"{type(exc).__name__}: {exc}"[:2000],
            )
            run.refresh_from_db()
            audit_event_record(
                actor=run.requested_by, verb="allocation_run_failed", target=run, data={"error": run.error_message}
            )
        raise
    return run


def _allocate(*, run: AllocationRun, policy: AllocationPolicy, today: dt.date, actor: User | None) -> dict[str, Any]:
    """Compute and write one run's assignments; returns the run's ``result`` JSON."""
    now = timezone.now()
    regroup = _month_start_due(policy, today, run)
    states = _collector_states(today)
    candidates = _candidates(policy=policy, today=today, regroup=regroup)
    for c in candidates:  # cases being re-dealt leave their current collector's load for the deal
        if c.collector_id in states:
            states[c.collector_id].release(c.amount)

    router = Router(Team.objects.all())
    team_codes = {t.pk: t.code for t in router.teams}
    pools: dict[tuple[tuple[int, ...], str], list[Candidate]] = defaultdict(list)
    unallocated: Counter[str] = Counter()
    kept = 0
    for c in candidates:
        team_ids = router.teams_for(c.bucket, c.tier)
        if team_ids:
            pools[(team_ids, c.tier)].append(c)
        else:
            unallocated[UnallocatedReason.NO_TEAM] += 1
            kept += c.collector_id is not None
            if c.collector_id in states:
                states[c.collector_id].take_back(c.amount)

    placements: list[Allotment] = []
    for team_ids, tier in sorted(pools, key=lambda k: (-RISK_TIER_RANK.get(k[1], 0), k[0])):
        members = [s for s in states.values() if s.team_id in team_ids and tier in s.tiers]
        outcome = deal(pools[(team_ids, tier)], members)
        for p in outcome.placements:
            p.detail["route"] = {"teams": [team_codes[t] for t in team_ids]}
        placements.extend(outcome.placements)
        for c, reason in outcome.unallocated:
            unallocated[reason] += 1
            kept += c.collector_id is not None
            if c.collector_id in states:
                states[c.collector_id].take_back(c.amount)

    _write(placements, run=run, actor=actor, now=now)

    new_by_collector: dict[int, list[Decimal]] = defaultdict(list)
    new_by_team: dict[int, list[Decimal]] = defaultdict(list)
    for p in placements:
        new_by_collector[p.collector.user_id].append(p.candidate.amount)
        new_by_team[p.collector.team_id].append(p.candidate.amount)
    collectors = allocation_load_by_collector(today=today)
    for row in collectors:
        amounts = new_by_collector.get(row["collector_id"], [])
        row["new_cases"], row["new_overdue_amount"] = len(amounts), sum(amounts, ZERO)
    team_loads = {
        r["team_id"]: (r["n"], (r["amount"] or ZERO).quantize(CENT))
        for r in Case.objects.filter(status__in=OPEN_STATUSES, team__isnull=False).values("team_id")
        .annotate(n=Count("id"), amount=Sum("overdue_amount")).order_by()
    }
    teams = []
    for t in router.teams:
        n, amount = team_loads.get(t.pk, (0, ZERO))
        amounts = new_by_team.get(t.pk, [])
        teams.append({
            "team_id": t.pk, "code": t.code, "name": t.name, "cases": n, "overdue_amount": str(amount),
            "new_cases": len(amounts), "new_overdue_amount": str(sum(amounts, ZERO)),
        })
    return {
        "today": today.isoformat(),
        "strategy": STRATEGY,
        "month_start_regroup": regroup,
        "candidates": len(candidates),
        "assigned": len(placements),
        "by_reason": dict(Counter(p.candidate.reason for p in placements)),
        "unallocated": {reason.value: unallocated.get(reason.value, 0) for reason in UnallocatedReason},
        "unallocated_kept_by_previous_collector": kept,
        "teams": teams,
        "collectors": [_jsonable(row) for row in collectors],
    }


def _write(placements: list[Allotment], *, run: AllocationRun, actor: User | None, now: dt.datetime) -> None:
    """Set-based write keeping ``case_assign``'s invariants (one current assignment, version + 1)."""
    if not placements:
        return
    case_ids = [p.candidate.case_id for p in placements]
    for chunk in _chunks(case_ids):
        Assignment.objects.filter(case_id__in=chunk, ended_at__isnull=True).update(ended_at=now)
    Assignment.objects.bulk_create(
        [
            Assignment(
                case_id=p.candidate.case_id, collector_id=p.collector.user_id, team_id=p.collector.team_id,
                previous_collector_id=p.candidate.collector_id, assigned_by=actor, reason=p.candidate.reason,
                detail={"run": run.pk, **p.detail}, assigned_at=now,
            )
            for p in placements
        ],
        batch_size=1000,
    )
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for p in placements:
        groups[(p.collector.user_id, p.collector.team_id)].append(p.candidate.case_id)
    for (collector_id, team_id), ids in groups.items():
        for chunk in _chunks(ids):
            Case.objects.filter(pk__in=chunk).update(
                collector_id=collector_id, team_id=team_id, assigned_at=now, version=F("version") + 1, updated_at=now,
            )


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()}


# --- reads -----------------------------------------------------------------------------------------

def allocation_load_by_collector(*, team_ids: Iterable[int] | None = None, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Current load of every collector with an active membership of an active team (of ``team_ids``
    when given), for the supervisor's allocation page.

    The caller scopes ``team_ids`` (e.g. ``Team.objects.visible_to(user)``). One row per collector,
    ordered by team code then username: ``{"collector_id", "username", "name", "team_id",
    "team_code", "experience_level", "in_onboarding", "on_leave", "is_active", "capacity",
    "daily_new_case_cap", "open_cases", "open_overdue_amount" (CNY Decimal), "remaining_capacity",
    "assigned_today" (assignments received on the local date ``today``)}``. Profile fields are
    ``None`` for a collector without a profile. Three queries.
    """
    today = today or local_today()
    memberships = Membership.objects.filter(ended_on__isnull=True, team__is_active=True, user__role=Role.COLLECTOR)
    if team_ids is not None:
        memberships = memberships.filter(team_id__in=list(team_ids))
    memberships = memberships.select_related("user__collector_profile", "team").order_by("team__code", "user__username")
    loads, daily = _open_loads(), _daily_counts(today)
    rows = []
    for m in memberships:
        profile = getattr(m.user, "collector_profile", None)
        n, amount = loads.get(m.user_id, (0, ZERO))
        rows.append({
            "collector_id": m.user_id,
            "username": m.user.username,
            "name": m.user.display_name,
            "team_id": m.team_id,
            "team_code": m.team.code,
            "experience_level": profile.experience_level if profile else None,
            "in_onboarding": profile.in_onboarding if profile else None,
            "on_leave": profile.on_leave if profile else None,
            "is_active": m.user.is_active,
            "capacity": profile.capacity if profile else None,
            "daily_new_case_cap": profile.daily_new_case_cap if profile else None,
            "open_cases": n,
            "open_overdue_amount": amount,
            "remaining_capacity": (profile.capacity - n) if profile else None,
            "assigned_today": daily.get(m.user_id, 0),
        })
    return rows
