"""Work-queue order and keyset pagination, timeline, summary, visible_to matrix."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from collections_app.models import Case
from collections_app.selectors import case_summary, case_timeline, work_queue, work_queue_page
from collections_app.services import contact_attempt_record, promise_to_pay_create
from common.dates import local_day_bounds, local_today
from tests.factories import CaseFactory, CreditorFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_queue_orders_promise_due_then_callback_then_new_then_tier_and_amount(team, collector):
    today = local_today()
    contacted = timezone.now() - dt.timedelta(days=2)
    low_small = CaseFactory(team=team, collector=collector, last_contacted_at=contacted, overdue_amount=Decimal("10"))
    high = CaseFactory(team=team, collector=collector, last_contacted_at=contacted, risk_tier="high", overdue_amount=Decimal("5"))
    low_big = CaseFactory(team=team, collector=collector, last_contacted_at=contacted, overdue_amount=Decimal("900"))
    new = CaseFactory(team=team, collector=collector)
    callback = CaseFactory(team=team, collector=collector, last_contacted_at=contacted, next_action_at=local_day_bounds(today)[0] + dt.timedelta(hours=12))  # due today, whatever the clock
    promised = CaseFactory(team=team, collector=collector, last_contacted_at=contacted)
    promise_to_pay_create(case=promised, actor=collector, amount=Decimal("100"), due_date=today)
    CaseFactory(team=team)  # someone else's case is not in the queue

    order = [c.pk for c in work_queue(user=collector)]
    assert order == [promised.pk, callback.pk, new.pk, high.pk, low_big.pk, low_small.pk]


def test_queue_keyset_pages_cover_every_case_once(team, collector):
    for i in range(7):
        CaseFactory(team=team, collector=collector, overdue_amount=Decimal(100 + (i % 3)))
    seen, cursor = [], None
    while True:
        page = work_queue_page(queryset=work_queue(user=collector), after=cursor, size=3)
        seen += [c.pk for c in page.cases]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(Case.objects.filter(collector=collector).values_list("pk", flat=True))
    assert len(seen) == len(set(seen)) == 7


def test_timeline_merges_attempts_and_promises_newest_first(team, collector):
    case = CaseFactory(team=team, collector=collector)
    yesterday_10am = timezone.make_aware(dt.datetime.combine(local_today() - dt.timedelta(days=1), dt.time(10)), timezone.get_default_timezone())
    attempt = contact_attempt_record(case=case, actor=collector, channel="phone", result_code="PTP", started_at=yesterday_10am)  # inside 08:00–22:00
    promise = promise_to_pay_create(case=case, actor=collector, amount=Decimal("50"), due_date=local_today(), attempt=attempt)
    kinds = [(e.kind, e.obj.pk) for e in case_timeline(case=case)]
    assert kinds[:2] == [("promise", promise.pk), ("attempt", attempt.pk)]


def test_summary_counts_and_balances_per_bucket_and_tier(team, supervisor):
    CaseFactory(team=team, bucket="M1", outstanding_balance=Decimal("100.00"))
    CaseFactory(team=team, bucket="M1", outstanding_balance=Decimal("50.50"), risk_tier="high")
    CaseFactory(team=team, bucket="M3", outstanding_balance=Decimal("10.00"), status="cured")
    summary = case_summary(user=supervisor)
    assert summary["total"]["count"] == 2
    assert summary["by_bucket"] == [{"bucket": "M1", "count": 2, "outstanding_balance": Decimal("150.50"), "overdue_amount": Decimal("6000.00")}]
    assert [(r["risk_tier"], r["count"]) for r in summary["by_tier"]] == [("high", 1), ("low", 1)]


@pytest.mark.parametrize(
    "persona, sees",
    [
        ("collector", {"mine"}),
        ("collector_b", set()),
        ("lead", {"mine", "team_a"}),
        ("other_lead", {"team_b"}),
        ("supervisor", {"mine", "team_a", "team_b", "unallocated"}),
        ("other_supervisor", {"unallocated", "other_dept"}),
        ("director", {"mine", "team_a", "team_b", "unallocated", "other_dept"}),
        ("administrator", set()),  # configuration and audit log only (PRODUCT.md)
        ("hr", set()),
        ("legal", set()),
        ("integration", {"mine", "team_a", "team_b", "unallocated"}),
    ],
)
def test_case_visible_to_matrix(request, persona, sees, team, other_team, collector, creditor):
    cases = {
        "mine": CaseFactory(team=team, collector=collector, creditor=creditor),
        "team_a": CaseFactory(team=team, creditor=creditor),
        "team_b": CaseFactory(team=other_team, creditor=creditor),
        "unallocated": CaseFactory(team=None, creditor=creditor),
    }
    other_dept_team = TeamFactory(department=request.getfixturevalue("other_department"), code="team-x")
    cases["other_dept"] = CaseFactory(team=other_dept_team, creditor=CreditorFactory(code="other-lender"))
    user = request.getfixturevalue(persona)
    request.getfixturevalue("collector_b")
    visible = set(Case.objects.visible_to(user).values_list("pk", flat=True))
    assert visible == {cases[name].pk for name in sees}
