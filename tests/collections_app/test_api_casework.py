"""/api/v1/contact-attempts/ and /api/v1/promises/: security matrix, scoped case references
(out of scope → 404 like a missing case), bodies, filters (started_on local day), query counts."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from collections_app.models import ContactAttempt, PromiseToPay
from collections_app.services import contact_attempt_record, promise_to_pay_create
from common.dates import local_today
from tests.factories import CaseFactory

from .api_fixtures import error_of, other_creditor, world  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

ATTEMPTS = "/api/v1/contact-attempts/"
PROMISES = "/api/v1/promises/"


def _local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args), timezone.get_default_timezone())


def in_contact_window() -> dt.datetime:
    """Yesterday 10:00 Beijing time: inside the contact window (08:00–22:00) and in the past at any wall-clock hour."""
    return timezone.make_aware(dt.datetime.combine(local_today() - dt.timedelta(days=1), dt.time(10)), timezone.get_default_timezone())


def attempt_on(case, actor, **kwargs):
    kwargs.setdefault("started_at", in_contact_window())
    return contact_attempt_record(case=case, actor=actor, channel=kwargs.pop("channel", "phone"), result_code=kwargs.pop("result_code", "NO_ANSWER"), **kwargs)


# --- contact attempts -----------------------------------------------------------------------------

@pytest.fixture
def attempts(world, collector, collector_b, other_collector):
    return {
        "mine": attempt_on(world.mine, collector),
        "team_a": attempt_on(world.team_a, collector_b),
        "team_b": attempt_on(world.team_b, other_collector),
    }


def test_attempts_anonymous_is_401(api_client, attempts):
    assert api_client.get(ATTEMPTS).status_code == 401
    assert api_client.get(f"{ATTEMPTS}{attempts['mine'].pk}/").status_code == 401
    response = api_client.post(ATTEMPTS, {"case": 1, "channel": "phone", "result_code": "PTP"}, format="json")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize("persona", ["hr", "legal"])
def test_attempts_read_by_a_role_without_case_access_is_403(request, api_as, attempts, persona):
    client = api_as(request.getfixturevalue(persona))
    assert client.get(ATTEMPTS).status_code == 403
    assert client.get(f"{ATTEMPTS}{attempts['mine'].pk}/").status_code == 403


@pytest.mark.parametrize("persona", ["director", "administrator", "integration", "hr"])
def test_attempts_recorded_by_a_role_without_the_action_is_403(request, api_as, world, persona):
    response = api_as(request.getfixturevalue(persona)).post(ATTEMPTS, {"case": world.mine.pk, "channel": "phone", "result_code": "NO_ANSWER"}, format="json")
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"
    assert ContactAttempt.objects.count() == 0


@pytest.mark.parametrize(
    "persona, visible",
    [
        ("collector", {"mine"}),
        ("lead", {"mine", "team_a"}),
        ("other_lead", {"team_b"}),
        ("supervisor", {"mine", "team_a", "team_b"}),
        ("integration", {"mine"}),
    ],
)
def test_attempts_list_and_detail_follow_the_case_scope(request, api_as, attempts, persona, visible):
    client = api_as(request.getfixturevalue(persona))
    assert {r["id"] for r in client.get(ATTEMPTS).json()["results"]} == {attempts[n].pk for n in visible}
    for name, attempt in attempts.items():
        assert client.get(f"{ATTEMPTS}{attempt.pk}/").status_code == (200 if name in visible else 404)


def test_collector_records_an_attempt_on_their_own_case(api_as, collector, world):
    with time_machine.travel(in_contact_window() + dt.timedelta(days=1), tick=False):  # started_at defaults to now
        next_action = timezone.now() + dt.timedelta(days=1)
        response = api_as(collector).post(
            ATTEMPTS,
            {"case": world.mine.pk, "channel": "phone", "result_code": "PTP", "duration_seconds": 95, "note": "Will pay Friday",
             "next_action_at": next_action.isoformat()},
            format="json",
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    attempt = ContactAttempt.objects.get()
    assert body["id"] == attempt.pk
    assert body["case"] == world.mine.pk
    assert body["actor"]["id"] == collector.pk
    assert (body["channel"], body["result_code"], body["duration_seconds"], body["note"]) == ("phone", "PTP", 95, "Will pay Friday")
    assert body["party"] == "debtor" and body["direction"] == "outbound"
    world.mine.refresh_from_db()
    assert world.mine.next_action_at == next_action
    assert world.mine.last_contacted_at is not None


@pytest.mark.parametrize("target", ["team_a", "team_b", "missing"])
def test_collector_recording_on_a_case_outside_their_scope_gets_404_like_a_missing_case(api_as, collector, world, target):
    case_id = 999999 if target == "missing" else getattr(world, target).pk
    response = api_as(collector).post(ATTEMPTS, {"case": case_id, "channel": "phone", "result_code": "NO_ANSWER"}, format="json")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": api_as(collector).get("/api/v1/cases/999999/").json()["error"]["message"]}}
    assert ContactAttempt.objects.count() == 0


def test_attempt_with_an_unknown_result_code_is_400_on_the_field(api_as, collector, world):
    response = api_as(collector).post(ATTEMPTS, {"case": world.mine.pk, "channel": "phone", "result_code": "NOPE"}, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["result_code"]


def test_attempt_starting_in_the_future_is_refused_by_the_service_with_the_field(api_as, collector, world):
    response = api_as(collector).post(
        ATTEMPTS, {"case": world.mine.pk, "channel": "phone", "result_code": "NO_ANSWER", "started_at": (timezone.now() + dt.timedelta(hours=2)).isoformat()}, format="json",
    )
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["started_at"]
    assert ContactAttempt.objects.count() == 0


def test_attempt_on_a_closed_case_is_422_case_not_open(api_as, collector, team):
    closed = CaseFactory(team=team, collector=collector, status="closed")
    response = api_as(collector).post(ATTEMPTS, {"case": closed.pk, "channel": "phone", "result_code": "NO_ANSWER"}, format="json")
    assert response.status_code == 422
    assert error_of(response)["code"] == "case_not_open"


def test_attempts_started_on_filter_takes_the_whole_local_day(api_as, supervisor, collector, world):
    in_0030 = ContactAttempt.objects.create(case=world.mine, actor=collector, channel="phone", result_code_id="NO_ANSWER", started_at=_local(2024, 1, 5, 0, 30))
    in_2359 = ContactAttempt.objects.create(case=world.mine, actor=collector, channel="phone", result_code_id="NO_ANSWER", started_at=_local(2024, 1, 5, 23, 59, 59))
    ContactAttempt.objects.create(case=world.mine, actor=collector, channel="phone", result_code_id="NO_ANSWER", started_at=_local(2024, 1, 6, 0, 0))
    ContactAttempt.objects.create(case=world.mine, actor=collector, channel="sms", result_code_id="PTP", started_at=_local(2024, 1, 5, 12, 0))
    client = api_as(supervisor)
    rows = client.get(ATTEMPTS, {"started_on": "2024-01-05", "channel": "phone"}).json()["results"]
    assert {r["id"] for r in rows} == {in_0030.pk, in_2359.pk}
    rows = client.get(ATTEMPTS, {"case": world.mine.pk, "result_code": "PTP"}).json()["results"]
    assert [r["channel"] for r in rows] == ["sms"]


def test_attempts_list_query_count_does_not_grow_with_rows(api_as, lead, collector, world, django_assert_max_num_queries):
    client = api_as(lead)
    attempt_on(world.mine, collector)
    with django_assert_max_num_queries(6) as one:
        assert len(client.get(ATTEMPTS).json()["results"]) == 1
    for _ in range(19):
        attempt_on(world.mine, collector)
    with django_assert_max_num_queries(6) as twenty:
        assert len(client.get(ATTEMPTS).json()["results"]) == 20
    assert len(twenty.captured_queries) == len(one.captured_queries)


# --- promises -------------------------------------------------------------------------------------

def promise_on(case, actor, amount="100.00", days=3):
    return promise_to_pay_create(case=case, actor=actor, amount=Decimal(amount), due_date=local_today() + dt.timedelta(days=days))


@pytest.fixture
def promises(world, collector, collector_b, other_collector):
    return {"mine": promise_on(world.mine, collector), "team_a": promise_on(world.team_a, collector_b), "team_b": promise_on(world.team_b, other_collector)}


def test_promises_anonymous_is_401(api_client, promises):
    assert api_client.get(PROMISES).status_code == 401
    assert api_client.post(PROMISES, {}, format="json").status_code == 401
    assert api_client.post(f"{PROMISES}{promises['mine'].pk}/cancel/", {"reason": "x"}, format="json").status_code == 401


def test_promises_hr_is_403(api_as, hr, promises):
    client = api_as(hr)
    assert client.get(PROMISES).status_code == 403
    assert client.get(f"{PROMISES}{promises['mine'].pk}/").status_code == 403


@pytest.mark.parametrize(
    "persona, visible",
    [("collector", {"mine"}), ("lead", {"mine", "team_a"}), ("other_lead", {"team_b"}), ("director", {"mine", "team_a", "team_b"}), ("integration", {"mine"})],
)
def test_promises_follow_the_case_scope(request, api_as, promises, persona, visible):
    client = api_as(request.getfixturevalue(persona))
    assert {r["id"] for r in client.get(PROMISES).json()["results"]} == {promises[n].pk for n in visible}
    for name, promise in promises.items():
        assert client.get(f"{PROMISES}{promise.pk}/").status_code == (200 if name in visible else 404)


def test_collector_takes_a_promise_on_their_case(api_as, collector, world):
    due = local_today() + dt.timedelta(days=5)
    response = api_as(collector).post(PROMISES, {"case": world.mine.pk, "amount": "1500.50", "due_date": due.isoformat()}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    promise = PromiseToPay.objects.get()
    assert body["id"] == promise.pk
    assert (body["amount"], body["due_date"], body["status"], body["paid_amount"]) == ("1500.50", due.isoformat(), "open", "0.00")
    assert body["created_by"]["id"] == collector.pk
    assert promise.amount == Decimal("1500.50")


@pytest.mark.parametrize("persona", ["director", "integration", "administrator"])
def test_promise_by_a_role_without_the_action_is_403(request, api_as, world, persona):
    response = api_as(request.getfixturevalue(persona)).post(PROMISES, {"case": world.mine.pk, "amount": "10.00", "due_date": local_today().isoformat()}, format="json")
    assert response.status_code == 403


def test_promise_on_another_collectors_case_is_404(api_as, collector, world):
    response = api_as(collector).post(PROMISES, {"case": world.team_a.pk, "amount": "10.00", "due_date": local_today().isoformat()}, format="json")
    assert response.status_code == 404
    assert PromiseToPay.objects.count() == 0


def test_promise_in_the_past_is_400_on_due_date(api_as, collector, world):
    response = api_as(collector).post(PROMISES, {"case": world.mine.pk, "amount": "10.00", "due_date": (local_today() - dt.timedelta(days=1)).isoformat()}, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["due_date"]


def test_lead_cancels_a_promise_with_a_reason(api_as, lead, promises):
    response = api_as(lead).post(f"{PROMISES}{promises['mine'].pk}/cancel/", {"reason": "Taken by mistake"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    promises["mine"].refresh_from_db()
    assert promises["mine"].status == "cancelled"


def test_cancelling_twice_is_422_promise_not_open(api_as, lead, promises):
    client = api_as(lead)
    client.post(f"{PROMISES}{promises['mine'].pk}/cancel/", {"reason": "Mistake"}, format="json")
    response = client.post(f"{PROMISES}{promises['mine'].pk}/cancel/", {"reason": "Again"}, format="json")
    assert response.status_code == 422
    assert error_of(response)["code"] == "promise_not_open"


@pytest.mark.parametrize("persona", ["collector", "director", "integration"])
def test_cancel_by_a_role_without_the_action_is_403(request, api_as, promises, persona):
    response = api_as(request.getfixturevalue(persona)).post(f"{PROMISES}{promises['mine'].pk}/cancel/", {"reason": "x"}, format="json")
    assert response.status_code == 403
    promises["mine"].refresh_from_db()
    assert promises["mine"].status == "open"


def test_cancel_by_the_lead_of_another_team_is_404(api_as, other_lead, promises):
    response = api_as(other_lead).post(f"{PROMISES}{promises['mine'].pk}/cancel/", {"reason": "x"}, format="json")
    assert response.status_code == 404


def test_promises_list_query_count_does_not_grow_with_rows(api_as, supervisor, collector, world, django_assert_max_num_queries):
    client = api_as(supervisor)
    promise_on(world.mine, collector)
    with django_assert_max_num_queries(5) as one:
        assert len(client.get(PROMISES).json()["results"]) == 1
    for i in range(19):
        promise_on(world.mine, collector, days=i + 1)
    with django_assert_max_num_queries(5) as twenty:
        assert len(client.get(PROMISES).json()["results"]) == 20
    assert len(twenty.captured_queries) == len(one.captured_queries)


def test_attempt_notes_are_masked_in_the_api(api_as, collector, world):
    from collections_app.models import ContactAttempt, ResultCode

    ContactAttempt.objects.create(
        case=world.mine, actor=collector, channel="phone", started_at=timezone.now(), result_code=ResultCode.objects.get(code="WTP"),
        note="本人说新号码 13800138000，身份证 11010519491231002X",
    )
    note = api_as(collector).get(ATTEMPTS).json()["results"][0]["note"]
    assert "138****8000" in note and "110105********002X" in note
    assert "13800138000" not in note and "11010519491231002X" not in note
