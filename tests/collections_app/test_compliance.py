"""The contact-policy guard (collections_app/services/compliance.py, docs/compliance.md): every rule
is allowed at its limit and refused one past it, by name; overrides; the API and the browser form.

The clock is frozen at 2024-01-05 23:30 Beijing time so that the whole of that local day is in the
past and nothing depends on the hour the suite runs at."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from collections_app.models import ContactAttempt, ResultCode
from collections_app.services import contact_attempt_record
from collections_app.services.compliance import CONTACT_POLICY, contact_compliance_check
from common.errors import RuleViolation
from common.models import AuditEvent
from tests.factories import CaseFactory, ContactPointFactory, CreditorFactory

from .views_fixtures import HTMX, client_as  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

SHANGHAI = timezone.get_default_timezone()
DAY = dt.date(2024, 1, 5)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    """An aware datetime at ``hour:minute`` Beijing time on ``day``."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)), SHANGHAI)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(at(23, 30), tick=False), translation.override("en"):
        yield


@pytest.fixture
def case(team, collector, creditor):
    return CaseFactory(team=team, collector=collector, creditor=creditor)


@pytest.fixture
def mobile(case):
    return ContactPointFactory(debtor=case.debtor, kind="mobile")


def record(case, actor, *, started_at, result_code="NO_ANSWER", channel="phone", **kwargs):
    return contact_attempt_record(case=case, actor=actor, channel=channel, result_code=result_code, started_at=started_at, **kwargs)


def refused_rule(**kwargs) -> str:
    with pytest.raises(RuleViolation) as err:
        record(**kwargs)
    return err.value.rule


# --- contact window -------------------------------------------------------------------------------

@pytest.mark.parametrize("hour, minute", [(8, 0), (21, 59)])
def test_attempt_inside_the_window_is_recorded(case, collector, mobile, hour, minute):
    attempt = record(case, collector, contact_point=mobile, started_at=at(hour, minute))
    assert attempt.pk and timezone.localtime(attempt.started_at).time() == dt.time(hour, minute)


@pytest.mark.parametrize("hour, minute, channel", [(22, 0, "phone"), (7, 59, "phone"), (23, 0, "field_visit"), (6, 30, "sms")])
def test_attempt_outside_the_window_is_refused_on_every_channel(case, collector, hour, minute, channel):
    with pytest.raises(RuleViolation) as err:
        record(case, collector, channel=channel, started_at=at(hour, minute))
    assert err.value.rule == "contact_window"
    assert "08:00" in err.value.message and "22:00" in err.value.message and "GB/T 45251" in err.value.message
    assert not ContactAttempt.objects.exists()


def test_window_is_judged_in_beijing_time_not_utc(case, collector):
    # 23:30 UTC on 4 January is 07:30 on 5 January in Beijing: refused; 01:00 UTC is 09:00: allowed
    assert refused_rule(case=case, actor=collector, started_at=dt.datetime(2024, 1, 4, 23, 30, tzinfo=dt.UTC)) == "contact_window"
    assert record(case, collector, started_at=dt.datetime(2024, 1, 5, 1, 0, tzinfo=dt.UTC)).pk


def test_default_start_time_is_now_and_is_refused_at_night(case, collector):
    assert refused_rule(case=case, actor=collector, started_at=None) == "contact_window"  # frozen at 23:30


# --- connected voice contacts per debtor per day -------------------------------------------------

def test_fourth_connected_call_with_a_debtor_is_refused_across_collectors_and_cases(team, case, collector, collector_b, creditor):
    other_case = CaseFactory(debtor=case.debtor, creditor=CreditorFactory(), team=team, collector=collector_b)
    record(case, collector, result_code="PTP", started_at=at(9))
    record(other_case, collector_b, result_code="RTP", started_at=at(10))
    record(case, collector, result_code="NO_ANSWER", started_at=at(10, 30))  # not connected: not counted
    record(case, collector, result_code="CALLBACK_REQUESTED", started_at=at(11))  # the 3rd: allowed
    with pytest.raises(RuleViolation) as err:
        record(other_case, collector_b, result_code="WTP", started_at=at(12))
    assert err.value.rule == "daily_connected_contacts" and "GB/T 45251" in err.value.message
    assert ContactAttempt.objects.filter(result_code__is_connect=True).count() == 3
    # not-connected attempts are not limited by this rule, and the next local day starts afresh
    assert record(other_case, collector_b, result_code="BUSY", started_at=at(13)).pk
    assert record(case, collector, result_code="PTP", started_at=at(9, day=DAY - dt.timedelta(days=1))).pk


