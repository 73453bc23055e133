"""Interviews, the interviewer conflict check, scorecards and reminders (issue 3 §5)."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from common.errors import RuleViolation
from common.models import AuditEvent
from recruitment.choices import ApplicationStatus, HiringRole, InterviewStatus, RefuseReason, StageKind
from recruitment.models import Interview, Scorecard, StageChange
from recruitment.services.interviews import interview_cancel, interview_reminders_send, scorecard_submit, scorecards_visible_to
from recruitment.services.pipeline import application_reject
from teams.choices import Role
from tests.factories import make_collector

from .factories import make_application, make_posting, stage_of, took_place
from .later_stages import NOW, at, clock, panel_member, schedule  # noqa: F401 - clock is a fixture

pytestmark = pytest.mark.django_db

COLLECTOR_RATINGS = {
    "mandarin_clarity": 3, "communication": 4, "pressure_resilience": 3, "compliance_awareness": 4, "service_attitude": 2,
}


@pytest.fixture
def posting(team, hr):
    return make_posting(team, by=hr)


@pytest.fixture
def application(posting):
    return make_application(posting, name="李娜", email="lina@example.com")


@pytest.fixture
def panel(team, hr):
    """HR plus a team lead of the posting's department."""
    hr.email = "hr@example.com"
    hr.save(update_fields=["email"])
    return [hr, panel_member("lead_li", Role.TEAM_LEAD, team.department)]


# --- scheduling ------------------------------------------------------------------------------------

def test_schedule_moves_application_to_interview_stage_and_emails_candidate(
    clock, application, posting, panel, hr, mailoutbox, django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        interview = schedule(application, hr, *panel, start=at(48), video_link="https://meeting.example.com/abc")

    application.refresh_from_db()
    assert application.stage == stage_of(posting, StageKind.INTERVIEW)
    assert StageChange.objects.filter(application=application, to_stage__kind=StageKind.INTERVIEW, actor=hr).exists()
    assert set(interview.interviewers.all()) == set(panel)
    assert interview.status == InterviewStatus.SCHEDULED and interview.scheduled_by == hr
    assert AuditEvent.objects.filter(verb="interview_scheduled", target_id=str(interview.pk)).exists()
    assert [m.to for m in mailoutbox] == [["lina@example.com"]]
    assert "一面" in mailoutbox[0].body and "meeting.example.com/abc" in mailoutbox[0].body


def test_second_round_keeps_stage_and_sends_the_new_details(clock, application, posting, panel, hr, mailoutbox, django_capture_on_commit_callbacks):
    schedule(application, hr, *panel, start=at(48))
    changes = StageChange.objects.filter(application=application).count()

    with django_capture_on_commit_callbacks(execute=True):
        schedule(application, hr, *panel, start=at(72), round_name="复试", location="总部 5 楼")

    application.refresh_from_db()
    assert application.stage.kind == StageKind.INTERVIEW
    assert StageChange.objects.filter(application=application).count() == changes
    assert len(mailoutbox) == 1 and "复试" in mailoutbox[0].body and "总部 5 楼" in mailoutbox[0].body


def test_schedule_does_not_move_an_application_already_past_interview(clock, posting, panel, hr):
    application = make_application(posting, stage_kind=StageKind.OFFER)

    schedule(application, hr, *panel)

    application.refresh_from_db()
    assert application.stage.kind == StageKind.OFFER


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start": NOW - dt.timedelta(minutes=1)}, "starts_at"),
        ({"hours": 0}, "ends_at"),
        ({"hours": -1}, "ends_at"),
        ({"location": "", "video_link": ""}, "location"),
        ({"round_name": "  "}, "round_name"),
    ],
)
def test_schedule_refuses_bad_input_naming_the_field(clock, application, panel, hr, change, field):
    kwargs = {"start": at(48), **change}
    with pytest.raises(ValidationError) as exc:
        schedule(application, hr, *panel, **kwargs)

    assert field in exc.value.message_dict
    assert not Interview.objects.exists()
    application.refresh_from_db()
    assert application.stage.kind == StageKind.APPLIED


def test_schedule_refuses_a_start_in_the_past_with_its_time(clock, application, hr):
    with pytest.raises(ValidationError) as exc:
        schedule(application, hr, hr, start=at(-2))
    assert "2026-12-01 07:00" in exc.value.message_dict["starts_at"][0]


def test_schedule_refuses_an_empty_panel(clock, application, hr):
    from recruitment.services.interviews import interview_schedule

    with pytest.raises(ValidationError) as exc:
        interview_schedule(actor=hr, application=application, round_name="一面", starts_at=at(48), ends_at=at(49), interviewers=[], location="A")
    assert "interviewers" in exc.value.message_dict


