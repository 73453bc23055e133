"""``manage.py seed_recruitment_demo``: the recruitment and people demo a new user sees after ``make run``.

Given ``seed_demo`` (a few cases, to stay quick), when the command runs, then every pipeline stage
has applications, the analytics show real figures, an application is ready to hire and hiring it
gives a collector in onboarding; the data was made through the services (valid mobiles and ID
numbers, screening results, scorecards, offers within the law); a second run changes nothing.
"""
from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings

from common.validators import id_number_normalize
from recruitment.analytics import offer_acceptance, recruitment_funnel, source_effectiveness, time_in_stage
from recruitment.choices import (
    ApplicationSource, ApplicationStatus, BackgroundCheckStatus, OfferStatus, PostingStatus, RequisitionStatus, StageKind,
)
from recruitment.management.commands.seed_recruitment_demo import HIRE_USERNAME, MARKER_REASON, STORIES, tiny_pdf
from recruitment.models import (
    Application, BackgroundCheck, Candidate, Interview, JobPosting, Offer, OfferProposal, PipelineStage, Requisition, Scorecard,
    ScreeningResult, StageChange, WorkHistoryLine,
)
from recruitment.services.applications import resume_validate
from recruitment.services.hiring import application_hire
from teams.choices import FeedbackStatus, TrainingKind, TrainingResult, TrainingSessionStatus
from teams.models import (
    ActivitySignup, CollectorProfile, DevelopmentGoal, DevelopmentPlan, EmployeeFeedback, Membership, TeamActivity,
    TrainingAttendance,
    TrainingSession, User,
)

E164_MOBILE = re.compile(r"^\+861[3-9]\d{9}$")
COUNTED = (
    Requisition, JobPosting, PipelineStage, Candidate, WorkHistoryLine, Application, StageChange, ScreeningResult, Interview,
    Scorecard, Offer, OfferProposal, BackgroundCheck, User, Membership, CollectorProfile, TrainingSession, TrainingAttendance,
    DevelopmentPlan,
    DevelopmentGoal, EmployeeFeedback, TeamActivity, ActivitySignup,
)


def seed_recruitment() -> str:
    out = StringIO()
    call_command("seed_recruitment_demo", stdout=out)
    return out.getvalue()


def test_refuses_to_run_before_seed_demo(db):
    """First in the file: it needs the database before the module's demo data is loaded."""
    with pytest.raises(CommandError, match="seed_demo"):
        seed_recruitment()

    assert not Requisition.objects.exists() and not Application.objects.exists()


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """Load the demo once for the module (it takes seconds) inside a transaction rolled back at the
    end; each test runs in a savepoint of it (pytest-django's ``db``), so a test that hires or
    re-runs the command leaves nothing for the next one."""
    root = tmp_path_factory.mktemp("private")
    with django_db_blocker.unblock(), override_settings(PRIVATE_STORAGE_ROOT=str(root)), transaction.atomic():
        call_command("seed_demo", cases=20, stdout=StringIO())
        output = seed_recruitment()
        yield {"output": output, "private_root": root}
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once, db) -> dict:
    return seeded_once


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_second_run_changes_nothing(seeded):
    before = counts()
    stages = dict(Application.objects.values_list("pk", "stage_id"))

    output = seed_recruitment()

    assert counts() == before
    assert dict(Application.objects.values_list("pk", "stage_id")) == stages
    assert "nothing to do" in output
    assert before["Application"] == len(STORIES) and Requisition.objects.filter(reason=MARKER_REASON).count() == 1
    assert "Ready to hire" in seeded["output"] and "/welcome/" not in seeded["output"]  # no first-login link is printed


