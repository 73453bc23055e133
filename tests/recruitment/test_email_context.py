"""Candidate e-mail templates are edited by HR: their context holds plain values only, so a template
cannot walk from the interview to a password hash or another person's data (code review, issue 3 §4)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from recruitment.choices import InterviewStatus, StageKind
from recruitment.models import CandidateEmailTemplate, Interview
from recruitment.services.interviews import interview_schedule
from recruitment.services.pipeline import candidate_email_context, candidate_email_render, candidate_email_send
from tests.factories import valid_id_number

from .factories import make_application, make_posting, stage_of

pytestmark = pytest.mark.django_db

SNOOPING_BODY = (
    "hash[{{ interview.scheduled_by.password }}]"
    "panel[{% for u in interview.interviewers.all %}{{ u.password }}{{ u.username }}{% endfor %}]"
    "id[{{ interview.application.candidate.id_number }}]"
    "mobile[{{ interview.application.candidate.mobile }}]"
    "when[{{ interview.starts_at|date:\"Y-m-d H:i\" }}]"
)


@pytest.fixture
def interview_application(team, hr, lead):
    posting = make_posting(team, by=hr)
    application = make_application(
        posting, name="王小明", mobile="+8613800138000", email="wang@example.com", id_number=valid_id_number(), stage_kind=StageKind.INTERVIEW,
    )
    starts = timezone.make_aware(dt.datetime(2030, 3, 4, 14, 30))
    interview = Interview.objects.create(
        application=application, round_name="初试", starts_at=starts, ends_at=starts + dt.timedelta(hours=1), location="3 楼会议室",
        status=InterviewStatus.SCHEDULED, scheduled_by=hr,
    )
    interview.interviewers.set([lead, hr])
    return application


def test_interview_in_the_email_context_is_plain_values_not_a_model(interview_application):
    stage = stage_of(interview_application.posting, StageKind.INTERVIEW)
    interview = candidate_email_context(interview_application, stage)["interview"]
    assert isinstance(interview, dict)
    assert set(interview) == {"round_name", "starts_at", "ends_at", "location", "video_link"}
    assert all(isinstance(v, (str, dt.datetime)) for v in interview.values())


def test_a_snooping_template_renders_no_password_hash_or_candidate_data(interview_application, hr, lead):
    stage = stage_of(interview_application.posting, StageKind.INTERVIEW)
    template = CandidateEmailTemplate(stage_kind=StageKind.INTERVIEW, subject="{{ interview.scheduled_by.password }}", body=SNOOPING_BODY)
    subject, body = candidate_email_render(template, candidate_email_context(interview_application, stage))

    candidate = interview_application.candidate
    assert subject == ""
    assert "hash[]" in body and "panel[]" in body and "id[]" in body and "mobile[]" in body
    for secret in (hr.password, lead.password, lead.username, candidate.id_number, candidate.mobile):
        assert secret and secret not in body
    assert "when[2030-03-04 14:30]" in body  # the plain values still work


def test_the_sent_email_of_a_snooping_template_leaks_nothing(interview_application, hr, mailoutbox):
    CandidateEmailTemplate.objects.filter(stage_kind=StageKind.INTERVIEW).update(body=SNOOPING_BODY)
    stage = stage_of(interview_application.posting, StageKind.INTERVIEW)
    assert candidate_email_send(application_id=interview_application.pk, stage_id=stage.pk) is True
    body = mailoutbox[0].body
    assert hr.password not in body and interview_application.candidate.id_number not in body
    assert "pbkdf2" not in body and "argon2" not in body


def test_default_interview_template_still_shows_time_and_place(interview_application, mailoutbox):
    stage = stage_of(interview_application.posting, StageKind.INTERVIEW)
    assert candidate_email_send(application_id=interview_application.pk, stage_id=stage.pk) is True
    body = mailoutbox[0].body
    assert "面试轮次：初试" in body
    assert "2030年3月4日 14:30 – 15:30" in body
    assert "面试地点：3 楼会议室" in body


def test_a_further_round_queues_one_email_with_the_new_round(interview_application, hr, lead, mailoutbox, django_capture_on_commit_callbacks):
    starts = timezone.now() + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        interview_schedule(
            actor=hr, application=interview_application, round_name="复试", starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
            interviewers=[lead], location="5 楼会议室",
        )
    assert len(mailoutbox) == 1
    assert "面试轮次：复试" in mailoutbox[0].body and "5 楼会议室" in mailoutbox[0].body


def test_email_template_page_preview_renders_the_sample_interview(client, hr):
    client.force_login(hr)
    response = client.get(reverse("recruitment:email_templates"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "面试轮次：初试" in body
    assert "总部 3 楼面试室" in body
    assert settings.COMPANY_NAME in body
