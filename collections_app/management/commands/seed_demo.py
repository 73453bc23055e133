"""``python manage.py seed_demo``: a demo collections department with people, two creditors and
about 2,000 generated cases with a few weeks of history; ``--logins`` prints the demo logins.

What it builds (all idempotent: a second run finds the demo data and changes nothing):

* one department, three teams routed by bucket (一组 M1 · 二组 M2–M3 · 三组 M4–M7+), a supervisor,
  three team leads, twelve collectors of mixed experience (one on leave, one in onboarding), a
  director, an HR recruiter, a legal officer, an administrator and an integration client, all with
  the password ``collections-demo`` (:data:`DEMO_USERS`);
* two creditors (a consumer-loan lender and a card issuer) linked to the integration client;
* ``--cases`` cases (default 2,000; seeded random, Faker ``zh_CN``): checksum-valid ID numbers,
  E.164 mobiles, emergency contacts, one or two accounts per case (case totals are the sums of
  its accounts), DPD mostly M1 with a tail to M7+, log-normal overdue amounts from a few hundred
  to about ¥80,000 split into principal / interest / fees, bucket history, and the risk tier from
  :class:`~collections_app.services.classification.Classifier`;
* allocation by :func:`collections_app.services.allocation.allocation_run`, then history worked by
  the collector each case ended up with: contact attempts with result codes over the last four
  weeks, promises to pay (kept, partially kept, broken, open, some due today) and payments applied
  to them first-in-first-out. A payment that clears the overdue amount cures the case and ends its
  assignment, as ``payment_record`` does; tiers are re-evaluated afterwards (broken promises, lost
  contact), as the services do.

Rows are written with ``bulk_create`` so the default run takes seconds on SQLite. Amounts are CNY
``Decimal``; dates are Asia/Shanghai local dates relative to ``common.dates.local_today()``.
Nothing secret is printed: integration keys are made with ``python manage.py create_api_key``.
"""
from __future__ import annotations

import datetime as dt
import math
import random
import time
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from faker import Faker

from collections_app.choices import (
    CaseStatus, Channel, ContactKind, ContactParty, DelinquencyBasis, PaymentSource, ProductType,
    PromiseStatus, RiskTier,
)
from collections_app.models import (
    ZERO, Account, AllocationPolicy, AllocationRun, Assignment, Case, CaseBucketHistory, ContactAttempt, ContactPoint, Creditor, Debtor,
    Payment, PromiseToPay, ResultCode,
)
from collections_app.services.classification import Classifier, TierFacts
from collections_app.services.casework import promise_resolve_overdue
from collections_app.services.payments import (
    accounts_apply_payment, bucket_history_record_cures, case_cure_fields, promises_apply_payment,
)
from common.audit import audit_event_record
from common.dates import local_today
from common.validators import id_number_birth_date, id_number_normalize, mobile_normalize
from teams.choices import ExperienceLevel, Role, Skill
from teams.models import CollectorProfile, Department, Membership, Team, User

DEMO_PASSWORD = "collections-demo"
DEFAULT_CASES = 2000
DEFAULT_SEED = 20250601
ARRIVALS_SHARE_DIVISOR = 50  # 2 % of the demo cases arrive after the morning allocation
HISTORY_DAYS = 28
CENT = Decimal("0.01")


# --- the organisation ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CreditorSpec:
    code: str
    name: str
    product: str
    share: float  # of the generated cases
    account_prefix: str


@dataclass(frozen=True)
class TeamSpec:
    code: str
    name: str
    buckets: tuple[str, ...]
    tiers: tuple[str, ...]
    works_field: bool
    lead: str


@dataclass(frozen=True)
class UserSpec:
    username: str
    name: str
    role: str
    team: str | None = None  # member of (collectors) or lead of (team leads)
    level: str | None = None  # collectors only
    skills: tuple[str, ...] = (Skill.PHONE,)
    capacity: int = 0
    daily_cap: int = 0
    on_leave: bool = False
    in_onboarding: bool = False
    in_department: bool = True
    staff: bool = False


DEPARTMENT_CODE, DEPARTMENT_NAME = "collections-ops", "信贷催收部"

CREDITORS = (
    CreditorSpec("demo-loan", "示例消费金融有限公司", ProductType.LOAN, 0.55, "LN"),
    CreditorSpec("demo-card", "示例银行信用卡中心", ProductType.CARD, 0.45, "CC"),
)

TEAMS = (
    TeamSpec("team-1", "催收一组", ("M1",), (RiskTier.LOW, RiskTier.MEDIUM, RiskTier.HIGH), False, "lead1"),
    TeamSpec("team-2", "催收二组", ("M2", "M3"), (RiskTier.MEDIUM, RiskTier.HIGH), False, "lead2"),
    TeamSpec("team-3", "催收三组", ("M4", "M5", "M6", "M7+"), (RiskTier.HIGH,), True, "lead3"),
)

SENIOR, INTERMEDIATE, JUNIOR = ExperienceLevel.SENIOR, ExperienceLevel.INTERMEDIATE, ExperienceLevel.JUNIOR
FIELD = (Skill.PHONE, Skill.FIELD)

