"""Personal data that outlived a refusal or an anonymisation (code review, issue 3 §2 and §10):
a refused merge keeps every resume file, a merge deletes the dropped resume only on commit, and
anonymisation also blanks the free text the audit log copied."""
from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from common.errors import RuleViolation
from common.models import AuditEvent
from recruitment.choices import ApplicationSource, RefuseReason, StageKind
from recruitment.defaults import PRIVACY_NOTICE_VERSION
from recruitment.models import Application, Candidate, private_storage
from recruitment.services.applications import ApplicationData, application_submit, candidate_merge
from recruitment.services.interviews import interview_cancel
from recruitment.services.offers import offer_withdraw
from recruitment.services.pipeline import application_move, application_reject, application_withdraw
from recruitment.services.privacy import ANONYMISED_NAME, candidate_anonymise
from recruitment.services.screening import screening_rules_install_defaults
from tests.factories import valid_id_number

from .factories import make_application, make_posting, stage_of
from .later_stages import at, clock, draft_offer, schedule  # noqa: F401

pytestmark = pytest.mark.django_db

MOBILE = "+8613800138000"


def add_application(candidate: Candidate, posting) -> Application:
    """A second application of ``candidate``, to ``posting``, in its first stage."""
    return Application.objects.create(
        candidate=candidate, posting=posting, stage=stage_of(posting, StageKind.APPLIED), source=ApplicationSource.CAREERS_PAGE,
        consent_version=PRIVACY_NOTICE_VERSION, consent_at=timezone.now(), stage_entered_at=timezone.now(),
    )


def with_resume(application: Application) -> str:
    application.resume.save("cv.pdf", ContentFile(b"%PDF-1.4 resume"), save=False)
    application.resume_name, application.resume_type = "cv.pdf", "pdf"
    application.save(update_fields=["resume", "resume_name", "resume_type"])
    assert private_storage.exists(application.resume.name)
    return application.resume.name


# --- merge: files ------------------------------------------------------------------------------------

def test_refused_merge_keeps_the_resume_of_the_application_it_would_have_dropped(team, hr):
    first, second = make_posting(team, title="岗位一"), make_posting(team, title="岗位二")
    keep = make_application(first, mobile=MOBILE, email="a@example.com").candidate
    add_application(keep, second)
    # the duplicate is open on the second posting, where ``keep`` is open too: the merge is refused …
    duplicate = make_application(second, mobile=MOBILE, email="b@example.com").candidate
    # … and has a newer, closed application to the first posting that the merge would drop, resume
    # and all (the newest row comes first in the default order: checked before anything is dropped?)
    dropped = add_application(duplicate, first)
    resume = with_resume(dropped)
    application_withdraw(actor=hr, application=dropped)

    with pytest.raises(RuleViolation) as excinfo:
        candidate_merge(actor=hr, keep=keep, merge=duplicate)

    assert excinfo.value.rule == "merge_same_posting"
    assert Application.objects.filter(pk=dropped.pk).exists()
    assert private_storage.exists(resume)


def test_merge_deletes_the_dropped_resume_only_once_committed(team, hr, django_capture_on_commit_callbacks):
    posting = make_posting(team)
    keep_app = make_application(posting, mobile=MOBILE, email="a@example.com")
    dup = make_application(posting, mobile=MOBILE, email="b@example.com")
    resume = with_resume(dup)
    application_withdraw(actor=hr, application=dup)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        candidate_merge(actor=hr, keep=keep_app.candidate, merge=dup.candidate)
        assert private_storage.exists(resume)  # still there inside the transaction
    assert not Application.objects.filter(pk=dup.pk).exists()
    assert private_storage.exists(resume)
    for callback in callbacks:
        callback()
    assert not private_storage.exists(resume)


# --- anonymisation: the audit log --------------------------------------------------------------------

def test_anonymisation_blanks_personal_free_text_in_the_audit_log(clock, team, hr, lead):
    posting = make_posting(team, by=hr)
    screening_rules_install_defaults(posting=posting)
    number = valid_id_number()
    application = application_submit(
        posting=posting, resume=None, source=ApplicationSource.WALK_IN, source_detail="陈晨的表哥王五推荐", actor=hr,
        data=ApplicationData(
            name="陈晨", mobile="138 0013 8000", email="chenchen@example.com", id_number=number, education_level=4,
            study_mode="full_time", consent_given=True, consent_version=PRIVACY_NOTICE_VERSION,
        ),
    )
    application_move(actor=hr, application=application, stage=stage_of(posting, StageKind.SCREENING), note="陈晨电话 13800138000 已联系")
    interview = schedule(application, hr, lead, start=at(30))
    interview_cancel(actor=hr, interview=interview, note="陈晨改期")
    offer = draft_offer(application, hr)
    offer_withdraw(actor=hr, offer=offer, note="陈晨另有 offer")
    application_reject(actor=hr, application=application, reason=RefuseReason.OTHER, note="陈晨 chenchen@example.com 不合适")
    candidate = application.candidate
    other = make_application(posting, name="李四", email="lisi@example.com")
    application_move(actor=hr, application=other, stage=stage_of(posting, StageKind.SCREENING), note="李四的备注")

    candidate_anonymise(actor=hr, candidate=candidate, reason="request")

    events = AuditEvent.objects.filter(
        target_type__in=["recruitment.candidate", "recruitment.application", "recruitment.interview", "recruitment.offer"],
        target_id__in=[str(candidate.pk), str(application.pk), str(interview.pk), str(offer.pk)],
    )
    text = " ".join(str(e.data) for e in events)
    for personal in ("陈晨", "13800138000", "chenchen@example.com", number, "王五", "改期", "不合适", "另有"):
        assert personal not in text, personal
    verbs = set(events.values_list("verb", flat=True))
    assert {"application_submitted", "application_moved", "application_rejected", "interview_cancelled", "offer_withdrawn",
            "candidate_anonymised"} <= verbs  # the history stays
    submitted = events.get(verb="application_submitted").data
    assert submitted["source"] == ApplicationSource.WALK_IN and submitted["source_detail"] == ""
    rejected = events.get(verb="application_rejected").data
    assert rejected["refuse_reason"] == RefuseReason.OTHER and rejected["to_stage"] == "未通过" and rejected["note"] == ""
    assert events.get(verb="candidate_anonymised").data["audit_events_blanked"] >= 5
    assert Candidate.objects.get(pk=candidate.pk).name == ANONYMISED_NAME
    # someone else's history is untouched
    assert AuditEvent.objects.get(verb="application_moved", target_id=str(other.pk)).data["note"] == "李四的备注"