@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.LEGAL_OFFICER, Role.ADMINISTRATOR, Role.INTEGRATION_CLIENT])
def test_schedule_refuses_an_interviewer_outside_interviewer_roles(clock, application, hr, team, role):
    outsider = panel_member(f"x_{role}", role, team.department)

    with pytest.raises(ValidationError) as exc:
        schedule(application, hr, hr, outsider)

    assert outsider.display_name in exc.value.message_dict["interviewers"][0]
    assert not Interview.objects.exists()


def test_schedule_refuses_an_inactive_interviewer(clock, application, hr, team):
    gone = panel_member("gone_lead", Role.TEAM_LEAD, team.department)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as exc:
        schedule(application, hr, gone)
    assert "interviewers" in exc.value.message_dict


@pytest.mark.parametrize("closer", ["reject", "hired"])
def test_schedule_refuses_a_closed_application(clock, application, posting, hr, closer):
    if closer == "reject":
        application_reject(actor=hr, application=application, reason=RefuseReason.REQUIREMENTS_NOT_MET)
    else:
        application.status = ApplicationStatus.HIRED
        application.save(update_fields=["status"])

    with pytest.raises(RuleViolation) as exc:
        schedule(application, hr, hr)

    assert exc.value.rule == "application_closed"
    assert not Interview.objects.exists()


def test_overlapping_interview_for_an_interviewer_is_refused_naming_both(clock, posting, panel, hr):
    lead_li = panel[1]
    first = schedule(make_application(posting), hr, lead_li, start=at(48), hours=1)
    other = make_application(posting)

    with pytest.raises(RuleViolation) as exc:
        schedule(other, hr, hr, lead_li, start=at(48.5), hours=1)

    assert exc.value.rule == "interviewer_conflict"
    assert lead_li.display_name in exc.value.message
    assert "2026-12-03 09:00" in exc.value.message and "10:00" in exc.value.message
    assert exc.value.extra["interview"] == first.pk and exc.value.extra["interviewer"] == lead_li.pk
    assert Interview.objects.count() == 1
    other.refresh_from_db()
    assert other.stage.kind == StageKind.APPLIED  # nothing half-saved


@pytest.mark.parametrize(("start", "hours"), [(at(47), 3), (at(47.5), 1), (at(48.25), 0.5)])
def test_every_kind_of_overlap_is_a_conflict(clock, posting, hr, start, hours):
    schedule(make_application(posting), hr, hr, start=at(48), hours=1)
    with pytest.raises(RuleViolation):
        schedule(make_application(posting), hr, hr, start=start, hours=hours)


def test_back_to_back_interviews_do_not_conflict(clock, posting, hr):
    schedule(make_application(posting), hr, hr, start=at(48), hours=1)
    schedule(make_application(posting), hr, hr, start=at(49), hours=1)
    schedule(make_application(posting), hr, hr, start=at(47), hours=1)
    assert Interview.objects.count() == 3


def test_cancelled_interview_frees_the_interviewer(clock, posting, hr):
    first = schedule(make_application(posting), hr, hr, start=at(48))
    interview_cancel(actor=hr, interview=first, note="候选人改期")

    schedule(make_application(posting), hr, hr, start=at(48))

    first.refresh_from_db()
    assert first.status == InterviewStatus.CANCELLED
    assert AuditEvent.objects.filter(verb="interview_cancelled", target_id=str(first.pk), data__note="候选人改期").exists()
    with pytest.raises(RuleViolation) as exc:
        interview_cancel(actor=hr, interview=first)
    assert exc.value.rule == "interview_not_scheduled"


def test_other_interviewers_are_not_blocked_by_someone_elses_interview(clock, posting, panel, hr, team):
    schedule(make_application(posting), hr, panel[1], start=at(48))
    another_lead = panel_member("lead_wang", Role.TEAM_LEAD, team.department)
    schedule(make_application(posting), hr, another_lead, start=at(48))
    assert Interview.objects.count() == 2


def _race(callables) -> list[object]:
    """Run the callables in threads released together (tests/collections_app/test_allocation.py)."""
    barrier = threading.Barrier(len(callables))
    results: list[object] = [None] * len(callables)

    def worker(i, fn):
        try:
            barrier.wait(timeout=10)
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(callables)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_bookings_of_one_interviewer_one_wins(team, hr):
    from .factories import future

    posting = make_posting(team, by=hr)
    lead_li = panel_member("lead_li", Role.TEAM_LEAD, team.department)
    applications = [make_application(posting), make_application(posting)]
    start = future(72)

    results = _race([
        lambda a=a: schedule(a, hr, hr, lead_li, start=start + dt.timedelta(minutes=15 * i), hours=1)
        for i, a in enumerate(applications)
    ])

    winners = [r for r in results if isinstance(r, Interview)]
    losers = [r for r in results if isinstance(r, RuleViolation)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].rule == "interviewer_conflict"
    assert Interview.objects.filter(interviewers=lead_li).count() == 1


