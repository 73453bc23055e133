"""Allocation benchmark: the product's allocation run over N open unassigned cases ÷ one hand-written
set-based SQL doing the same assignment on a copy of the same data (the limit).
``ratio = sql_seconds / product_seconds`` (1.0 = as fast as the SQL).

    python -m bench allocation [--cases N [N …]] [--collectors C] [--seed S] [--profile [N]] [--keep]

Data (seeded, written with ``COPY``): one creditor, N debtors and N open (5 % on hold) unassigned
cases with DPD, bucket, overdue amount (CNY, log-normal, median ≈ 6,000) and the risk tier the
default tier rules give (M3+ or ≥ 50,000 or lost contact → high; M2 or ≥ 10,000 → medium; else low).
Teams and collectors come from ``tests.factories``: 10 teams routed by bucket (4 × M1, 2 × M2,
1 × M3, 2 × M4–M6, 1 × M7+; every tier), C collectors (default 1,000) spread over them with a mix
of experience levels, one per team on leave; capacity and daily cap = max(N, 200) so neither binds.

The seeded database is copied with ``CREATE DATABASE … TEMPLATE`` (same rows, indexes, constraints
and statistics): the product runs on the original, the SQL on the copy, ``--profile`` re-runs the
product under cProfile on a third copy (so the timed run is not slowed by the profiler). All three
are dropped afterwards (``--keep`` keeps them). Both results are checked to be a complete
assignment before anything is reported.

The databases are ``collections_bench_alloc*``, not the shared ``collections_bench``, so this
benchmark can run while ``python -m bench import`` runs (that one drops ``collections_bench``).
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import math
import os
import pstats
import random
import resource
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from . import _maintenance_connection, bench_database_url, machine_info, write_report_section

DATABASE = "collections_bench_alloc"
SQL_COPY = "collections_bench_alloc_sql"
PROFILE_COPY = "collections_bench_alloc_prof"
TODAY = dt.date(2024, 1, 5)  # the run's local business date (not a month start)
SEED = 20240105
TEAMS = (  # code, buckets worked, share of the collectors (%), experience mix senior/intermediate/junior (%)
    ("bench-m1-a", ["M1"], 12, (20, 40, 40)),
    ("bench-m1-b", ["M1"], 12, (20, 40, 40)),
    ("bench-m1-c", ["M1"], 12, (20, 40, 40)),
    ("bench-m1-d", ["M1"], 12, (20, 40, 40)),
    ("bench-m2-a", ["M2"], 10, (30, 50, 20)),
    ("bench-m2-b", ["M2"], 10, (30, 50, 20)),
    ("bench-m3", ["M3"], 10, (70, 30, 0)),
    ("bench-m4-6-a", ["M4", "M5", "M6"], 8, (70, 30, 0)),
    ("bench-m4-6-b", ["M4", "M5", "M6"], 8, (70, 30, 0)),
    ("bench-m7", ["M7+"], 6, (70, 30, 0)),
)
BUCKET_SHARES = (("M1", 45), ("M2", 20), ("M3", 12), ("M4", 8), ("M5", 6), ("M6", 5), ("M7+", 4))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚华玉萍红玲芬燕彬鹏辉宇浩然轩涵诺欣怡"


# --- databases -------------------------------------------------------------------------------------

def _connect(dbname: str, *, autocommit: bool = False):
    """A psycopg connection to ``dbname`` on the ``DATABASE_URL`` server."""
    import psycopg

    parts = urlsplit(bench_database_url())
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1", port=parts.port or 5432, user=parts.username or "postgres",
        password=parts.password or None, dbname=dbname, autocommit=autocommit,
    )


def _use_database(name: str) -> None:
    """Point Django's default connection at ``name`` (set up Django first if needed)."""
    import django
    from django.conf import settings

    if not settings.configured:
        parts = urlsplit(bench_database_url())
        os.environ["DATABASE_URL"] = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))
    os.environ["DJANGO_DEBUG"] = "0"  # no query log: a million-row run would keep every statement
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    django.setup()
    from django.db import connections

    connections.close_all()
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name


