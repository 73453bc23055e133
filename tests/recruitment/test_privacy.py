"""Candidate data: export and deletion on request, anonymisation after the retention period
(issue 3 §10; PIPL art. 19, 45, 47)."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.base import ContentFile
from django.db.models import Count

from common.errors import RuleViolation
from common.models import AuditEvent
from recruitment.choices import ApplicationStatus, InterviewStatus, RefuseReason, StageKind
from recruitment.models import Application, Candidate, OfferProposal, Scorecard, StageChange, WorkHistoryLine, private_storage
from recruitment.services.hiring import application_hire
from recruitment.services.interviews import scorecard_submit
from recruitment.services.offers import offer_counter
from recruitment.services.pipeline import application_reject, application_withdraw
from recruitment.services.privacy import ANONYMISED_NAME, candidate_anonymise, candidate_export, candidates_anonymise_rejected
from tests.factories import valid_id_number

from .factories import make_application, make_posting
from .later_stages import NOW, accepted_offer, at, clock, cleared, draft_offer, interviewed_application, schedule  # noqa: F401

pytestmark = pytest.mark.django_db

RATINGS = {"mandarin_clarity": 3, "communication": 3, "pressure_resilience": 3, "compliance_awareness": 3, "service_attitude": 3}


@pytest.fixture
def posting(team, hr):
    return make_posting(team, by=hr)


def with_resume(application: Application) -> str:
    application.resume.save("cv.pdf", ContentFile(b"%PDF-1.4 resume of the candidate"), save=False)
    application.resume_name, application.resume_type = "陈晨-简历.pdf", "pdf"
    application.cover_note = "我叫陈晨，电话 13800138000"
    application.save(update_fields=["resume", "resume_name", "resume_type", "cover_note"])
    assert private_storage.exists(application.resume.name)
    return application.resume.name


@pytest.fixture
def full_history(clock, posting, hr, lead):
    """A candidate who went to interview (scorecard with notes), got an offer with a counter
    proposal, and was then rejected."""
    application = make_application(
        posting, name="陈晨", mobile="+8613800138000", email="chenchen@example.com", id_number=valid_id_number(), months_collection=18,
    )
    resume = with_resume(application)
    interview = schedule(application, hr, hr, lead, start=at(2))
    clock.move_to(at(3))  # the round took place
    scorecard_submit(interviewer=lead, interview=interview, ratings=RATINGS, recommendation=3, notes="陈晨普通话很好")
    offer = draft_offer(application, hr)
    offer_counter(actor=hr, offer=offer, party="candidate", monthly_wage=offer.monthly_wage + 500, note="陈晨希望加薪")
    application_reject(actor=hr, application=application, reason=RefuseReason.OTHER, note="陈晨另有安排")
    application.refresh_from_db()
    return application, resume


# --- export ----------------------------------------------------------------------------------------

def test_export_holds_everything_about_the_candidate_and_is_audited(full_history, hr):
    application, _resume = full_history
    candidate = application.candidate

    data = candidate_export(actor=hr, candidate=candidate)

    json.dumps(data, ensure_ascii=False)  # JSON-ready
    person = data["candidate"]
    assert (person["name"], person["mobile"], person["email"], person["id_number"]) == (
        "陈晨", "+8613800138000", "chenchen@example.com", candidate.id_number,
    )
    assert data["work_history"][0]["months"] == 18 and data["work_history"][0]["employer"]
    (app,) = data["applications"]
    assert app["posting"] == application.posting.title and app["resume_file"] == "陈晨-简历.pdf"
    assert app["privacy_consent"]["version"] == application.consent_version
    assert [h["to"] for h in app["stage_history"]][-1] == application.stage.name
    assert app["interviews"][0]["starts_at"] == at(2).isoformat()
    assert [p["monthly_wage"] for p in app["offers"][0]["proposals"]] == ["6000.00", "6500.00"]
    assert AuditEvent.objects.filter(verb="candidate_exported", actor=hr, target_id=str(candidate.pk)).exists()


# --- anonymisation on request ----------------------------------------------------------------------

def funnel() -> list[tuple]:
    """Applications per posting and stage, and per source: what analytics counts."""
    by_stage = list(Application.objects.values_list("posting_id", "stage__kind").annotate(n=Count("id")).order_by("posting_id", "stage__kind"))
    by_source = list(Application.objects.values_list("source").annotate(n=Count("id")).order_by("source"))
    return by_stage + by_source + [("changes", StageChange.objects.count())]


def test_anonymise_erases_personal_data_keeps_funnel_and_deletes_resume(full_history, hr, django_capture_on_commit_callbacks):
    application, resume = full_history
    candidate = application.candidate
    before = funnel()

    with django_capture_on_commit_callbacks(execute=True):
        candidate_anonymise(actor=hr, candidate=candidate, reason="deletion_request")

    candidate.refresh_from_db()
    assert (candidate.name, candidate.mobile, candidate.email, candidate.id_number) == (ANONYMISED_NAME, "", "", "")
    assert candidate.anonymised_at == at(3)  # when it ran (the fixture's clock moved past the interview)
    assert list(WorkHistoryLine.objects.filter(candidate=candidate).values_list("employer", "months")) == [("", 18)]
    application.refresh_from_db()
    assert (application.resume.name, application.resume_name, application.cover_note, application.refuse_note) in (
        ("", "", "", ""), (None, "", "", ""),
    )
    assert not private_storage.exists(resume)
    assert not Scorecard.objects.exclude(notes="").exists()
    assert not OfferProposal.objects.exclude(note="").exists()
    assert not StageChange.objects.exclude(note="").exists()
    assert funnel() == before
    assert (application.status, application.refuse_reason, application.source) == (
        ApplicationStatus.REJECTED, RefuseReason.OTHER, application.source,
    )
    event = AuditEvent.objects.get(verb="candidate_anonymised", target_id=str(candidate.pk))
    assert event.actor == hr and event.data["reason"] == "deletion_request" and "陈晨" not in json.dumps(event.data, ensure_ascii=False)


def test_anonymise_refuses_an_active_or_hired_candidate(clock, posting, hr):
    active = make_application(posting, name="在途候选人")
    with pytest.raises(RuleViolation) as exc:
        candidate_anonymise(actor=hr, candidate=active.candidate, reason="deletion_request")
    assert exc.value.rule == "candidate_active"

    hired = interviewed_application(posting, name="已入职")
    accepted_offer(hired, hr)
    cleared(hired, hr)
    application_hire(actor=hr, application=hired)
    with pytest.raises(RuleViolation) as exc:
        candidate_anonymise(actor=hr, candidate=hired.candidate, reason="deletion_request")
    assert exc.value.rule == "candidate_active"
    assert Candidate.objects.filter(anonymised_at__isnull=False).count() == 0


def test_anonymising_twice_changes_nothing(full_history, hr):
    candidate = full_history[0].candidate
    first = candidate_anonymise(actor=hr, candidate=candidate, reason="deletion_request")
    second = candidate_anonymise(actor=hr, candidate=candidate, reason="deletion_request")
    assert first.anonymised_at == second.anonymised_at
    assert AuditEvent.objects.filter(verb="candidate_anonymised").count() == 1


# --- retention -------------------------------------------------------------------------------------

def test_retention_anonymises_rejected_candidates_after_180_days_once(clock, posting, hr, settings, django_capture_on_commit_callbacks):
    assert settings.RECRUITMENT_RETENTION_DAYS == 180
    rejected = make_application(posting, name="王五")
    resume = with_resume(rejected)
    application_reject(actor=hr, application=rejected, reason=RefuseReason.REQUIREMENTS_NOT_MET)
    withdrawn = make_application(posting, name="赵六")
    application_withdraw(actor=hr, application=withdrawn)
    still_active = make_application(posting, name="钱七")
    other_posting = make_posting(posting.requisition.team, by=hr, title="电话催收专员")
    both = make_application(posting, name="孙八", mobile="+8613900139000")
    application_reject(actor=hr, application=both, reason=RefuseReason.INTERVIEW)
    Application.objects.create(  # the same person applied again elsewhere and is still in the running
        candidate=both.candidate, posting=other_posting, stage=other_posting.stages.get(kind=StageKind.APPLIED), source=both.source,
        consent_version=both.consent_version, consent_at=NOW, stage_entered_at=NOW,
    )
    before = funnel()

    clock.move_to(NOW + dt.timedelta(days=179, hours=23))
    assert candidates_anonymise_rejected() == 0

    clock.move_to(NOW + dt.timedelta(days=180, minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert candidates_anonymise_rejected() == 2
    assert candidates_anonymise_rejected() == 0

    names = dict(Candidate.objects.values_list("pk", "name"))
    assert names[rejected.candidate_id] == ANONYMISED_NAME and names[withdrawn.candidate_id] == ANONYMISED_NAME
    assert names[still_active.candidate_id] == "钱七" and names[both.candidate_id] == "孙八"
    assert not private_storage.exists(resume)
    assert funnel() == before
    event = AuditEvent.objects.filter(verb="candidate_anonymised", actor=None).first()
    assert event.data["reason"] == "retention_180_days"


def test_retention_days_come_from_settings_or_the_argument(clock, posting, hr, settings):
    settings.RECRUITMENT_RETENTION_DAYS = 30
    application = make_application(posting)
    application_reject(actor=hr, application=application, reason=RefuseReason.NO_RESPONSE)

    assert candidates_anonymise_rejected(now=NOW + dt.timedelta(days=31), retention_days=60) == 0
    assert candidates_anonymise_rejected(now=NOW + dt.timedelta(days=31)) == 1


def test_retention_counts_from_the_last_closed_application(clock, posting, hr):
    old = make_application(posting, name="李雷", mobile="+8613700137000")
    application_reject(actor=hr, application=old, reason=RefuseReason.INTERVIEW)
    clock.move_to(NOW + dt.timedelta(days=100))
    newer_posting = make_posting(posting.requisition.team, by=hr, title="贷后催收专员")
    again = make_application(newer_posting, name="李雷")
    Application.objects.filter(pk=again.pk).update(candidate=old.candidate)
    again.refresh_from_db()
    application_reject(actor=hr, application=again, reason=RefuseReason.INTERVIEW)

    assert candidates_anonymise_rejected(now=NOW + dt.timedelta(days=200)) == 0
    assert candidates_anonymise_rejected(now=NOW + dt.timedelta(days=281)) == 1


def test_retention_leaves_hired_candidates_alone(clock, posting, hr):
    hired = interviewed_application(posting)
    accepted_offer(hired, hr)
    cleared(hired, hr)
    application_hire(actor=hr, application=hired)
    assert candidates_anonymise_rejected(now=NOW + dt.timedelta(days=1000)) == 0


def test_interviews_keep_their_times_after_anonymisation(full_history, hr):
    application, _ = full_history
    candidate_anonymise(actor=hr, candidate=application.candidate, reason="deletion_request")
    interview = application.interviews.get()
    assert interview.starts_at == at(2) and interview.status == InterviewStatus.CANCELLED  # cancelled when the application was rejected