# --- scorecards ------------------------------------------------------------------------------------

@pytest.fixture
def interview(clock, application, panel, hr):
    """A round that has taken place (scorecards come in afterwards)."""
    return took_place(schedule(application, hr, *panel, start=at(2)))


def test_scorecard_is_stored_with_every_attribute_of_the_role(interview, panel):
    lead_li = panel[1]

    card = scorecard_submit(interviewer=lead_li, interview=interview, ratings=COLLECTOR_RATINGS, recommendation=3, notes="表达清楚")

    assert card.ratings == COLLECTOR_RATINGS and card.recommendation == 3 and card.submitted_at == NOW
    assert AuditEvent.objects.filter(verb="scorecard_submitted", actor=lead_li).exists()
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SCHEDULED  # HR has not submitted yet


@pytest.mark.parametrize("bad", [0, 5, 2.5, True, "3", None, -1])
def test_scorecard_refuses_ratings_off_the_four_point_scale(interview, panel, bad):
    ratings = {**COLLECTOR_RATINGS, "communication": bad}
    with pytest.raises(ValidationError) as exc:
        scorecard_submit(interviewer=panel[1], interview=interview, ratings=ratings, recommendation=3)
    assert "ratings" in exc.value.message_dict
    assert not Scorecard.objects.exists()


@pytest.mark.parametrize("bad", [0, 5, 2.5, True])
def test_scorecard_refuses_a_recommendation_off_the_scale(interview, panel, bad):
    with pytest.raises(ValidationError) as exc:
        scorecard_submit(interviewer=panel[1], interview=interview, ratings=COLLECTOR_RATINGS, recommendation=bad)
    assert "recommendation" in exc.value.message_dict


def test_scorecard_refuses_missing_and_unknown_attributes(interview, panel):
    ratings = {k: v for k, v in COLLECTOR_RATINGS.items() if k != "compliance_awareness"} | {"team_leadership": 3, "looks": 4}
    with pytest.raises(ValidationError) as exc:
        scorecard_submit(interviewer=panel[1], interview=interview, ratings=ratings, recommendation=3)
    text = " ".join(exc.value.message_dict["ratings"])
    assert "Compliance awareness" in text and "looks" in text and "team_leadership" in text


def test_team_lead_posting_asks_for_leadership_attributes(clock, team, hr):
    posting = make_posting(team, role=HiringRole.TEAM_LEAD, title="催收组长", by=hr)
    interview = took_place(schedule(make_application(posting), hr, hr, start=at(2)))

    with pytest.raises(ValidationError):
        scorecard_submit(interviewer=hr, interview=interview, ratings=COLLECTOR_RATINGS, recommendation=3)
    card = scorecard_submit(
        interviewer=hr, interview=interview, ratings={**COLLECTOR_RATINGS, "team_leadership": 4, "coaching": 3}, recommendation=4,
    )
    assert set(card.ratings) == set(COLLECTOR_RATINGS) | {"team_leadership", "coaching"}


def test_scorecard_refused_before_the_interview_has_started(clock, application, panel, hr):
    upcoming = schedule(application, hr, *panel, start=at(2))
    with pytest.raises(RuleViolation) as refused:
        scorecard_submit(interviewer=hr, interview=upcoming, ratings=COLLECTOR_RATINGS, recommendation=3)
    assert refused.value.rule == "interview_not_started"
    assert not upcoming.scorecards.exists()


def test_scorecard_once_per_interviewer(interview, panel):
    scorecard_submit(interviewer=panel[1], interview=interview, ratings=COLLECTOR_RATINGS, recommendation=3)
    with pytest.raises(RuleViolation) as exc:
        scorecard_submit(interviewer=panel[1], interview=interview, ratings=COLLECTOR_RATINGS, recommendation=1)
    assert exc.value.rule == "scorecard_already_submitted"
    assert Scorecard.objects.get().recommendation == 3


def test_scorecard_refused_for_someone_not_on_the_panel(interview, supervisor):
    with pytest.raises(RuleViolation) as exc:
        scorecard_submit(interviewer=supervisor, interview=interview, ratings=COLLECTOR_RATINGS, recommendation=3)
    assert exc.value.rule == "not_on_panel"


