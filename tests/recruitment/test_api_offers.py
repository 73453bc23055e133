"""/api/v1/offers/: security matrix (anonymous 401; collectors, legal, administrators, job boards
and leads 403; a supervisor of another department 404), HR drafts (Labour Contract Law art. 19–20,
wage decimals), negotiation history, approval outside the salary range, send, answer, withdraw."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from common.dates import local_today
from recruitment.choices import OfferStatus, StageKind
from recruitment.models import Offer

from .api_fixtures import error_of, ids, rworld, token_client  # noqa: F401 - fixtures
from .factories import make_application

pytestmark = pytest.mark.django_db

LIST = "/api/v1/offers/"
OTHER_ID = "11010519490108002X"


def detail(offer, verb: str = "") -> str:
    return f"{LIST}{offer.pk}/" + (f"{verb}/" if verb else "")


def offer_body(application, **overrides) -> dict:
    today = local_today()
    body = {
        "application": application.pk, "monthly_wage": "6500.00", "contract_months": 36, "probation_months": 3,
        "probation_wage": "5200.00", "start_on": (today + dt.timedelta(days=30)).isoformat(),
        "expires_on": (today + dt.timedelta(days=10)).isoformat(), "note": "含绩效奖金",
    }
    body.update(overrides)
    return body


@pytest.fixture
def ready(rworld):
    """``other_app`` with a valid ID number (required from the offer on)."""
    candidate = rworld.other_app.candidate
    candidate.id_number = OTHER_ID
    candidate.save(update_fields=["id_number"])
    return rworld


def _call(client, verb: str, rworld):
    offer = rworld.offer
    if verb == "list":
        return client.get(LIST)
    if verb == "retrieve":
        return client.get(detail(offer))
    if verb == "create":
        return client.post(LIST, offer_body(rworld.other_app), format="json")
    body = {"counter": {"party": "candidate", "monthly_wage": "9500.00"}, "decide": {"accepted": True}}.get(verb, {})
    return client.post(detail(offer, verb), body, format="json")


ALL_VERBS = ["list", "retrieve", "create", "counter", "approve", "send", "decide", "withdraw"]


# --- security matrix ------------------------------------------------------------------------------

@pytest.mark.parametrize("verb", ALL_VERBS)
def test_anonymous_gets_401(api_client, rworld, verb):
    response = _call(api_client, verb, rworld)
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize("persona", ["collector", "legal", "administrator", "lead"])
@pytest.mark.parametrize("verb", ALL_VERBS)
def test_roles_without_offer_access_get_403(request, api_as, rworld, persona, verb):
    response = _call(api_as(request.getfixturevalue(persona)), verb, rworld)
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"
    rworld.offer.refresh_from_db()
    assert rworld.offer.status == OfferStatus.PENDING_APPROVAL and rworld.offer.proposals.count() == 1


@pytest.mark.parametrize("verb", ALL_VERBS)
def test_a_job_board_key_gets_403(token_for, integration, rworld, verb):
    assert _call(token_client(token_for(integration)), verb, rworld).status_code == 403


@pytest.mark.parametrize("verb", ["create", "counter", "send", "decide", "withdraw"])
def test_an_approver_only_approves(api_as, supervisor, rworld, verb):
    response = _call(api_as(supervisor), verb, rworld)
    assert response.status_code == 403


@pytest.mark.parametrize("verb", ["retrieve", "approve"])
def test_a_supervisor_of_another_department_gets_404(api_as, other_supervisor, rworld, verb):
    client = api_as(other_supervisor)
    assert ids(client.get(LIST)) == set()
    response = _call(client, verb, rworld)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    rworld.offer.refresh_from_db()
    assert rworld.offer.approved_by is None


def test_an_approver_reads_the_offer_with_its_history(api_as, supervisor, rworld):
    client = api_as(supervisor)
    assert ids(client.get(LIST)) == {rworld.offer.pk}
    body = client.get(detail(rworld.offer)).json()
    assert body["candidate_name"] == "王小明"
    assert body["monthly_wage"] == "9000.00"
    assert body["posting"]["salary_max"] == "8000.00"
    assert body["team"]["name"] == "A组"
    assert body["needs_approval"] is True and body["status"] == "pending_approval"
    assert [(p["party"], p["monthly_wage"]) for p in body["proposals"]] == [("company", "9000.00")]


@pytest.mark.parametrize("persona", ["supervisor", "director"])
def test_the_supervisor_or_a_director_approves_then_hr_sends(request, api_as, hr, rworld, persona):
    approver = request.getfixturevalue(persona)
    hr_client = api_as(hr)
    refused = hr_client.post(detail(rworld.offer, "send"), {}, format="json")
    assert refused.status_code == 422
    assert error_of(refused)["code"] == "offer_approval_missing"
    approved = api_as(approver).post(detail(rworld.offer, "approve"), {}, format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["approved_by"]["username"] == approver.username
    sent = hr_client.post(detail(rworld.offer, "send"), {}, format="json")
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == "sent"


def test_hr_lists_offers_and_filters_by_status(api_as, hr, ready):
    client = api_as(hr)
    created = client.post(LIST, offer_body(ready.other_app), format="json").json()
    assert ids(client.get(LIST)) == {ready.offer.pk, created["id"]}
    assert ids(client.get(LIST, {"status": "draft"})) == {created["id"]}


def test_list_query_count_is_flat(api_as, hr, rworld, django_assert_max_num_queries):
    today = local_today()
    for i in range(6):
        app = make_application(rworld.posting, name=f"候选人{i}")
        Offer.objects.create(
            application=app, monthly_wage=Decimal("6000.00"), start_on=today + dt.timedelta(days=20),
            expires_on=today + dt.timedelta(days=5), created_by=hr,
        )
    with django_assert_max_num_queries(3):
        response = api_as(hr).get(LIST)
    assert len(response.json()["results"]) == 7


# --- drafting -------------------------------------------------------------------------------------

def test_hr_drafts_an_offer_within_the_range(api_as, hr, ready):
    response = api_as(hr).post(LIST, offer_body(ready.other_app), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["needs_approval"] is False
    assert body["monthly_wage"] == "6500.00" and body["probation_wage"] == "5200.00"
    assert body["contract_months"] == 36 and body["probation_months"] == 3
    assert [(p["party"], p["monthly_wage"], p["note"]) for p in body["proposals"]] == [("company", "6500.00", "含绩效奖金")]
    ready.other_app.refresh_from_db()
    assert ready.other_app.stage.kind == StageKind.OFFER


def test_a_wage_outside_the_range_needs_approval(api_as, hr, ready):
    body = api_as(hr).post(LIST, offer_body(ready.other_app, monthly_wage="8800.00", probation_wage="7040.00"), format="json").json()
    assert body["needs_approval"] is True and body["status"] == "pending_approval"


@pytest.mark.parametrize("value", ["6500.123", "123456789.00", "abc", "0"])
def test_a_wage_with_three_decimals_or_too_many_digits_is_400(api_as, hr, ready, value):
    response = api_as(hr).post(LIST, offer_body(ready.other_app, monthly_wage=value), format="json")
    assert response.status_code == 400
    assert "monthly_wage" in error_of(response)["fields"]
    assert not Offer.objects.filter(application=ready.other_app).exists()


def test_a_two_decimal_json_number_is_taken_as_is(api_as, hr, ready):
    response = api_as(hr).post(LIST, offer_body(ready.other_app, monthly_wage=6500.35, probation_wage=5200.28), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["monthly_wage"] == "6500.35"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"contract_months": 12, "probation_months": 3}, "probation_months"),   # ≤ 2 months for 1–3 years (art. 19)
        ({"contract_months": 6, "probation_months": 2}, "probation_months"),    # ≤ 1 month under a year
        ({"probation_wage": "5000.00"}, "probation_wage"),                      # < 80 % of 6,500 (art. 20)
    ],
)
def test_probation_against_the_labour_contract_law_is_400(api_as, hr, ready, overrides, field):
    response = api_as(hr).post(LIST, offer_body(ready.other_app, **overrides), format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert field in error["fields"]
    assert "19" in error["fields"][field][0] or "20" in error["fields"][field][0]
    assert not Offer.objects.filter(application=ready.other_app).exists()


def test_a_second_open_offer_is_422(api_as, hr, ready):
    response = api_as(hr).post(LIST, offer_body(ready.app), format="json")
    assert response.status_code == 422
    assert error_of(response)["code"] == "open_offer_exists"


def test_an_unknown_application_is_404(api_as, hr, ready):
    body = offer_body(ready.other_app)
    body["application"] = ready.other_app.pk + 1000
    response = api_as(hr).post(LIST, body, format="json")
    assert response.status_code == 404


# --- negotiation and answer -----------------------------------------------------------------------

def test_counter_offers_are_kept_as_a_history(api_as, hr, rworld):
    client = api_as(hr)
    countered = client.post(detail(rworld.offer, "counter"), {"party": "candidate", "monthly_wage": "9500.00", "note": "期望更高"}, format="json")
    assert countered.status_code == 200, countered.content
    assert countered.json()["monthly_wage"] == "9000.00"
    company = client.post(detail(rworld.offer, "counter"), {"party": "company", "monthly_wage": "8000.00", "probation_wage": "6400.00"}, format="json")
    assert company.status_code == 200, company.content
    body = company.json()
    assert body["monthly_wage"] == "8000.00" and body["needs_approval"] is False and body["status"] == "draft"
    assert [(p["party"], p["monthly_wage"]) for p in body["proposals"]] == [
        ("company", "9000.00"), ("candidate", "9500.00"), ("company", "8000.00"),
    ]


def test_a_counter_needs_a_party_and_a_two_decimal_wage(api_as, hr, rworld):
    response = api_as(hr).post(detail(rworld.offer, "counter"), {"party": "agent", "monthly_wage": "1.005"}, format="json")
    assert response.status_code == 400
    assert {"party", "monthly_wage"} <= set(error_of(response)["fields"])


def test_an_accepted_offer_moves_the_application_to_the_background_check(api_as, hr, ready):
    client = api_as(hr)
    offer_id = client.post(LIST, offer_body(ready.other_app), format="json").json()["id"]
    offer = Offer.objects.get(pk=offer_id)
    not_sent = client.post(detail(offer, "decide"), {"accepted": True}, format="json")
    assert not_sent.status_code == 422
    assert error_of(not_sent)["code"] == "offer_not_sent"
    assert client.post(detail(offer, "send"), {}, format="json").status_code == 200
    decided = client.post(detail(offer, "decide"), {"accepted": True, "note": "电话确认"}, format="json")
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "accepted" and decided.json()["decided_at"]
    ready.other_app.refresh_from_db()
    assert ready.other_app.stage.kind == StageKind.BACKGROUND_CHECK


def test_decide_needs_a_boolean(api_as, hr, rworld):
    response = api_as(hr).post(detail(rworld.offer, "decide"), {"accepted": "perhaps"}, format="json")
    assert response.status_code == 400
    assert "accepted" in error_of(response)["fields"]


def test_hr_withdraws_an_open_offer_once(api_as, hr, rworld):
    client = api_as(hr)
    response = client.post(detail(rworld.offer, "withdraw"), {"note": "岗位调整"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"
    again = client.post(detail(rworld.offer, "withdraw"), {}, format="json")
    assert again.status_code == 422
    assert error_of(again)["code"] == "offer_not_open"