def test_every_pipeline_stage_holds_applications(seeded):
    kinds = set(Application.objects.values_list("stage__kind", flat=True))
    collector_posting = JobPosting.objects.get(title="电话催收专员（M1 早期）")

    assert kinds == {k for k in StageKind.values if k != StageKind.CUSTOM}
    assert set(collector_posting.applications.values_list("stage__kind", flat=True)) >= {
        StageKind.APPLIED, StageKind.SCREENING, StageKind.INTERVIEW, StageKind.OFFER, StageKind.BACKGROUND_CHECK, StageKind.HIRED,
        StageKind.REJECTED,
    }
    for application in Application.objects.select_related("stage"):
        expected = {"hired": "hired", "rejected": "rejected", "withdrawn": "withdrawn"}.get(application.stage.kind, "active")
        assert application.status == expected
        assert (application.closed_at is not None) == (expected != ApplicationStatus.ACTIVE)
    assert set(Application.objects.values_list("source", flat=True)) == set(ApplicationSource.values)
    assert Application.objects.filter(source=ApplicationSource.REFERRAL, referrer__isnull=False).exists()


def test_history_is_spread_over_six_weeks_in_order(seeded):
    from django.utils import timezone

    now = timezone.now()
    ages = [(now - a.created_at).days for a in Application.objects.all()]

    assert min(ages) == 0 and 35 <= max(ages) <= 45
    for application in Application.objects.all():
        moments = list(application.stage_changes.order_by("id").values_list("at", flat=True))
        assert moments[0] == application.created_at
        assert moments == sorted(moments) and moments[-1] <= now
        assert application.stage_entered_at == moments[-1]
        if application.closed_at:
            assert application.closed_at == moments[-1]
    for interview in Interview.objects.filter(status="completed"):
        assert interview.ends_at < now
        assert all(s.submitted_at >= interview.ends_at for s in interview.scorecards.all())
    upcoming = Interview.objects.filter(status="scheduled")
    assert upcoming.count() >= 3 and all(i.starts_at > now for i in upcoming)
    assert {tuple(sorted(i.interviewers.values_list("username", flat=True))) for i in upcoming} >= {("hr", "lead1")}


def test_analytics_figures_are_not_zero(seeded):
    hr = User.objects.get(username="hr")

    funnel = recruitment_funnel(user=hr)
    sources = source_effectiveness(user=hr)
    stays = time_in_stage(user=hr)
    offers = offer_acceptance(user=hr)

    assert all(step.count > 0 for step in funnel.overall.steps)
    assert funnel.overall.steps[0].count == len(STORIES)
    assert {row.source for row in sources if row.applications} == set(ApplicationSource.values)
    assert sum(row.hired for row in sources) == 1
    assert all(row.stays and row.average_days and row.average_days > 0 for row in stays if row.kind != StageKind.CUSTOM)
    assert offers.accepted == 2 and offers.declined == 1 and offers.open == 2
    assert offers.rate and 0 < offers.rate < 100


def test_postings_requisitions_and_wording_warning(seeded):
    requisitions = dict(Requisition.objects.values_list("reason", "status"))
    postings = {p.title: p for p in JobPosting.objects.all()}
    draft = postings["夜班电话催收专员"]

    assert sorted(requisitions.values()) == [RequisitionStatus.APPROVED, RequisitionStatus.APPROVED, RequisitionStatus.PENDING]
    assert requisitions[MARKER_REASON] == RequisitionStatus.APPROVED
    assert Requisition.objects.filter(status=RequisitionStatus.APPROVED, decided_by__username="supervisor").count() == 2
    assert sorted(p.status for p in postings.values()) == sorted(
        [PostingStatus.OPEN, PostingStatus.OPEN, PostingStatus.CLOSED, PostingStatus.DRAFT]
    )
    assert draft.status == PostingStatus.DRAFT and any(w["phrase"] == "男士优先" for w in draft.wording_warnings)
    assert all(not p.wording_warnings for p in postings.values() if p is not draft)
    assert set(JobPosting.objects.published().values_list("title", flat=True)) == {"电话催收专员（M1 早期）", "催收组长（M2–M3）"}


