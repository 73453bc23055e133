"""/api/v1/cases/: list, detail, summary, assign, timeline — security matrix, masking, filters
(QUALITY.md input 7), summary figures, stale-version conflict (input 11), query-count guards."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from collections_app.models import Assignment, Case
from collections_app.services import contact_attempt_record
from common.dates import local_today
from tests.factories import CaseFactory, DebtorFactory

from .api_fixtures import DEBTOR_ID, error_of, other_creditor, world  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

LIST = "/api/v1/cases/"


def detail(case) -> str:
    return f"/api/v1/cases/{case.pk}/"


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


# --- security matrix ------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [LIST, f"{LIST}summary/", "detail", "timeline"])
def test_anonymous_gets_401_in_the_error_shape(api_client, world, url):
    url = {"detail": detail(world.mine), "timeline": detail(world.mine) + "timeline/"}.get(url, url)
    response = api_client.get(url)
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize("persona", ["hr", "legal"])
@pytest.mark.parametrize("url", [LIST, f"{LIST}summary/", "detail", "timeline"])
def test_roles_without_case_access_get_403(request, api_as, world, persona, url):
    url = {"detail": detail(world.mine), "timeline": detail(world.mine) + "timeline/"}.get(url, url)
    response = api_as(request.getfixturevalue(persona)).get(url)
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_administrator_has_no_case_data_even_as_superuser(api_as, administrator, world):
    administrator.is_superuser = True
    administrator.save(update_fields=["is_superuser"])
    client = api_as(administrator)
    assert client.get(LIST).status_code == 403
    assert client.get(detail(world.mine)).status_code == 403


@pytest.mark.parametrize(
    "persona, visible",
    [
        ("collector", {"mine"}),
        ("collector_b", {"team_a"}),
        ("lead", {"mine", "team_a"}),
        ("other_lead", {"team_b"}),
        ("supervisor", {"mine", "team_a", "team_b"}),
        ("other_supervisor", set()),
        ("director", {"mine", "team_a", "team_b"}),
        ("integration", {"mine"}),
    ],
)
def test_list_and_detail_follow_the_scope(request, api_as, world, persona, visible):
    client = api_as(request.getfixturevalue(persona))
    response = client.get(LIST)
    assert response.status_code == 200
    assert ids(response) == {getattr(world, name).pk for name in visible}
    for name in ("mine", "team_a", "team_b"):
        expected = 200 if name in visible else 404
        answer = client.get(detail(getattr(world, name)))
        assert answer.status_code == expected, (persona, name)
        if expected == 404:
            assert error_of(answer)["code"] == "not_found"
            assert client.get(detail(getattr(world, name)) + "timeline/").status_code == 404


def test_out_of_scope_case_answers_like_a_missing_one(api_as, collector, world):
    client = api_as(collector)
    missing = client.get("/api/v1/cases/999999/")
    not_mine = client.get(detail(world.team_b))
    assert missing.status_code == not_mine.status_code == 404
    assert missing.json() == not_mine.json()


# --- bodies: masking, accounts, version --------------------------------------------------------

def test_list_masks_debtor_and_exposes_version_and_amounts_as_strings(api_as, collector, world):
    row = api_as(collector).get(LIST).json()["results"][0]
    assert row["id"] == world.mine.pk
    assert row["debtor"] == {"id": world.mine.debtor_id, "name": "张*", "id_number": "110105********002X"}
    assert row["overdue_amount"] == "3000.00"
    assert row["outstanding_balance"] == "8000.00"
    assert row["version"] == 1
    assert row["bucket"] == "M1"
    assert row["collector"]["username"] == "collector"
    assert row["team"]["code"] == "team-a"
    assert row["creditor"]["code"] == "zhongyin-cf"
    assert DEBTOR_ID not in str(row) and "张三" not in str(row)


def test_detail_nests_accounts_and_masks_contact_points(api_as, collector, world):
    body = api_as(collector).get(detail(world.mine)).json()
    assert [a["account_number"] for a in body["accounts"]] == ["ACC-MINE-1", "ACC-MINE-2"]
    assert body["accounts"][0]["overdue_amount"] == "2000.00"
    assert body["debtor"]["name"] == "张*"
    assert body["debtor"]["id_number"] == "110105********002X"
    assert [c["value"] for c in body["debtor"]["contact_points"]] == ["138****8000"]
    assert "13800138000" not in str(body) and DEBTOR_ID not in str(body)
    assert "birth_date" not in body["debtor"]


# --- filters (QUALITY.md input 7) -------------------------------------------------------------

def _local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args), timezone.get_default_timezone())


def test_next_action_on_takes_the_whole_local_day_and_nothing_of_the_next(api_as, supervisor, team):
    at_0030 = CaseFactory(team=team, next_action_at=_local(2024, 1, 5, 0, 30))
    at_235959 = CaseFactory(team=team, next_action_at=_local(2024, 1, 5, 23, 59, 59))
    CaseFactory(team=team, next_action_at=_local(2024, 1, 6, 0, 0))
    CaseFactory(team=team, next_action_at=_local(2024, 1, 4, 23, 59, 59))
    response = api_as(supervisor).get(LIST, {"next_action_on": "2024-01-05"})
    assert response.status_code == 200
    assert ids(response) == {at_0030.pk, at_235959.pk}


def test_next_action_before_and_after_take_iso_datetimes(api_as, supervisor, team):
    early = CaseFactory(team=team, next_action_at=_local(2024, 1, 5, 9, 0))
    late = CaseFactory(team=team, next_action_at=_local(2024, 1, 5, 18, 0))
    client = api_as(supervisor)
    assert ids(client.get(LIST, {"next_action_before": "2024-01-05T12:00:00+08:00"})) == {early.pk}
    assert ids(client.get(LIST, {"next_action_after": "2024-01-05T12:00:00+08:00"})) == {late.pk}


def test_filters_by_bucket_tier_status_dpd_and_amount(api_as, supervisor, team, collector):
    hit = CaseFactory(team=team, collector=collector, bucket="M2", risk_tier="high", days_past_due=45, overdue_amount=Decimal("12000.00"))
    CaseFactory(team=team, bucket="M2", risk_tier="low", days_past_due=45, overdue_amount=Decimal("12000.00"))
    CaseFactory(team=team, bucket="M1", risk_tier="high", days_past_due=10, overdue_amount=Decimal("12000.00"))
    CaseFactory(team=team, bucket="M2", risk_tier="high", days_past_due=45, overdue_amount=Decimal("500.00"))
    CaseFactory(team=team, bucket="M2", risk_tier="high", days_past_due=45, overdue_amount=Decimal("12000.00"), status="closed")
    query = {"bucket": "M2", "risk_tier": "high", "status": "open", "dpd_min": 31, "dpd_max": 60, "amount_min": "10000", "collector": collector.pk, "team": team.pk}
    assert ids(api_as(supervisor).get(LIST, query)) == {hit.pk}


def test_an_invalid_filter_is_a_400_naming_the_filter(api_as, supervisor, world):
    response = api_as(supervisor).get(LIST, {"next_action_on": "05/01/2024"})
    assert response.status_code == 400
    assert "next_action_on" in error_of(response)["fields"]


def test_filtering_by_a_collector_outside_the_scope_is_refused(api_as, lead, world, other_collector):
    response = api_as(lead).get(LIST, {"collector": other_collector.pk})
    assert response.status_code == 400
    assert "collector" in error_of(response)["fields"]


# --- summary --------------------------------------------------------------------------------------

def test_summary_counts_open_cases_per_bucket_and_tier_with_the_list_filters(api_as, supervisor, team, other_team):
    CaseFactory(team=team, bucket="M1", risk_tier="low", outstanding_balance=Decimal("100.10"), overdue_amount=Decimal("50.05"))
    CaseFactory(team=team, bucket="M1", risk_tier="high", outstanding_balance=Decimal("0.35"), overdue_amount=Decimal("0.35"))
    CaseFactory(team=other_team, bucket="M3", risk_tier="high", outstanding_balance=Decimal("1000.00"), overdue_amount=Decimal("900.00"))
    CaseFactory(team=team, bucket="M1", status="cured", outstanding_balance=Decimal("999.00"))
    client = api_as(supervisor)

    body = client.get(f"{LIST}summary/").json()
    assert body["basis"] == "open cases"
    assert body["total"] == {"count": 3, "outstanding_balance": "1100.45", "overdue_amount": "950.40"}
    assert body["by_bucket"] == [
        {"bucket": "M1", "count": 2, "outstanding_balance": "100.45", "overdue_amount": "50.40"},
        {"bucket": "M3", "count": 1, "outstanding_balance": "1000.00", "overdue_amount": "900.00"},
    ]
    assert [(r["risk_tier"], r["count"], r["outstanding_balance"]) for r in body["by_tier"]] == [("high", 2, "1000.35"), ("low", 1, "100.10")]

    filtered = client.get(f"{LIST}summary/", {"team": team.pk}).json()
    assert filtered["total"] == {"count": 2, "outstanding_balance": "100.45", "overdue_amount": "50.40"}


def test_summary_only_counts_the_callers_scope(api_as, collector, world):
    body = api_as(collector).get(f"{LIST}summary/").json()
    assert body["total"] == {"count": 1, "outstanding_balance": "8000.00", "overdue_amount": "3000.00"}


def test_summary_with_an_invalid_filter_is_a_400(api_as, supervisor, world):
    response = api_as(supervisor).get(f"{LIST}summary/", {"dpd_min": "many"})
    assert response.status_code == 400
    assert "dpd_min" in error_of(response)["fields"]


# --- assign -------------------------------------------------------------------------------------

def assign(client, case, collector, *, version, note="Hard case for a senior"):
    return client.post(f"{detail(case)}assign/", {"collector": collector.pk, "note": note, "expected_version": version}, format="json")


def test_assign_anonymous_is_401(api_client, world, collector_b):
    assert assign(api_client, world.mine, collector_b, version=1).status_code == 401


@pytest.mark.parametrize("persona", ["collector", "director", "hr", "legal", "integration"])
def test_assign_by_a_role_without_the_action_is_403(request, api_as, world, collector_b, persona):
    response = assign(api_as(request.getfixturevalue(persona)), world.mine, collector_b, version=1)
    assert response.status_code == 403
    assert Assignment.objects.count() == 0


def test_assign_a_case_of_another_team_is_404(api_as, lead, world, collector_b):
    response = assign(api_as(lead), world.team_b, collector_b, version=1)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_lead_reassigns_inside_the_team_and_gets_the_assignment(api_as, lead, world, collector, collector_b):
    response = assign(api_as(lead), world.mine, collector_b, version=1)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["case"] == world.mine.pk
    assert body["collector"]["id"] == collector_b.pk
    assert body["previous_collector"]["id"] == collector.pk
    assert body["assigned_by"]["id"] == lead.pk
    assert body["reason"] == "manual"
    assert body["note"] == "Hard case for a senior"
    assert body["case_version"] == 2
    world.mine.refresh_from_db()
    assert (world.mine.collector_id, world.mine.version) == (collector_b.pk, 2)


def test_assign_with_a_stale_version_is_409_and_writes_nothing(api_as, lead, supervisor, world, collector_b, collector):
    """QUALITY.md input 11, sequentially: both read version 1; the supervisor wins, the lead's
    assignment with version 1 is refused with the current version."""
    assert api_as(lead).get(detail(world.mine)).json()["version"] == 1
    assert assign(api_as(supervisor), world.mine, collector_b, version=1).status_code == 200

    response = assign(api_as(lead), world.mine, collector, version=1)
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "stale_case_version"
    assert error["current_version"] == 2
    assert Assignment.objects.filter(case=world.mine).count() == 1
    world.mine.refresh_from_db()
    assert world.mine.collector_id == collector_b.pk


def test_assign_without_a_reason_is_422_naming_the_rule(api_as, lead, world, collector_b):
    response = assign(api_as(lead), world.mine, collector_b, version=1, note="  ")
    assert response.status_code == 422
    assert error_of(response)["code"] == "manual_reassignment_needs_reason"


def test_assign_to_someone_who_is_not_a_collector_is_422(api_as, supervisor, lead, world):
    response = assign(api_as(supervisor), world.mine, lead, version=1)
    assert response.status_code == 422
    assert error_of(response)["code"] == "assignee_not_collector"


def test_assign_to_a_collector_outside_the_leads_scope_is_400_on_the_field(api_as, lead, world, other_collector):
    response = assign(api_as(lead), world.mine, other_collector, version=1)
    assert response.status_code == 400
    assert "collector" in error_of(response)["fields"]


def test_assign_needs_the_expected_version(api_as, lead, world, collector_b):
    response = api_as(lead).post(f"{detail(world.mine)}assign/", {"collector": collector_b.pk, "note": "x"}, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["expected_version"]


# --- timeline -------------------------------------------------------------------------------------

def test_timeline_lists_the_case_history_newest_first(api_as, collector, world):
    yesterday_10am = timezone.make_aware(dt.datetime.combine(local_today() - dt.timedelta(days=1), dt.time(10)), timezone.get_default_timezone())
    contact_attempt_record(case=world.mine, actor=collector, channel="phone", result_code="NO_ANSWER", started_at=yesterday_10am)  # inside 08:00–22:00
    body = api_as(collector).get(detail(world.mine) + "timeline/").json()
    assert [e["kind"] for e in body] == ["attempt"]
    assert body[0]["data"]["result_code"] == "NO_ANSWER"
    assert body[0]["data"]["channel"] == "phone"


# --- query counts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["supervisor", "lead", "integration"])
def test_case_list_query_count_does_not_grow_with_rows(request, api_as, team, creditor, django_assert_max_num_queries, persona):
    user = request.getfixturevalue(persona)
    client = api_as(user)

    def make(n):
        from tests.factories import make_collector

        for i in range(n):
            CaseFactory(team=team, creditor=creditor, collector=make_collector(team, username=f"qc-{persona}-{Case.objects.count()}-{i}"), debtor=DebtorFactory())

    make(1)
    with django_assert_max_num_queries(6) as one:
        assert len(client.get(LIST).json()["results"]) == 1
    make(19)
    with django_assert_max_num_queries(6) as twenty:
        assert len(client.get(LIST).json()["results"]) == 20
    assert len(twenty.captured_queries) == len(one.captured_queries)


def test_case_detail_query_count_does_not_grow_with_accounts(api_as, supervisor, world, django_assert_max_num_queries):
    from tests.factories import AccountFactory, ContactPointFactory

    client = api_as(supervisor)
    with django_assert_max_num_queries(6) as few:
        client.get(detail(world.mine))
    for i in range(10):
        AccountFactory(case=world.mine, account_number=f"ACC-MORE-{i}")
        ContactPointFactory(debtor=world.mine.debtor)
    with django_assert_max_num_queries(6) as many:
        assert len(client.get(detail(world.mine)).json()["accounts"]) == 12
    assert len(many.captured_queries) == len(few.captured_queries)


def test_creditor_filter_takes_the_creditor_code_as_request_bodies_do(api_as, supervisor, world, creditor):
    response = api_as(supervisor).get(LIST, {"creditor": creditor.code})
    assert response.status_code == 200
    assert ids(response) == {world.mine.pk}
