"""Interview pages (issue 3 §5): the security matrix, the list (HR: all; a panel member: theirs,
upcoming first), scheduling with the service's refusals on their fields, the scorecard form and the
rule that an interviewer sees the others' feedback only after submitting their own, cancelling.
The clock is frozen (``later_stages.clock``) so nothing depends on the wall clock's hour."""
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from recruitment.choices import InterviewStatus, StageKind
from recruitment.models import Interview, Scorecard
from recruitment.services.interviews import scorecard_submit
from recruitment.services.screening import screening_rules_install_defaults
from teams.choices import Role
from tests.factories import UserFactory

from .factories import make_application, make_posting, took_place
from .later_stages import at, clock  # noqa: F401 - clock is a fixture
from .test_views_applications import client_as  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

RATINGS = {"mandarin_clarity": 3, "communication": 4, "pressure_resilience": 2, "compliance_awareness": 4, "service_attitude": 3}


@pytest.fixture
def posting(team, hr):
    posting = make_posting(team, by=hr)
    screening_rules_install_defaults(posting=posting)
    return posting


@pytest.fixture
def application(posting):
    return make_application(posting, name="李娜", mobile="+8613900139000", email="lina@example.com")


@pytest.fixture
def second_lead(team):
    return UserFactory(username="lead_b", name="陈组长", role=Role.TEAM_LEAD, department=team.department)


@pytest.fixture
def interview(clock, application, lead, second_lead, hr):
    """Tomorrow 10:00–11:00 Beijing time; ``lead`` and ``second_lead`` on the panel, ``other_lead`` not."""
    interview = Interview.objects.create(
        application=application, round_name="一面", starts_at=at(25), ends_at=at(26), location="深圳南山 3 楼", scheduled_by=hr,
    )
    interview.interviewers.add(lead, second_lead)
    return interview


PAGES = {
    "interview_list": ("get", "recruitment:interview_list", None),
    "interview_create": ("get", "recruitment:interview_create", None),
    "interview_detail": ("get", "recruitment:interview_detail", "interview"),
    "scorecard_submit": ("post", "recruitment:scorecard_submit", "interview"),
    "interview_cancel": ("post", "recruitment:interview_cancel", "interview"),
}


def _call(request, client, page: str):
    method, name, fixture = PAGES[page]
    args = [request.getfixturevalue(fixture).pk] if fixture else []
    url = reverse(name, args=args)
    if page == "interview_create":
        url += f"?application={request.getfixturevalue('application').pk}"
    return getattr(client, method)(url, {})


@pytest.mark.parametrize("page", sorted(PAGES))
def test_anonymous_is_sent_to_login(request, client_as, interview, page):
    response = _call(request, client_as(None), page)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["collector", "legal", "administrator", "integration"])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_roles_without_candidate_access_are_refused(request, client_as, interview, page, persona):
    assert _call(request, client_as(request.getfixturevalue(persona)), page).status_code == 403


@pytest.mark.parametrize("page", ["interview_create", "interview_cancel"])
def test_panel_lead_cannot_schedule_or_cancel(request, client_as, interview, lead, page):
    assert _call(request, client_as(lead), page).status_code == 403


@pytest.mark.parametrize("page", ["interview_detail", "scorecard_submit"])
def test_lead_not_on_the_panel_gets_404(request, client_as, interview, other_lead, page):
    assert _call(request, client_as(other_lead), page).status_code == 404


def test_schedule_page_without_an_application_is_404(client_as, hr):
    assert client_as(hr).get(reverse("recruitment:interview_create")).status_code == 404
    assert client_as(hr).get(reverse("recruitment:interview_create") + "?application=999999").status_code == 404


# --- list -------------------------------------------------------------------------------------------

def test_list_shows_a_panel_lead_their_interviews_upcoming_first(clock, client_as, lead, interview, application, hr):
    past = Interview.objects.create(application=application, round_name="电话初面", starts_at=at(-50), ends_at=at(-49), location="电话", scheduled_by=hr)
    past.interviewers.add(lead)
    later = Interview.objects.create(application=application, round_name="终面", starts_at=at(72), ends_at=at(73), location="总部", scheduled_by=hr)
    later.interviewers.add(lead)
    elsewhere = Interview.objects.create(application=application, round_name="HR面", starts_at=at(30), ends_at=at(31), location="总部", scheduled_by=hr)
    elsewhere.interviewers.add(hr)
    body = client_as(lead).get(reverse("recruitment:interview_list")).content.decode()
    assert "HR面" not in body
    assert body.index("一面") < body.index("终面") < body.index("电话初面")
    assert body.index("Upcoming") < body.index("一面") and body.index("Past") < body.index("电话初面")
    assert "Your scorecard" in body


