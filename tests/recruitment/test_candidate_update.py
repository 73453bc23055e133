"""HR corrects a candidate's details (code review, issue 3 §2 and §6): the service
(``applications.candidate_update``), the "Edit candidate details" page and PATCH
/api/v1/applications/{id}/; a candidate who applied without an ID number gets an offer once HR
adds it."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from common.errors import RuleViolation
from common.models import AuditEvent
from recruitment.choices import EducationLevel, InterviewStatus, MandarinLevel, OfferStatus, StageKind, StudyMode
from recruitment.models import Candidate, Interview
from recruitment.services.applications import candidate_update
from recruitment.services.offers import offer_create
from recruitment.services.screening import screening_rules_install_defaults
from tests.factories import valid_id_number

from .api_fixtures import error_of
from .factories import future, make_application, make_posting
from .later_stages import clock, offer_terms  # noqa: F401

pytestmark = pytest.mark.django_db

MOBILE = "+8613800138000"


@pytest.fixture
def posting(team, hr):
    posting = make_posting(team, by=hr)
    screening_rules_install_defaults(posting=posting)
    return posting


@pytest.fixture
def application(posting):
    return make_application(
        posting, name="王小明", mobile=MOBILE, email="wang@example.com", education_level=EducationLevel.JUNIOR_COLLEGE,
        stage_kind=StageKind.INTERVIEW,
    )


@pytest.fixture
def candidate(application):
    return application.candidate


@pytest.fixture
def on_panel(application, lead, hr):
    """``lead`` sits on the application's interview; ``other_lead`` does not."""
    interview = Interview.objects.create(
        application=application, round_name="一面", starts_at=future(48), ends_at=future(49), location="3 楼会议室",
        status=InterviewStatus.SCHEDULED, scheduled_by=hr,
    )
    interview.interviewers.add(lead)
    return lead


def edit_url(candidate, next_url: str = "") -> str:
    return reverse("recruitment:candidate_edit", args=[candidate.pk]) + (f"?next={next_url}" if next_url else "")


def form_data(candidate, **overrides) -> dict:
    data = {
        "name": candidate.name, "mobile": candidate.mobile, "email": candidate.email, "id_number": candidate.id_number,
        "education_level": candidate.education_level, "study_mode": candidate.study_mode, "mandarin_level": candidate.mandarin_level,
    }
    data.update(overrides)
    return data


# --- service ----------------------------------------------------------------------------------------

def test_update_normalises_saves_and_audits_field_names_only(candidate, hr):
    number = valid_id_number()
    candidate_update(actor=hr, candidate=candidate, mobile="139 0013 9000", id_number=number.lower(), email=" New@Example.com ")
    candidate.refresh_from_db()
    assert (candidate.mobile, candidate.id_number, candidate.email) == ("+8613900139000", number, "new@example.com")
    event = AuditEvent.objects.get(verb="candidate_updated", target_id=str(candidate.pk))
    assert event.actor == hr
    assert event.data == {"fields": ["mobile", "email", "id_number"]}
    assert number not in str(event.data) and "13900139000" not in str(event.data)


def test_update_with_a_bad_id_number_saves_nothing(candidate, hr):
    with pytest.raises(ValidationError) as excinfo:
        candidate_update(actor=hr, candidate=candidate, name="王大明", id_number="110105194912310029")
    assert set(excinfo.value.message_dict) == {"id_number"}
    candidate.refresh_from_db()
    assert candidate.name == "王小明" and candidate.id_number == ""
    assert not AuditEvent.objects.filter(verb="candidate_updated").exists()


@pytest.mark.parametrize("field, value", [("mobile", "12345"), ("email", "not-an-email"), ("name", "  "), ("education_level", 99),
                                          ("study_mode", "night"), ("mandarin_level", 42)])
def test_update_validates_each_field_as_on_applying(candidate, hr, field, value):
    with pytest.raises(ValidationError) as excinfo:
        candidate_update(actor=hr, candidate=candidate, **{field: value})
    assert field in excinfo.value.message_dict


def test_update_that_changes_nothing_is_not_audited(candidate, hr):
    candidate_update(actor=hr, candidate=candidate, name=" 王小明 ", mobile="138 0013 8000")
    assert not AuditEvent.objects.filter(verb="candidate_updated").exists()


def test_update_of_an_anonymised_candidate_is_refused(candidate, hr):
    Candidate.objects.filter(pk=candidate.pk).update(anonymised_at=timezone.now())
    with pytest.raises(RuleViolation) as excinfo:
        candidate_update(actor=hr, candidate=candidate, name="新名字")
    assert excinfo.value.rule == "candidate_anonymised"


def test_update_of_an_unknown_field_is_a_programming_error(candidate, hr):
    with pytest.raises(TypeError):
        candidate_update(actor=hr, candidate=candidate, gender="female")


def test_a_new_education_level_screens_open_applications_again(application, candidate, hr):
    candidate_update(actor=hr, candidate=candidate, education_level=EducationLevel.HIGH_SCHOOL)
    application.refresh_from_db()
    assert application.screening_flagged is True  # collector rule: ≥ 大专
    candidate_update(actor=hr, candidate=candidate, education_level=EducationLevel.BACHELOR)
    application.refresh_from_db()
    assert application.screening_flagged is False


def test_offer_succeeds_once_hr_adds_the_missing_id_number(clock, application, candidate, hr):
    with pytest.raises(ValidationError) as excinfo:
        offer_create(actor=hr, application=application, **offer_terms())
    assert "id_number" in excinfo.value.message_dict

    candidate_update(actor=hr, candidate=candidate, id_number=valid_id_number())
    offer = offer_create(actor=hr, application=application, **offer_terms())
    assert offer.status == OfferStatus.DRAFT


