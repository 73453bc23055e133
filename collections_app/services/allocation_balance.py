"""Balancing for the allocation engine: who may take which tier, quotas and snake order.

Pure functions over in-memory state (no database), used by
:mod:`collections_app.services.allocation`. Rules: DOMAIN.md "Allocation" steps 2 and 3
(experience levels per tier; sort by amount descending, deal in snake order, weight by remaining
capacity; never hand a case back to the collector it was just taken from). Amounts are CNY
``Decimal``; counts are open cases.
"""
from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Sequence

from teams.choices import ExperienceLevel

from ..choices import RiskTier, UnallocatedReason

STRATEGY = "snake"
ZERO = Decimal("0.00")
SCAN_LIMIT = 64  # slots looked ahead to skip the collector a case is taken from

#: Risk tiers a collector may work, by experience level (DOMAIN.md "Allocation" step 2).
TIER_ACCESS: dict[str, frozenset[str]] = {
    ExperienceLevel.SENIOR: frozenset({RiskTier.LOW, RiskTier.MEDIUM, RiskTier.HIGH}),
    ExperienceLevel.INTERMEDIATE: frozenset({RiskTier.LOW, RiskTier.MEDIUM}),
    ExperienceLevel.JUNIOR: frozenset({RiskTier.LOW}),
}
ONBOARDING_TIERS: frozenset[str] = frozenset({RiskTier.LOW})


def allowed_tiers(*, experience_level: str, in_onboarding: bool) -> frozenset[str]:
    """Tiers a collector may be given: senior all, intermediate low+medium, junior or onboarding low."""
    if in_onboarding:
        return ONBOARDING_TIERS
    return TIER_ACCESS.get(experience_level, ONBOARDING_TIERS)


# --- in-memory state of one run ----------------------------------------------------------------

@dataclass
class CollectorState:
    """An eligible-by-status collector and their load as the run deals (counts; CNY amounts)."""

    user_id: int
    username: str
    name: str
    team_id: int
    team_code: str
    tiers: frozenset[str]
    capacity: int
    daily_cap: int
    open_cases: int = 0
    open_amount: Decimal = ZERO
    daily_count: int = 0

    @property
    def remaining_capacity(self) -> int:
        return self.capacity - self.open_cases

    @property
    def daily_remaining(self) -> int:
        return self.daily_cap - self.daily_count

    @property
    def room(self) -> int:
        """How many more cases this collector can take in this run."""
        return max(0, min(self.remaining_capacity, self.daily_remaining))

    def load(self) -> dict[str, Any]:
        return {
            "open_cases": self.open_cases,
            "open_overdue_amount": str(self.open_amount),
            "remaining_capacity": self.remaining_capacity,
            "daily_count": self.daily_count,
        }

    def receive(self, amount: Decimal) -> None:
        self.open_cases += 1
        self.open_amount += amount
        self.daily_count += 1

    def give_back(self, amount: Decimal) -> None:
        """Undo :meth:`receive` (a dealt case moved to someone else in the same deal)."""
        self.open_cases -= 1
        self.open_amount -= amount
        self.daily_count -= 1

    def release(self, amount: Decimal) -> None:
        self.open_cases -= 1
        self.open_amount -= amount

    def take_back(self, amount: Decimal) -> None:
        self.open_cases += 1
        self.open_amount += amount


@dataclass
class Candidate:
    """An open case the run has to (re-)allocate, and why."""

    case_id: int
    bucket: str
    tier: str
    tier_rule: str
    amount: Decimal
    collector_id: int | None
    team_id: int | None
    reason: str
    rule: str
    previous_bucket: str | None = None


@dataclass
class Allotment:
    """One case dealt to one collector, with the ``Assignment.detail`` to record."""

    candidate: Candidate
    collector: CollectorState
    detail: dict[str, Any]


@dataclass
class DealOutcome:
    placements: list[Allotment] = field(default_factory=list)
    unallocated: list[tuple[Candidate, str]] = field(default_factory=list)


# --- balancing: quotas and snake order (pure functions) -------------------------------------------

