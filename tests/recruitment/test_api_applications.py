"""/api/v1/applications/: security matrix (anonymous 401, roles without candidate data 403, job
boards create only, panel members only their applications with masked contacts, out of scope 404),
job-board submissions with a real integration key (JSON and multipart), field and rule errors in
the one error shape, HR's list filters, detail body, move / reject / withdraw, query-count guard."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from recruitment.choices import ApplicationSource, ApplicationStatus, ScreeningAction, ScreeningRuleKind, StageKind
from recruitment.defaults import PRIVACY_NOTICE_VERSION, RESUME_MAX_BYTES
from recruitment.models import Application, Candidate, ScreeningResult, ScreeningRule
from tests.recruitment.factories import make_application, stage_of

from .api_fixtures import CANDIDATE_EMAIL, CANDIDATE_ID, CANDIDATE_MOBILE, error_of, ids, rworld, token_client  # noqa: F401

pytestmark = pytest.mark.django_db

LIST = "/api/v1/applications/"
RECEIPT_FIELDS = {"id", "status", "stage", "screening_score", "screening_tags", "screening_flagged", "created_at"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def detail(application, verb: str = "") -> str:
    return f"{LIST}{application.pk}/" + (f"{verb}/" if verb else "")


def payload(posting, **overrides) -> dict:
    data = {
        "posting": posting.pk, "name": "赵六", "mobile": "137 0013 7000", "email": "zhaoliu@example.com", "education_level": 4,
        "study_mode": "full_time", "mandarin_level": 3, "consent_given": True, "consent_version": PRIVACY_NOTICE_VERSION,
        "work_history": [{"employer": "某银行信用卡中心", "job_title": "催收员", "industry": "credit_card_collection", "months": 12}],
    }
    data.update(overrides)
    return data


def _call(client, verb: str, rworld):
    app = rworld.app
    if verb == "list":
        return client.get(LIST)
    if verb == "retrieve":
        return client.get(detail(app))
    if verb == "create":
        return client.post(LIST, payload(rworld.posting), format="json")
    body = {"move": {"stage": stage_of(rworld.posting, StageKind.SCREENING).pk}, "reject": {"reason": "other"}, "withdraw": {}}[verb]
    return client.post(detail(app, verb), body, format="json")


ALL_VERBS = ["list", "retrieve", "create", "move", "reject", "withdraw"]


# --- security matrix ------------------------------------------------------------------------------

@pytest.mark.parametrize("verb", ALL_VERBS)
def test_anonymous_gets_401_in_the_error_shape(api_client, rworld, verb):
    response = _call(api_client, verb, rworld)
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize("persona", ["collector", "legal", "administrator"])
@pytest.mark.parametrize("verb", ALL_VERBS)
def test_roles_without_candidate_data_get_403(request, api_as, rworld, persona, verb):
    response = _call(api_as(request.getfixturevalue(persona)), verb, rworld)
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"
    assert Application.objects.count() == 2


@pytest.mark.parametrize("verb", ["list", "retrieve", "move", "reject", "withdraw"])
def test_a_job_board_key_only_creates(token_for, integration, rworld, verb):
    response = _call(token_client(token_for(integration)), verb, rworld)
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


@pytest.mark.parametrize("persona", ["lead", "supervisor", "director"])
@pytest.mark.parametrize("verb", ["create", "move", "reject", "withdraw"])
def test_panel_members_cannot_write(request, api_as, rworld, persona, verb):
    response = _call(api_as(request.getfixturevalue(persona)), verb, rworld)
    assert response.status_code == 403
    rworld.app.refresh_from_db()
    assert rworld.app.stage.kind == StageKind.APPLIED


@pytest.mark.parametrize("persona", ["other_lead", "other_supervisor"])
def test_a_panel_role_outside_the_panel_gets_404(request, api_as, rworld, persona):
    client = api_as(request.getfixturevalue(persona))
    listed = client.get(LIST)
    assert listed.status_code == 200
    assert ids(listed) == set()
    response = client.get(detail(rworld.app))
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert "王小明" not in response.content.decode()


def test_an_interviewer_reads_their_application_with_masked_contacts(api_as, lead, rworld):
    client = api_as(lead)
    listed = client.get(LIST)
    assert ids(listed) == {rworld.app.pk}
    assert client.get(detail(rworld.other_app)).status_code == 404
    response = client.get(detail(rworld.app))
    assert response.status_code == 200
    candidate = response.json()["candidate"]
    assert candidate["name"] == "王小明"
    assert candidate["mobile"] == "138****8000"
    assert candidate["email"] == "w***@example.com"
    assert candidate["id_number"] == "110105********002X"
    text = response.content.decode()
    assert CANDIDATE_MOBILE not in text and "13800138000" not in text and CANDIDATE_ID not in text and CANDIDATE_EMAIL not in text


@pytest.mark.parametrize("persona", ["supervisor", "director"])
def test_the_approver_of_its_offer_reads_the_application(request, api_as, rworld, persona):
    client = api_as(request.getfixturevalue(persona))
    assert ids(client.get(LIST)) == {rworld.app.pk}
    response = client.get(detail(rworld.app))
    assert response.status_code == 200
    assert response.json()["candidate"]["mobile"] == "138****8000"


def test_hr_reads_every_application_with_the_mobile_in_full(api_as, hr, rworld):
    client = api_as(hr)
    listed = client.get(LIST)
    assert ids(listed) == {rworld.app.pk, rworld.other_app.pk}
    row = next(r for r in listed.json()["results"] if r["id"] == rworld.app.pk)
    assert row["candidate"]["mobile"] == CANDIDATE_MOBILE
    assert row["posting"] == {"id": rworld.posting.pk, "title": "信用卡催收专员", "role": "collector"}
    assert row["stage"]["kind"] == "applied"
    body = client.get(detail(rworld.app)).json()
    assert body["candidate"]["mobile"] == CANDIDATE_MOBILE
    assert body["candidate"]["email"] == CANDIDATE_EMAIL
    assert body["candidate"]["id_number"] == "110105********002X"
    assert body["candidate"]["work_history"] == [
        {"id": body["candidate"]["work_history"][0]["id"], "employer": "某消费金融公司", "job_title": "催收专员", "industry": "consumer_loan_collection", "months": 18}
    ]
    assert [c["to_stage"]["kind"] for c in body["stage_changes"]] == ["applied"]
    assert body["consent_version"] == PRIVACY_NOTICE_VERSION
    assert body["has_resume"] is False


def test_the_detail_shows_each_screening_rule_with_its_reason(api_as, hr, rworld):
    rule = ScreeningRule.objects.create(
        posting=rworld.posting, kind=ScreeningRuleKind.EDUCATION_MIN, education_level=4, action=ScreeningAction.FLAG,
    )
    ScreeningResult.objects.create(application=rworld.app, rule=rule, passed=True, detail={"required": 4, "actual": 4})
    results = api_as(hr).get(detail(rworld.app)).json()["screening_results"]
    assert len(results) == 1
    assert results[0]["kind"] == "education_min" and results[0]["passed"] is True
    assert isinstance(results[0]["reason"], str) and results[0]["reason"]


# --- filters and query count ----------------------------------------------------------------------

def test_hr_filters_the_list(api_as, hr, rworld):
    client = api_as(hr)
    rworld.other_app.screening_flagged = True
    rworld.other_app.screening_tags = ["催收经验"]
    rworld.other_app.source = ApplicationSource.REFERRAL
    rworld.other_app.save(update_fields=["screening_flagged", "screening_tags", "source"])
    assert ids(client.get(LIST, {"q": "王小明"})) == {rworld.app.pk}
    assert ids(client.get(LIST, {"q": "138 0013 8000"})) == {rworld.app.pk}
    assert ids(client.get(LIST, {"q": CANDIDATE_EMAIL})) == {rworld.app.pk}
    assert ids(client.get(LIST, {"screening_flagged": "true"})) == {rworld.other_app.pk}
    assert ids(client.get(LIST, {"tag": "催收经验"})) == {rworld.other_app.pk}
    assert ids(client.get(LIST, {"tag": "催收"})) == set()
    assert ids(client.get(LIST, {"source": "referral"})) == {rworld.other_app.pk}
    assert ids(client.get(LIST, {"posting": rworld.posting.pk, "status": "active"})) == {rworld.app.pk, rworld.other_app.pk}
    assert ids(client.get(LIST, {"stage": stage_of(rworld.posting, StageKind.SCREENING).pk})) == set()
    bad = client.get(LIST, {"posting": rworld.draft.pk + 1000})
    assert bad.status_code == 400
    assert "posting" in error_of(bad)["fields"]


def test_the_applied_date_filter_takes_whole_local_days(api_as, hr, rworld):
    tz = timezone.get_default_timezone()
    Application.objects.filter(pk=rworld.app.pk).update(created_at=dt.datetime(2026, 3, 5, 23, 59, 59, tzinfo=tz))
    Application.objects.filter(pk=rworld.other_app.pk).update(created_at=dt.datetime(2026, 3, 6, 0, 0, tzinfo=tz))
    client = api_as(hr)
    assert ids(client.get(LIST, {"applied_from": "2026-03-05", "applied_to": "2026-03-05"})) == {rworld.app.pk}
    assert ids(client.get(LIST, {"applied_from": "2026-03-06"})) == {rworld.other_app.pk}


def test_a_filter_on_a_detail_url_is_ignored(api_as, hr, rworld):
    assert api_as(hr).get(detail(rworld.app), {"status": "rejected"}).status_code == 200


def test_list_query_count_is_flat(api_as, hr, rworld, django_assert_max_num_queries):
    for i in range(10):
        make_application(rworld.posting, name=f"候选人{i}", months_collection=6)
    client = api_as(hr)
    with django_assert_max_num_queries(4):
        response = client.get(LIST)
    assert len(response.json()["results"]) == 12


# --- creation by a job board ----------------------------------------------------------------------

def test_a_job_board_submits_an_application_with_its_key(token_for, integration, rworld):
    response = token_client(token_for(integration)).post(LIST, payload(rworld.posting, source_detail="BOSS直聘"), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == RECEIPT_FIELDS
    assert body["status"] == "active"
    assert body["stage"] == stage_of(rworld.posting, StageKind.APPLIED).name
    application = Application.objects.get(pk=body["id"])
    assert application.source == ApplicationSource.JOB_BOARD
    assert application.source_detail == "BOSS直聘"
    assert application.candidate.mobile == "+8613700137000"
    assert application.candidate.work_history.get().months == 12
    assert "王小明" not in response.content.decode() and "李四" not in response.content.decode()


def test_a_job_board_application_without_a_board_name_is_named_after_the_client(token_for, integration, rworld):
    response = token_client(token_for(integration)).post(LIST, payload(rworld.posting), format="json")
    assert response.status_code == 201, response.content
    assert Application.objects.get(pk=response.json()["id"]).source_detail == "integration"


def test_a_job_board_uploads_a_resume_as_multipart(token_for, integration, rworld):
    import json

    data = payload(rworld.posting, resume=SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf"))
    data["work_history"] = json.dumps(data["work_history"], ensure_ascii=False)
    response = token_client(token_for(integration)).post(LIST, data, format="multipart")
    assert response.status_code == 201, response.content
    application = Application.objects.get(pk=response.json()["id"])
    assert application.resume_type == "pdf"
    assert application.candidate.work_history.count() == 1


def test_a_bad_mobile_is_400_naming_the_field_and_nothing_is_saved(token_for, integration, rworld):
    before = Candidate.objects.count()
    response = token_client(token_for(integration)).post(LIST, payload(rworld.posting, mobile="12345"), format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert "mobile" in error["fields"]
    assert Candidate.objects.count() == before


def test_an_application_to_a_closed_posting_is_422_posting_not_open(token_for, integration, rworld):
    response = token_client(token_for(integration)).post(LIST, payload(rworld.closed), format="json")
    assert response.status_code == 422
    assert error_of(response)["code"] == "posting_not_open"
    assert not Application.objects.filter(posting=rworld.closed).exists()


def test_a_draft_posting_is_404_to_a_job_board(token_for, integration, rworld):
    response = token_client(token_for(integration)).post(LIST, payload(rworld.draft), format="json")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_duplicate_application_is_422_duplicate_application(token_for, integration, rworld):
    response = token_client(token_for(integration)).post(LIST, payload(rworld.posting, mobile="13800138000", name="王晓明"), format="json")
    assert response.status_code == 422
    assert error_of(response)["code"] == "duplicate_application"
    assert Application.objects.filter(posting=rworld.posting).count() == 2


def test_an_oversized_resume_is_400_naming_resume(token_for, integration, rworld):
    big = SimpleUploadedFile("cv.pdf", PDF + b"0" * RESUME_MAX_BYTES, content_type="application/pdf")
    data = payload(rworld.posting, resume=big)
    data.pop("work_history")
    response = token_client(token_for(integration)).post(LIST, data, format="multipart")
    assert response.status_code == 400
    assert "resume" in error_of(response)["fields"]
    assert not Candidate.objects.filter(name="赵六").exists()


def test_a_job_board_cannot_claim_another_source(token_for, integration, rworld):
    response = token_client(token_for(integration)).post(LIST, payload(rworld.posting, source="referral"), format="json")
    assert response.status_code == 400
    assert "source" in error_of(response)["fields"]


@pytest.mark.parametrize("field, value", [("education_level", 9), ("study_mode", "evening"), ("work_history", [{"employer": "x"}])])
def test_invalid_fields_are_400_naming_them(token_for, integration, rworld, field, value):
    response = token_client(token_for(integration)).post(LIST, payload(rworld.posting, **{field: value}), format="json")
    assert response.status_code == 400
    assert field in error_of(response)["fields"]


# --- creation by HR -------------------------------------------------------------------------------

def test_hr_enters_a_referral_and_gets_the_full_detail(api_as, hr, collector, rworld):
    response = api_as(hr).post(LIST, payload(rworld.posting, source="referral", referrer=collector.pk), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["source"] == "referral"
    assert body["referrer"]["id"] == collector.pk
    assert body["candidate"]["mobile"] == "+8613700137000"
    assert body["stage_changes"][0]["to_stage"]["kind"] == "applied"


def test_hr_must_say_where_an_application_comes_from(api_as, hr, rworld):
    response = api_as(hr).post(LIST, payload(rworld.posting), format="json")
    assert response.status_code == 400
    assert "source" in error_of(response)["fields"]


# --- verbs ----------------------------------------------------------------------------------------

def test_hr_moves_an_application_to_another_stage(api_as, hr, rworld):
    screening = stage_of(rworld.posting, StageKind.SCREENING)
    response = api_as(hr).post(detail(rworld.app, "move"), {"stage": screening.pk, "note": "电话沟通良好"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stage"]["id"] == screening.pk
    assert body["stage_changes"][-1]["note"] == "电话沟通良好"
    assert body["stage_changes"][-1]["actor"]["username"] == "hr"


def test_a_stage_of_another_posting_is_refused(api_as, hr, rworld):
    response = api_as(hr).post(detail(rworld.app, "move"), {"stage": stage_of(rworld.closed, StageKind.SCREENING).pk}, format="json")
    assert response.status_code == 422
    assert error_of(response)["code"] == "stage_of_other_posting"


def test_move_needs_a_known_stage(api_as, hr, rworld):
    response = api_as(hr).post(detail(rworld.app, "move"), {"stage": 999999}, format="json")
    assert response.status_code == 400
    assert "stage" in error_of(response)["fields"]


def test_hr_rejects_with_a_reason_then_the_application_is_closed(api_as, hr, rworld):
    client = api_as(hr)
    response = client.post(detail(rworld.other_app, "reject"), {"reason": "requirements_not_met", "note": "学历不符"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == ApplicationStatus.REJECTED
    assert body["refuse_reason"] == "requirements_not_met"
    assert body["closed_at"]
    again = client.post(detail(rworld.other_app, "move"), {"stage": stage_of(rworld.posting, StageKind.SCREENING).pk}, format="json")
    assert again.status_code == 422
    assert error_of(again)["code"] == "application_closed"


def test_reject_needs_a_known_reason(api_as, hr, rworld):
    response = api_as(hr).post(detail(rworld.other_app, "reject"), {"reason": "gender"}, format="json")
    assert response.status_code == 400
    assert "reason" in error_of(response)["fields"]


def test_hr_records_a_withdrawal(api_as, hr, rworld):
    response = api_as(hr).post(detail(rworld.other_app, "withdraw"), {"note": "已接受其他公司录用"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ApplicationStatus.WITHDRAWN
    assert response.json()["stage"]["kind"] == "withdrawn"