def test_connected_calls_of_another_debtor_and_other_channels_do_not_count(case, collector, team, creditor):
    stranger = CaseFactory(team=team, collector=collector, creditor=creditor)
    for hour in (9, 10, 11):
        record(stranger, collector, result_code="PTP", started_at=at(hour))
    for hour in (9, 10, 11, 12):
        record(case, collector, channel="sms", result_code="PTP", started_at=at(hour))
    for hour in (13, 14, 15):
        record(case, collector, result_code="PTP", started_at=at(hour))
    assert refused_rule(case=case, actor=collector, result_code="PTP", started_at=at(16)) == "daily_connected_contacts"


def test_a_superseded_attempt_is_not_counted_twice(case, collector):
    record(case, collector, result_code="PTP", started_at=at(9))
    record(case, collector, result_code="PTP", started_at=at(10))
    third = record(case, collector, result_code="PTP", started_at=at(11))
    # correcting the 3rd call (wrong code) is not a 4th connected call
    correction = record(case, collector, result_code="RTP", started_at=third.started_at, corrects=third)
    assert correction.corrects == third
    assert refused_rule(case=case, actor=collector, result_code="PTP", started_at=at(12)) == "daily_connected_contacts"


# --- unanswered attempts per number per day ------------------------------------------------------

def test_seventh_unanswered_call_to_a_number_is_refused_and_another_number_is_still_allowed(case, collector, mobile):
    landline = ContactPointFactory(debtor=case.debtor, kind="landline", value="+862161234567")
    codes = ["NO_ANSWER", "BUSY", "POWERED_OFF", "VOICEMAIL", "NO_ANSWER", "NO_ANSWER"]
    for i, code in enumerate(codes):  # the 6th is allowed
        record(case, collector, contact_point=mobile, result_code=code, started_at=at(9 + i))
    with pytest.raises(RuleViolation) as err:
        record(case, collector, contact_point=mobile, result_code="NO_ANSWER", started_at=at(16))
    assert err.value.rule == "daily_unanswered_attempts_per_number" and "2026" in err.value.message
    assert record(case, collector, contact_point=landline, result_code="NO_ANSWER", started_at=at(16)).pk
    # a connected call to the same number is judged by the connected-call rule, not this one
    assert record(case, collector, contact_point=mobile, result_code="PTP", started_at=at(17)).pk


# --- third parties, do-not-contact, party and channel ----------------------------------------------

def test_third_party_is_refused_until_lost_contact_is_recorded(case, collector):
    guarantor = ContactPointFactory(debtor=case.debtor, kind="mobile", party="guarantor")
    assert refused_rule(case=case, actor=collector, party="guarantor", contact_point=guarantor, started_at=at(9)) == "third_party_only_when_lost_contact"
    record(case, collector, result_code="LOST_CONTACT", started_at=at(10))
    case.refresh_from_db()
    assert case.lost_contact
    attempt = record(case, collector, party="guarantor", contact_point=guarantor, result_code="NSA", started_at=at(11))
    assert attempt.party == "guarantor"


def test_do_not_contact_point_is_never_contacted(case, collector):
    case.lost_contact = True
    case.save(update_fields=["lost_contact"])
    blocked = ContactPointFactory(debtor=case.debtor, kind="mobile", party="emergency_contact", do_not_contact=True)
    assert refused_rule(case=case, actor=collector, party="emergency_contact", contact_point=blocked, started_at=at(9)) == "do_not_contact"