# Capacity and daily caps are sized for the default 2,000 cases (about 45 % M1, 30 % M2–M3,
# 25 % M4–M7+; M3+ is high tier and goes to seniors only), so that the first allocation run
# places nearly every case. A real department would use a daily cap of about 40.
DEMO_USERS: tuple[UserSpec, ...] = (
    UserSpec("supervisor", "王建国", Role.SUPERVISOR),
    UserSpec("lead1", "李娜", Role.TEAM_LEAD, team="team-1"),
    UserSpec("lead2", "张伟", Role.TEAM_LEAD, team="team-2"),
    UserSpec("lead3", "刘洋", Role.TEAM_LEAD, team="team-3"),
    UserSpec("collector1", "陈静", Role.COLLECTOR, "team-1", SENIOR, capacity=320, daily_cap=320),
    UserSpec("collector2", "杨帆", Role.COLLECTOR, "team-1", INTERMEDIATE, capacity=260, daily_cap=260),
    UserSpec("collector3", "赵磊", Role.COLLECTOR, "team-1", INTERMEDIATE, capacity=260, daily_cap=260),
    UserSpec("collector4", "黄丽", Role.COLLECTOR, "team-1", JUNIOR, capacity=200, daily_cap=200),
    UserSpec("collector5", "周敏", Role.COLLECTOR, "team-1", JUNIOR, capacity=80, daily_cap=80, in_onboarding=True),
    UserSpec("collector6", "吴强", Role.COLLECTOR, "team-2", SENIOR, capacity=320, daily_cap=320),
    UserSpec("collector7", "徐婷", Role.COLLECTOR, "team-2", SENIOR, capacity=320, daily_cap=320),
    UserSpec("collector8", "孙浩", Role.COLLECTOR, "team-2", INTERMEDIATE, capacity=260, daily_cap=260),
    UserSpec("collector9", "马超", Role.COLLECTOR, "team-2", JUNIOR, capacity=200, daily_cap=200, on_leave=True),
    UserSpec("collector10", "朱琳", Role.COLLECTOR, "team-3", SENIOR, FIELD, capacity=320, daily_cap=320),
    UserSpec("collector11", "胡军", Role.COLLECTOR, "team-3", SENIOR, capacity=320, daily_cap=320),
    UserSpec("collector12", "郭雪", Role.COLLECTOR, "team-3", SENIOR, FIELD, capacity=320, daily_cap=320),
    UserSpec("director", "林志明", Role.DIRECTOR),
    UserSpec("hr", "何佳", Role.HR_RECRUITER, in_department=False),
    UserSpec("legal", "高翔", Role.LEGAL_OFFICER, in_department=False),
    UserSpec("admin", "罗斌", Role.ADMINISTRATOR, in_department=False, staff=True),
    UserSpec("integration", "委托方对接接口", Role.INTEGRATION_CLIENT, in_department=False),
)

# --- the shape of the portfolio ---------------------------------------------------------------------

BUCKET_WEIGHTS = (("M1", 45), ("M2", 17), ("M3", 12), ("M4", 8), ("M5", 6), ("M6", 5), ("M7+", 7))
MAX_DPD_LAST_BUCKET = 540
AMOUNT_MEDIAN, AMOUNT_SIGMA, AMOUNT_MIN, AMOUNT_MAX = 3500.0, 0.95, 300.0, 80000.0
TWO_ACCOUNTS_SHARE = 0.15
SHARED_DEBTOR_SHARE = 0.02  # debtors with a case at both creditors (归户 per creditor)
CARD_LIMITS = (5000, 8000, 10000, 15000, 20000, 30000, 50000, 80000, 100000, 150000, 200000)
RELATIONS = ("配偶", "父亲", "母亲", "兄弟", "姐妹", "朋友", "同事")

# Result-code weights per kind of debtor (mo9 codes, DOMAIN.md "Contact attempts").
RESPONSIVE = (("NO_ANSWER", 24), ("BUSY", 6), ("POWERED_OFF", 4), ("VOICEMAIL", 3), ("NSA", 6),
              ("CALLBACK_REQUESTED", 11), ("WTP", 13), ("RTP", 11), ("PTP", 22))
EVASIVE = (("NO_ANSWER", 45), ("BUSY", 10), ("POWERED_OFF", 15), ("VOICEMAIL", 8), ("NSA", 6), ("RTP", 8),
           ("CALLBACK_REQUESTED", 4), ("WTP", 2), ("PTP", 2))
UNREACHABLE = (("POWERED_OFF", 35), ("SUSPENDED", 30), ("EMPTY_NUMBER", 20), ("NO_ANSWER", 15))
THIRD_PARTY = (("NO_ANSWER", 40), ("NSA", 40), ("TPP", 10), ("WRONG_NUMBER", 10))
FIELD_RESULTS = (("NSA", 40), ("PTP", 25), ("RTP", 20), ("WTP", 15))
UNANSWERED = {"NO_ANSWER", "BUSY", "POWERED_OFF", "SUSPENDED", "EMPTY_NUMBER", "VOICEMAIL"}
UNREACHABLE_CODES = {"POWERED_OFF", "SUSPENDED", "EMPTY_NUMBER"}
NOTES = {
    "PTP": "客户承诺于{due}前还款¥{amount}",
    "RTP": "客户表示目前收入不稳定，暂无还款能力",
    "WTP": "客户有还款意愿，还款日期待定，约定再次跟进",
    "NSA": "非本人接听，已请转告尽快回电",
    "CALLBACK_REQUESTED": "客户正在忙，要求稍后回电",
    "TPP": "联系人表示愿意协助代为还款",
    "WRONG_NUMBER": "接听人表示不认识借款人",
    "LOST_CONTACT": "本人号码多次无法接通，标记失联，转失联修复",
}