def test_scorecard_refused_for_a_cancelled_interview(interview, panel, hr):
    interview_cancel(actor=hr, interview=interview)
    with pytest.raises(RuleViolation) as exc:
        scorecard_submit(interviewer=panel[1], interview=interview, ratings=COLLECTOR_RATINGS, recommendation=3)
    assert exc.value.rule == "interview_cancelled"


def test_interview_completes_when_every_interviewer_submitted(interview, panel):
    for user in panel:
        scorecard_submit(interviewer=user, interview=interview, ratings=COLLECTOR_RATINGS, recommendation=3)
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.COMPLETED
    assert AuditEvent.objects.filter(verb="interview_completed", target_id=str(interview.pk)).count() == 1


def test_interviewer_sees_others_feedback_only_after_submitting_their_own(interview, panel, team, supervisor, collector):
    hr, lead_li = panel
    scorecard_submit(interviewer=hr, interview=interview, ratings=COLLECTOR_RATINGS, recommendation=4)

    assert list(scorecards_visible_to(user=lead_li, interview=interview)) == []
    assert list(scorecards_visible_to(user=supervisor, interview=interview)) == []  # not on the panel
    assert list(scorecards_visible_to(user=collector, interview=interview)) == []

    scorecard_submit(interviewer=lead_li, interview=interview, ratings=COLLECTOR_RATINGS, recommendation=2)

    assert [c.interviewer for c in scorecards_visible_to(user=lead_li, interview=interview)] == [hr, lead_li]


def test_hr_sees_every_scorecard_even_off_the_panel(clock, application, panel, team, hr):
    from tests.factories import UserFactory

    lead_li = panel[1]
    interview = took_place(schedule(application, hr, lead_li, start=at(2)))
    scorecard_submit(interviewer=lead_li, interview=interview, ratings=COLLECTOR_RATINGS, recommendation=3)
    other_hr = UserFactory(username="hr2", role=Role.HR_RECRUITER)

    assert scorecards_visible_to(user=other_hr, interview=interview).count() == 1


# --- reminders -------------------------------------------------------------------------------------

def test_reminders_go_out_once_within_the_24_hours_before(clock, application, panel, hr, mailoutbox):
    interview = schedule(application, hr, *panel, start=at(30))
    schedule(make_application(application.posting), hr, hr, start=at(60))  # not yet due

    assert interview_reminders_send() == 0 and mailoutbox == []

    clock.move_to(at(7))  # 23 hours before
    assert interview_reminders_send() == 1
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted(["hr@example.com", "lead_li@example.com", "lina@example.com"])
    to_candidate = next(m for m in mailoutbox if m.to == ["lina@example.com"])
    assert "2026-12-02 15:00" in to_candidate.body and application.posting.title in to_candidate.body
    interview.refresh_from_db()
    assert interview.reminder_sent_at == at(7)

    assert interview_reminders_send() == 0
    assert len(mailoutbox) == 3


def test_no_reminder_for_cancelled_or_past_interviews(clock, application, hr, mailoutbox):
    cancelled = schedule(application, hr, hr, start=at(5))
    interview_cancel(actor=hr, interview=cancelled)
    schedule(make_application(application.posting), hr, hr, start=at(3))
    clock.move_to(at(4))  # that one has started

    assert interview_reminders_send() == 0
    assert mailoutbox == []


def test_reminder_skips_people_without_an_address_and_anonymised_candidates(clock, posting, hr, team, mailoutbox):
    no_mail = panel_member("lead_nomail", Role.TEAM_LEAD, team.department, email="")
    application = make_application(posting, email="")
    schedule(application, hr, no_mail, start=at(5))

    assert interview_reminders_send() == 1
    assert mailoutbox == []


def test_collector_cannot_be_booked_even_with_a_profile(clock, application, hr, team):
    collector = make_collector(team, username="c_new")
    with pytest.raises(ValidationError):
        schedule(application, hr, collector)


def test_hr_on_the_panel_is_blind_until_their_own_scorecard_is_in(clock, application, panel, hr):
    lead_li = panel[1]
    interview = took_place(schedule(application, hr, hr, lead_li, start=at(2)))
    scorecard_submit(interviewer=lead_li, interview=interview, ratings=COLLECTOR_RATINGS, recommendation=3)

    assert list(scorecards_visible_to(user=hr, interview=interview)) == []

    scorecard_submit(interviewer=hr, interview=interview, ratings=COLLECTOR_RATINGS, recommendation=4)

    assert scorecards_visible_to(user=hr, interview=interview).count() == 2
