"""Scoping details of recruitment querysets (issue 3 §1, §10)."""
from __future__ import annotations

import datetime as dt

import pytest

from common.dates import local_today
from recruitment.choices import InterviewStatus
from recruitment.models import Application, Interview, JobPosting

from .factories import future, make_application, make_posting

pytestmark = pytest.mark.django_db


def test_a_posting_past_its_closing_date_is_no_longer_published(team, hr):
    today = make_posting(team, by=hr, title="今天截止")
    past = make_posting(team, by=hr, title="昨天截止")
    JobPosting.objects.filter(pk=today.pk).update(closes_on=local_today())
    JobPosting.objects.filter(pk=past.pk).update(closes_on=local_today() - dt.timedelta(days=1))

    assert set(JobPosting.objects.published()) == {today}


def test_an_interviewer_loses_sight_of_the_application_when_the_interview_is_cancelled(team, hr, lead):
    application = make_application(make_posting(team, by=hr))
    interview = Interview.objects.create(
        application=application, round_name="一面", starts_at=future(24), ends_at=future(25), location="会议室", scheduled_by=hr,
    )
    interview.interviewers.set([lead])
    assert list(Application.objects.visible_to(lead)) == [application]

    Interview.objects.filter(pk=interview.pk).update(status=InterviewStatus.CANCELLED)

    assert list(Application.objects.visible_to(lead)) == []


def test_the_public_posting_api_names_no_internal_team(api_as, team, hr):
    make_posting(team, by=hr)
    body = api_as(None).get("/api/v1/postings/").json()
    assert body["results"] and all("team" not in row for row in body["results"])
    assert all("team" in row for row in api_as(hr).get("/api/v1/postings/").json()["results"])