def test_list_shows_hr_every_interview_and_filters_by_status(clock, client_as, hr, interview, application):
    cancelled = Interview.objects.create(
        application=application, round_name="取消的一轮", starts_at=at(40), ends_at=at(41), location="总部", scheduled_by=hr, status=InterviewStatus.CANCELLED,
    )
    cancelled.interviewers.add(hr)
    client = client_as(hr)
    body = client.get(reverse("recruitment:interview_list")).content.decode()
    assert "一面" in body and "取消的一轮" in body and "李娜" in body
    only_scheduled = client.get(reverse("recruitment:interview_list"), {"status": "scheduled"}).content.decode()
    assert "一面" in only_scheduled and "取消的一轮" not in only_scheduled


def test_list_query_count_does_not_grow_with_rows(clock, client_as, hr, lead, posting, django_assert_max_num_queries):
    def add(n: int) -> None:
        for i in range(n):
            app = make_application(posting, name=f"候选{i}")
            iv = Interview.objects.create(application=app, round_name=f"第{i}轮", starts_at=at(30 + i), ends_at=at(31 + i), location="总部", scheduled_by=hr)
            iv.interviewers.add(lead, hr)

    add(2)
    client = client_as(hr)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("recruitment:interview_list"))
    add(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("recruitment:interview_list"))
    assert response.status_code == 200


# --- scheduling -----------------------------------------------------------------------------------------

def _schedule_data(interviewers, *, start: dt.datetime, **overrides) -> dict:
    from django.utils import timezone

    local = timezone.localtime(start)
    data = {
        "application": "", "round_name": "二面", "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "interviewers": [u.pk for u in interviewers],
        "location": "深圳市南山区科技园 3 楼", "video_link": "",
    }
    data.update(overrides)
    return data


def test_schedule_page_lists_only_panel_roles(clock, client_as, hr, application, lead, collector):
    response = client_as(hr).get(reverse("recruitment:interview_create"), {"application": application.pk})
    form = response.context["form"]
    choices = set(form.fields["interviewers"].queryset)
    assert lead in choices and hr in choices and collector not in choices
    assert "李娜" in response.content.decode()


def test_schedule_creates_the_round_and_moves_to_the_interview_stage(clock, client_as, hr, application, lead):
    url = reverse("recruitment:interview_create") + f"?application={application.pk}"
    response = client_as(hr).post(url, _schedule_data([lead, hr], start=at(48)))
    assert response.status_code == 302
    assert response["Location"] == reverse("recruitment:application_detail", args=[application.pk])
    interview = Interview.objects.get(application=application, round_name="二面")
    assert set(interview.interviewers.all()) == {lead, hr}
    assert interview.starts_at == at(48)
    application.refresh_from_db()
    assert application.stage.kind == StageKind.INTERVIEW


def test_schedule_in_the_past_is_refused_on_the_start_field(clock, client_as, hr, application, lead):
    url = reverse("recruitment:interview_create") + f"?application={application.pk}"
    response = client_as(hr).post(url, _schedule_data([lead], start=at(-3)))
    assert response.status_code == 422
    assert response.context["form"].errors["starts_at"]
    assert not Interview.objects.filter(round_name="二面").exists()


def test_schedule_overlap_names_the_interviewer_on_the_field(clock, client_as, hr, application, interview, lead):
    url = reverse("recruitment:interview_create") + f"?application={application.pk}"
    response = client_as(hr).post(url, _schedule_data([lead], start=at(25, ) + dt.timedelta(minutes=30)))
    assert response.status_code == 422
    errors = " ".join(response.context["form"].errors["interviewers"])
    assert lead.display_name in errors
    assert 'data-testid="interviewers-error"' in response.content.decode()


def test_schedule_with_a_collector_as_interviewer_is_refused(clock, client_as, hr, application, collector):
    url = reverse("recruitment:interview_create") + f"?application={application.pk}"
    response = client_as(hr).post(url, _schedule_data([collector], start=at(48)))
    assert response.status_code == 422 and response.context["form"].errors["interviewers"]


# --- detail and scorecards ------------------------------------------------------------------------------