def test_party_must_match_the_contact_point(case, collector, mobile):
    case.lost_contact = True
    case.save(update_fields=["lost_contact"])
    assert refused_rule(case=case, actor=collector, party="guarantor", contact_point=mobile, started_at=at(9)) == "party_mismatch"


@pytest.mark.parametrize("channel, kind, allowed", [
    ("phone", "mobile", True), ("sms", "landline", True), ("phone", "address", False), ("field_visit", "address", True),
    ("field_visit", "mobile", False), ("letter", "email", False), ("email", "email", True), ("email", "mobile", False),
])
def test_channel_needs_a_matching_kind_of_contact_point(case, collector, channel, kind, allowed):
    point = ContactPointFactory(debtor=case.debtor, kind=kind, value=f"{kind}-value")
    if allowed:
        assert record(case, collector, channel=channel, contact_point=point, result_code="PTP", started_at=at(9)).pk
    else:
        assert refused_rule(case=case, actor=collector, channel=channel, contact_point=point, started_at=at(9)) == "channel_contact_point_mismatch"


# --- holds ---------------------------------------------------------------------------------------

def test_no_contact_while_the_case_is_on_hold(case, collector):
    case.status = "on_hold"
    case.save(update_fields=["status"])
    assert refused_rule(case=case, actor=collector, started_at=at(9)) == "collection_hold"


def test_deceased_result_holds_every_case_of_the_debtor(team, case, collector, creditor):
    other_case = CaseFactory(debtor=case.debtor, creditor=CreditorFactory(), team=team, collector=collector)
    record(case, collector, result_code="DECEASED", started_at=at(9))
    assert refused_rule(case=case, actor=collector, started_at=at(10)) == "collection_hold"
    assert refused_rule(case=other_case, actor=collector, started_at=at(10)) == "collection_hold"


@pytest.mark.parametrize("code", ["COMPLAINT", "DISPUTE"])
def test_complaint_or_dispute_holds_the_case_for_thirty_days(case, collector, code):
    record(case, collector, result_code=code, started_at=at(9))
    with pytest.raises(RuleViolation) as err:
        record(case, collector, started_at=at(10))
    assert err.value.rule == "collection_hold" and "under review" in err.value.message
    # 30 days later the complaint is no longer "under review"
    with time_machine.travel(at(11, day=DAY + dt.timedelta(days=30)), tick=False):
        assert record(case, collector, started_at=at(10, day=DAY + dt.timedelta(days=30))).pk


# --- inbound -------------------------------------------------------------------------------------

def test_inbound_contact_is_exempt_from_window_and_limits_but_recorded(case, collector, mobile):
    for hour in (9, 10, 11):
        record(case, collector, result_code="PTP", started_at=at(hour))
    inbound = record(case, collector, result_code="PTP", direction="inbound", contact_point=mobile, started_at=at(22, 45))
    assert inbound.direction == "inbound" and ContactAttempt.objects.count() == 4
    # the inbound call is not counted against the outbound limits either
    assert refused_rule(case=case, actor=collector, result_code="PTP", started_at=at(12)) == "daily_connected_contacts"


# --- overrides -----------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["supervisor"])
def test_supervisor_override_records_the_attempt_and_audits_it(request, case, collector, persona):
    boss = request.getfixturevalue(persona)
    attempt = record(case, boss, started_at=at(22, 30), override_reason="  debtor asked to be called after work  ")
    assert attempt.pk
    event = AuditEvent.objects.get(verb="compliance_override")
    assert event.actor == boss and (event.target_type, event.target_id) == ("collections_app.case", str(case.pk))
    assert event.data["rule"] == "contact_window" and event.data["reason"] == "debtor asked to be called after work"


def test_override_audits_every_rule_it_waives_and_nothing_when_none_refuses(case, collector, supervisor):
    record(case, supervisor, started_at=at(9), override_reason="not needed")
    assert not AuditEvent.objects.filter(verb="compliance_override").exists()
    case.status = "on_hold"
    case.save(update_fields=["status"])
    record(case, supervisor, started_at=at(23), override_reason="court-ordered contact")
    assert sorted(AuditEvent.objects.filter(verb="compliance_override").values_list("data__rule", flat=True)) == ["collection_hold", "contact_window"]


