"""Recruitment Celery tasks go through Celery (eager in tests), call one service and are safe to
run twice; the beat schedule runs them on Beijing time (STYLE.md rule 9)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from recruitment.choices import OfferStatus, RefuseReason
from recruitment.models import Candidate
from recruitment.services.hiring import application_hire
from recruitment.services.offers import offer_send, offer_withdraw
from recruitment.services.pipeline import application_reject
from recruitment.services.privacy import ANONYMISED_NAME
from recruitment.tasks import (
    candidates_anonymise_rejected_task, hire_welcome_email_send_task, interview_reminders_send_task, offer_letter_send_task,
    offers_expire_task,
)

from .factories import make_application, make_posting
from .later_stages import NOW, TODAY, accepted_offer, at, clock, cleared, draft_offer, interviewed_application, schedule  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def posting(team, hr):
    return make_posting(team, by=hr)


def run(task, *args):
    return task.delay(*args).get()


def test_interview_reminders_task_twice_sends_once(clock, posting, hr, mailoutbox):
    hr.email = "hr@example.com"
    hr.save(update_fields=["email"])
    schedule(make_application(posting, email="a@example.com"), hr, hr, start=at(5))

    assert run(interview_reminders_send_task) == 1
    assert run(interview_reminders_send_task) == 0
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.com", "hr@example.com"]


def test_offers_expire_task_twice(clock, posting, hr):
    offer = draft_offer(interviewed_application(posting), hr, expires_on=TODAY + dt.timedelta(days=1))
    offer_send(actor=hr, offer=offer)
    clock.move_to(at(days=2))

    assert run(offers_expire_task) == 1
    assert run(offers_expire_task) == 0
    offer.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED


def test_anonymise_task_twice(clock, posting, hr):
    application = make_application(posting, name="周八")
    application_reject(actor=hr, application=application, reason=RefuseReason.INTERVIEW)
    clock.move_to(NOW + dt.timedelta(days=settings.RECRUITMENT_RETENTION_DAYS + 1))

    assert run(candidates_anonymise_rejected_task) == 1
    assert run(candidates_anonymise_rejected_task) == 0
    assert Candidate.objects.get(pk=application.candidate_id).name == ANONYMISED_NAME


def test_offer_letter_task_sends_only_while_the_offer_is_sent(clock, posting, hr, mailoutbox):
    offer = draft_offer(interviewed_application(posting, email="offer@example.com"), hr)
    assert run(offer_letter_send_task, offer.pk) is False  # still a draft

    offer_send(actor=hr, offer=offer)
    assert run(offer_letter_send_task, offer.pk) is True
    offer_withdraw(actor=hr, offer=offer)
    assert run(offer_letter_send_task, offer.pk) is False
    assert [m.to for m in mailoutbox] == [["offer@example.com"]]


def test_welcome_task_stops_once_the_password_is_set(clock, posting, hr, mailoutbox):
    application = interviewed_application(posting, email="newbie@example.com")
    accepted_offer(application, hr)
    cleared(application, hr)
    user = application_hire(actor=hr, application=application).user

    assert run(hire_welcome_email_send_task, user.pk) is True
    assert settings.SITE_URL in mailoutbox[-1].body
    user.set_password("chosen-by-the-hire-2026")
    user.save(update_fields=["password"])
    assert run(hire_welcome_email_send_task, user.pk) is False
    assert run(hire_welcome_email_send_task, 999999) is False
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("entry", "task", "hour", "minute"),
    [
        ("interview-reminders", "recruitment.tasks.interview_reminders_send_task", None, {0}),
        ("offers-expire", "recruitment.tasks.offers_expire_task", {0}, {15}),
        ("candidates-anonymise-rejected", "recruitment.tasks.candidates_anonymise_rejected_task", {2}, {30}),
    ],
)
def test_beat_schedule_runs_the_tasks_on_beijing_time(entry, task, hour, minute):
    configured = settings.CELERY_BEAT_SCHEDULE[entry]
    assert configured["task"] == task
    assert configured["schedule"].minute == minute
    if hour is not None:
        assert configured["schedule"].hour == hour
    else:
        assert configured["schedule"].hour == set(range(24))
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