def test_detail_for_an_interviewer_shows_the_scorecard_form_and_masks_contacts(clock, client_as, lead, interview):
    body = client_as(lead).get(reverse("recruitment:interview_detail", args=[interview.pk])).content.decode()
    assert 'data-testid="scorecard-form"' in body
    for attribute in RATINGS:
        assert body.count(f'name="rating_{attribute}"') == 4  # four options, no neutral
    assert body.count('name="recommendation"') == 4
    assert "Mandarin clarity" in body and "Compliance awareness" in body
    assert "139****9000" in body and "139 0013 9000" not in body
    assert "Other interviewers' feedback appears after you submit yours." in body


def test_detail_for_hr_shows_full_contacts_and_the_cancel_button(clock, client_as, hr, interview):
    body = client_as(hr).get(reverse("recruitment:interview_detail", args=[interview.pk])).content.decode()
    assert "139 0013 9000" in body and 'id="cancel-modal"' in body
    assert 'data-testid="scorecard-form"' not in body  # HR is not on this panel


def test_scorecard_submit_saves_the_ratings(clock, client_as, lead, interview):
    took_place(interview)
    data = {f"rating_{k}": v for k, v in RATINGS.items()} | {"recommendation": 3, "notes": "普通话标准，抗压一般"}
    response = client_as(lead).post(reverse("recruitment:scorecard_submit", args=[interview.pk]), data)
    assert response.status_code == 302
    card = Scorecard.objects.get(interview=interview, interviewer=lead)
    assert card.ratings == RATINGS and card.recommendation == 3 and card.notes == "普通话标准，抗压一般"


def test_scorecard_with_a_missing_rating_is_refused_on_the_form(clock, client_as, lead, interview):
    data = {f"rating_{k}": v for k, v in RATINGS.items() if k != "service_attitude"} | {"recommendation": 3}
    response = client_as(lead).post(reverse("recruitment:scorecard_submit", args=[interview.pk]), data)
    assert response.status_code == 422
    assert response.context["scorecard_form"].errors["rating_service_attitude"]
    assert not Scorecard.objects.exists()


def test_scorecard_with_a_neutral_or_out_of_scale_rating_is_refused(clock, client_as, lead, interview):
    data = {f"rating_{k}": v for k, v in RATINGS.items()} | {"rating_communication": 5, "recommendation": 0}
    response = client_as(lead).post(reverse("recruitment:scorecard_submit", args=[interview.pk]), data)
    assert response.status_code == 422 and not Scorecard.objects.exists()


def test_others_feedback_is_hidden_until_you_submit_yours(clock, client_as, lead, second_lead, interview):
    took_place(interview)
    scorecard_submit(interviewer=lead, interview=interview, ratings=RATINGS, recommendation=4, notes="A 的意见：沟通清晰")
    client_b = client_as(second_lead)
    before = client_b.get(reverse("recruitment:interview_detail", args=[interview.pk])).content.decode()
    assert "A 的意见：沟通清晰" not in before
    assert "Other interviewers' feedback appears after you submit yours." in before
    application_page = client_b.get(reverse("recruitment:application_detail", args=[interview.application_id])).content.decode()
    assert "Strong yes" not in application_page and 'data-testid="feedback-hidden-note"' in application_page

    data = {f"rating_{k}": v for k, v in RATINGS.items()} | {"recommendation": 2, "notes": "B 的意见"}
    client_b.post(reverse("recruitment:scorecard_submit", args=[interview.pk]), data)
    after = client_b.get(reverse("recruitment:interview_detail", args=[interview.pk])).content.decode()
    assert "A 的意见：沟通清晰" in after and "B 的意见" in after
    assert 'data-testid="scorecard-form"' not in after


def test_hr_reads_every_scorecard(clock, client_as, hr, lead, interview):
    took_place(interview)
    scorecard_submit(interviewer=lead, interview=interview, ratings=RATINGS, recommendation=4, notes="A 的意见")
    body = client_as(hr).get(reverse("recruitment:interview_detail", args=[interview.pk])).content.decode()
    assert "A 的意见" in body and "Strong yes" in body


def test_second_submission_is_refused_with_the_rule(clock, client_as, lead, interview):
    took_place(interview)
    scorecard_submit(interviewer=lead, interview=interview, ratings=RATINGS, recommendation=4)
    data = {f"rating_{k}": v for k, v in RATINGS.items()} | {"recommendation": 1}
    response = client_as(lead).post(reverse("recruitment:scorecard_submit", args=[interview.pk]), data, follow=True)
    assert Scorecard.objects.get(interviewer=lead).recommendation == 4
    assert "already submitted" in response.content.decode()


def test_cancel_marks_the_interview_cancelled(clock, client_as, hr, interview):
    response = client_as(hr).post(reverse("recruitment:interview_cancel", args=[interview.pk]), {"note": "候选人改期"})
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.CANCELLED