@pytest.mark.parametrize("persona", ["collector", "lead"])
def test_override_by_anyone_but_a_supervisor_is_refused(request, case, persona):
    user = request.getfixturevalue(persona)
    assert refused_rule(case=case, actor=user, started_at=at(23), override_reason="please") == "override_needs_supervisor"
    assert not ContactAttempt.objects.exists() and not AuditEvent.objects.filter(verb="compliance_override").exists()


def test_override_does_not_waive_a_party_or_channel_mismatch(case, supervisor, mobile):
    assert refused_rule(case=case, actor=supervisor, channel="letter", contact_point=mobile, started_at=at(9), override_reason="x") == "channel_contact_point_mismatch"
    assert not AuditEvent.objects.filter(verb="compliance_override").exists()


# --- queries -------------------------------------------------------------------------------------

def test_the_check_takes_a_bounded_number_of_queries(case, collector, mobile, django_assert_max_num_queries):
    for hour in (9, 10):
        record(case, collector, contact_point=mobile, started_at=at(hour))
    code = ResultCode.objects.get(code="NO_ANSWER")
    with django_assert_max_num_queries(3):  # hold lookup, debtor lock, one aggregate
        contact_compliance_check(case=case, channel="phone", party="debtor", contact_point=mobile, started_at=at(11), result_code=code, actor=collector)


def test_policy_defaults_match_domain_md():
    assert (CONTACT_POLICY.window_start, CONTACT_POLICY.window_end) == (dt.time(8), dt.time(22))
    assert (CONTACT_POLICY.max_connected_voice_per_debtor_day, CONTACT_POLICY.max_unanswered_per_number_day) == (3, 6)


# --- API and browser form ------------------------------------------------------------------------

ATTEMPTS = "/api/v1/contact-attempts/"


def test_api_refusal_names_the_rule(api_as, case, collector):
    response = api_as(collector).post(ATTEMPTS, {"case": case.pk, "channel": "phone", "result_code": "NO_ANSWER", "started_at": at(7, 30).isoformat()}, format="json")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "contact_window"


def test_api_override_by_a_collector_is_refused_and_by_a_supervisor_is_recorded(api_as, case, collector, supervisor):
    body = {"case": case.pk, "channel": "phone", "result_code": "NO_ANSWER", "override_reason": "debtor asked for a late call"}
    refused = api_as(collector).post(ATTEMPTS, body, format="json")
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "override_needs_supervisor"
    accepted = api_as(supervisor).post(ATTEMPTS, body, format="json")  # now = 23:30
    assert accepted.status_code == 201, accepted.json()
    assert AuditEvent.objects.get(verb="compliance_override").data["reason"] == "debtor asked for a late call"


def test_browser_form_shows_the_refusal_message(client_as, case, collector):
    url = reverse("collections:case_attempt_create", args=[case.pk])
    response = client_as(collector).post(url, {"channel": "phone", "party": "debtor", "result_code": "NO_ANSWER"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert 'data-testid="attempt-refusal"' in html and "between 08:00 and 22:00" in html
    assert not ContactAttempt.objects.exists()


def test_browser_form_records_inside_the_window(client_as, case, collector):
    url = reverse("collections:case_attempt_create", args=[case.pk])
    with time_machine.travel(at(10), tick=False):
        response = client_as(collector).post(url, {"channel": "phone", "party": "debtor", "result_code": "NO_ANSWER"}, **HTMX)
    assert response.status_code == 200
    assert timezone.localtime(ContactAttempt.objects.get().started_at) == at(10)


def test_inbound_call_on_a_held_case_is_recorded(case, collector, mobile):
    case.status = "on_hold"
    case.save(update_fields=["status"])
    assert refused_rule(case=case, actor=collector, started_at=at(10)) == "collection_hold"
    inbound = record(case, collector, result_code="DISPUTE", direction="inbound", contact_point=mobile, started_at=at(10, 5))
    assert inbound.pk and inbound.direction == "inbound"
