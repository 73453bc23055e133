"""Screening rules and their evaluation on the three default postings (issue 3 §3)."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from common.errors import RuleViolation
from recruitment.choices import (
    ApplicationStatus, EducationLevel, HiringRole, Industry, MandarinLevel, RefuseReason, ScreeningAction, ScreeningRuleKind, StageKind,
)
from recruitment.models import ScreeningResult, ScreeningRule, WorkHistoryLine
from recruitment.services.screening import (
    application_screen, screening_result_reason, screening_rule_save, screening_rules_install_defaults,
)

from .factories import make_application, make_posting

pytestmark = pytest.mark.django_db

E, M, I = EducationLevel, MandarinLevel, Industry


def _posting(team, role):
    posting = make_posting(team, role=role, title=f"{role} posting")
    screening_rules_install_defaults(posting=posting)
    return posting


def _apply(posting, *, education, mandarin, history=()):
    application = make_application(posting, education_level=education, mandarin_level=mandarin)
    for industry, months in history:
        WorkHistoryLine.objects.create(candidate=application.candidate, employer="某公司", job_title="专员", industry=industry, months=months)
    return application


def _outcome(application):
    results = application_screen(application=application)
    application.refresh_from_db()
    per_rule = [(r.rule.kind, r.passed) for r in results]
    return per_rule, application.screening_score, application.screening_tags, application.screening_flagged


EDU, MAN, EXP = ScreeningRuleKind.EDUCATION_MIN, ScreeningRuleKind.MANDARIN_MIN, ScreeningRuleKind.EXPERIENCE_MONTHS


@pytest.mark.parametrize(
    ("role", "candidate", "expected"),
    [
        # collector: education ≥ 大专 (flag), Mandarin ≥ 2B (flag), loan/card collection ≥ 6 months (+20, 催收经验)
        (HiringRole.COLLECTOR, dict(education=E.BACHELOR, mandarin=M.LEVEL_2A, history=[(I.CREDIT_CARD_COLLECTION, 8)]),
         ([(EDU, True), (MAN, True), (EXP, True)], 20, ["催收经验"], False)),
        (HiringRole.COLLECTOR, dict(education=E.JUNIOR_COLLEGE, mandarin=M.LEVEL_2B,
                                    history=[(I.CONSUMER_LOAN_COLLECTION, 4), (I.CREDIT_CARD_COLLECTION, 3)]),
         ([(EDU, True), (MAN, True), (EXP, True)], 20, ["催收经验"], False)),
        (HiringRole.COLLECTOR, dict(education=E.HIGH_SCHOOL, mandarin=M.NONE,
                                    history=[(I.CONSUMER_LOAN_COLLECTION, 3), (I.CALL_CENTRE, 24), (I.OTHER_COLLECTION, 12)]),
         ([(EDU, False), (MAN, False), (EXP, False)], 0, [], True)),
        (HiringRole.COLLECTOR, dict(education=E.JUNIOR_COLLEGE, mandarin=M.LEVEL_3A, history=[]),
         ([(EDU, True), (MAN, False), (EXP, False)], 0, [], True)),
        # team lead: education ≥ 大专, any collection ≥ 24 months, Mandarin ≥ 2B (all flag)
        (HiringRole.TEAM_LEAD, dict(education=E.JUNIOR_COLLEGE, mandarin=M.LEVEL_2B,
                                    history=[(I.OTHER_COLLECTION, 12), (I.CREDIT_CARD_COLLECTION, 14)]),
         ([(EDU, True), (EXP, True), (MAN, True)], 0, [], False)),
        (HiringRole.TEAM_LEAD, dict(education=E.BACHELOR, mandarin=M.LEVEL_1B,
                                    history=[(I.CONSUMER_LOAN_COLLECTION, 20), (I.CALL_CENTRE, 30)]),
         ([(EDU, True), (EXP, False), (MAN, True)], 0, [], True)),
        # supervisor: education ≥ 本科, any collection ≥ 48 months (flag)
        (HiringRole.SUPERVISOR, dict(education=E.MASTER, mandarin=M.NONE, history=[(I.CREDIT_CARD_COLLECTION, 60)]),
         ([(EDU, True), (EXP, True)], 0, [], False)),
        (HiringRole.SUPERVISOR, dict(education=E.JUNIOR_COLLEGE, mandarin=M.LEVEL_1A, history=[(I.CONSUMER_LOAN_COLLECTION, 50)]),
         ([(EDU, False), (EXP, True)], 0, [], True)),
    ],
)
def test_default_rules_on_sample_applications(team, role, candidate, expected):
    posting = _posting(team, role)
    application = _apply(posting, **candidate)
    assert _outcome(application) == expected
    # defaults never reject
    assert application.status == ApplicationStatus.ACTIVE


def test_default_rules_match_the_documented_table(team):
    collector = _posting(team, HiringRole.COLLECTOR)
    exp = collector.screening_rules.get(kind=EXP)
    assert (exp.months, sorted(exp.industries), exp.points, exp.tag, exp.action) == (
        6, sorted([I.CONSUMER_LOAN_COLLECTION, I.CREDIT_CARD_COLLECTION]), 20, "催收经验", ScreeningAction.SCORE,
    )
    assert collector.screening_rules.get(kind=EDU).education_level == E.JUNIOR_COLLEGE
    assert collector.screening_rules.get(kind=MAN).mandarin_level == M.LEVEL_2B
    assert _posting(team, HiringRole.TEAM_LEAD).screening_rules.get(kind=EXP).months == 24
    supervisor = _posting(team, HiringRole.SUPERVISOR)
    assert supervisor.screening_rules.get(kind=EXP).months == 48
    assert supervisor.screening_rules.get(kind=EDU).education_level == E.BACHELOR
    assert not ScreeningRule.objects.filter(auto_reject=True).exists()


def test_defaults_install_is_idempotent(team):
    posting = _posting(team, HiringRole.COLLECTOR)
    assert len(screening_rules_install_defaults(posting=posting)) == 3
    assert posting.screening_rules.count() == 3


def test_rescreening_updates_results_in_place(team):
    posting = _posting(team, HiringRole.COLLECTOR)
    application = _apply(posting, education=E.JUNIOR_COLLEGE, mandarin=M.LEVEL_2B, history=[(I.CREDIT_CARD_COLLECTION, 3)])
    assert _outcome(application)[1] == 0
    WorkHistoryLine.objects.create(candidate=application.candidate, employer="某银行", job_title="催收员", industry=I.CREDIT_CARD_COLLECTION, months=5)
    assert _outcome(application)[1:] == (20, ["催收经验"], False)
    assert ScreeningResult.objects.filter(application=application).count() == 3


def test_failed_tag_rule_adds_its_tag(team, hr):
    posting = make_posting(team)
    screening_rule_save(actor=hr, posting=posting, kind=MAN, mandarin_level=M.LEVEL_2A, action=ScreeningAction.TAG, tag="普通话待测")
    application = _apply(posting, education=E.BACHELOR, mandarin=M.LEVEL_2B)
    assert _outcome(application) == ([(MAN, False)], 0, ["普通话待测"], False)


def test_auto_reject_rule_rejects_with_screening_reason(team, hr):
    posting = make_posting(team)
    screening_rule_save(actor=hr, posting=posting, kind=EDU, education_level=E.JUNIOR_COLLEGE, action=ScreeningAction.FLAG, auto_reject=True)
    application = _apply(posting, education=E.HIGH_SCHOOL, mandarin=M.LEVEL_2B)
    with translation.override("en"):
        application_screen(application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.stage.kind == StageKind.REJECTED
    assert application.refuse_reason == RefuseReason.SCREENING_RULE
    assert application.refuse_note == "Education: Senior high school < Junior college (dazhuan) required — failed"


def test_auto_reject_does_nothing_when_the_rule_passes(team, hr):
    posting = make_posting(team)
    screening_rule_save(actor=hr, posting=posting, kind=EDU, education_level=E.JUNIOR_COLLEGE, auto_reject=True)
    application = _apply(posting, education=E.JUNIOR_COLLEGE, mandarin=M.LEVEL_2B)
    application_screen(application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACTIVE


def test_inactive_rule_is_not_evaluated_and_its_old_result_is_dropped(team, hr):
    posting = _posting(team, HiringRole.COLLECTOR)
    application = _apply(posting, education=E.HIGH_SCHOOL, mandarin=M.LEVEL_2B, history=[(I.CREDIT_CARD_COLLECTION, 12)])
    assert _outcome(application)[3] is True
    education_rule = posting.screening_rules.get(kind=EDU)
    screening_rule_save(actor=hr, posting=posting, rule=education_rule, is_active=False)
    per_rule, score, tags, flagged = _outcome(application)
    assert per_rule == [(MAN, True), (EXP, True)]
    assert flagged is False
    assert not ScreeningResult.objects.filter(rule=education_rule).exists()


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        (dict(kind=EDU), "education_level"),
        (dict(kind=EXP, months=6), "industries"),
        (dict(kind=EXP, industries=["gambling"], months=6), "industries"),
        (dict(kind=EXP, industries=[I.CALL_CENTRE]), "months"),
        (dict(kind=MAN, mandarin_level=M.NONE), "mandarin_level"),
        (dict(kind=EDU, education_level=E.BACHELOR, action=ScreeningAction.TAG), "tag"),
        (dict(kind=EDU, education_level=E.BACHELOR, action=ScreeningAction.SCORE, points=0), "points"),
        (dict(kind="gender", action=ScreeningAction.FLAG), "kind"),
        (dict(kind=EDU, education_level=E.BACHELOR, gender="male"), "gender"),
    ],
)
def test_rule_without_what_its_kind_needs_is_refused(team, hr, fields, error_field):
    posting = make_posting(team)
    with pytest.raises(ValidationError) as excinfo:
        screening_rule_save(actor=hr, posting=posting, **fields)
    assert error_field in excinfo.value.message_dict
    assert not posting.screening_rules.exists()


def test_rule_of_another_posting_is_refused(team, hr):
    posting, other = make_posting(team), _posting(team, HiringRole.COLLECTOR)
    with pytest.raises(RuleViolation) as excinfo:
        screening_rule_save(actor=hr, posting=posting, rule=other.screening_rules.first(), points=5)
    assert excinfo.value.rule == "rule_of_other_posting"


def test_rule_update_clears_parameters_of_other_kinds(team, hr):
    posting = make_posting(team)
    rule = screening_rule_save(actor=hr, posting=posting, kind=EDU, education_level=E.BACHELOR)
    rule = screening_rule_save(actor=hr, posting=posting, rule=rule, kind=MAN, mandarin_level=M.LEVEL_2A)
    rule.refresh_from_db()
    assert (rule.kind, rule.mandarin_level, rule.education_level) == (MAN, M.LEVEL_2A, None)


def test_result_reasons_read_as_sentences(team):
    posting = _posting(team, HiringRole.COLLECTOR)
    application = _apply(posting, education=E.BACHELOR, mandarin=M.NONE, history=[(I.CONSUMER_LOAN_COLLECTION, 3)])
    results = application_screen(application=application)
    with translation.override("en"):
        reasons = [screening_result_reason(result) for result in results]
    assert reasons == [
        "Education: Bachelor's degree ≥ Junior college (dazhuan) — passed",
        "Mandarin: No certificate < Level 2-B required — failed",
        "Experience in Consumer-loan collection / Credit-card collection: 3 months < 6 months required — failed",
    ]