def water_fill_quotas(n: int, collectors: Sequence[CollectorState]) -> dict[int, int]:
    """Split ``n`` cases into integer quotas per collector (user id → count).

    Each collector ends as close as possible to the same utilisation (open cases ÷ capacity), never
    above their ``room`` (remaining capacity and daily cap). When the pool's total room is below
    ``n`` every collector gets their whole room. Remainders go to the largest fractional shares,
    then to the least-loaded collector.
    """
    usable = [c for c in collectors if c.room > 0 and c.capacity > 0]
    if n <= 0 or not usable:
        return {}
    if sum(c.room for c in usable) <= n:
        return {c.user_id: c.room for c in usable}

    def share(level: float, c: CollectorState) -> float:
        return min(max(level * c.capacity - c.open_cases, 0.0), float(c.room))

    lo, hi = 0.0, max((c.open_cases + c.room) / c.capacity for c in usable)
    for _i in range(100):
        mid = (lo + hi) / 2
        if sum(share(mid, c) for c in usable) < n:
            lo = mid
        else:
            hi = mid
    exact = {c.user_id: share(hi, c) for c in usable}
    quotas = {c.user_id: min(int(exact[c.user_id]), c.room) for c in usable}
    left = n - sum(quotas.values())
    order = sorted(usable, key=lambda c: (-(exact[c.user_id] - int(exact[c.user_id])), c.open_cases, c.open_amount, c.user_id))
    while left > 0:
        progressed = False
        for c in order:
            if left and quotas[c.user_id] < c.room:
                quotas[c.user_id] += 1
                left -= 1
                progressed = True
        if not progressed:
            break
    return {uid: q for uid, q in quotas.items() if q > 0}


def snake_slots(quotas: dict[int, int], order: Sequence[int]) -> list[int]:
    """The dealing sequence of collector ids for ``quotas``, in snake order.

    Deals in rounds: round 0 in ``order``, round 1 backwards, round 2 forwards, … With R = the
    largest quota, collector i's k-th turn falls in round ``k·R // quota_i``, so everyone is in the
    first round and smaller quotas are spread evenly over the rounds. With equal quotas this is the
    plain snake 1…k, k…1, 1…k.
    """
    if not quotas:
        return []
    position = {uid: i for i, uid in enumerate(order)}
    rounds = max(quotas.values())
    keyed = []
    for uid, q in quotas.items():
        p = position[uid]
        for k in range(q):
            r = k * rounds // q
            keyed.append((r, p if r % 2 == 0 else -p, uid))
    keyed.sort()
    return [uid for _round, _place, uid in keyed]


def deal(cases: list[Candidate], members: Sequence[CollectorState]) -> DealOutcome:
    """Deal ``cases`` (one pool) to ``members`` (eligible by status, team and tier).

    Cases go out by overdue amount descending along :func:`snake_slots`; a case skips slots of the
    collector it is taken from (never dealt back). When only that collector's slots are left, the
    case swaps with the most recently dealt case that may go to them (counts stay as the quotas
    say); failing that it goes to the allowed member with the most room left (over quota); if none
    has room it is unallocated with an :class:`UnallocatedReason`. Mutates the members' loads.
    """
    return _Dealer(cases, members).run()


