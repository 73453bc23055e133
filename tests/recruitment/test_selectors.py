"""Recruitment selectors: scoping from ``visible_to`` (HR all, panel members theirs, other roles
nothing), the FilterSet applied, the board's columns and the interview list's order."""
from __future__ import annotations

import pytest
from django.http import Http404

from recruitment import selectors
from recruitment.choices import EducationLevel, Industry, PostingStatus, RefuseReason, StageKind
from recruitment.models import Interview, WorkHistoryLine
from recruitment.services.interviews import scorecard_submit
from recruitment.services.pipeline import application_reject, application_withdraw
from recruitment.services.screening import application_screen, screening_rules_install_defaults

from .factories import make_application, make_posting, stage_of, took_place
from .later_stages import at, clock  # noqa: F401 - clock is a fixture

pytestmark = pytest.mark.django_db

RATINGS = {"mandarin_clarity": 3, "communication": 4, "pressure_resilience": 2, "compliance_awareness": 4, "service_attitude": 3}


@pytest.fixture
def posting(team, hr):
    posting = make_posting(team, by=hr)
    screening_rules_install_defaults(posting=posting)
    return posting


@pytest.fixture
def mine(posting):
    return make_application(posting, name="王小明", mobile="+8613800138000", education_level=EducationLevel.HIGH_SCHOOL)


@pytest.fixture
def theirs(posting):
    return make_application(posting, name="赵六", education_level=EducationLevel.BACHELOR, months_collection=12)


def _panel(application, *users, start=None, end=None):
    interview = Interview.objects.create(application=application, round_name="一面", starts_at=start or at(24), ends_at=end or at(25), location="总部")
    interview.interviewers.add(*users)
    return interview


# --- application_list / application_get --------------------------------------------------------------

def test_application_list_gives_hr_everything_newest_first(hr, mine, theirs):
    assert list(selectors.application_list(user=hr)) == [theirs, mine]


def test_application_list_gives_a_lead_only_the_applications_they_interview_on(clock, lead, mine, theirs):
    _panel(mine, lead)
    _panel(mine, lead, start=at(48), end=at(49))  # two rounds: still one row
    assert list(selectors.application_list(user=lead)) == [mine]


@pytest.mark.parametrize("persona", ["collector", "legal", "administrator", "integration", "other_lead"])
def test_application_list_is_empty_for_roles_without_candidate_access(clock, request, persona, lead, mine):
    _panel(mine, lead)
    assert not selectors.application_list(user=request.getfixturevalue(persona)).exists()


def test_application_list_applies_the_filterset(hr, mine, theirs, posting):
    application_screen(application=mine)
    application_screen(application=theirs)
    assert list(selectors.application_list(user=hr, filters={"screening_flagged": "true"})) == [mine]
    assert list(selectors.application_list(user=hr, filters={"tag": "催收经验"})) == [theirs]
    assert list(selectors.application_list(user=hr, filters={"q": "138 0013 8000"})) == [mine]
    screening = stage_of(posting, StageKind.SCREENING)
    assert list(selectors.application_list(user=hr, filters={"stage": screening.pk})) == []


def test_application_get_out_of_scope_is_404(clock, lead, other_lead, mine):
    _panel(mine, lead)
    assert selectors.application_get(user=lead, pk=mine.pk) == mine
    with pytest.raises(Http404):
        selectors.application_get(user=other_lead, pk=mine.pk)


def test_candidate_collection_months_counts_only_collection_industries(mine):
    WorkHistoryLine.objects.create(candidate=mine.candidate, employer="某银行", job_title="催收员", industry=Industry.CREDIT_CARD_COLLECTION, months=10)
    WorkHistoryLine.objects.create(candidate=mine.candidate, employer="某呼叫中心", job_title="客服", industry=Industry.CALL_CENTRE, months=24)
    WorkHistoryLine.objects.create(candidate=mine.candidate, employer="某律所", job_title="助理", industry=Industry.OTHER_COLLECTION, months=5)
    assert selectors.candidate_collection_months(candidate=mine.candidate) == 15


def test_movable_stages_exclude_the_current_stage_hired_and_closing_stages(hr, mine, posting):
    kinds = [s.kind for s in selectors.movable_stages(application=mine)]
    assert kinds == [StageKind.SCREENING, StageKind.INTERVIEW]  # offer, background check: entered by the offer itself
    application_withdraw(actor=hr, application=mine)
    mine.refresh_from_db()
    assert selectors.movable_stages(application=mine) == []


