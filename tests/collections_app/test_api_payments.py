"""/api/v1/payments/: security matrix, decimal inputs (QUALITY.md input 9), Idempotency-Key
(input 10) and external_ref idempotency, query counts."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from collections_app.models import Payment
from collections_app.services import payment_record
from common.dates import local_today

from .api_fixtures import error_of, other_creditor, world  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

PAYMENTS = "/api/v1/payments/"


def body_for(case, amount="100.00", **extra):
    return {"case": case.pk, "amount": amount, "paid_on": local_today().isoformat(), **extra}


@pytest.fixture
def payments(world, administrator):
    today = local_today()
    return {
        name: payment_record(case=getattr(world, name), amount=Decimal("10.00"), paid_on=today, actor=administrator, source="manual")[0]
        for name in ("mine", "team_a", "team_b")
    }


# --- security matrix ------------------------------------------------------------------------------

def test_anonymous_is_401(api_client, world):
    assert api_client.get(PAYMENTS).status_code == 401
    response = api_client.post(PAYMENTS, body_for(world.mine), format="json")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize("persona", ["collector", "lead", "director", "hr", "legal"])
def test_recording_by_a_role_without_the_action_is_403(request, api_as, world, persona):
    response = api_as(request.getfixturevalue(persona)).post(PAYMENTS, body_for(world.mine), format="json")
    assert response.status_code == 403
    assert Payment.objects.count() == 0


@pytest.mark.parametrize("persona", ["hr", "legal"])
def test_reading_by_a_role_without_case_access_is_403(request, api_as, payments, persona):
    client = api_as(request.getfixturevalue(persona))
    assert client.get(PAYMENTS).status_code == 403
    assert client.get(f"{PAYMENTS}{payments['mine'].pk}/").status_code == 403


@pytest.mark.parametrize(
    "persona, visible",
    [("collector", {"mine"}), ("lead", {"mine", "team_a"}), ("other_lead", {"team_b"}), ("supervisor", {"mine", "team_a", "team_b"}), ("integration", {"mine"})],
)
def test_list_and_detail_follow_the_case_scope(request, api_as, payments, persona, visible):
    client = api_as(request.getfixturevalue(persona))
    assert {r["id"] for r in client.get(PAYMENTS).json()["results"]} == {payments[n].pk for n in visible}
    for name, payment in payments.items():
        assert client.get(f"{PAYMENTS}{payment.pk}/").status_code == (200 if name in visible else 404)


def test_integration_client_pays_only_on_its_creditors_cases(api_as, integration, world):
    client = api_as(integration)
    assert client.post(PAYMENTS, body_for(world.team_b), format="json").status_code == 404
    response = client.post(PAYMENTS, body_for(world.mine, "250.00", external_ref="BANK-1"), format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["case"], body["amount"], body["external_ref"], body["source"]) == (world.mine.pk, "250.00", "BANK-1", "api")
    assert body["recorded_by"]["id"] == integration.pk
    assert body["creditor"] == world.mine.creditor_id
    world.mine.refresh_from_db()
    assert world.mine.overdue_amount == Decimal("2750.00")


# --- QUALITY.md input 9: decimals -------------------------------------------------------------

@pytest.mark.parametrize("amount", ["0.35", 0.35])
def test_amount_0_35_is_accepted_as_0_35(api_as, supervisor, world, amount):
    response = api_as(supervisor).post(PAYMENTS, body_for(world.mine, amount), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == "0.35"
    assert Payment.objects.get().amount == Decimal("0.35")


@pytest.mark.parametrize("amount", ["1234.565", 1234.565, "200000000000.0", 200000000000.0, "0", "-5.00", "abc"])
def test_amounts_with_three_places_too_many_digits_or_not_positive_are_400_on_amount(api_as, supervisor, world, amount):
    response = api_as(supervisor).post(PAYMENTS, body_for(world.mine, amount), format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert list(error["fields"]) == ["amount"]
    assert Payment.objects.count() == 0


def test_a_payment_dated_in_the_future_is_400_on_paid_on(api_as, supervisor, world):
    response = api_as(supervisor).post(PAYMENTS, {**body_for(world.mine), "paid_on": (local_today() + dt.timedelta(days=1)).isoformat()}, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["paid_on"]


# --- QUALITY.md input 10: idempotency ---------------------------------------------------------

def test_same_idempotency_key_twice_creates_one_payment_and_returns_it_again(api_as, integration, world):
    client = api_as(integration)
    first = client.post(PAYMENTS, body_for(world.mine, "300.00"), format="json", HTTP_IDEMPOTENCY_KEY="key-123")
    second = client.post(PAYMENTS, body_for(world.mine, "300.00"), format="json", HTTP_IDEMPOTENCY_KEY="key-123")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert Payment.objects.count() == 1
    world.mine.refresh_from_db()
    assert world.mine.paid_amount == Decimal("300.00")


def test_same_idempotency_key_with_another_body_is_409(api_as, integration, world):
    client = api_as(integration)
    assert client.post(PAYMENTS, body_for(world.mine, "300.00"), format="json", HTTP_IDEMPOTENCY_KEY="key-9").status_code == 201
    response = client.post(PAYMENTS, body_for(world.mine, "301.00"), format="json", HTTP_IDEMPOTENCY_KEY="key-9")
    assert response.status_code == 409
    assert error_of(response)["code"] == "idempotency_key_reused"
    assert Payment.objects.count() == 1


def test_the_same_key_from_another_client_is_another_payment(api_as, integration, supervisor, world):
    assert api_as(integration).post(PAYMENTS, body_for(world.mine), format="json", HTTP_IDEMPOTENCY_KEY="shared").status_code == 201
    assert api_as(supervisor).post(PAYMENTS, body_for(world.mine), format="json", HTTP_IDEMPOTENCY_KEY="shared").status_code == 201
    assert Payment.objects.count() == 2


def test_without_a_key_two_posts_are_two_payments(api_as, supervisor, world):
    client = api_as(supervisor)
    assert client.post(PAYMENTS, body_for(world.mine), format="json").status_code == 201
    assert client.post(PAYMENTS, body_for(world.mine), format="json").status_code == 201
    assert Payment.objects.count() == 2


def test_an_idempotency_key_longer_than_100_characters_is_400(api_as, supervisor, world):
    response = api_as(supervisor).post(PAYMENTS, body_for(world.mine), format="json", HTTP_IDEMPOTENCY_KEY="k" * 101)
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["Idempotency-Key"]


def test_same_external_ref_is_idempotent_too(api_as, integration, world):
    client = api_as(integration)
    first = client.post(PAYMENTS, body_for(world.mine, external_ref="BANK-77"), format="json")
    second = client.post(PAYMENTS, body_for(world.mine, external_ref="BANK-77"), format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert Payment.objects.count() == 1


def test_an_external_ref_used_on_a_case_the_caller_cannot_see_is_409_without_showing_it(api_as, administrator, supervisor, team, other_department, creditor):
    from tests.factories import CaseFactory, TeamFactory

    foreign_team = TeamFactory(department=other_department)
    hidden = CaseFactory(creditor=creditor, team=foreign_team)
    visible = CaseFactory(creditor=creditor, team=team)
    payment_record(case=hidden, amount=Decimal("5.00"), paid_on=local_today(), actor=administrator, external_ref="REF-X")
    response = api_as(supervisor).post(PAYMENTS, body_for(visible, external_ref="REF-X"), format="json")
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "external_ref_taken"
    assert str(hidden.pk) not in error["message"]


# --- query counts ---------------------------------------------------------------------------------

def test_list_query_count_does_not_grow_with_rows(api_as, lead, administrator, world, django_assert_max_num_queries):
    client = api_as(lead)
    today = local_today()
    payment_record(case=world.mine, amount=Decimal("1.00"), paid_on=today, actor=administrator, source="manual")
    with django_assert_max_num_queries(6) as one:
        assert len(client.get(PAYMENTS).json()["results"]) == 1
    for i in range(19):
        payment_record(case=world.team_a, amount=Decimal("1.00"), paid_on=today - dt.timedelta(days=i % 10), actor=administrator, source="manual")
    with django_assert_max_num_queries(6) as twenty:
        assert len(client.get(PAYMENTS).json()["results"]) == 20
    assert len(twenty.captured_queries) == len(one.captured_queries)
