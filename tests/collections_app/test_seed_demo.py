"""``manage.py seed_demo``: the demo data a new user sees after ``make run``.

Given a fresh database, when the command runs (150 cases to stay quick), then the demo world is
there, valid (ID numbers, mobiles, totals, tiers, buckets), allocated, with history worked by each
case's collector; a second run changes nothing.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone
from knox.models import AuthToken

from collections_app.choices import CaseStatus, ContactKind, PromiseStatus
from collections_app.management.commands.seed_demo import DEFAULT_CASES, DEMO_PASSWORD, DEMO_USERS, Command
from collections_app.models import (
    Account, AllocationRun, Assignment, Case, CaseBucketHistory, ContactAttempt, ContactPoint, Creditor, Debtor, Payment,
    PromiseToPay,
)
from collections_app.services.classification import Classifier, case_classify
from collections_app.services.compliance import CONTACT_POLICY
from common.dates import local_today
from common.validators import id_number_birth_date, id_number_normalize
from teams.choices import Role
from teams.models import CollectorProfile, Department, Membership, Team, User

N_CASES = 150
E164_MOBILE = re.compile(r"^\+861[3-9]\d{9}$")
USERNAMES = ["supervisor", "lead1", "lead2", "lead3", *[f"collector{i}" for i in range(1, 13)], "director", "hr", "legal", "admin", "integration"]
COUNTED = (User, Department, Team, Membership, CollectorProfile, Creditor, Debtor, ContactPoint, Case, Account, CaseBucketHistory,
           Assignment, AllocationRun, ContactAttempt, PromiseToPay, Payment)


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", cases=N_CASES, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded(db) -> str:
    return seed()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_second_run_changes_nothing_and_prints_no_secret(seeded):
    before = counts()
    statuses = dict(Case.objects.values_list("pk", "status"))

    output = seed()

    assert counts() == before
    assert dict(Case.objects.values_list("pk", "status")) == statuses
    assert "nothing to do" in output
    assert before["Case"] == N_CASES + N_CASES // 50  # plus the placement that arrived after the morning allocation
    assert AuthToken.objects.count() == 0  # keys come from `create_api_key`, never from the seed
    assert "create_api_key integration" in seeded


def test_a_placement_arrived_after_the_morning_allocation_awaits_the_supervisor(seeded):
    waiting = Case.objects.filter(status=CaseStatus.OPEN, collector__isnull=True, team__isnull=True)
    assert waiting.count() >= N_CASES // 50
    assert "await allocation" in seeded


def test_default_is_about_two_thousand_cases():
    options = Command().create_parser("manage.py", "seed_demo").parse_args([])

    assert options.cases == DEFAULT_CASES == 2000


def test_refuses_under_production_settings(db, settings):
    from django.core.management.base import CommandError

    settings.SETTINGS_MODULE = "config.settings.production"

    with pytest.raises(CommandError, match="published"):
        seed()
    assert not User.objects.exists() and not Case.objects.exists()


def test_every_demo_login_exists_with_the_demo_password(seeded):
    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}

    assert sorted(users) == sorted(USERNAMES)
    assert all(u.check_password(DEMO_PASSWORD) for u in users.values())
    assert all(u.name and not u.name.isascii() for u in users.values())  # Chinese display names
    assert users["admin"].is_staff and users["admin"].is_superuser and users["admin"].role == Role.ADMINISTRATOR
    assert {users[f"lead{i}"].role for i in (1, 2, 3)} == {Role.TEAM_LEAD}
    assert Team.objects.get(lead=users["lead2"]).buckets == ["M2", "M3"]
    assert set(Creditor.objects.filter(integration_clients=users["integration"]).values_list("code", flat=True)) == {"demo-loan", "demo-card"}
    profiles = CollectorProfile.objects.filter(user__username__startswith="collector")
    assert profiles.count() == 12
    assert profiles.filter(on_leave=True).count() == 1 and profiles.filter(in_onboarding=True).count() == 1
    assert set(profiles.values_list("experience_level", flat=True)) == {"junior", "intermediate", "senior"}
    assert Membership.objects.filter(user__username__startswith="collector", ended_on__isnull=True).count() == 12


def test_logins_prints_only_the_table(db):
    out = StringIO()

    call_command("seed_demo", logins=True, stdout=out)

    lines = out.getvalue().strip().splitlines()
    assert lines[0].split()[:2] == ["username", "name"]
    assert len(lines) == 2 + len(DEMO_USERS) == 2 + len(USERNAMES)
    assert [line.split()[0] for line in lines[2:]] == USERNAMES
    assert all(line.rstrip().endswith(DEMO_PASSWORD) for line in lines[2:])
    assert not Case.objects.exists()  # printing the logins seeds nothing


def test_every_id_number_and_mobile_is_valid(seeded):
    debtors = list(Debtor.objects.all())
    mobiles = list(ContactPoint.objects.filter(kind=ContactKind.MOBILE).values_list("value", flat=True))

    assert debtors and all(id_number_normalize(d.id_number) == d.id_number for d in debtors)
    assert all(d.birth_date == id_number_birth_date(d.id_number) for d in debtors)
    assert all(not d.name.isascii() for d in debtors)
    assert len(mobiles) >= 2 * len(debtors)  # the debtor's own and at least one emergency contact
    assert [m for m in mobiles if not E164_MOBILE.match(m)] == []
    emergency = ContactPoint.objects.filter(party="emergency_contact")
    assert emergency.values("debtor").distinct().count() == len(debtors)  # every debtor has one
    assert not emergency.filter(relation="").exists() and not emergency.filter(contact_name="").exists()


def test_case_totals_are_the_sums_of_their_accounts(seeded):
    sums = {
        row["case_id"]: row
        for row in Account.objects.values("case_id").annotate(
            overdue=Sum("overdue_amount"), outstanding=Sum("outstanding_balance")
        ).order_by()
    }
    cases = list(Case.objects.all())

    assert len(sums) == len(cases)
    assert Account.objects.count() > len(cases)  # some cases group two accounts
    for case in cases:
        assert (case.overdue_amount, case.outstanding_balance) == (sums[case.pk]["overdue"], sums[case.pk]["outstanding"]), case.pk
        assert case.paid_amount == (Payment.objects.filter(case=case).aggregate(s=Sum("amount"))["s"] or Decimal("0.00"))
    for account in Account.objects.all():
        assert account.overdue_principal + account.overdue_interest + account.overdue_fees == account.overdue_amount
        assert min(account.overdue_principal, account.overdue_interest, account.overdue_fees) >= 0
        assert account.outstanding_balance >= account.overdue_amount
    amounts = sorted(c.overdue_amount for c in cases if c.status == CaseStatus.OPEN)
    assert amounts[0] > 0 and amounts[-1] <= Decimal("160000")
    assert Case.objects.filter(bucket="M1").count() > Case.objects.exclude(bucket="M1").count() / 2  # most in M1


def test_bucket_and_tier_are_what_the_classifier_gives(seeded):
    classifier = Classifier.load()
    today = local_today()

    for case in Case.objects.all():
        assert classifier.bucket_for(days_past_due=case.days_past_due) == case.bucket
        assert case_classify(case=case, on=today, classifier=classifier) == [], case.pk
        stays = list(CaseBucketHistory.objects.filter(case=case).order_by("entered_on"))
        assert stays[-1].bucket == case.bucket and stays[-1].left_on is None
        assert stays[-1].entered_on == case.bucket_entered_on and stays[0].bucket == "M1"
    assert Case.objects.filter(bucket__in=["M4", "M5", "M6", "M7+"]).exists()


def test_open_cases_are_allocated_with_one_current_assignment(seeded):
    open_cases = Case.objects.filter(status=CaseStatus.OPEN)
    current = dict(Assignment.objects.filter(ended_at__isnull=True).values_list("case_id", "collector_id"))

    assert open_cases.filter(collector__isnull=False).count() >= 0.95 * open_cases.count()
    assert current == dict(Case.objects.filter(collector__isnull=False).values_list("pk", "collector_id"))
    assert not Case.objects.filter(status=CaseStatus.CURED, pk__in=current).exists()
    assert not Case.objects.filter(collector__collector_profile__on_leave=True).exists()
    assert AllocationRun.objects.get().status == "succeeded"
    for case in Case.objects.filter(collector__isnull=False).select_related("team"):
        assert Membership.objects.filter(user_id=case.collector_id, team=case.team, ended_on__isnull=True).exists()
        assert case.bucket in case.team.buckets


def test_history_is_worked_by_the_assigned_collector(seeded):
    now, today = timezone.now(), local_today()
    assignments = {a.case_id: a for a in Assignment.objects.order_by("assigned_at")}  # the latest per case wins
    attempts = list(ContactAttempt.objects.select_related("case"))

    assert len(attempts) > N_CASES
    for attempt in attempts:
        assignment = assignments[attempt.case_id]
        assert attempt.actor_id == assignment.collector_id
        assert assignment.assigned_at <= attempt.started_at <= now
        assert attempt.created_at == attempt.started_at
        assert 8 <= timezone.localtime(attempt.started_at).hour < 22  # contact window (GB/T 45251—2025)
        if attempt.case.cured_on:
            assert timezone.localdate(attempt.started_at) <= attempt.case.cured_on
    for case in Case.objects.filter(contact_attempts__isnull=False).distinct():
        assert case.last_contacted_at == ContactAttempt.objects.filter(case=case).latest("started_at").started_at
    promises = list(PromiseToPay.objects.select_related("attempt"))
    assert {p.status for p in promises} >= {PromiseStatus.KEPT, PromiseStatus.BROKEN, PromiseStatus.OPEN}
    for promise in promises:
        assert promise.attempt.result_code_id == "PTP" and promise.attempt.case_id == promise.case_id
        assert promise.created_by_id == promise.attempt.actor_id
        if promise.status == PromiseStatus.OPEN:
            assert promise.due_date >= today
        elif promise.status == PromiseStatus.KEPT:
            assert promise.paid_amount >= promise.amount
        elif promise.status == PromiseStatus.BROKEN:
            assert promise.paid_amount == 0 and promise.resolved_on == promise.due_date + dt.timedelta(days=promise.grace_days + 1)
    assert PromiseToPay.objects.filter(status=PromiseStatus.OPEN, due_date=today).exists()  # some due today
    cured = Case.objects.filter(status=CaseStatus.CURED)
    assert all(c.overdue_amount == 0 and c.paid_amount > 0 and c.cured_on for c in cured)


def test_generated_attempts_respect_the_contact_policy(seeded):
    """The bulk-created history obeys services/compliance.py: window, daily limits, third parties."""
    connected, unanswered = Counter(), Counter()
    for attempt in ContactAttempt.objects.select_related("case", "result_code", "contact_point"):
        local = timezone.localtime(attempt.started_at)
        assert CONTACT_POLICY.window_start <= local.time() < CONTACT_POLICY.window_end
        assert attempt.contact_point.party == attempt.party and not attempt.contact_point.do_not_contact
        if attempt.party != "debtor":
            assert attempt.case.lost_contact
        if attempt.channel == "phone":
            if attempt.result_code.is_connect:
                connected[(attempt.case.debtor_id, local.date())] += 1
            else:
                unanswered[(attempt.contact_point_id, local.date())] += 1
    assert connected and max(connected.values()) <= CONTACT_POLICY.max_connected_voice_per_debtor_day
    assert unanswered and max(unanswered.values()) <= CONTACT_POLICY.max_unanswered_per_number_day


def test_seeded_cured_cases_are_in_m0_with_a_closed_bucket_history(seeded):
    from collections_app.models import Case, CaseBucketHistory

    cured = list(Case.objects.filter(status="cured"))
    assert cured
    assert {c.bucket for c in cured} == {"M0"}
    for case in cured[:20]:
        open_stays = list(CaseBucketHistory.objects.filter(case=case, left_on__isnull=True).values_list("bucket", "entered_on"))
        assert open_stays == [("M0", case.cured_on)]