def _drop(*names: str) -> None:
    from django.conf import settings
    from django.db import connections

    if settings.configured:
        connections.close_all()
    with _maintenance_connection() as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_database() -> None:
    """Drop and create :data:`DATABASE`, point Django at it and migrate."""
    bench_database_url()  # refuses SQLite before anything else
    _drop(DATABASE, SQL_COPY, PROFILE_COPY)
    with _maintenance_connection() as conn:
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    _use_database(DATABASE)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def copy_database(target: str) -> None:
    """``CREATE DATABASE target TEMPLATE`` :data:`DATABASE`: same rows, indexes, constraints, statistics."""
    from django.db import connections

    connections.close_all()  # a template must have no other sessions (Django reconnects lazily)
    with _maintenance_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{DATABASE}"')


# --- seeded data -----------------------------------------------------------------------------------

def seed_people(collectors: int, *, capacity: int, seed: int) -> None:
    """Department, 10 teams (factories) and ``collectors`` collectors with profiles and memberships
    (built with ``UserFactory``, written with ``bulk_create``; unusable passwords, so no hashing)."""
    from tests.factories import CreditorFactory, DepartmentFactory, TeamFactory, UserFactory, fake
    from teams.choices import ExperienceLevel, Role
    from teams.models import CollectorProfile, Membership, User

    rng = random.Random(seed)
    fake.seed_instance(seed)  # collectors' names
    department = DepartmentFactory(code="bench", name="基准测试催收部")
    CreditorFactory(code="bench", name="基准测试消费金融")
    users, profiles, memberships = [], [], []
    for t, (code, buckets, share, (senior, intermediate, _junior)) in enumerate(TEAMS):
        team = TeamFactory(department=department, code=code, name=f"基准{code}", buckets=buckets, tiers=[])
        size = max(2, collectors * share // 100) if t < len(TEAMS) - 1 else max(2, collectors - len(users))
        for i in range(size):
            user = UserFactory.build(username=f"{code}-{i:04d}", role=Role.COLLECTOR, department=department, password=None)
            pct = 100 * i / size
            level = (ExperienceLevel.SENIOR if pct < senior else
                     ExperienceLevel.INTERMEDIATE if pct < senior + intermediate else ExperienceLevel.JUNIOR)
            users.append(user)
            profiles.append(dict(
                experience_level=level, skills=["phone"], capacity=capacity, daily_new_case_cap=capacity,
                on_leave=(i == size - 1), in_onboarding=(level == ExperienceLevel.JUNIOR and rng.random() < 0.1),
            ))
            memberships.append(dict(team=team, started_on=dt.date(2023, 1, 1)))
    User.objects.bulk_create(users)
    CollectorProfile.objects.bulk_create(CollectorProfile(user=u, **p) for u, p in zip(users, profiles))
    Membership.objects.bulk_create(Membership(user=u, **m) for u, m in zip(users, memberships))


def _tier(bucket_order: int, amount_cents: int, lost_contact: bool) -> tuple[str, str]:
    """Risk tier and rule name as the default tier rules (migration 0003) would classify."""
    if bucket_order >= 3:
        return "high", "high_bucket_m3_plus"
    if amount_cents >= 5_000_000:
        return "high", "high_overdue_50000"
    if lost_contact:
        return "high", "high_lost_contact"
    if bucket_order == 2:
        return "medium", "medium_bucket_m2"
    if amount_cents >= 1_000_000:
        return "medium", "medium_overdue_10000"
    return "low", "low_default"


def seed_cases(n: int, *, seed: int, chunk: int = 50_000) -> None:
    """COPY ``n`` debtors and ``n`` open, unassigned cases (ids 1…n) and reset the id sequences."""
    from django.db import connection
    from django.utils import timezone

    from collections_app.models import BucketDefinition, Case, Creditor, Debtor

    rng = random.Random(seed)
    creditor_id = Creditor.objects.get(code="bench").pk
    ranges = {b.code: (b.order, b.min_dpd, b.max_dpd or 360) for b in BucketDefinition.objects.all()}
    codes = [code for code, _share in BUCKET_SHARES]
    weights = [share for _code, share in BUCKET_SHARES]
    now = timezone.now().isoformat()
    as_of = TODAY.isoformat()
    debtor_sql = f"COPY {Debtor._meta.db_table} (id, name, source_creditor_id, customer_ref, created_at) FROM STDIN"
    case_sql = (
        f"COPY {Case._meta.db_table} (id, debtor_id, creditor_id, status, bucket, delinquency_basis, days_past_due, "
        "risk_tier, tier_rule, overdue_amount, outstanding_balance, paid_amount, lost_contact, opened_on, "
        "bucket_entered_on, as_of, version, created_at, updated_at) FROM STDIN"
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for start in range(0, n, chunk):
            debtors, cases = [], []
            for i in range(start + 1, min(n, start + chunk) + 1):
                name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
                bucket = rng.choices(codes, weights)[0]
                order, lo, hi = ranges[bucket]
                dpd = rng.randint(lo, hi)
                cents = max(20_000, min(50_000_000, int(rng.lognormvariate(math.log(600_000), 0.9))))
                lost = rng.random() < 0.03
                tier, rule = _tier(order, cents, lost)
                status = "on_hold" if rng.random() < 0.05 else "open"
                opened = TODAY - dt.timedelta(days=dpd)
                entered = TODAY - dt.timedelta(days=dpd - lo)
                balance = cents + rng.randint(0, 3_000_000)
                debtors.append(f"{i}\t{name}\t{creditor_id}\tBENCH{i:09d}\t{now}\n")
                cases.append(
                    f"{i}\t{i}\t{creditor_id}\t{status}\t{bucket}\tdpd\t{dpd}\t{tier}\t{rule}\t{cents / 100:.2f}\t"
                    f"{balance / 100:.2f}\t0.00\t{'t' if lost else 'f'}\t{opened.isoformat()}\t{entered.isoformat()}\t"
                    f"{as_of}\t1\t{now}\t{now}\n"
                )
            with raw.copy(debtor_sql) as copy:
                copy.write("".join(debtors))
            with raw.copy(case_sql) as copy:
                copy.write("".join(cases))
        for model in (Debtor, Case):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def warm(dbname: str) -> None:
    """Read the case table once so both measured runs start with it in the buffer/OS cache."""
    with _connect(dbname, autocommit=True) as conn:
        conn.execute("SELECT count(*), sum(overdue_amount) FROM collections_app_case").fetchone()
        conn.execute("SELECT count(*) FROM collections_app_assignment").fetchone()


# --- the limit: one set-based SQL ----------------------------------------------------------------

ELIGIBLE = """
    SELECT u.id AS user_id, m.team_id, t.code AS team_code, p.capacity, p.experience_level, p.in_onboarding,
           CASE WHEN p.in_onboarding THEN ARRAY['low']
                WHEN p.experience_level = 'senior' THEN ARRAY['low', 'medium', 'high']
                WHEN p.experience_level = 'intermediate' THEN ARRAY['low', 'medium']
                ELSE ARRAY['low'] END AS tiers
    FROM teams_membership m
    JOIN teams_team t ON t.id = m.team_id AND t.is_active
    JOIN teams_user u ON u.id = m.user_id AND u.is_active AND u.role = 'collector'
    JOIN teams_collectorprofile p ON p.user_id = u.id AND NOT p.on_leave
    WHERE m.ended_on IS NULL
"""

#: Deal every open unassigned case: route (bucket, tier) → active teams; a pool = that team set × tier;
#: its members = eligible collectors of those teams allowed the tier, numbered by user id; cases
#: numbered by overdue amount descending; snake: round = rn / k forwards when even, backwards when
#: odd. The quota and the collector's load before each case (over pools dealt high tier first) are
#: computed as the product records them in ``Assignment.detail``.
DEAL_SQL = f"""
CREATE TEMP TABLE bench_dealt ON COMMIT DROP AS
WITH eligible AS ({ELIGIBLE}),
route AS (
    SELECT b.code AS bucket, tr.tier, array_agg(t.id ORDER BY t.id) AS team_ids,
           array_agg(t.code ORDER BY t.id) AS team_codes
    FROM collections_app_bucketdefinition b
    CROSS JOIN (VALUES ('low', 0), ('medium', 1), ('high', 2)) AS tr (tier, tier_rank)
    JOIN teams_team t ON t.is_active AND t.buckets ? b.code AND (jsonb_array_length(t.tiers) = 0 OR t.tiers ? tr.tier)
    GROUP BY b.code, tr.tier
),
pools AS (
    SELECT row_number() OVER (ORDER BY team_ids, tier) AS pool_id, team_ids, team_codes, tier,
           CASE tier WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END AS tier_rank
    FROM (SELECT DISTINCT team_ids, team_codes, tier FROM route) d
),
members AS (
    SELECT p.pool_id, e.user_id, e.team_id, e.team_code, e.capacity,
           row_number() OVER (PARTITION BY p.pool_id ORDER BY e.user_id) - 1 AS slot
    FROM pools p JOIN eligible e ON e.team_id = ANY (p.team_ids) AND p.tier = ANY (e.tiers)
),
pool_size AS (SELECT pool_id, count(*) AS k FROM members GROUP BY pool_id),
ranked AS (
    SELECT c.id, c.bucket, c.risk_tier, c.tier_rule, c.overdue_amount, p.pool_id, p.tier_rank, p.team_codes, s.k,
           row_number() OVER (PARTITION BY p.pool_id ORDER BY c.overdue_amount DESC, c.id) - 1 AS rn,
           count(*) OVER (PARTITION BY p.pool_id) AS n
    FROM collections_app_case c
    JOIN route r ON r.bucket = c.bucket AND r.tier = c.risk_tier
    JOIN pools p ON p.team_ids = r.team_ids AND p.tier = r.tier
    JOIN pool_size s ON s.pool_id = p.pool_id
    WHERE c.status IN ('open', 'on_hold') AND c.collector_id IS NULL
),
cases AS MATERIALIZED (
    SELECT r.*, CASE WHEN (r.rn / r.k) % 2 = 0 THEN r.rn % r.k ELSE r.k - 1 - r.rn % r.k END AS slot FROM ranked r
),
dealt AS (
    SELECT c.*, m.user_id, m.team_id, m.team_code, m.capacity
    FROM cases c JOIN members m ON m.pool_id = c.pool_id AND m.slot = c.slot
)
SELECT d.id, d.user_id, d.team_id,
       jsonb_build_object(
           'run', NULL, 'strategy', 'snake', 'rule', 'new_case', 'tier', d.risk_tier, 'tier_rule', d.tier_rule,
           'bucket', d.bucket, 'team', d.team_code,
           'load_before', jsonb_build_object(
               'open_cases', row_number() OVER w - 1,
               'open_overdue_amount', to_char(
                   coalesce(sum(d.overdue_amount) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0),
                   'FM999999999999990.00'),
               'remaining_capacity', d.capacity - (row_number() OVER w - 1),
               'daily_count', row_number() OVER w - 1),
           'quota', d.n / d.k + CASE WHEN d.n % d.k > 0 AND (
                        ((d.n / d.k) % 2 = 0 AND d.slot < d.n % d.k) OR ((d.n / d.k) % 2 = 1 AND d.slot >= d.k - d.n % d.k))
                    THEN 1 ELSE 0 END,
           'pool', jsonb_build_object('collectors', d.k, 'cases', d.n),
           'route', jsonb_build_object('teams', to_jsonb(d.team_codes))
       ) AS detail
FROM dealt d
WINDOW w AS (PARTITION BY d.user_id ORDER BY d.tier_rank DESC, d.pool_id, d.rn)
"""

WRITE_SQL = (
    "UPDATE collections_app_assignment a SET ended_at = now() FROM bench_dealt d WHERE a.case_id = d.id AND a.ended_at IS NULL",
    "INSERT INTO collections_app_assignment (case_id, collector_id, team_id, previous_collector_id, assigned_by_id, reason, "
    "note, detail, assigned_at, ended_at) SELECT id, user_id, team_id, NULL, NULL, 'new_case', '', detail, now(), NULL "
    "FROM bench_dealt",
    "UPDATE collections_app_case c SET collector_id = d.user_id, team_id = d.team_id, assigned_at = now(), "
    "version = c.version + 1, updated_at = now() FROM bench_dealt d WHERE c.id = d.id",
)


SQL_STEPS = ("deal", "end current", "insert assignments", "update cases")


def measure_sql(dbname: str) -> tuple[float, int, dict[str, float]]:
    """Seconds for the set-based allocation (deal into a temp table, end current assignments, insert
    the new ones, update the cases) in one transaction on ``dbname``, the rows assigned, and seconds
    per step (plus ``commit``)."""
    steps: dict[str, float] = {}
    with _connect(dbname) as conn:
        started = time.perf_counter()
        with conn.transaction():
            mark = time.perf_counter()
            conn.execute(DEAL_SQL)
            conn.execute("ANALYZE bench_dealt")
            for name, statement in zip(SQL_STEPS, ("", *WRITE_SQL)):
                if statement:
                    cur = conn.execute(statement)
                steps[name], mark = time.perf_counter() - mark, time.perf_counter()
            assigned = cur.rowcount
        steps["commit"] = time.perf_counter() - mark
        return time.perf_counter() - started, assigned, steps


# --- the product ---------------------------------------------------------------------------------

def measure_product(*, profile: bool = False) -> tuple[float, dict[str, Any], pstats.Stats | None]:
    """Seconds for ``allocation_run(actor=None, today=TODAY)`` on Django's database, the run's
    result counts and (with ``profile``) its cProfile statistics."""
    from collections_app.services.allocation import allocation_run

    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    run = allocation_run(actor=None, today=TODAY)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - started
    if run.status != "succeeded":
        raise SystemExit(f"allocation run failed: {run.error_message}")
    counts = {k: run.result[k] for k in ("candidates", "assigned", "unallocated")}
    return seconds, counts, (pstats.Stats(profiler) if profiler else None)


PHASES = (  # (label, file suffix, function, "cum" or "self"): seconds under cProfile
    ("read collectors and loads", "services/allocation.py", "_collector_states", "cum"),
    ("read and lock candidates", "services/allocation.py", "_candidates", "cum"),
    ("deal (quotas, snake order, detail dicts)", "services/allocation_balance.py", "deal", "cum"),
    ("write (end current, bulk_create, UPDATE cases)", "services/allocation.py", "_write", "cum"),
    ("… of which bulk_create of the assignments", "django/db/models/query.py", "bulk_create", "cum"),
    ("… of which UPDATE statements (end assignments; cases per collector and chunk)", "django/db/models/query.py", "update",
     "cum"),
    ("result JSON (load per collector)", "services/allocation.py", "allocation_load_by_collector", "cum"),
    ("commit", "psycopg/connection.py", "commit", "cum"),
    ("psycopg client-side parameter quoting (all statements)", "psycopg/_cursor_base.py", "_convert_query", "cum"),
    ("PostgreSQL at work (psycopg wait, self time)", "psycopg/connection.py", "wait", "self"),
    ("total (allocation_run under cProfile)", "services/allocation.py", "allocation_run", "cum"),
)


def profile_phases(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Seconds of the run's phases (cumulative, or self time where marked) from cProfile ``stats``."""
    rows = []
    for label, suffix, name, kind in PHASES:
        seconds = sum(
            (tt if kind == "self" else ct)
            for (filename, _line, func), (_cc, _nc, tt, ct, _callers) in stats.stats.items()
            if filename.endswith(suffix) and func == name
        )
        rows.append((label, seconds))
    return rows


# --- checks --------------------------------------------------------------------------------------

VERIFY_SQL = f"""
WITH eligible AS ({ELIGIBLE}),
open_cases AS (SELECT * FROM collections_app_case WHERE status IN ('open', 'on_hold')),
routable AS (
    SELECT c.id FROM open_cases c
    WHERE EXISTS (SELECT 1 FROM eligible e JOIN teams_team t ON t.id = e.team_id
                  WHERE t.buckets ? c.bucket AND (jsonb_array_length(t.tiers) = 0 OR t.tiers ? c.risk_tier)
                    AND c.risk_tier = ANY (e.tiers))
),
current AS (SELECT * FROM collections_app_assignment WHERE ended_at IS NULL)
SELECT
    (SELECT count(*) FROM open_cases) AS open_cases,
    (SELECT count(*) FROM routable) AS routable,
    (SELECT count(*) FROM open_cases c JOIN routable r USING (id) WHERE c.collector_id IS NULL) AS routable_unassigned,
    (SELECT count(*) FROM current) AS current_rows,
    (SELECT count(DISTINCT case_id) FROM current) AS current_cases,
    (SELECT count(*) FROM open_cases c LEFT JOIN current a ON a.case_id = c.id
      WHERE c.collector_id IS NOT NULL AND (a.id IS NULL OR a.collector_id <> c.collector_id
            OR a.team_id IS DISTINCT FROM c.team_id)) AS mismatched,
    (SELECT count(*) FROM open_cases c WHERE c.collector_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM eligible e JOIN teams_team t ON t.id = e.team_id
        WHERE e.user_id = c.collector_id AND e.team_id = c.team_id AND t.buckets ? c.bucket
          AND (jsonb_array_length(t.tiers) = 0 OR t.tiers ? c.risk_tier) AND c.risk_tier = ANY (e.tiers))) AS ineligible,
    (SELECT count(*) FROM (SELECT c.collector_id FROM open_cases c JOIN teams_collectorprofile p ON p.user_id = c.collector_id
      GROUP BY c.collector_id, p.capacity HAVING count(*) > p.capacity) o) AS over_capacity,
    (SELECT count(*) FROM open_cases c WHERE c.collector_id IS NOT NULL AND c.version <> 2) AS version_not_bumped
"""

#: Balance inside comparable groups (same team, experience level, onboarding): spread of open case
#: counts (max − min) and of open overdue amount ((max − min) ÷ mean), worst group.
BALANCE_SQL = f"""
WITH eligible AS ({ELIGIBLE}),
loads AS (
    SELECT e.user_id, e.team_id, e.experience_level, e.in_onboarding, count(c.id) AS n,
           coalesce(sum(c.overdue_amount), 0) AS amount
    FROM eligible e LEFT JOIN collections_app_case c ON c.collector_id = e.user_id AND c.status IN ('open', 'on_hold')
    GROUP BY 1, 2, 3, 4
),
groups AS (
    SELECT max(n) - min(n) AS count_spread, (max(amount) - min(amount)) / nullif(avg(amount), 0) AS amount_spread
    FROM loads GROUP BY team_id, experience_level, in_onboarding HAVING count(*) > 1
)
SELECT max(count_spread), max(amount_spread), (SELECT max(n) FROM loads), (SELECT min(n) FROM loads) FROM groups
"""


def verify(dbname: str) -> dict[str, Any]:
    """The completeness checks and balance figures on ``dbname``; raises SystemExit when incomplete."""
    with _connect(dbname, autocommit=True) as conn:
        cur = conn.execute(VERIFY_SQL)
        checks = dict(zip([d.name for d in cur.description], cur.fetchone()))
        count_spread, amount_spread, most, least = conn.execute(BALANCE_SQL).fetchone()
    checks.update(count_spread=count_spread, amount_spread=float(amount_spread or 0), most=most, least=least)
    checks["complete"] = (
        checks["routable_unassigned"] == 0 and checks["current_rows"] == checks["current_cases"] == checks["routable"]
        and checks["mismatched"] == 0 and checks["ineligible"] == 0 and checks["over_capacity"] == 0
        and checks["version_not_bumped"] == 0
    )
    return checks


def describe(label: str, checks: dict[str, Any]) -> str:
    state = "complete" if checks["complete"] else "INCOMPLETE"
    return (
        f"{label}: {state} — {checks['routable'] - checks['routable_unassigned']:,} of {checks['routable']:,} routable "
        f"open cases assigned ({checks['open_cases']:,} open), {checks['current_rows']:,} current assignments for "
        f"{checks['current_cases']:,} cases, {checks['mismatched']} case/assignment mismatches, {checks['ineligible']} "
        f"ineligible, {checks['over_capacity']} over capacity, {checks['version_not_bumped']} without version bump; "
        f"balance within (team, level): counts differ by ≤ {checks['count_spread']}, amounts by ≤ "
        f"{checks['amount_spread']:.1%} of the mean"
    )


# --- the benchmark -------------------------------------------------------------------------------

def run_one(n: int, *, collectors: int, seed: int, profile: bool, keep: bool) -> dict[str, Any]:
    """Seed, copy, measure both, verify both; returns one table row's figures."""
    create_database()
    try:
        started = time.perf_counter()
        seed_people(collectors, capacity=max(n, 200), seed=seed)
        seed_cases(n, seed=seed)
        vacuum_analyze()
        print(f"[{n:,}] seeded {n:,} cases, {collectors:,} collectors in {time.perf_counter() - started:.1f} s")
        copy_database(SQL_COPY)
        if profile:
            copy_database(PROFILE_COPY)

        warm(SQL_COPY)
        sql_seconds, sql_rows, sql_steps = measure_sql(SQL_COPY)
        steps = ", ".join(f"{k} {v:.2f} s" for k, v in sql_steps.items())
        print(f"[{n:,}] SQL limit: {sql_seconds:.2f} s ({sql_rows:,} cases; {steps})")

        warm(DATABASE)
        _use_database(DATABASE)
        product_seconds, counts, _ = measure_product()
        print(f"[{n:,}] product: {product_seconds:.2f} s  counts: {counts}")
        info = machine_info()

        sql_checks, product_checks = verify(SQL_COPY), verify(DATABASE)
        print(f"[{n:,}] " + describe("SQL", sql_checks))
        print(f"[{n:,}] " + describe("product", product_checks))
        if not (sql_checks["complete"] and product_checks["complete"]):
            raise SystemExit(f"incomplete assignment at N={n}: see above")

        phases: list[tuple[str, float]] = []
        if profile:
            warm(PROFILE_COPY)
            _use_database(PROFILE_COPY)
            _seconds, _counts, stats = measure_product(profile=True)
            _use_database(DATABASE)
            phases = profile_phases(stats)
            out = io.StringIO()
            stats.stream = out
            stats.sort_stats("tottime").print_stats(25)
            print(f"[{n:,}] product under cProfile, phases (cumulative s):")
            for label, seconds in phases:
                print(f"    {label:<80} {seconds:8.2f}")
            print(out.getvalue())
    finally:
        if not keep:
            _drop(DATABASE, SQL_COPY, PROFILE_COPY)
    return {
        "n": n, "sql": sql_seconds, "sql_steps": sql_steps, "product": product_seconds, "sql_rows": sql_rows,
        "assigned": counts["assigned"],
        "sql_checks": sql_checks, "product_checks": product_checks, "phases": phases, "info": info,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench allocation", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[1_000_000],
                        help="open unassigned cases to allocate; several values give several table rows (default 1,000,000)")
    parser.add_argument("--collectors", type=int, default=1000, help="collectors over the 10 teams (default 1,000)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--profile", type=int, nargs="?", const=0, default=None, metavar="N",
                        help="also run the product under cProfile on a third copy (at every N, or only at the given N); "
                             "print and record where its time goes")
    parser.add_argument("--keep", action="store_true", help="keep the collections_bench_alloc* databases afterwards")
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        print(f"allocation benchmark: ignoring options meant for other benchmarks: {' '.join(unknown)}")

    results = [
        run_one(n, collectors=args.collectors, seed=args.seed, keep=args.keep,
                profile=args.profile is not None and args.profile in (0, n))
        for n in args.cases
    ]

    rows = []
    for r in results:
        n = r["n"]
        ok = "yes" if r["sql_checks"]["complete"] and r["product_checks"]["complete"] else "NO"
        rows.append(
            f"| {n:,} | {r['sql']:.2f} | {n / r['sql']:,.0f} | {r['product']:.2f} | {n / r['product']:,.0f} | "
            f"{r['sql'] / r['product']:.2f} | {ok} | ≤ {r['sql_checks']['count_spread']} / ≤ "
            f"{r['product_checks']['count_spread']} | {r['sql_checks']['amount_spread']:.1%} / "
            f"{r['product_checks']['amount_spread']:.1%} |"
        )
    table = (
        "| N cases | SQL limit s | SQL rows/s | product s | product rows/s | ratio (SQL ÷ product) | complete (both) "
        "| case-count spread SQL / product | amount spread SQL / product |\n"
        "|---:|---:|---:|---:|---:|---:|:---:|---:|---:|\n" + "\n".join(rows)
    )
    print(table)
    info = results[-1]["info"]
    profiled = [r for r in results if r["phases"]]
    largest = max(results, key=lambda r: r["n"])
    steps = ", ".join(f"{k} {v:.2f}" for k, v in largest["sql_steps"].items())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak_mb:,.0f} MB")
    where = ""
    if profiled:
        p = profiled[-1]
        where = (
            f"\n\nWhere the product's time goes (cProfile, N = {p['n']:,}, a separate run on a third copy; "
            "cumulative seconds, the profiler inflates pure-Python parts):\n\n| phase | s |\n|---|---:|\n"
            + "\n".join(f"| {label.strip()} | {seconds:.2f} |" for label, seconds in p["phases"])
        )
    write_report_section("allocation", (
        "## Allocation (`python -m bench allocation --cases N [N …]`)\n\n"
        f"Last run {info['date']} on {info['cpus']} CPUs, Python {info['python']}, PostgreSQL {info['postgres']} "
        f"({info['platform']}).\n\n{table}\n\n"
        f"Limit steps at N = {largest['n']:,} (s): {steps}. Peak memory of the benchmark process (mostly the "
        f"product's run): {peak_mb:,.0f} MB.\n\n"
        "Data (seeded): N open unassigned cases (5 % on hold) over buckets M1–M7+ (45/20/12/8/6/5/4 %), overdue "
        "amounts log-normal (median ≈ 6,000 CNY), tiers as the default tier rules give (≈ 38 % high, 31 % medium, "
        "31 % low); 10 teams routed by bucket (4 × M1, 2 × M2, 1 × M3, 2 × M4–M6, 1 × M7+), "
        f"{args.collectors:,} collectors with mixed experience levels (one per team on leave), "
        "capacity and daily cap large enough not to bind. The product = `allocation_run(actor=None, today=…)` "
        "on the seeded database. The limit = one transaction on a `CREATE DATABASE … TEMPLATE` copy (same rows, "
        "indexes, constraints, statistics): one `CREATE TEMP TABLE … AS` query routes (bucket, tier) to teams by "
        "`Team.buckets`/`tiers`, joins eligible collectors (active, collector, profile, not on leave, tier allowed "
        "by experience level), numbers each pool's cases by amount descending (`row_number`) and deals them in "
        "snake order modulo the pool's collector count, building the same `Assignment.detail` (quota, pool, "
        "route, load before via window sums); then end current assignments, `INSERT … SELECT` the assignments and "
        "one `UPDATE … FROM` of the cases (collector, team, assigned_at, version + 1). The limit does not do the "
        "product's water filling across pools (it splits each pool evenly), the never-back rule or the capacity "
        "checks (not binding here), nor build the run's result JSON. \"Complete\": every routable open case has "
        "a collector eligible for its bucket and tier, exactly one current `Assignment` per case matching the "
        "case's collector and team, the version bumped, nobody over capacity — checked by the same SQL on both "
        "databases. Spreads are the worst (team, experience level) group: max − min open cases, and "
        "(max − min) ÷ mean of open overdue amount." + where
    ))
    return 0