# --- board ------------------------------------------------------------------------------------------------

def test_board_columns_follow_stage_order_with_closing_stages_folded_last(hr, posting, mine, theirs):
    rejected = make_application(posting, name="周九")
    application_reject(actor=hr, application=rejected, reason=RefuseReason.OTHER)
    offer = make_application(posting, name="郑十", stage_kind=StageKind.OFFER)
    columns = selectors.board_columns(user=hr, posting=posting)
    assert [c.stage.kind for c in columns] == [
        StageKind.APPLIED, StageKind.SCREENING, StageKind.INTERVIEW, StageKind.OFFER, StageKind.BACKGROUND_CHECK, StageKind.HIRED,
        StageKind.REJECTED, StageKind.WITHDRAWN,
    ]
    by_kind = {c.stage.kind: c for c in columns}
    assert by_kind[StageKind.APPLIED].cards == [mine, theirs] and by_kind[StageKind.APPLIED].count == 2
    assert by_kind[StageKind.OFFER].cards == [offer]
    assert by_kind[StageKind.REJECTED].folded and by_kind[StageKind.REJECTED].cards == [rejected]
    assert by_kind[StageKind.APPLIED].previous is None and by_kind[StageKind.APPLIED].next.kind == StageKind.SCREENING
    assert by_kind[StageKind.BACKGROUND_CHECK].next is None  # hiring goes through its own action
    assert StageKind.APPLIED not in [s.kind for s in by_kind[StageKind.APPLIED].targets]


def test_board_columns_count_only_the_cards_in_scope(clock, lead, posting, mine, theirs):
    _panel(mine, lead)
    _panel(mine, lead, start=at(48), end=at(49))
    columns = {c.stage.kind: c for c in selectors.board_columns(user=lead, posting=posting)}
    assert columns[StageKind.APPLIED].count == 1 and columns[StageKind.APPLIED].cards == [mine]


def test_posting_get_hides_a_draft_from_another_department(other_supervisor, supervisor, team, hr):
    draft = make_posting(team, by=hr, status=PostingStatus.DRAFT)
    assert selectors.posting_get(user=supervisor, pk=draft.pk) == draft
    with pytest.raises(Http404):
        selectors.posting_get(user=other_supervisor, pk=draft.pk)


# --- interviews -------------------------------------------------------------------------------------------

def test_interview_list_puts_upcoming_first_soonest_on_top_then_past_latest_on_top(clock, lead, mine):
    soon, later = _panel(mine, lead, start=at(2), end=at(3)), _panel(mine, lead, start=at(50), end=at(51))
    yesterday, last_week = _panel(mine, lead, start=at(-20), end=at(-19)), _panel(mine, lead, start=at(days=-7), end=at(1, days=-7))
    rows = list(selectors.interview_list(user=lead))
    assert rows == [soon, later, yesterday, last_week]
    assert [r.is_upcoming for r in rows] == [True, True, False, False]


def test_interview_list_scopes_and_annotates_my_scorecard(clock, hr, lead, other_lead, mine, theirs):
    with_lead = took_place(_panel(mine, lead))
    _panel(theirs, other_lead, start=at(30), end=at(31))
    scorecard_submit(interviewer=lead, interview=with_lead, ratings=RATINGS, recommendation=3)
    rows = list(selectors.interview_list(user=lead))
    assert rows == [with_lead] and rows[0].my_scorecard and rows[0].scorecards_count == 1
    assert len(selectors.interview_list(user=hr)) == 2


def test_interview_list_applies_the_filterset(clock, hr, lead, mine):
    mine_iv = _panel(mine, lead, hr)
    _panel(mine, lead, start=at(30), end=at(31))
    assert list(selectors.interview_list(user=hr, filters={"mine": "true"})) == [mine_iv]


def test_interviewer_choices_are_active_panel_roles(hr, lead, supervisor, director, collector, legal):
    director.is_active = False
    director.save(update_fields=["is_active"])
    choices = set(selectors.interviewer_choices())
    assert {hr, lead, supervisor} <= choices
    assert not choices & {collector, legal, director}