def test_candidates_are_valid_and_screened(seeded):
    candidates = list(Candidate.objects.all())
    with_id = [c for c in candidates if c.id_number]
    resumes = list(Application.objects.exclude(resume=""))

    assert len(candidates) == len(STORIES)
    assert all(E164_MOBILE.match(c.mobile) for c in candidates)
    assert len({c.mobile for c in candidates}) == len(candidates) and len({c.email for c in candidates}) == len(candidates)
    assert len(with_id) >= 5 and all(id_number_normalize(c.id_number) == c.id_number for c in with_id)
    assert all(not c.name.isascii() for c in candidates)
    assert len({c.education_level for c in candidates}) >= 3 and len({c.mandarin_level for c in candidates}) >= 3
    assert len(set(WorkHistoryLine.objects.values_list("industry", flat=True))) >= 4
    assert ScreeningResult.objects.values("application").distinct().count() == len(STORIES)
    assert Application.objects.filter(screening_flagged=True).exists()
    assert Application.objects.filter(screening_score__gt=0).exists()
    assert resumes and all(a.resume_type == "pdf" for a in resumes)
    for application in resumes:
        assert (seeded["private_root"] / application.resume.name).read_bytes().startswith(b"%PDF-")


def test_offers_and_hire_ready_application(seeded):
    awaiting = Offer.objects.get(status=OfferStatus.PENDING_APPROVAL)
    ready = Application.objects.get(
        status=ApplicationStatus.ACTIVE, stage__kind=StageKind.BACKGROUND_CHECK, offers__status=OfferStatus.ACCEPTED,
    )

    assert awaiting.needs_approval and awaiting.monthly_wage > awaiting.application.posting.salary_max
    assert Offer.objects.filter(status=OfferStatus.SENT).count() == 1
    assert all(o.probation_months <= 6 and o.probation_wage >= o.monthly_wage * 8 / 10 for o in Offer.objects.all())
    assert ready.background_check.status == BackgroundCheckStatus.CLEAR

    result = application_hire(actor=User.objects.get(username="hr"), application=ready, username="newhire")

    profile = result.user.collector_profile
    assert result.first_login_path.startswith("/people/welcome/")
    assert (profile.experience_level, profile.in_onboarding) == ("junior", True)
    assert result.training.session.kind == TrainingKind.ONBOARDING
    assert result.training.session.attendances.filter(user__username=HIRE_USERNAME).exists()  # the same session as hire1
    assert Membership.objects.get(user=result.user, ended_on__isnull=True).team.code == "team-1"


def test_earlier_hire_is_a_junior_collector_in_onboarding(seeded):
    hire = User.objects.get(username=HIRE_USERNAME)

    assert hire.role == "collector" and not hire.has_usable_password()
    assert hire.hired_from_application.status == ApplicationStatus.HIRED
    assert (hire.collector_profile.experience_level, hire.collector_profile.in_onboarding) == ("junior", True)
    assert Membership.objects.get(user=hire, ended_on__isnull=True).team.code == "team-1"
    onboarding = TrainingAttendance.objects.get(user=hire).session
    assert (onboarding.kind, onboarding.status) == (TrainingKind.ONBOARDING, TrainingSessionStatus.PLANNED)
    assert onboarding.team.code == "team-1"


def test_people_demo_data(seeded):
    held = TrainingSession.objects.get(kind=TrainingKind.COMPLIANCE)
    results = set(held.attendances.values_list("result", flat=True))
    anonymous = EmployeeFeedback.objects.get(is_anonymous=True)

    assert held.status == TrainingSessionStatus.HELD and {TrainingResult.PASSED, TrainingResult.FAILED} <= results
    assert TrainingSession.objects.filter(kind=TrainingKind.CASE_REVIEW, status=TrainingSessionStatus.PLANNED).exists()
    assert DevelopmentPlan.objects.get(employee__username="collector4").goals.count() == 3
    assert anonymous.author is None
    assert EmployeeFeedback.objects.filter(is_anonymous=False, status=FeedbackStatus.ANSWERED).exclude(answer="").exists()
    assert TeamActivity.objects.get().signups.count() >= 5


def test_tiny_pdf_is_accepted_as_a_resume():
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("cv.pdf", tiny_pdf("Curriculum vitae"), content_type="application/pdf")

    assert resume_validate(upload) == "pdf"
