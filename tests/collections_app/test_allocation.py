"""The allocation engine (DOMAIN.md "Allocation"): routing, eligibility, balance, stickiness,
records, idempotency, the command, the task, and the concurrency / worker / beat checks
(QUALITY.md inputs 8 and 11)."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from collections_app.choices import AllocationRunStatus, AssignmentReason, RiskTier, UnallocatedReason
from collections_app.models import AllocationPolicy, AllocationRun, Assignment, Case
from collections_app.services import (
    allocation_load_by_collector,
    allocation_run,
    allocation_run_create,
    case_assign,
    contact_attempt_record,
    payment_record,
)
from collections_app.services.allocation import CollectorState, allowed_tiers, snake_slots, water_fill_quotas
from collections_app.tasks import allocation_run_task
from common.dates import local_today
from common.errors import ConflictError, RuleViolation
from common.models import AuditEvent
from teams.choices import ExperienceLevel, Role
from teams.models import CollectorProfile, Membership
from tests.factories import CaseFactory, TeamFactory, UserFactory, make_collector

pytestmark = pytest.mark.django_db

SENIOR, INTERMEDIATE, JUNIOR = ExperienceLevel.SENIOR, ExperienceLevel.INTERMEDIATE, ExperienceLevel.JUNIOR


def make_cases(n: int, *, bucket: str = "M1", tier: str = RiskTier.LOW, amounts=None, **kwargs) -> list[Case]:
    amounts = amounts or [Decimal("3000.00")] * n
    return [CaseFactory(bucket=bucket, risk_tier=tier, overdue_amount=Decimal(a), **kwargs) for a in amounts[:n]]


def holders(cases) -> dict[int, int | None]:
    return dict(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("pk", "collector_id"))


def open_counts(users) -> dict[str, int]:
    return {u.username: Case.objects.filter(collector=u).count() for u in users}


def backdate_assignment(case: Case, days: int) -> None:
    """Pretend the current assignment of ``case`` was made ``days`` days ago."""
    at = timezone.now() - dt.timedelta(days=days)
    Case.objects.filter(pk=case.pk).update(assigned_at=at)
    Assignment.objects.filter(case=case, ended_at__isnull=True).update(assigned_at=at)


def first_of_next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


# --- pure balancing functions ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("level", "onboarding", "tiers"),
    [
        (SENIOR, False, {"low", "medium", "high"}),
        (INTERMEDIATE, False, {"low", "medium"}),
        (JUNIOR, False, {"low"}),
        (SENIOR, True, {"low"}),
        (INTERMEDIATE, True, {"low"}),
    ],
)
def test_allowed_tiers_follow_experience_level(level, onboarding, tiers):
    assert allowed_tiers(experience_level=level, in_onboarding=onboarding) == tiers


def test_snake_slots_with_equal_quotas_are_the_plain_snake():
    assert snake_slots({1: 3, 2: 3, 3: 3}, [1, 2, 3]) == [1, 2, 3, 3, 2, 1, 1, 2, 3]


def _state(uid: int, *, capacity: int = 100, open_cases: int = 0, daily_cap: int = 1000) -> CollectorState:
    return CollectorState(
        user_id=uid, username=f"u{uid}", name="", team_id=1, team_code="t", tiers=frozenset({"low"}),
        capacity=capacity, daily_cap=daily_cap, open_cases=open_cases,
    )


def test_water_fill_evens_out_counts_and_respects_room():
    # 6 open vs 0 open, equal capacity: 10 new cases end 8 / 8.
    assert water_fill_quotas(10, [_state(1, open_cases=6), _state(2)]) == {1: 2, 2: 8}
    # capacity 200 vs 100 (both empty): shares follow capacity.
    assert water_fill_quotas(30, [_state(1, capacity=200), _state(2, capacity=100)]) == {1: 20, 2: 10}
    # the daily cap bounds a share; the rest goes to the others.
    assert water_fill_quotas(10, [_state(1, daily_cap=2), _state(2)]) == {1: 2, 2: 8}
    # less room than cases: everybody gets their whole room.
    assert water_fill_quotas(10, [_state(1, capacity=3), _state(2, capacity=2, open_cases=1)]) == {1: 3, 2: 1}


# --- eligibility -----------------------------------------------------------------------------------

def test_junior_and_onboarding_get_only_low_and_intermediate_never_high(team):
    senior = make_collector(team, username="senior", level=SENIOR)
    inter = make_collector(team, username="inter", level=INTERMEDIATE)
    junior = make_collector(team, username="junior", level=JUNIOR)
    onboarding = make_collector(team, username="onboarding", level=SENIOR, in_onboarding=True)
    high = make_cases(6, tier=RiskTier.HIGH, bucket="M2")
    medium = make_cases(6, tier=RiskTier.MEDIUM, bucket="M2")
    low = make_cases(12, tier=RiskTier.LOW)

    run = allocation_run()

    assert run.status == AllocationRunStatus.SUCCEEDED and run.result["assigned"] == 24
    assert set(holders(high).values()) == {senior.pk}
    assert set(holders(medium).values()) <= {senior.pk, inter.pk}
    assert junior.pk in set(holders(low).values()) and onboarding.pk in set(holders(low).values())
    for user in (junior, onboarding):
        assert set(Case.objects.filter(collector=user).values_list("risk_tier", flat=True)) == {"low"}


def test_high_tier_case_with_only_intermediate_collectors_is_unallocated(team):
    make_collector(team, username="inter", level=INTERMEDIATE)
    make_collector(team, username="junior", level=JUNIOR)
    (case,) = make_cases(1, tier=RiskTier.HIGH)

    run = allocation_run()

    assert holders([case]) == {case.pk: None}
    assert run.result["unallocated"][UnallocatedReason.NO_ELIGIBLE_COLLECTOR] == 1


def test_on_leave_inactive_and_non_collector_users_get_nothing(team):
    active = make_collector(team, username="active")
    on_leave = make_collector(team, username="on_leave", on_leave=True)
    inactive = make_collector(team, username="inactive")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    cases = make_cases(6)

    allocation_run()

    assert set(holders(cases).values()) == {active.pk}
    assert not Case.objects.filter(collector__in=[on_leave, inactive]).exists()


def test_capacity_bounds_the_open_cases_of_each_collector(team):
    small = make_collector(team, username="small", capacity=2)
    big = make_collector(team, username="big", capacity=3)
    make_cases(1, collector=small, team=team)  # already holds one open case
    cases = make_cases(5)

    run = allocation_run()

    assert open_counts([small, big]) == {"small": 2, "big": 3}
    assert run.result["unallocated"][UnallocatedReason.CAPACITY] == 1
    assert sum(1 for v in holders(cases).values() if v is None) == 1


def test_daily_cap_counts_assignments_received_today(team, lead):
    capped = make_collector(team, username="capped", daily_new_case_cap=2, capacity=50)
    earlier = make_cases(1)[0]
    case_assign(case=earlier, collector=capped, actor=lead, reason=AssignmentReason.MANUAL, note="VIP", expected_version=1)
    cases = make_cases(4)

    run = allocation_run()

    assert sum(1 for v in holders(cases).values() if v == capped.pk) == 1
    assert run.result["unallocated"][UnallocatedReason.DAILY_CAP] == 3
    row = next(r for r in run.result["collectors"] if r["username"] == "capped")
    assert row["assigned_today"] == 2 and row["new_cases"] == 1


# --- balance ---------------------------------------------------------------------------------------

def test_counts_and_amounts_stay_even_within_the_team(team):
    users = [make_collector(team, username=f"c{i}", capacity=100) for i in range(4)]
    rng = random.Random(20240105)
    amounts = [Decimal(rng.randrange(10_000, 10_000_000)) / 100 for _ in range(40)]
    make_cases(40, amounts=amounts)

    run = allocation_run()

    counts = [r["open_cases"] for r in run.result["collectors"]]
    totals = [Decimal(r["open_overdue_amount"]) for r in run.result["collectors"]]
    assert max(counts) - min(counts) <= 1
    # Snake order: in each round the cases are consecutive in amount order; between two
    # collectors, forward rounds favour one and backward rounds the other, so the gap is at most
    # the sum of the forward rounds' amount ranges, which is at most max − min (disjoint ranges).
    assert max(totals) - min(totals) <= max(amounts) - min(amounts)
    assert sum(totals) == sum(amounts) and sum(open_counts(users).values()) == 40
    # dealing the same cases in plain amount order without snake would break the bound
    worst = sorted(amounts, reverse=True)
    assert sum(worst[:10]) - sum(worst[30:]) > max(amounts) - min(amounts)


def test_uneven_case_count_still_within_one_case_and_one_amount(team):
    make_collector(team, username="a")
    make_collector(team, username="b")
    make_collector(team, username="c")
    amounts = [Decimal(x) for x in (9000, 8000, 7000, 6000, 5000, 4000, 3000, 2000, 1000, 900, 800)]
    make_cases(len(amounts), amounts=amounts)

    run = allocation_run()

    counts = [r["open_cases"] for r in run.result["collectors"]]
    totals = [Decimal(r["open_overdue_amount"]) for r in run.result["collectors"]]
    assert max(counts) - min(counts) <= 1
    assert max(totals) - min(totals) <= max(amounts)  # full rounds ≤ max−min, plus one extra case ≤ min of the rounds


def test_existing_load_is_evened_out_by_remaining_capacity(team):
    busy = make_collector(team, username="busy", capacity=100)
    free = make_collector(team, username="free", capacity=100)
    make_cases(6, collector=busy, team=team)
    make_cases(10)

    allocation_run()

    assert open_counts([busy, free]) == {"busy": 8, "free": 8}


def test_several_teams_for_one_bucket_form_one_pool(department, team):
    twin = TeamFactory(department=department, code="team-twin", buckets=["M1"])
    a = make_collector(team, username="a")
    b = make_collector(twin, username="b")
    cases = make_cases(6)

    allocation_run()

    assert open_counts([a, b]) == {"a": 3, "b": 3}
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases], collector=b).values_list("team_id", flat=True)) == {twin.pk}


# --- stickiness --------------------------------------------------------------------------------------

def test_same_bucket_keeps_collector_and_second_run_assigns_nothing(team, collector, collector_b):
    cases = make_cases(6)
    first = allocation_run()
    before = holders(cases)
    n_assignments = Assignment.objects.count()

    second = allocation_run()

    assert first.result["assigned"] == 6 and second.result["assigned"] == 0 and second.result["candidates"] == 0
    assert holders(cases) == before and Assignment.objects.count() == n_assignments


def test_bucket_change_reallocates_never_back_to_the_previous_collector(team):
    a = make_collector(team, username="a")
    b = make_collector(team, username="b")
    c = make_collector(team, username="c")
    (case,) = make_cases(1, amounts=[Decimal("100.00")])
    allocation_run()
    case.refresh_from_db()
    previous = case.collector
    # make the two others far busier so balance alone would hand the case straight back
    for other in {a, b, c} - {previous}:
        make_cases(5, collector=other, team=team)
    Case.objects.filter(pk=case.pk).update(bucket="M2", days_past_due=40)

    run = allocation_run()

    case.refresh_from_db()
    assert case.collector_id not in (None, previous.pk)
    assert case.version == 3
    current = Assignment.objects.get(case=case, ended_at__isnull=True)
    assert current.reason == AssignmentReason.BUCKET_CHANGE and current.previous_collector == previous
    assert current.detail["bucket"] == "M2" and current.detail["previous_bucket"] == "M1"
    assert Assignment.objects.filter(case=case).count() == 2
    assert run.result["by_reason"] == {AssignmentReason.BUCKET_CHANGE: 1}


def test_bucket_change_with_nobody_else_keeps_the_case_and_reports_it(team, collector):
    (case,) = make_cases(1)
    allocation_run()
    Case.objects.filter(pk=case.pk).update(bucket="M2")

    run = allocation_run()

    assert holders([case]) == {case.pk: collector.pk}
    assert run.result["unallocated"][UnallocatedReason.NO_ELIGIBLE_COLLECTOR] == 1
    assert run.result["unallocated_kept_by_previous_collector"] == 1


def test_collector_on_leave_loses_cases_to_the_team(team, collector, collector_b):
    cases = make_cases(4)
    case_ids = [c.pk for c in cases]
    for c in cases:
        case_assign(case=c, collector=collector, actor=None, reason=AssignmentReason.NEW_CASE, detail={"bucket": "M1"})
    CollectorProfile.objects.filter(user=collector).update(on_leave=True)

    allocation_run()

    assert set(holders(cases).values()) == {collector_b.pk}
    reasons = set(Assignment.objects.filter(case_id__in=case_ids, ended_at__isnull=True).values_list("reason", "detail__rule"))
    assert reasons == {(AssignmentReason.COLLECTOR_UNAVAILABLE, "collector_on_leave")}


def test_collector_who_left_the_team_loses_its_cases(team, other_team, collector, collector_b):
    (case,) = make_cases(1)
    case_assign(case=case, collector=collector, actor=None, reason=AssignmentReason.NEW_CASE, detail={"bucket": "M1"})
    Membership.objects.filter(user=collector).update(ended_on=local_today())
    Membership.objects.create(user=collector, team=other_team, started_on=local_today())

    allocation_run()

    case.refresh_from_db()
    assert case.collector == collector_b and case.team == team
    assert Assignment.objects.get(case=case, ended_at__isnull=True).detail["rule"] == "collector_left_team"


def test_month_start_regroup_moves_every_case_once(team):
    users = [make_collector(team, username=f"c{i}") for i in range(3)]
    cases = make_cases(9)
    allocation_run()
    before = holders(cases)
    AllocationPolicy.objects.update(regroup_at_month_start=True)
    first_day = first_of_next_month(local_today())

    not_first = allocation_run(today=first_day + dt.timedelta(days=1))
    regroup = allocation_run(today=first_day)
    again = allocation_run(today=first_day)

    assert not_first.result["assigned"] == 0
    assert regroup.result["month_start_regroup"] is True and regroup.result["by_reason"] == {AssignmentReason.MONTH_START: 9}
    after = holders(cases)
    assert all(after[pk] not in (None, before[pk]) for pk in before)
    assert sorted(open_counts(users).values()) == [3, 3, 3]
    assert again.result["month_start_regroup"] is False and again.result["assigned"] == 0


def test_no_progress_for_n_days_reallocates_but_progress_keeps(team, collector, collector_b):
    AllocationPolicy.objects.update(reallocate_after_days_without_progress=3)
    idle, called, paid, fresh = make_cases(4)
    for c in (idle, called, paid, fresh):
        case_assign(case=c, collector=collector, actor=None, reason=AssignmentReason.NEW_CASE, detail={"bucket": "M1"})
    for c in (idle, called, paid):
        backdate_assignment(c, days=5)
    yesterday = local_today() - dt.timedelta(days=1)
    contact_attempt_record(case=called, actor=collector, channel="phone", result_code="NO_ANSWER",  # inside 08:00–22:00
                           started_at=timezone.make_aware(dt.datetime.combine(yesterday, dt.time(10)), timezone.get_default_timezone()))
    payment_record(case=paid, amount=Decimal("10.00"), paid_on=yesterday, actor=collector, source="manual")

    run = allocation_run()

    assert holders([idle, called, paid, fresh]) == {
        idle.pk: collector_b.pk, called.pk: collector.pk, paid.pk: collector.pk, fresh.pk: collector.pk,
    }
    current = Assignment.objects.get(case=idle, ended_at__isnull=True)
    assert current.reason == AssignmentReason.NO_PROGRESS and current.detail["rule"] == "no_progress_3_days"
    assert run.result["by_reason"] == {AssignmentReason.NO_PROGRESS: 1}


# --- routing and records ---------------------------------------------------------------------------

def test_cases_without_a_team_for_bucket_or_tier_are_reported(department, team, collector):
    TeamFactory(department=department, code="low-only", buckets=["M3"], tiers=["low"])
    make_cases(2, bucket="M0")
    make_cases(1, bucket="M3", tier=RiskTier.HIGH)
    routed = make_cases(1, bucket="M1")

    run = allocation_run()

    assert run.result["unallocated"] == {"no_team": 3, "no_eligible_collector": 0, "capacity": 0, "daily_cap": 0}
    assert run.result["assigned"] == 1 and holders(routed) == {routed[0].pk: collector.pk}
    assert Case.objects.filter(collector__isnull=True).count() == 3


def test_assignment_records_reason_detail_and_one_audit_event_per_run(team, collector, supervisor):
    make_cases(1, collector=collector, team=team, amounts=[Decimal("500.00")])
    (case,) = make_cases(1, amounts=[Decimal("1234.50")], tier_rule="low_default")

    run = allocation_run(actor=supervisor)

    a = Assignment.objects.get(case=case)
    assert a.reason == AssignmentReason.NEW_CASE and a.assigned_by == supervisor and a.team == team and a.ended_at is None
    assert a.detail == {
        "run": run.pk, "strategy": "snake", "rule": "new_case", "tier": "low", "tier_rule": "low_default", "bucket": "M1",
        "team": "team-a", "route": {"teams": ["team-a"]}, "quota": 1, "pool": {"collectors": 1, "cases": 1},
        "load_before": {"open_cases": 1, "open_overdue_amount": "500.00", "remaining_capacity": 199, "daily_count": 0},
    }
    case.refresh_from_db()
    assert case.collector == collector and case.version == 2 and case.assigned_at == a.assigned_at
    events = AuditEvent.objects.filter(target_type="collections_app.allocationrun", target_id=str(run.pk))
    assert list(events.values_list("verb", flat=True)) == ["allocation_run_succeeded"]
    assert not AuditEvent.objects.filter(verb="case_assigned").exists()
    assert run.requested_by == supervisor and run.started_at and run.finished_at and run.today == local_today()


def test_bulk_write_bumps_version_so_stale_manual_assignment_conflicts(team, collector, collector_b, lead):
    (case,) = make_cases(1)
    allocation_run()
    with pytest.raises(ConflictError) as err:
        case_assign(case=Case.objects.get(pk=case.pk), collector=collector_b, actor=lead, reason=AssignmentReason.MANUAL,
                    note="x", expected_version=1)
    assert err.value.rule in ("stale_case_version", "already_assigned")
    assert Assignment.objects.filter(case=case, ended_at__isnull=True).count() == 1


def test_query_count_does_not_grow_with_the_number_of_cases(team, collector, collector_b):
    make_cases(5)
    with CaptureQueriesContext(connection) as small:
        allocation_run()
    make_cases(60)
    with CaptureQueriesContext(connection) as large:
        allocation_run()
    assert len(large.captured_queries) == len(small.captured_queries)


def test_run_is_idempotent_by_id_and_failure_is_recorded(team, collector, monkeypatch):
    make_cases(2)
    run = allocation_run()
    finished = run.finished_at
    make_cases(2)
    assert allocation_run(run_id=run.pk).finished_at == finished  # a succeeded run is not executed again
    assert Case.objects.filter(collector__isnull=True).count() == 2

    from collections_app.services import allocation as module

    monkeypatch.setattr(module, "_allocate", lambda **kw: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        allocation_run()
    failed = AllocationRun.objects.order_by("-pk").first()
    assert failed.status == AllocationRunStatus.FAILED and "boom" in failed.error_message
    assert AuditEvent.objects.filter(verb="allocation_run_failed", target_id=str(failed.pk)).count() == 1


def test_only_supervisors_and_above_may_run_allocation(collector, supervisor, monkeypatch, django_capture_on_commit_callbacks):
    with pytest.raises(RuleViolation) as err:
        allocation_run_create(actor=collector)
    assert err.value.rule == "role_cannot_run_allocation"

    dispatched = []
    monkeypatch.setattr(allocation_run_task, "delay", lambda run_id: dispatched.append(run_id))
    with django_capture_on_commit_callbacks(execute=True):
        run = allocation_run_create(actor=supervisor)
    assert dispatched == [run.pk] and run.status == AllocationRunStatus.PENDING and run.requested_by == supervisor
    with pytest.raises(ConflictError) as err:
        allocation_run_create(actor=supervisor)
    assert err.value.rule == "allocation_run_in_progress"


def test_task_runs_a_given_run_and_creates_one_for_beat(team, collector):
    make_cases(2)
    run = AllocationRun.objects.create(today=local_today())

    assert allocation_run_task.apply(args=[run.pk]).get() == {"run_id": run.pk, "status": "succeeded"}
    assert allocation_run_task.apply(args=[run.pk]).get() == {"run_id": run.pk, "status": "succeeded"}
    beat = allocation_run_task.apply().get()
    assert beat["status"] == "succeeded" and beat["run_id"] != run.pk
    assert AllocationRun.objects.get(pk=beat["run_id"]).requested_by is None
    assert allocation_run_task.apply(args=[10**9]).get()["status"] == "missing"


def test_load_by_collector_lists_every_member_with_figures(team, other_team, collector, collector_b, other_collector):
    make_cases(2, collector=collector, team=team, amounts=[Decimal("100.10"), Decimal("200.20")])
    CollectorProfile.objects.filter(user=collector_b).update(on_leave=True)

    rows = allocation_load_by_collector(team_ids=[team.pk])

    assert [(r["username"], r["open_cases"], r["open_overdue_amount"], r["on_leave"]) for r in rows] == [
        ("collector", 2, Decimal("300.30"), False), ("collector_b", 0, Decimal("0.00"), True),
    ]
    assert rows[0]["remaining_capacity"] == 198
    assert {r["username"] for r in allocation_load_by_collector()} == {"collector", "collector_b", "other_collector"}


# --- the management command ------------------------------------------------------------------------

def test_allocate_command_prints_teams_collectors_and_unallocated(team, collector, collector_b):
    make_cases(4)
    make_cases(1, bucket="M0")
    out = io.StringIO()

    call_command("allocate", stdout=out)

    text = out.getvalue()
    assert "4 assigned of 5 candidates" in text
    team_line = next(line for line in text.splitlines() if line.startswith("team-a ") and "collector" not in line)
    assert team_line.split()[1:4] == ["4", "12000.00", "4"]
    assert any(line.split()[:3] == ["team-a", "collector", "2"] for line in text.splitlines())
    assert any(line.split() == ["no_team", "1"] for line in text.splitlines())


def test_allocate_command_json_and_today(team, collector):
    make_cases(1)
    out = io.StringIO()
    call_command("allocate", "--json", "--today", "2024-01-05", stdout=out)
    data = json.loads(out.getvalue())
    assert data["status"] == "succeeded" and data["today"] == "2024-01-05" and data["assigned"] == 1
    with pytest.raises(CommandError):
        call_command("allocate", "--today", "05/01/2024")


# --- celery beat runs at Beijing time (QUALITY.md input 8) ---------------------------------------------

@pytest.mark.parametrize(
    ("entry", "expected_next_utc"),
    [
        ("promise-mark-due-broken", dt.datetime(2024, 1, 4, 16, 5, tzinfo=dt.timezone.utc)),  # 00:05 on 01-05 local
        ("allocation-run-nightly", dt.datetime(2024, 1, 4, 23, 0, tzinfo=dt.timezone.utc)),  # 07:00 on 01-05 local
    ],
)
def test_beat_crontabs_are_evaluated_in_asia_shanghai(entry, expected_next_utc):
    from celery.schedules import crontab
    from django_celery_beat.models import CrontabSchedule

    from config.celery_app import app

    now = dt.datetime(2024, 1, 4, 15, 0, tzinfo=dt.timezone.utc)
    configured = settings.CELERY_BEAT_SCHEDULE[entry]["schedule"]
    assert str(app.timezone) == "Asia/Shanghai"
    schedule = crontab(
        minute=configured._orig_minute, hour=configured._orig_hour, day_of_week=configured._orig_day_of_week,
        day_of_month=configured._orig_day_of_month, month_of_year=configured._orig_month_of_year,
        nowfun=lambda: now, app=app,
    )
    remaining = schedule.remaining_estimate(now)
    assert now + remaining == expected_next_utc
    assert schedule.is_due(now).is_due is False
    due_at = expected_next_utc + dt.timedelta(seconds=1)
    due_schedule = crontab(minute=configured._orig_minute, hour=configured._orig_hour, nowfun=lambda: due_at, app=app)
    assert due_schedule.is_due(now).is_due is True

    # the database scheduler (CELERY_BEAT_SCHEDULER) stores the entry with the same time zone
    stored = CrontabSchedule.from_schedule(configured.__class__(
        minute=configured._orig_minute, hour=configured._orig_hour, app=app,
    ))
    assert str(stored.timezone) == "Asia/Shanghai"
    db_schedule = stored.schedule
    db_schedule.nowfun = lambda: now
    assert now + db_schedule.remaining_estimate(now) == expected_next_utc


# --- PostgreSQL: two simultaneous assignments (QUALITY.md input 11) --------------------------------------

def _race(callables) -> list[object]:
    """Run the callables in threads released together by a barrier; each thread has its own
    database connection (closed at the end). Returns each result or raised exception."""
    barrier = threading.Barrier(len(callables))
    results: list[object] = [None] * len(callables)

    def worker(i, fn):
        try:
            barrier.wait(timeout=10)
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(callables)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["two_leads", "two_collectors_claiming"])
def test_simultaneous_assignments_one_wins_one_conflicts(who, team, lead, collector, collector_b):
    case = CaseFactory(bucket="M1")
    if who == "two_leads":
        second_lead = UserFactory(username="lead2", role=Role.TEAM_LEAD, department=team.department)
        Membership.objects.create(user=second_lead, team=team, started_on=dt.date(2024, 1, 1))
        calls = [
            lambda: case_assign(case=Case.objects.get(pk=case.pk), collector=collector, actor=lead,
                                reason=AssignmentReason.MANUAL, note="experienced", expected_version=1),
            lambda: case_assign(case=Case.objects.get(pk=case.pk), collector=collector_b, actor=second_lead,
                                reason=AssignmentReason.MANUAL, note="free today", expected_version=1),
        ]
    else:
        calls = [
            lambda u=u: case_assign(case=Case.objects.get(pk=case.pk), collector=u, actor=u, reason=AssignmentReason.CLAIM,
                                    expected_version=1)
            for u in (collector, collector_b)
        ]

    results = _race(calls)

    winners = [r for r in results if isinstance(r, Assignment)]
    losers = [r for r in results if isinstance(r, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].rule in ("stale_case_version", "already_claimed")
    case.refresh_from_db()
    assert case.version == 2 and case.collector_id == winners[0].collector_id
    assert Assignment.objects.filter(case=case).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_runs_allocate_each_case_once(team, collector, collector_b):
    cases = make_cases(20)

    results = _race([lambda: allocation_run(), lambda: allocation_run()])

    assert all(isinstance(r, AllocationRun) and r.status == AllocationRunStatus.SUCCEEDED for r in results), results
    assert sorted(r.result["assigned"] for r in results) == [0, 20]
    assert Assignment.objects.count() == 20 and all(holders(cases).values())


# --- Redis: a real Celery worker -------------------------------------------------------------------

@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_real_celery_worker_executes_the_run(team, collector, collector_b, tmp_path):
    cases = make_cases(6)
    run = AllocationRun.objects.create(today=local_today())
    db = connection.settings_dict
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    log = tmp_path / "worker.log"
    celery = Path(sys.executable).with_name("celery")
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [str(celery), "-A", "config", "worker", "--pool=solo", "--concurrency=1", "--loglevel=info", "--without-heartbeat",
             "--without-gossip", "--without-mingle", "-n", f"alloc-test-{os.getpid()}@%h"],
            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
        try:
            allocation_run_task.delay(run.pk)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                run.refresh_from_db()
                if run.status in (AllocationRunStatus.SUCCEEDED, AllocationRunStatus.FAILED) or worker.poll() is not None:
                    break
                time.sleep(0.5)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    assert run.status == AllocationRunStatus.SUCCEEDED, log.read_text(errors="replace")[-3000:]
    assert run.result["assigned"] == 6 and all(holders(cases).values())


def test_a_run_started_late_keeps_the_business_date_it_was_requested_for(db):
    import datetime as dt

    from collections_app.models import AllocationRun
    from collections_app.services.allocation import allocation_run

    requested = dt.date(2024, 1, 31)
    run = AllocationRun.objects.create(today=requested)
    assert allocation_run(run_id=run.pk).today == requested