# --- page -------------------------------------------------------------------------------------------

def test_edit_page_sends_anonymous_to_login(client, candidate):
    response = client.get(edit_url(candidate))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_edit_page_refuses_a_collector(client, collector, candidate):
    client.force_login(collector)
    assert client.get(edit_url(candidate)).status_code == 403
    assert client.post(edit_url(candidate), form_data(candidate, name="x")).status_code == 403


def test_edit_page_is_404_for_a_lead_not_on_the_panel(client, other_lead, on_panel, candidate):
    client.force_login(other_lead)
    assert client.get(edit_url(candidate)).status_code == 404


def test_edit_page_is_403_for_a_panel_lead(client, on_panel, candidate):
    client.force_login(on_panel)
    assert client.get(edit_url(candidate)).status_code == 403
    assert client.post(edit_url(candidate), form_data(candidate, name="x")).status_code == 403
    candidate.refresh_from_db()
    assert candidate.name == "王小明"


def test_edit_page_shows_the_candidates_details_to_hr(client, hr, candidate, application):
    client.force_login(hr)
    response = client.get(edit_url(candidate, reverse("recruitment:application_detail", args=[application.pk])))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Edit candidate details" in body
    assert 'value="王小明"' in body and 'value="13800138000"' in body and 'value="wang@example.com"' in body
    assert f'name="next" value="{reverse("recruitment:application_detail", args=[application.pk])}"' in body


def test_hr_saves_the_id_number_and_returns_to_the_application(client, hr, candidate, application):
    client.force_login(hr)
    number = valid_id_number()
    back = reverse("recruitment:application_detail", args=[application.pk])
    response = client.post(edit_url(candidate), form_data(candidate, id_number=number, next=back))
    assert response.status_code == 302 and response["Location"] == back
    candidate.refresh_from_db()
    assert candidate.id_number == number


def test_an_offsite_next_is_ignored(client, hr, candidate, application):
    client.force_login(hr)
    response = client.post(edit_url(candidate), form_data(candidate, name="王大明", next="https://evil.example.com/"))
    assert response.status_code == 302
    assert response["Location"] == reverse("recruitment:application_detail", args=[application.pk])


def test_bad_input_comes_back_on_its_field_and_saves_nothing(client, hr, candidate):
    client.force_login(hr)
    response = client.post(edit_url(candidate), form_data(candidate, mobile="12345", id_number="110105194912310029", name="王大明"))
    assert response.status_code == 422
    form = response.context["form"]
    assert "mobile" in form.errors and "id_number" in form.errors
    candidate.refresh_from_db()
    assert candidate.name == "王小明"


def test_anonymised_candidate_page_redirects_with_a_message(client, hr, candidate, application):
    Candidate.objects.filter(pk=candidate.pk).update(anonymised_at=timezone.now())
    client.force_login(hr)
    response = client.get(edit_url(candidate), follow=True)
    assert response.redirect_chain[-1][0] == reverse("recruitment:application_detail", args=[application.pk])
    assert "nothing left to edit" in response.content.decode()


def test_application_page_links_hr_to_the_edit_page_only(client, hr, on_panel, candidate, application):
    link = reverse("recruitment:candidate_edit", args=[candidate.pk])
    detail = reverse("recruitment:application_detail", args=[application.pk])
    client.force_login(hr)
    assert link in client.get(detail).content.decode()
    client.force_login(on_panel)
    assert link not in client.get(detail).content.decode()


# --- API --------------------------------------------------------------------------------------------

def api_url(application) -> str:
    return f"/api/v1/applications/{application.pk}/"


def test_hr_patches_the_candidate_and_gets_the_detail(api_as, hr, application, candidate):
    number = valid_id_number()
    response = api_as(hr).patch(api_url(application), {"id_number": number, "mandarin_level": MandarinLevel.LEVEL_1A}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] == application.pk and body["candidate"]["mandarin_level"] == MandarinLevel.LEVEL_1A
    assert body["candidate"]["id_number"] != number and body["candidate"]["id_number"].endswith(number[-4:])  # masked
    candidate.refresh_from_db()
    assert candidate.id_number == number


def test_patch_with_a_bad_mobile_is_a_400_naming_mobile(api_as, hr, application, candidate):
    response = api_as(hr).patch(api_url(application), {"mobile": "12345", "study_mode": StudyMode.PART_TIME}, format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error" and set(error["fields"]) == {"mobile"}
    candidate.refresh_from_db()
    assert candidate.mobile == MOBILE and candidate.study_mode == StudyMode.FULL_TIME


def test_patch_of_a_field_that_is_not_the_candidates_is_refused(api_as, hr, application):
    response = api_as(hr).patch(api_url(application), {"status": "hired"}, format="json")
    assert response.status_code == 400 and "status" in error_of(response)["fields"]


def test_patch_by_a_job_board_is_403(api_as, integration, application, candidate):
    response = api_as(integration).patch(api_url(application), {"name": "黑客"}, format="json")
    assert response.status_code == 403
    candidate.refresh_from_db()
    assert candidate.name == "王小明"


def test_patch_by_a_panel_lead_is_403(api_as, on_panel, application):
    assert api_as(on_panel).patch(api_url(application), {"name": "x"}, format="json").status_code == 403


def test_put_is_not_offered(api_as, hr, application, candidate):
    assert api_as(hr).put(api_url(application), {"name": "x"}, format="json").status_code in (403, 405)
    candidate.refresh_from_db()
    assert candidate.name == "王小明"
