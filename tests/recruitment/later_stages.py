"""Helpers for the interview → offer → background check → hire tests (not collected: no test_
prefix). The clock is fixed with ``time_machine`` so nothing depends on the wall clock's hour."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from recruitment.choices import CheckResult, StageKind
from recruitment.defaults import BACKGROUND_CHECK_CONSENT_VERSION
from recruitment.models import Application, Interview, Offer
from recruitment.services.interviews import interview_schedule
from recruitment.services.offers import (
    background_check_consent_record, background_check_result_record, offer_create, offer_record_decision, offer_send,
)
from teams.choices import Role
from teams.models import User
from tests.factories import UserFactory, valid_id_number

from .factories import make_application

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=BEIJING)  # a Tuesday morning, Beijing time
TODAY = NOW.date()


@pytest.fixture
def clock():
    """Freeze time at ``NOW``; ``clock.move_to(...)`` moves it."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def at(hours: float = 0, *, days: int = 0) -> dt.datetime:
    """``NOW`` plus hours / days."""
    return NOW + dt.timedelta(hours=hours, days=days)


def panel_member(username: str, role: str = Role.TEAM_LEAD, department=None, email: str | None = None) -> User:
    user = UserFactory(username=username, role=role, department=department)
    user.email = email if email is not None else f"{username}@example.com"
    user.save(update_fields=["email"])
    return user


def schedule(application: Application, actor: User, *interviewers: User, start: dt.datetime | None = None, hours: float = 1,
             round_name: str = "一面", location: str = "深圳市南山区科技园 3 楼会议室", video_link: str = "") -> Interview:
    start = start or at(48)
    return interview_schedule(
        actor=actor, application=application, round_name=round_name, starts_at=start, ends_at=start + dt.timedelta(hours=hours),
        interviewers=list(interviewers) or [actor], location=location, video_link=video_link,
    )


def offer_terms(**overrides) -> dict:
    """Valid terms: ¥6,000 a month inside the factory posting's 5,000–8,000 range, a 3-year
    contract with 3 months' probation at 80 %, start in two weeks, answer within a week."""
    terms = dict(
        monthly_wage=Decimal("6000.00"), contract_months=36, probation_months=3, probation_wage=Decimal("4800.00"),
        start_on=TODAY + dt.timedelta(days=14), expires_on=TODAY + dt.timedelta(days=7),
    )
    terms.update(overrides)
    return terms


def interviewed_application(posting, **kwargs) -> Application:
    """An application in the interview stage with a valid ID number (required from the offer on)."""
    kwargs.setdefault("id_number", valid_id_number())
    kwargs.setdefault("stage_kind", StageKind.INTERVIEW)
    return make_application(posting, **kwargs)


def draft_offer(application: Application, hr: User, **overrides) -> Offer:
    return offer_create(actor=hr, application=application, **offer_terms(**overrides))


def accepted_offer(application: Application, hr: User, **overrides) -> Offer:
    offer = draft_offer(application, hr, **overrides)
    offer_send(actor=hr, offer=offer)
    return offer_record_decision(actor=hr, offer=offer, accepted=True)


def cleared(application: Application, hr: User):
    """Consent + both records clear."""
    check = background_check_consent_record(actor=hr, application=application, consent_version=BACKGROUND_CHECK_CONSENT_VERSION)
    return background_check_result_record(actor=hr, check=check, criminal_record=CheckResult.CLEAR, credit_record=CheckResult.CLEAR)