class _Dealer:
    SWAP_LOOKBACK = 256

    def __init__(self, cases: list[Candidate], members: Sequence[CollectorState]) -> None:
        self.cases = sorted(cases, key=lambda c: (-c.amount, c.case_id))
        self.members = members
        self.by_id = {m.user_id: m for m in members}
        self.quotas = water_fill_quotas(len(self.cases), members)
        # First round: the least overdue amount first (it gets the largest case); among equals the
        # smaller quota first, so whoever gets an extra case gets it at the small end.
        order = sorted(members, key=lambda m: (m.open_amount, self.quotas.get(m.user_id, 0), m.open_cases, m.user_id))
        self.slots = snake_slots(self.quotas, [m.user_id for m in order])
        self.used = [False] * len(self.slots)
        self.positions: dict[int, deque[int]] = defaultdict(deque)
        for i, uid in enumerate(self.slots):
            self.positions[uid].append(i)
        self.pool_info = {"collectors": len(members), "cases": len(self.cases)}
        self.outcome = DealOutcome()

    def run(self) -> DealOutcome:
        head = 0
        for case in self.cases:
            while head < len(self.slots) and self.used[head]:
                head += 1
            chosen = self._next_slot(case, head)
            if chosen is None:
                chosen = self._other_with_quota(case)
            if chosen is None and self._swap(case):
                continue
            if chosen is None:
                chosen = self._other_with_room(case)
            if chosen is None:
                self.outcome.unallocated.append((case, _unallocated_reason(case, self.members)))
                continue
            self._give(case, chosen)
        return self.outcome

    def _take_slot(self, uid: int) -> None:
        self.used[self.positions[uid].popleft()] = True

    def _next_slot(self, case: Candidate, head: int) -> CollectorState | None:
        """The first unused slot (within ``SCAN_LIMIT``) of someone other than the case's holder; it
        is always that collector's earliest unused slot."""
        for i in range(head, min(len(self.slots), head + SCAN_LIMIT)):
            if not self.used[i] and self.slots[i] != case.collector_id:
                self._take_slot(self.slots[i])
                return self.by_id[self.slots[i]]
        return None

    def _other_with_quota(self, case: Candidate) -> CollectorState | None:
        others = [m for m in self.members if m.user_id != case.collector_id and self.positions.get(m.user_id) and m.room > 0]
        if not others:
            return None
        best = max(others, key=lambda m: (len(self.positions[m.user_id]), -m.open_cases, -m.user_id))
        self._take_slot(best.user_id)
        return best

    def _other_with_room(self, case: Candidate) -> CollectorState | None:
        others = [m for m in self.members if m.user_id != case.collector_id and m.room > 0]
        return max(others, key=lambda m: (m.room, -m.open_cases, -m.user_id)) if others else None

    def _swap(self, case: Candidate) -> bool:
        """Only the holder ``x`` of ``case`` has quota left: move the latest dealt case that may go
        to ``x`` over to ``x`` and give ``case`` to that case's collector instead."""
        x = self.by_id.get(case.collector_id) if case.collector_id is not None else None
        if x is None or not self.positions.get(x.user_id) or x.room <= 0:
            return False
        placements = self.outcome.placements
        for idx in range(len(placements) - 1, max(-1, len(placements) - 1 - self.SWAP_LOOKBACK), -1):
            moved = placements[idx]
            y = moved.collector
            if y.user_id == x.user_id or moved.candidate.collector_id == x.user_id:
                continue
            self._take_slot(x.user_id)
            y.give_back(moved.candidate.amount)
            moved.detail.update(self._detail(moved.candidate, x))
            x.receive(moved.candidate.amount)
            moved.collector = x
            self._give(case, y)
            return True
        return False

    def _detail(self, case: Candidate, collector: CollectorState) -> dict[str, Any]:
        detail = {
            "strategy": STRATEGY,
            "rule": case.rule,
            "tier": case.tier,
            "tier_rule": case.tier_rule,
            "bucket": case.bucket,
            "team": collector.team_code,
            "load_before": collector.load(),
            "quota": self.quotas.get(collector.user_id, 0),
            "pool": self.pool_info,
        }
        if case.previous_bucket is not None:
            detail["previous_bucket"] = case.previous_bucket
        return detail

    def _give(self, case: Candidate, collector: CollectorState) -> None:
        detail = self._detail(case, collector)
        collector.receive(case.amount)
        self.outcome.placements.append(Allotment(case, collector, detail))


def _unallocated_reason(case: Candidate, members: Sequence[CollectorState]) -> str:
    others = [m for m in members if m.user_id != case.collector_id]
    if not others:
        return UnallocatedReason.NO_ELIGIBLE_COLLECTOR
    if all(m.remaining_capacity <= 0 for m in others):
        return UnallocatedReason.CAPACITY
    return UnallocatedReason.DAILY_CAP