def _money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _w in weighted], weights=[w for _k, w in weighted])[0]


def _at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """An aware datetime at local (Asia/Shanghai) ``hour:minute`` on ``day``."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute, second)), timezone.get_default_timezone())


# --- the command --------------------------------------------------------------------------------------

class Command(BaseCommand):
    help = "Load the demo department, people, creditors and ~2,000 cases (idempotent); --logins prints the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=DEFAULT_CASES, help=f"number of cases to generate (default {DEFAULT_CASES})")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (same seed, same data)")
        parser.add_argument("--logins", action="store_true", help="only print the demo logins table")
        parser.add_argument(
            "--allow-production", action="store_true",
            help="seed even under config.settings.production (creates logins with a published password)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["logins"]:
            self.stdout.write(logins_table())
            return
        if (settings.SETTINGS_MODULE or "").endswith(".production") and not options["allow_production"]:
            raise CommandError(
                f"Refusing to load demo data under {settings.SETTINGS_MODULE}: it creates logins whose password "
                f"({DEMO_PASSWORD}) is published. Pass --allow-production for a throw-away demo server."
            )
        started = time.monotonic()
        seeder = DemoSeeder(cases=options["cases"], seed=options["seed"], today=local_today())
        summary = seeder.run()
        elapsed = time.monotonic() - started
        for line in summary:
            self.stdout.write(line)
        self.stdout.write(f"seed_demo finished in {elapsed:.1f} s.")


def logins_table() -> str:
    """The demo logins as a text table (username, name, role, team, password), CJK-width aligned."""
    teams = {t.code: t.name for t in TEAMS}
    rows = [("username", "name", "role", "team", "password")]
    for spec in DEMO_USERS:
        role = str(Role(spec.role).label)
        if spec.level:
            notes = [str(ExperienceLevel(spec.level).label).lower()]
            notes += ["field"] if Skill.FIELD in spec.skills else []
            notes += ["on leave"] if spec.on_leave else []
            notes += ["in onboarding"] if spec.in_onboarding else []
            role = f"{role} ({', '.join(notes)})"
        if spec.staff:
            role += " (superuser, /admin/)"
        team = teams.get(spec.team or "", DEPARTMENT_NAME if spec.role in (Role.SUPERVISOR, Role.DIRECTOR) else "-")
        rows.append((spec.username, spec.name, role, team, DEMO_PASSWORD))
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip()

    out = [line(rows[0]), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in rows[1:]]
    return "\n".join(out)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# --- in-memory state of one generated case -------------------------------------------------------------

@dataclass
class CaseDraft:
    case: Case
    accounts: list[Account]
    mobile: ContactPoint
    emergency: list[ContactPoint]
    address: ContactPoint
    persona: str
    attempts: list[ContactAttempt] = field(default_factory=list)
    promises: list[PromiseToPay] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    broken_dates: list[dt.date] = field(default_factory=list)


class DemoSeeder:
    """Builds the demo data set; :meth:`run` returns summary lines. One transaction: a failure leaves nothing."""

    def __init__(self, *, cases: int, seed: int, today: dt.date) -> None:
        self.n_cases = max(0, cases)
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.today = today
        self.now = timezone.now()
        self.classifier = Classifier.load()
        self.grace_days = AllocationPolicy.current().promise_grace_days
        self.result_codes = {rc.code: rc for rc in ResultCode.objects.all()}
        self.users: dict[str, User] = {}
        self.creditors: dict[str, Creditor] = {}
        self.teams: dict[str, Team] = {}
        self.field_collector_ids: set[int] = set()

    # -- entry point

    def run(self) -> list[str]:
        with transaction.atomic():
            created_people = self.ensure_organisation()
            if Case.objects.filter(creditor__code__in=[c.code for c in CREDITORS]).exists():
                return [f"Demo data already present ({Case.objects.filter(creditor__in=self.creditors.values()).count()} demo cases); nothing to do."]
            drafts = self.generate_portfolio()
            run = self.allocate()
            worked = self.work_history(drafts)
            # A placement that arrived after this morning's allocation: the supervisor allocates it
            # from the Allocation page (a collector hired in the demo receives its low-risk cases).
            arrivals = self.generate_portfolio(n_cases=self.n_cases // ARRIVALS_SHARE_DIVISOR, first_ref=self.n_cases)
            audit_event_record(
                actor=None, verb="demo_data_seeded", target=self.department,
                data={"cases": len(drafts) + len(arrivals), "awaiting_allocation": len(arrivals), "seed_people_created": created_people, **worked},
            )
        placed = sum(1 for d in drafts if d.case.collector_id or d.case.status == CaseStatus.CURED)
        lines = [
            f"Created {created_people} demo users, {len(self.creditors)} creditors, {len(drafts)} cases "
            f"({sum(len(d.accounts) for d in drafts)} accounts).",
            f"Allocation run {getattr(run, 'pk', '-')}: {placed} of {len(drafts)} cases placed with a collector.",
            f"History: {worked['attempts']} contact attempts, {worked['promises']} promises, {worked['payments']} payments, "
            f"{worked['cured']} cases cured.",
            f"{len(arrivals)} cases placed today await allocation (supervisor → Allocation → Run allocation).",
            "Integration API key: python manage.py create_api_key integration",
        ]
        return lines

    # -- people and structure

    def ensure_organisation(self) -> int:
        """Create the department, teams, users, profiles, memberships and creditors that are
        missing. Existing rows are left as they are (a changed password survives a re-run)."""
        self.department, _ = Department.objects.get_or_create(code=DEPARTMENT_CODE, defaults={"name": DEPARTMENT_NAME})
        password = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 per user would cost seconds
        created = 0
        for spec in DEMO_USERS:
            user = User.objects.filter(username=spec.username).first()
            if user is None:
                user = User(
                    username=spec.username, name=spec.name, role=spec.role, password=password,
                    department=self.department if spec.in_department else None,
                    is_staff=spec.staff, is_superuser=spec.staff,
                )
                user.full_clean(exclude=["password"])
                user.save()
                created += 1
            self.users[spec.username] = user
        for spec in TEAMS:
            team, _ = Team.objects.get_or_create(
                code=spec.code,
                defaults={"department": self.department, "name": spec.name, "buckets": list(spec.buckets),
                          "tiers": [str(t) for t in spec.tiers], "works_field": spec.works_field,
                          "lead": self.users[spec.lead]},
            )
            self.teams[spec.code] = team
        for spec in DEMO_USERS:
            if spec.role != Role.COLLECTOR:
                continue
            user = self.users[spec.username]
            profile, _ = CollectorProfile.objects.get_or_create(
                user=user,
                defaults={"experience_level": spec.level, "skills": [str(s) for s in spec.skills], "capacity": spec.capacity,
                          "daily_new_case_cap": spec.daily_cap, "on_leave": spec.on_leave, "in_onboarding": spec.in_onboarding},
            )
            if profile.has_skill(Skill.FIELD):
                self.field_collector_ids.add(user.pk)
            if not Membership.objects.filter(user=user, ended_on__isnull=True).exists():
                Membership.objects.create(user=user, team=self.teams[spec.team], started_on=self.today - dt.timedelta(days=400))
        for spec in CREDITORS:
            creditor, was_created = Creditor.objects.get_or_create(code=spec.code, defaults={"name": spec.name, "default_product": spec.product})
            if was_created:
                creditor.integration_clients.add(self.users["integration"])
            self.creditors[spec.code] = creditor
        return created

    # -- debtors, cases, accounts, contact points, bucket history

    def generate_portfolio(self, n_cases: int | None = None, first_ref: int = 0) -> list[CaseDraft]:
        """``n_cases`` cases (default ``--cases``); account numbers continue after ``first_ref``."""
        n_cases = self.n_cases if n_cases is None else n_cases
        n_loan = round(n_cases * CREDITORS[0].share)
        plan = [CREDITORS[0]] * n_loan + [CREDITORS[1]] * (n_cases - n_loan)
        n_shared = min(int(n_cases * SHARED_DEBTOR_SHARE), n_loan, n_cases - n_loan)
        debtors = self._make_debtors(n_cases - n_shared)
        # the last n_shared card cases reuse loan debtors: one case per debtor per creditor
        debtor_of = debtors + debtors[:n_shared]
        Debtor.objects.bulk_create(debtors)

        drafts: list[CaseDraft] = []
        points: list[ContactPoint] = []
        seen_points: set[tuple[int, str, str, str]] = set()
        refs = {spec.code: first_ref for spec in CREDITORS}
        for index, spec in enumerate(plan):
            debtor = debtor_of[index]
            refs[spec.code] += 1
            draft = self._make_case(spec, debtor, refs[spec.code])
            for point in (draft.mobile, *draft.emergency, draft.address):
                key = (debtor.pk, point.kind, point.value, point.party)
                if key not in seen_points:  # a shared debtor's contact points are stored once
                    seen_points.add(key)
                    points.append(point)
            drafts.append(draft)
        ContactPoint.objects.bulk_create(points)
        by_key = {(p.debtor_id, p.kind, p.value, p.party): p for p in points}
        for draft in drafts:  # shared debtors: point at the stored rows
            draft.mobile = by_key[(draft.mobile.debtor_id, draft.mobile.kind, draft.mobile.value, draft.mobile.party)]
            draft.emergency = [by_key[(p.debtor_id, p.kind, p.value, p.party)] for p in draft.emergency]
            draft.address = by_key[(draft.address.debtor_id, draft.address.kind, draft.address.value, draft.address.party)]

        Case.objects.bulk_create([d.case for d in drafts])
        accounts, history = [], []
        for draft in drafts:
            for account in draft.accounts:
                account.case = draft.case
                accounts.append(account)
            history += self._bucket_history(draft.case)
        Account.objects.bulk_create(accounts)
        CaseBucketHistory.objects.bulk_create(history)
        return drafts

    def _make_debtors(self, count: int) -> list[Debtor]:
        debtors: list[Debtor] = []
        seen: set[str] = set()
        for _i in range(count):
            gender = self.rng.choice("MF")
            id_number = self._id_number(gender, seen)
            first = self.fake.first_name_male() if gender == "M" else self.fake.first_name_female()
            debtors.append(Debtor(name=self.fake.last_name() + first, id_number=id_number, birth_date=id_number_birth_date(id_number)))
        taken = set(Debtor.objects.filter(id_number__in=seen).values_list("id_number", flat=True))
        for debtor in debtors:  # never collide with debtors already imported into this database
            if debtor.id_number in taken:
                debtor.id_number = self._id_number("M" if int(debtor.id_number[16]) % 2 else "F", seen)  # seen ⊇ taken
                debtor.birth_date = id_number_birth_date(debtor.id_number)
        return debtors

    def _id_number(self, gender: str, seen: set[str]) -> str:
        """A checksum-valid ID number (Faker's ``ssn``, re-validated by ``id_number_normalize``)."""
        while True:
            try:
                number = id_number_normalize(self.fake.ssn(min_age=21, max_age=62, gender=gender))
            except Exception:  # noqa: BLE001 - Faker rarely yields an impossible one: draw again
                continue
            if number not in seen:
                seen.add(number)
                return number

    def _mobile(self) -> str:
        while True:
            try:
                return mobile_normalize(self.fake.phone_number())
            except Exception:  # noqa: BLE001 - keep only numbers the validator accepts
                continue

    def _make_case(self, spec: CreditorSpec, debtor: Debtor, ref: int) -> CaseDraft:
        rng, today = self.rng, self.today
        bucket_code = _pick(rng, BUCKET_WEIGHTS)
        bucket = next(b for b in self.classifier.buckets if b.code == bucket_code)
        dpd = rng.randint(bucket.min_dpd, bucket.max_dpd if bucket.max_dpd is not None else MAX_DPD_LAST_BUCKET)
        order = self.classifier.bucket_order(bucket_code)
        n_accounts = 2 if rng.random() < TWO_ACCOUNTS_SHARE else 1
        accounts = []
        for k in range(n_accounts):
            account_dpd = dpd if k == 0 else rng.randint(1, dpd)
            scale = 1.0 if k == 0 else rng.uniform(0.3, 0.8)
            accounts.append(self._make_account(spec, debtor, ref, k, account_dpd, order, scale))
        overdue = sum((a.overdue_amount for a in accounts), ZERO)
        earliest_due = today - dt.timedelta(days=dpd)
        case = Case(
            debtor=debtor, creditor=self.creditors[spec.code], status=CaseStatus.OPEN, bucket=bucket_code,
            delinquency_basis=DelinquencyBasis.DPD, days_past_due=dpd,
            overdue_amount=overdue, outstanding_balance=sum((a.outstanding_balance for a in accounts), ZERO),
            opened_on=earliest_due + dt.timedelta(days=1),
            bucket_entered_on=earliest_due + dt.timedelta(days=bucket.min_dpd), as_of=today,
        )
        case.risk_tier, case.tier_rule = self.classifier.tier_for(
            TierFacts(bucket_order=order, overdue_amount=overdue, broken_promise_dates=(), lost_contact=False, on=today)
        )
        mobile = ContactPoint(debtor=debtor, kind=ContactKind.MOBILE, value=self._mobile(), party=ContactParty.DEBTOR)
        emergency = []
        for relation in rng.sample(RELATIONS, rng.choice((1, 2, 2))):
            surname = debtor.name[0] if relation in ("父亲", "兄弟", "姐妹") else self.fake.last_name()
            given = self.fake.first_name_female() if relation in ("母亲", "姐妹") else self.fake.first_name()
            emergency.append(ContactPoint(
                debtor=debtor, kind=ContactKind.MOBILE, value=self._mobile(), party=ContactParty.EMERGENCY_CONTACT,
                contact_name=surname + given, relation=relation,
            ))
        address = ContactPoint(debtor=debtor, kind=ContactKind.ADDRESS, value=self.fake.address(), party=ContactParty.DEBTOR)
        persona = rng.choices(("responsive", "evasive", "unreachable"), weights=(55, 38, 7))[0]
        return CaseDraft(case=case, accounts=accounts, mobile=mobile, emergency=emergency, address=address, persona=persona)

    def _make_account(self, spec: CreditorSpec, debtor: Debtor, ref: int, k: int, dpd: int, order: int, scale: float) -> Account:
        """One account: log-normal overdue amount growing with the bucket, split into principal,
        interest and fees; outstanding balance ≥ overdue; card accounts get a credit limit."""
        rng = self.rng
        raw = math.exp(rng.gauss(math.log(AMOUNT_MEDIAN), AMOUNT_SIGMA)) * (1 + 0.18 * max(order - 1, 0)) * scale
        overdue = _money(min(max(raw, AMOUNT_MIN), AMOUNT_MAX * scale))
        if spec.product == ProductType.CARD:
            principal_share, interest_share = rng.uniform(0.80, 0.88), rng.uniform(0.05, 0.09)
            outstanding = _money(overdue * Decimal(str(rng.uniform(1.0, 2.0))))
            limit = next((Decimal(v) for v in CARD_LIMITS if v >= outstanding), Decimal(CARD_LIMITS[-1]))
        else:
            principal_share, interest_share = rng.uniform(0.68, 0.80), rng.uniform(0.10, 0.16)
            outstanding = _money(overdue * Decimal(str(rng.uniform(1.5, 5.0))))
            limit = None
        principal = _money(overdue * Decimal(str(principal_share)))
        interest = _money(overdue * Decimal(str(interest_share)))
        fees = overdue - principal - interest  # shares leave at least 3 % for fees: never negative
        number = f"{spec.account_prefix}{ref:07d}{k + 1}" if spec.product == ProductType.LOAN else f"{spec.account_prefix}6259{ref:09d}{k + 1}"
        return Account(
            creditor=self.creditors[spec.code], account_number=number, debtor=debtor, product=spec.product,
            overdue_principal=principal, overdue_interest=interest, overdue_fees=fees, overdue_amount=overdue,
            outstanding_balance=outstanding, credit_limit=limit, delinquency_basis=DelinquencyBasis.DPD,
            days_past_due=dpd, earliest_due_date=self.today - dt.timedelta(days=dpd), is_past_due=True, as_of=self.today,
        )

    def _bucket_history(self, case: Case) -> list[CaseBucketHistory]:
        """One row per bucket the case has passed through since DPD 1 (Fineract tag history)."""
        earliest_due = self.today - dt.timedelta(days=case.days_past_due)
        stays = [b for b in self.classifier.buckets if 1 <= b.min_dpd <= case.days_past_due]
        rows = []
        for i, bucket in enumerate(stays):
            entered = earliest_due + dt.timedelta(days=bucket.min_dpd)
            left = earliest_due + dt.timedelta(days=stays[i + 1].min_dpd) if i + 1 < len(stays) else None
            rows.append(CaseBucketHistory(case=case, bucket=bucket.code, entered_on=entered, left_on=left, days_past_due=bucket.min_dpd))
        return rows

    # -- allocation

    def allocate(self) -> AllocationRun:
        """Run the department's allocation engine over the new open cases (as the nightly run
        does: no actor)."""
        from collections_app.services.allocation import allocation_run

        return allocation_run(actor=None, today=self.today)

    # -- history worked by the assigned collector

    def work_history(self, drafts: list[CaseDraft]) -> dict[str, int]:
        """Attempts, promises and payments by each case's collector since it entered its bucket
        (at most :data:`HISTORY_DAYS` back, up to yesterday); assignments are dated to the
        bucket entry so the history sits inside them. Returns row counts."""
        by_id = {d.case.pk: d for d in drafts}
        current = Assignment.objects.filter(case_id__in=by_id, ended_at__isnull=True)
        assignments = {a.case_id: a for a in current}
        fresh = {row[0]: row[1:] for row in Case.objects.filter(pk__in=by_id).values_list("pk", "collector_id", "team_id", "version", "assigned_at")}
        for draft in drafts:  # what allocation wrote
            draft.case.collector_id, draft.case.team_id, draft.case.version, draft.case.assigned_at = fresh[draft.case.pk]
        for case_id, assignment in assignments.items():
            case = by_id[case_id].case
            assignment.assigned_at = min(_at(case.bucket_entered_on, 8, 30), assignment.assigned_at)
            case.assigned_at = assignment.assigned_at
        Assignment.objects.bulk_update(assignments.values(), ["assigned_at"])

        integration = self.users["integration"]
        for draft in drafts:
            if draft.case.collector_id:
                self._simulate(draft, collector_id=draft.case.collector_id, integration=integration)
                self._derive_contact_fields(draft)

        attempts = [a for d in drafts for a in d.attempts]
        ContactAttempt.objects.bulk_create(attempts)
        # recorded when they happened (auto_now_add stamped "now"); the demo creditors' attempts are all ours
        ContactAttempt.objects.filter(case__creditor__in=self.creditors.values()).update(created_at=F("started_at"))
        promises = [p for d in drafts for p in d.promises]
        PromiseToPay.objects.bulk_create(promises)  # attempt_id is taken from the now-saved attempts
        for promise in promises:
            promise.created_at = promise.attempt.started_at
        PromiseToPay.objects.bulk_update(promises, ["created_at"])
        payments = [p for d in drafts for p in d.payments]
        Payment.objects.bulk_create(payments)
        for payment in payments:
            payment.created_at = _at(payment.paid_on, 18)
        Payment.objects.bulk_update(payments, ["created_at"])

        cured = self._finish_cases(drafts, assignments)
        return {"attempts": len(attempts), "promises": len(promises), "payments": len(payments), "cured": cured}

    def _simulate(self, draft: CaseDraft, *, collector_id: int, integration: User) -> None:
        """Walk the case day by day, applying each day's contacts, promises and payments."""
        rng, case = self.rng, draft.case
        start = max(case.bucket_entered_on, case.opened_on + dt.timedelta(days=2), self.today - dt.timedelta(days=HISTORY_DAYS))
        if start >= self.today or rng.random() < 0.06:
            return  # a new case, not contacted yet
        force_ptp_on = self.today - dt.timedelta(days=rng.randint(1, 6)) if rng.random() < 0.07 else None
        open_promise: PromiseToPay | None = None
        failures = 0
        day = start
        while day < self.today and case.status == CaseStatus.OPEN:
            if open_promise is not None and open_promise.due_date + dt.timedelta(days=open_promise.grace_days) < day:
                self._resolve_promise(draft, open_promise, integration)
                open_promise = None
                if case.status != CaseStatus.OPEN:
                    break
            forced = day == force_ptp_on and open_promise is None
            if forced or rng.random() < 0.3:
                open_promise, failures = self._contact_day(draft, day, collector_id, open_promise, failures, forced)
            day += dt.timedelta(days=1)
        if open_promise is not None and case.status == CaseStatus.OPEN and open_promise.due_date + dt.timedelta(days=open_promise.grace_days) < self.today:
            self._resolve_promise(draft, open_promise, integration)
        elif not draft.promises and case.status == CaseStatus.OPEN and rng.random() < 0.05:
            # an unprompted partial repayment
            paid_on = self.today - dt.timedelta(days=rng.randint(1, HISTORY_DAYS))
            if paid_on >= start:
                self._pay(draft, _money(case.overdue_amount * Decimal(str(rng.uniform(0.1, 0.4)))), paid_on, integration)

    def _contact_day(self, draft: CaseDraft, day: dt.date, collector_id: int, open_promise, failures: int, forced: bool):
        rng, case = self.rng, draft.case
        hour = rng.randint(9, 20)
        at = _at(day, hour, rng.randint(0, 59), rng.randint(0, 59))
        if case.lost_contact:
            contact = rng.choice(draft.emergency)
            code = _pick(rng, THIRD_PARTY)
            self._attempt(draft, at, collector_id, code, contact, ContactParty.EMERGENCY_CONTACT)
            return open_promise, failures
        if collector_id in self.field_collector_ids and rng.random() < 0.04:
            code = "PTP" if forced else _pick(rng, FIELD_RESULTS)
            code = "WTP" if code == "PTP" and open_promise is not None else code
            attempt = self._attempt(draft, at, collector_id, code, draft.address, ContactParty.DEBTOR, channel=Channel.FIELD_VISIT)
        else:
            weights = {"responsive": RESPONSIVE, "evasive": EVASIVE, "unreachable": UNREACHABLE}[draft.persona]
            code = "PTP" if forced else _pick(rng, weights)
            if code == "PTP" and open_promise is not None:
                code = "WTP"
            attempt = self._attempt(draft, at, collector_id, code, draft.mobile, ContactParty.DEBTOR)
            if code in UNANSWERED and rng.random() < 0.3 and hour <= 18:  # one retry later that day
                code = _pick(rng, weights)
                code = "WTP" if code == "PTP" else code
                # by 20:59 at the latest, so a LOST_CONTACT note 5 minutes later is still inside 08:00–22:00
                # (contact window, services/compliance.py); per case and day: ≤ 1 connected, ≤ 3 unanswered calls
                retry_at = at + dt.timedelta(hours=rng.randint(1, min(3, 20 - hour)))
                attempt = self._attempt(draft, retry_at, collector_id, code, draft.mobile, ContactParty.DEBTOR)
        if code == "EMPTY_NUMBER":
            draft.mobile.is_valid = False
        failures = failures + 1 if code in UNREACHABLE_CODES else 0
        if failures >= 3 and draft.persona == "unreachable":
            self._attempt(draft, attempt.started_at + dt.timedelta(minutes=5), collector_id, "LOST_CONTACT", draft.mobile, ContactParty.DEBTOR, duration=0)
            case.lost_contact = True
        if attempt.result_code_id == "PTP":
            open_promise = self._promise(draft, attempt, forced)
        return open_promise, failures

    def _attempt(self, draft: CaseDraft, at: dt.datetime, collector_id: int, code: str, point: ContactPoint, party: str,
                 *, channel: str = Channel.PHONE, duration: int | None = None) -> ContactAttempt:
        rng, case = self.rng, draft.case
        result = self.result_codes[code]
        if duration is None:
            duration = rng.randint(45, 420) if result.is_connect else rng.randint(0, 35)
            duration = rng.randint(900, 2400) if channel == Channel.FIELD_VISIT else duration
        next_action = None
        if code == "CALLBACK_REQUESTED":
            next_action = _at(at.astimezone(timezone.get_default_timezone()).date() + dt.timedelta(days=1), rng.randint(10, 19))
        elif code in ("WTP", "RTP", "NSA"):
            next_action = _at(at.astimezone(timezone.get_default_timezone()).date() + dt.timedelta(days=rng.randint(2, 5)), rng.randint(9, 19))
        attempt = ContactAttempt(
            case=case, contact_point=point, actor_id=collector_id, channel=channel, party=party, started_at=at,
            duration_seconds=duration, result_code=result, note=NOTES.get(code, ""), next_action_at=next_action,
            recording_ref=f"rec/{at:%Y%m%d}/{case.pk}-{len(draft.attempts) + 1}.mp3" if channel == Channel.PHONE and result.is_connect else "",
        )
        draft.attempts.append(attempt)
        case.last_contacted_at = at
        if next_action is not None:
            case.next_action_at = next_action
        return attempt

    def _promise(self, draft: CaseDraft, attempt: ContactAttempt, forced: bool) -> PromiseToPay:
        rng, case = self.rng, draft.case
        day = attempt.started_at.astimezone(timezone.get_default_timezone()).date()
        due = self.today if forced else day + dt.timedelta(days=rng.randint(1, 7))
        full = rng.random() < 0.4
        amount = case.overdue_amount if full else max(_money(100), _money(round(float(case.overdue_amount) * rng.uniform(0.2, 0.6), -2)))
        amount = min(amount, case.overdue_amount)
        promise = PromiseToPay(case=case, attempt=attempt, amount=amount, due_date=due, grace_days=self.grace_days,
                               status=PromiseStatus.OPEN, created_by_id=attempt.actor_id)
        attempt.note = NOTES["PTP"].format(due=f"{due:%Y-%m-%d}", amount=f"{amount:,.2f}")
        attempt.next_action_at = _at(due, 10)
        case.next_action_at = attempt.next_action_at
        draft.promises.append(promise)
        return promise

    def _resolve_promise(self, draft: CaseDraft, promise: PromiseToPay, integration: User) -> None:
        """The promise's due date + grace has passed: pay it (kept / partially) or break it."""
        rng = self.rng
        outcome = rng.choices(("kept", "partial", "broken"), weights=(50, 15, 35))[0]
        made_on = promise.attempt.started_at.astimezone(timezone.get_default_timezone()).date()
        paid_on = made_on + dt.timedelta(days=rng.randint(0, max((promise.due_date - made_on).days, 0)))
        if outcome == "kept":
            self._pay(draft, promise.amount, paid_on, integration)
        elif outcome == "partial":
            self._pay(draft, max(CENT, _money(promise.amount * Decimal(str(rng.uniform(0.3, 0.7))))), paid_on, integration)
        if promise.status == PromiseStatus.OPEN:  # not kept by the payments above
            promise_resolve_overdue(promise)
            if promise.status == PromiseStatus.BROKEN:
                draft.broken_dates.append(promise.resolved_on)

    def _pay(self, draft: CaseDraft, amount: Decimal, paid_on: dt.date, integration: User) -> None:
        """A payment from the creditor's system: applied to open promises FIFO (as
        ``promises_apply_payment``) and to the accounts' fees, then interest, then principal,
        so the case totals stay the sums of its accounts."""
        case = draft.case
        amount = min(amount, case.overdue_amount)
        if amount <= 0:
            return
        touched = accounts_apply_payment(draft.accounts, amount=amount)
        payment = Payment(
            case=case, creditor_id=case.creditor_id, account=touched[0] if len(touched) == 1 else None, amount=amount,
            paid_on=paid_on, external_ref=f"PAY{paid_on:%Y%m%d}{case.pk:07d}{len(draft.payments) + 1}",
            source=PaymentSource.API, recorded_by=integration,
        )
        draft.payments.append(payment)
        promises_apply_payment(draft.promises, amount=amount, paid_on=paid_on)
        case.paid_amount += amount
        case.overdue_amount = sum((a.overdue_amount for a in draft.accounts), ZERO)
        case.outstanding_balance = sum((a.outstanding_balance for a in draft.accounts), ZERO)
        if case.overdue_amount == 0:
            case_cure_fields(case, on=paid_on, first_bucket=self.classifier.buckets[0].code)

    def _derive_contact_fields(self, draft: CaseDraft) -> None:
        """A cured case gets no attempts after its cure date; the case's follow-up fields, lost
        contact flag and the mobile's validity follow from the attempts that remain, as
        ``contact_attempt_record`` would have set them."""
        case = draft.case
        if case.cured_on is not None:
            draft.attempts = [a for a in draft.attempts if timezone.localdate(a.started_at) <= case.cured_on]
        draft.attempts.sort(key=lambda a: a.started_at)
        case.last_contacted_at = draft.attempts[-1].started_at if draft.attempts else None
        with_next = [a for a in draft.attempts if a.next_action_at is not None]
        case.next_action_at = with_next[-1].next_action_at if with_next else None
        case.lost_contact = any(a.result_code_id == "LOST_CONTACT" for a in draft.attempts)
        draft.mobile.is_valid = not any(a.result_code_id == "EMPTY_NUMBER" and a.contact_point is draft.mobile for a in draft.attempts)

    def _finish_cases(self, drafts: list[CaseDraft], assignments: dict[int, Assignment]) -> int:
        """Save what the history changed: totals, follow-up fields, lost contact, cures (which end
        the assignment, as ``case_unassign`` does) and the re-evaluated risk tier."""
        ended, cured = [], []
        for draft in drafts:
            case = draft.case
            case.risk_tier, case.tier_rule = self.classifier.tier_for(TierFacts(
                bucket_order=self.classifier.bucket_order(case.bucket), overdue_amount=case.overdue_amount,
                broken_promise_dates=tuple(draft.broken_dates), lost_contact=case.lost_contact, on=self.today,
            ))
            if case.status == CaseStatus.CURED:
                cured.append(case)
                assignment = assignments.get(case.pk)
                if assignment is not None:
                    assignment.ended_at = min(_at(case.cured_on, 18), self.now)
                    ended.append(assignment)
                case.collector_id = None
                case.version += 1
        Assignment.objects.bulk_update(ended, ["ended_at"])
        # Only the fields the history can change, and only on the cases it touched (bulk_update
        # builds one CASE WHEN per field and row: the cost grows with both).
        worked = [d.case for d in drafts if d.attempts]
        Case.objects.bulk_update(
            worked, ["risk_tier", "tier_rule", "lost_contact", "last_contacted_at", "next_action_at", "assigned_at"], batch_size=500,
        )
        Case.objects.bulk_update(
            [d.case for d in drafts if d.payments],
            ["status", "cured_on", "bucket", "bucket_entered_on", "days_past_due", "cycles_delinquent", "overdue_amount",
             "outstanding_balance", "paid_amount", "risk_tier", "tier_rule", "collector", "version"],
            batch_size=500,
        )
        bucket_history_record_cures(cured)
        Case.objects.bulk_update([d.case for d in drafts if d.case.pk in assignments and not d.attempts], ["assigned_at"], batch_size=500)
        Account.objects.bulk_update(
            [a for d in drafts for a in d.accounts if d.payments],
            ["overdue_principal", "overdue_interest", "overdue_fees", "overdue_amount", "outstanding_balance", "is_past_due"],
            batch_size=500,
        )
        ContactPoint.objects.bulk_update([d.mobile for d in drafts if not d.mobile.is_valid], ["is_valid"])
        return len(cured)
