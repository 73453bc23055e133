"""/api/v1/interviews/: security matrix (anonymous 401; collectors, legal, administrators, job
boards 403; a lead not on the panel 404), HR schedules (past start, panel roles, conflicts refused)
and cancels, scorecards (one per interviewer; others' hidden until one's own is in), filters."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from recruitment.choices import COLLECTOR_ATTRIBUTES, InterviewStatus
from recruitment.models import Interview, Scorecard

from .api_fixtures import error_of, ids, rworld, token_client  # noqa: F401 - fixtures
from .factories import future, took_place

pytestmark = pytest.mark.django_db

LIST = "/api/v1/interviews/"
RATINGS = {str(attr): 3 for attr in COLLECTOR_ATTRIBUTES}


def detail(interview, verb: str = "") -> str:
    return f"{LIST}{interview.pk}/" + (f"{verb}/" if verb else "")


def schedule_body(application, interviewers, *, hours: int = 72, **overrides) -> dict:
    body = {
        "application": application.pk, "round_name": "复试", "starts_at": future(hours).isoformat(),
        "ends_at": future(hours + 1).isoformat(), "interviewers": [u.pk for u in interviewers], "location": "深圳市南山区 5 楼",
    }
    body.update(overrides)
    return body


def _call(client, verb: str, rworld, hr):
    interview = rworld.interview
    if verb == "list":
        return client.get(LIST)
    if verb == "retrieve":
        return client.get(detail(interview))
    if verb == "scorecards":
        return client.get(detail(interview, "scorecards"))
    if verb == "create":
        return client.post(LIST, schedule_body(rworld.other_app, [hr]), format="json")
    if verb == "cancel":
        return client.post(detail(interview, "cancel"), {}, format="json")
    return client.post(detail(interview, "scorecard"), {"ratings": RATINGS, "recommendation": 3}, format="json")


ALL_VERBS = ["list", "retrieve", "create", "cancel", "scorecard", "scorecards"]


# --- security matrix ------------------------------------------------------------------------------

@pytest.mark.parametrize("verb", ALL_VERBS)
def test_anonymous_gets_401(api_client, rworld, hr, verb):
    response = _call(api_client, verb, rworld, hr)
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize("persona", ["collector", "legal", "administrator"])
@pytest.mark.parametrize("verb", ALL_VERBS)
def test_roles_without_candidate_data_get_403(request, api_as, rworld, hr, persona, verb):
    response = _call(api_as(request.getfixturevalue(persona)), verb, rworld, hr)
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


@pytest.mark.parametrize("verb", ALL_VERBS)
def test_a_job_board_key_gets_403(token_for, integration, rworld, hr, verb):
    response = _call(token_client(token_for(integration)), verb, rworld, hr)
    assert response.status_code == 403


@pytest.mark.parametrize("verb", ["create", "cancel"])
def test_an_interviewer_cannot_schedule_or_cancel(api_as, lead, rworld, hr, verb):
    response = _call(api_as(lead), verb, rworld, hr)
    assert response.status_code == 403
    assert Interview.objects.count() == 1
    rworld.interview.refresh_from_db()
    assert rworld.interview.status == InterviewStatus.SCHEDULED


@pytest.mark.parametrize("verb", ["retrieve", "scorecard", "scorecards"])
def test_a_lead_not_on_the_panel_gets_404(api_as, other_lead, rworld, hr, verb):
    client = api_as(other_lead)
    assert ids(client.get(LIST)) == set()
    response = _call(client, verb, rworld, hr)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert not Scorecard.objects.exists()


def test_an_interviewer_reads_their_interview(api_as, lead, rworld):
    client = api_as(lead)
    assert ids(client.get(LIST)) == {rworld.interview.pk}
    body = client.get(detail(rworld.interview)).json()
    assert body["round_name"] == "初试"
    assert body["candidate_name"] == "王小明"
    assert body["posting"]["title"] == "信用卡催收专员"
    assert [u["username"] for u in body["interviewers"]] == ["lead"]
    assert body["status"] == "scheduled"
    assert "mobile" not in body and "13800138000" not in str(body)


def test_hr_lists_every_interview_and_filters_them(api_as, hr, lead, rworld):
    tz = timezone.get_default_timezone()
    late = Interview.objects.create(
        application=rworld.other_app, round_name="初试", starts_at=dt.datetime(2030, 3, 5, 23, 30, tzinfo=tz),
        ends_at=dt.datetime(2030, 3, 6, 0, 15, tzinfo=tz), location="会议室", scheduled_by=hr,
    )
    late.interviewers.set([hr])
    next_day = Interview.objects.create(
        application=rworld.other_app, round_name="复试", starts_at=dt.datetime(2030, 3, 6, 0, 0, tzinfo=tz),
        ends_at=dt.datetime(2030, 3, 6, 0, 30, tzinfo=tz), video_link="https://meet.example.com/x", scheduled_by=hr, status=InterviewStatus.CANCELLED,
    )
    next_day.interviewers.set([lead])
    client = api_as(hr)
    assert ids(client.get(LIST)) == {rworld.interview.pk, late.pk, next_day.pk}
    assert ids(client.get(LIST, {"from": "2030-03-05", "to": "2030-03-05"})) == {late.pk}
    assert ids(client.get(LIST, {"from": "2030-03-06"})) == {next_day.pk}
    assert ids(client.get(LIST, {"status": "cancelled"})) == {next_day.pk}
    assert ids(client.get(LIST, {"mine": "true"})) == {late.pk}
    assert ids(api_as(lead).get(LIST, {"mine": "true"})) == {rworld.interview.pk, next_day.pk}
    bad = client.get(LIST, {"from": "05/03/2030"})
    assert bad.status_code == 400
    assert "from" in error_of(bad)["fields"]


def test_list_query_count_is_flat(api_as, hr, lead, rworld, django_assert_max_num_queries):
    for i in range(6):
        interview = Interview.objects.create(
            application=rworld.other_app, round_name=f"第{i}轮", starts_at=future(100 + i * 2), ends_at=future(101 + i * 2),
            location="会议室", scheduled_by=hr,
        )
        interview.interviewers.set([lead, hr])
    with django_assert_max_num_queries(4):
        response = api_as(hr).get(LIST)
    assert len(response.json()["results"]) == 7


# --- scheduling -----------------------------------------------------------------------------------

def test_hr_schedules_an_interview(api_as, hr, lead, supervisor, rworld):
    response = api_as(hr).post(LIST, schedule_body(rworld.other_app, [lead, supervisor]), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["application"] == rworld.other_app.pk
    assert {u["username"] for u in body["interviewers"]} == {"lead", "supervisor"}
    assert body["scheduled_by"]["username"] == "hr"
    assert body["status"] == "scheduled"
    interview = Interview.objects.get(pk=body["id"])
    assert set(interview.interviewers.all()) == {lead, supervisor}


def test_a_start_in_the_past_is_400_naming_starts_at(api_as, hr, lead, rworld):
    body = schedule_body(rworld.other_app, [lead], starts_at=(timezone.now() - dt.timedelta(hours=2)).isoformat())
    response = api_as(hr).post(LIST, body, format="json")
    assert response.status_code == 400
    assert "starts_at" in error_of(response)["fields"]
    assert Interview.objects.count() == 1


def test_a_collector_cannot_sit_on_a_panel(api_as, hr, collector, rworld):
    response = api_as(hr).post(LIST, schedule_body(rworld.other_app, [collector]), format="json")
    assert response.status_code == 400
    assert "interviewers" in error_of(response)["fields"]


def test_an_overlapping_interview_for_an_interviewer_is_422(api_as, hr, lead, rworld):
    start = rworld.interview.starts_at + dt.timedelta(minutes=30)
    body = schedule_body(rworld.other_app, [lead], starts_at=start.isoformat(), ends_at=(start + dt.timedelta(hours=1)).isoformat())
    response = api_as(hr).post(LIST, body, format="json")
    assert response.status_code == 422
    assert error_of(response)["code"] == "interviewer_conflict"
    assert Interview.objects.count() == 1


def test_an_unknown_application_is_404(api_as, hr, lead, rworld):
    body = schedule_body(rworld.other_app, [lead])
    body["application"] = rworld.other_app.pk + 1000
    response = api_as(hr).post(LIST, body, format="json")
    assert response.status_code == 404


def test_hr_cancels_an_interview_once(api_as, hr, rworld):
    client = api_as(hr)
    response = client.post(detail(rworld.interview, "cancel"), {"note": "候选人改期"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    again = client.post(detail(rworld.interview, "cancel"), {}, format="json")
    assert again.status_code == 422
    assert error_of(again)["code"] == "interview_not_scheduled"


# --- scorecards -----------------------------------------------------------------------------------

def test_others_scorecards_stay_hidden_until_ones_own_is_in(api_as, hr, lead, supervisor, rworld):
    took_place(rworld.interview)
    rworld.interview.interviewers.add(supervisor)
    as_lead, as_supervisor = api_as(lead), api_as(supervisor)
    submitted = as_lead.post(detail(rworld.interview, "scorecard"), {"ratings": RATINGS, "recommendation": 4, "notes": "普通话清晰"}, format="json")
    assert submitted.status_code == 201, submitted.content
    body = submitted.json()
    assert body["interviewer"]["username"] == "lead"
    assert body["ratings"] == RATINGS and body["recommendation"] == 4
    assert [c["interviewer"]["username"] for c in as_lead.get(detail(rworld.interview, "scorecards")).json()] == ["lead"]
    hidden = as_supervisor.get(detail(rworld.interview, "scorecards"))
    assert hidden.status_code == 200
    assert hidden.json() == []
    mine = as_supervisor.post(detail(rworld.interview, "scorecard"), {"ratings": RATINGS, "recommendation": 2}, format="json")
    assert mine.status_code == 201, mine.content
    assert {c["interviewer"]["username"] for c in as_supervisor.get(detail(rworld.interview, "scorecards")).json()} == {"lead", "supervisor"}
    assert len(api_as(hr).get(detail(rworld.interview, "scorecards")).json()) == 2


def test_a_second_scorecard_is_422(api_as, lead, rworld):
    took_place(rworld.interview)
    client = api_as(lead)
    assert client.post(detail(rworld.interview, "scorecard"), {"ratings": RATINGS, "recommendation": 3}, format="json").status_code == 201
    again = client.post(detail(rworld.interview, "scorecard"), {"ratings": RATINGS, "recommendation": 3}, format="json")
    assert again.status_code == 422
    assert error_of(again)["code"] == "scorecard_already_submitted"
    assert Scorecard.objects.count() == 1


def test_hr_not_on_the_panel_cannot_submit_a_scorecard(api_as, hr, rworld):
    took_place(rworld.interview)
    response = api_as(hr).post(detail(rworld.interview, "scorecard"), {"ratings": RATINGS, "recommendation": 3}, format="json")
    assert response.status_code == 422
    assert error_of(response)["code"] == "not_on_panel"


@pytest.mark.parametrize(
    "ratings, recommendation, field",
    [
        ({**RATINGS, "communication": 5}, 3, "ratings"),
        ({k: v for k, v in RATINGS.items() if k != "communication"}, 3, "ratings"),
        (RATINGS, 0, "recommendation"),
    ],
)
def test_an_incomplete_or_out_of_scale_scorecard_is_400(api_as, lead, rworld, ratings, recommendation, field):
    took_place(rworld.interview)
    response = api_as(lead).post(detail(rworld.interview, "scorecard"), {"ratings": ratings, "recommendation": recommendation}, format="json")
    assert response.status_code == 400
    assert field in error_of(response)["fields"]
    assert not Scorecard.objects.exists()
