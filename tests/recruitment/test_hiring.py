"""Hire → onboarding (issue 3 §7): the whole chain from posting to a collector who logs in and is
allocated low-risk cases only, and the hire service's refusals."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from collections_app.choices import RiskTier
from collections_app.models import Case
from collections_app.services import allocation_run
from common.errors import RuleViolation
from common.models import AuditEvent
from recruitment.choices import (
    ApplicationStatus, BackgroundCheckStatus, CheckResult, HiringRole, PostingStatus, RequisitionStatus, StageKind,
)
from recruitment.defaults import BACKGROUND_CHECK_CONSENT_VERSION
from recruitment.models import Application, BackgroundCheck, StageChange
from recruitment.services.hiring import JUNIOR_CAPACITY, JUNIOR_DAILY_NEW_CASE_CAP, application_hire
from recruitment.services.interviews import scorecard_submit
from recruitment.services.offers import (
    background_check_consent_record, background_check_result_record, offer_create, offer_record_decision, offer_send,
)
from teams.choices import Attendance, ExperienceLevel, Role, TrainingKind, TrainingResult
from teams.models import CollectorProfile, Membership, User
from teams.services import training_attendance_record
from tests.factories import CaseFactory, UserFactory, make_collector, valid_id_number

from .factories import make_application, make_posting, stage_of, took_place
from .later_stages import BEIJING, TODAY, accepted_offer, at, clock, cleared, interviewed_application, offer_terms, schedule  # noqa: F401

pytestmark = pytest.mark.django_db

PASSWORD = "Qz7-催收-onboard!"
RATINGS = {"mandarin_clarity": 4, "communication": 3, "pressure_resilience": 3, "compliance_awareness": 4, "service_attitude": 3}


def make_cases(n: int, tier: str, bucket: str = "M1") -> list[Case]:
    return [CaseFactory(bucket=bucket, risk_tier=tier, overdue_amount=Decimal("3000.00")) for _ in range(n)]


def tiers_of(user: User) -> set[str]:
    return set(Case.objects.filter(collector=user).values_list("risk_tier", flat=True))


def test_posting_to_working_collector_chain(
    clock, team, hr, lead, mailoutbox, django_capture_on_commit_callbacks,
):
    senior = make_collector(team, username="senior", level=ExperienceLevel.SENIOR)
    posting = make_posting(team, by=hr, headcount=1)
    application = make_application(posting, name="陈晨", email="chen.chen@example.com", id_number=valid_id_number(), months_collection=12)

    # interview and scorecards
    interview = took_place(schedule(application, hr, hr, lead, start=at(3)))
    for interviewer in (lead, hr):
        scorecard_submit(interviewer=interviewer, interview=interview, ratings=RATINGS, recommendation=4)
    interview.refresh_from_db()
    assert interview.status == "completed"

    # offer, acceptance, background check
    start_on = TODAY + dt.timedelta(days=14)
    offer = offer_create(actor=hr, application=application, **offer_terms(start_on=start_on))
    offer_send(actor=hr, offer=offer)
    offer_record_decision(actor=hr, offer=offer, accepted=True)
    check = background_check_consent_record(actor=hr, application=application, consent_version=BACKGROUND_CHECK_CONSENT_VERSION)
    background_check_result_record(actor=hr, check=check, criminal_record=CheckResult.CLEAR, credit_record=CheckResult.CLEAR)

    # hire
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = application_hire(actor=hr, application=application)

    user = result.user
    assert (user.username, user.name, user.email, user.role, user.department) == (
        "chen.chen", "陈晨", "chen.chen@example.com", Role.COLLECTOR, team.department,
    )
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user, ended_on__isnull=True)
    assert (membership.team, membership.started_on) == (team, start_on)
    profile = user.collector_profile
    assert (profile.experience_level, profile.in_onboarding, profile.capacity, profile.daily_new_case_cap) == (
        ExperienceLevel.JUNIOR, True, JUNIOR_CAPACITY, JUNIOR_DAILY_NEW_CASE_CAP,
    )
    session = result.training.session
    assert (session.kind, session.team, session.trainer) == (TrainingKind.ONBOARDING, team, lead)
    assert session.starts_at == dt.datetime.combine(start_on, dt.time(9), tzinfo=BEIJING)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.HIRED and application.stage == stage_of(posting, StageKind.HIRED)
    assert application.hired_user == user and application.closed_at is not None
    assert StageChange.objects.filter(application=application, to_stage__kind=StageKind.HIRED, actor=hr).exists()
    posting.refresh_from_db()
    assert posting.requisition.status == RequisitionStatus.FILLED and posting.status == PostingStatus.CLOSED
    assert AuditEvent.objects.filter(verb="candidate_hired", target_id=str(application.pk), actor=hr, data__user_id=user.pk).exists()

    # e-mails: the hired-stage letter and the first-login link
    assert {m.to[0] for m in mailoutbox} == {"chen.chen@example.com"} and len(mailoutbox) == 2
    welcome = next(m for m in mailoutbox if "/people/welcome/" in m.body)
    link = re.search(r"https?://\S+/people/welcome/\S+/", welcome.body).group(0)
    assert urlparse(link).path == result.first_login_path
    assert "chen.chen" in welcome.body

    # first login: the link asks for a password, which then works
    client = Client()
    response = client.get(result.first_login_path)
    assert response.status_code == 302
    form_url = response["Location"]
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    assert Client().login(username="chen.chen", password=PASSWORD)
    # the used link no longer offers a password form
    assert "new_password1" not in Client().get(result.first_login_path, follow=True).content.decode()

    # first working day: allocation gives the new collector low-tier cases only
    clock.move_to(dt.datetime.combine(start_on, dt.time(8, 30), tzinfo=BEIJING))
    low, medium, high = make_cases(6, RiskTier.LOW), make_cases(3, RiskTier.MEDIUM), make_cases(3, RiskTier.HIGH)
    allocation_run()
    assert tiers_of(user) == {"low"}
    assert set(Case.objects.filter(pk__in=[c.pk for c in medium + high]).values_list("collector_id", flat=True)) == {senior.pk}
    mine = Case.objects.filter(collector=user).first()
    queue = Client()
    queue.login(username="chen.chen", password=PASSWORD)
    page = queue.get(reverse("collections:my_queue"))
    assert page.status_code == 200 and f"#{mine.pk}<" in page.content.decode()

    # onboarding passed: the flag is cleared, but a junior still gets low-tier cases only (DOMAIN.md)
    training_attendance_record(actor=hr, attendance=result.training, attendance_value=Attendance.PRESENT, result=TrainingResult.PASSED, score=88)
    profile.refresh_from_db()
    assert profile.in_onboarding is False
    more_medium, more_low = make_cases(4, RiskTier.MEDIUM), make_cases(4, RiskTier.LOW)
    allocation_run()
    assert tiers_of(user) == {"low"}
    assert Case.objects.filter(collector=user, pk__in=[c.pk for c in more_low]).exists()
    assert not Case.objects.filter(collector=user, pk__in=[c.pk for c in more_medium]).exists()

    # promoted to intermediate (a person decision, not automatic): medium cases may now come
    CollectorProfile.objects.filter(pk=profile.pk).update(experience_level=ExperienceLevel.INTERMEDIATE)
    senior.collector_profile.on_leave = True
    senior.collector_profile.save(update_fields=["on_leave"])
    later_medium = make_cases(2, RiskTier.MEDIUM)
    allocation_run()
    assert set(Case.objects.filter(pk__in=[c.pk for c in later_medium]).values_list("collector_id", flat=True)) == {user.pk}


# --- refusals and variants -------------------------------------------------------------------------

@pytest.fixture
def posting(team, hr):
    return make_posting(team, by=hr, headcount=2)


@pytest.fixture
def ready(clock, posting, hr):
    """A collector application with an accepted offer and a clear background check."""
    application = interviewed_application(posting, name="周杰", email="zhoujie@example.com")
    accepted_offer(application, hr)
    cleared(application, hr)
    return application


def test_hire_refused_without_an_accepted_offer(clock, posting, hr):
    application = interviewed_application(posting)
    offer = offer_create(actor=hr, application=application, **offer_terms())
    offer_send(actor=hr, offer=offer)

    with pytest.raises(RuleViolation) as exc:
        application_hire(actor=hr, application=application)

    assert exc.value.rule == "hire_needs_accepted_offer"
    assert not User.objects.filter(role=Role.COLLECTOR, email=application.candidate.email).exists()


@pytest.mark.parametrize("state", ["awaiting_consent", "in_progress", "concern"])
def test_collector_hire_needs_a_clear_background_check(clock, posting, hr, state):
    application = interviewed_application(posting)
    accepted_offer(application, hr)
    if state != "awaiting_consent":
        check = background_check_consent_record(actor=hr, application=application, consent_version=BACKGROUND_CHECK_CONSENT_VERSION)
        if state == "concern":
            background_check_result_record(actor=hr, check=check, criminal_record=CheckResult.ADVERSE, credit_record=CheckResult.CLEAR)
    users_before = User.objects.count()

    with pytest.raises(RuleViolation) as exc:
        application_hire(actor=hr, application=application)

    assert exc.value.rule == "hire_needs_background_check"
    assert User.objects.count() == users_before
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACTIVE


def test_hire_twice_is_refused(ready, hr):
    application_hire(actor=hr, application=ready)
    with pytest.raises(RuleViolation) as exc:
        application_hire(actor=hr, application=ready)
    assert exc.value.rule == "already_hired"
    assert User.objects.filter(hired_from_application=ready).count() == 1


def test_hire_refused_when_the_id_number_was_removed(ready, hr):
    ready.candidate.id_number = ""
    ready.candidate.save(update_fields=["id_number"])
    with pytest.raises(ValidationError) as exc:
        application_hire(actor=hr, application=ready)
    assert "required from the offer stage" in exc.value.message_dict["id_number"][0]


def test_nothing_is_half_saved_when_enrolment_fails(ready, hr, monkeypatch):
    import teams.services

    def broken(**kwargs):
        raise RuleViolation("no room", rule="training_full")

    monkeypatch.setattr(teams.services, "training_enrol_onboarding", broken)
    users_before = User.objects.count()

    with pytest.raises(RuleViolation):
        application_hire(actor=hr, application=ready)

    assert User.objects.count() == users_before
    assert not CollectorProfile.objects.filter(user__email="zhoujie@example.com").exists()
    ready.refresh_from_db()
    assert ready.status == ApplicationStatus.ACTIVE and ready.hired_user is None


def test_given_username_is_used_and_checked(ready, hr, posting):
    UserFactory(username="taken")
    with pytest.raises(ValidationError) as exc:
        application_hire(actor=hr, application=ready, username="Taken")
    assert "username" in exc.value.message_dict
    with pytest.raises(ValidationError):
        application_hire(actor=hr, application=ready, username="has space")

    result = application_hire(actor=hr, application=ready, username="zhou.jie")
    assert result.user.username == "zhou.jie"


def test_derived_username_is_made_unique_or_falls_back_to_the_application(clock, posting, hr):
    UserFactory(username="zhoujie")
    first = interviewed_application(posting, email="zhoujie@example.com")
    second = interviewed_application(posting, email="")
    for application in (first, second):
        accepted_offer(application, hr)
        cleared(application, hr)

    assert application_hire(actor=hr, application=first).user.username == "zhoujie2"
    result = application_hire(actor=hr, application=second)
    assert result.user.username == f"hire{second.pk}"
    assert result.first_login_path.startswith("/people/welcome/")


def test_requisition_filled_only_at_headcount_then_refuses_more(clock, posting, hr):
    applications = [interviewed_application(posting) for _ in range(3)]
    for application in applications:
        accepted_offer(application, hr)
        cleared(application, hr)

    application_hire(actor=hr, application=applications[0])
    posting.refresh_from_db()
    assert posting.requisition.status == RequisitionStatus.APPROVED and posting.status == PostingStatus.OPEN

    application_hire(actor=hr, application=applications[1])
    posting.refresh_from_db()
    assert posting.requisition.status == RequisitionStatus.FILLED and posting.status == PostingStatus.CLOSED
    assert AuditEvent.objects.filter(verb="requisition_filled", target_id=str(posting.requisition_id)).count() == 1

    with pytest.raises(RuleViolation) as exc:
        application_hire(actor=hr, application=applications[2])
    assert exc.value.rule == "requisition_filled"


def test_team_lead_hire_needs_no_check_gets_no_profile_and_does_not_replace_the_lead(clock, team, hr, lead):
    posting = make_posting(team, role=HiringRole.TEAM_LEAD, title="催收组长", by=hr, salary_min=Decimal("9000"), salary_max=Decimal("14000"))
    application = interviewed_application(posting, email="new.lead@example.com")
    accepted_offer(application, hr, monthly_wage=Decimal("10000"), probation_wage=Decimal("8000"))

    result = application_hire(actor=hr, application=application)

    assert result.user.role == Role.TEAM_LEAD
    assert not CollectorProfile.objects.filter(user=result.user).exists()
    assert Membership.objects.filter(user=result.user, team=team, ended_on__isnull=True).exists()
    assert result.training is not None and result.training.session.team == team
    team.refresh_from_db()
    assert team.lead == lead
    assert BackgroundCheck.objects.get(application=application).status == BackgroundCheckStatus.AWAITING_CONSENT


def test_second_hire_joins_the_same_onboarding_session(clock, posting, hr):
    applications = [interviewed_application(posting) for _ in range(2)]
    for application in applications:
        accepted_offer(application, hr)
        cleared(application, hr)
    first = application_hire(actor=hr, application=applications[0])
    second = application_hire(actor=hr, application=applications[1])
    assert first.training.session == second.training.session


def test_closed_application_cannot_be_hired(ready, hr):
    from recruitment.services.pipeline import application_withdraw

    application_withdraw(actor=hr, application=ready, note="候选人放弃")
    with pytest.raises(RuleViolation) as exc:
        application_hire(actor=hr, application=ready)
    assert exc.value.rule == "application_closed"
    assert Application.objects.get(pk=ready.pk).hired_user is None
