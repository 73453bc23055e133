"""The case page's htmx forms (contact attempt, promise to pay), the audited reveal, and the team
queue's reassignment with its conflict and rule refusals."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from collections_app.models import Assignment, ContactAttempt, ContactPoint, PromiseToPay
from collections_app.services import case_assign
from common.dates import local_today
from common.models import AuditEvent

from .views_fixtures import FULL_ID, FULL_NAME, HTMX, MASKED_ID, client_as, mine  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _attempt_url(case):
    return reverse("collections:case_attempt_create", args=[case.pk])


def _promise_url(case):
    return reverse("collections:case_promise_create", args=[case.pk])


# --- reveal --------------------------------------------------------------------------------------

def test_reveal_shows_full_values_and_writes_an_audit_event(client_as, collector, mine):
    client = client_as(collector)
    before = client.get(reverse("collections:case_detail", args=[mine.pk])).content.decode()
    assert FULL_ID not in before and MASKED_ID in before

    response = client.post(reverse("collections:case_reveal", args=[mine.pk]), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert FULL_ID in html and FULL_NAME in html and "13800138000" in html
    assert 'id="debtor-card"' in html and "<html" not in html  # the partial, not the page
    event = AuditEvent.objects.get(verb="debtor_revealed")
    assert event.actor == collector
    assert (event.target_type, event.target_id) == ("collections_app.debtor", str(mine.debtor_id))
    assert event.data["case"] == mine.pk


def test_reveal_is_a_post(client_as, collector, mine):
    response = client_as(collector).get(reverse("collections:case_reveal", args=[mine.pk]))
    assert response.status_code == 405
    assert not AuditEvent.objects.filter(verb="debtor_revealed").exists()


# --- contact attempt -----------------------------------------------------------------------------

def test_attempt_is_recorded_and_the_timeline_rerendered(client_as, collector, mine):
    point = ContactPoint.objects.get(debtor=mine.debtor, do_not_contact=False)
    # the form has no start time: it is "now", which must be inside the contact window (08:00–22:00)
    ten_am = timezone.make_aware(dt.datetime.combine(local_today(), dt.time(10)), timezone.get_default_timezone())
    with time_machine.travel(ten_am, tick=False):
        next_action = timezone.localtime() + dt.timedelta(days=1)
        data = {
            "channel": "phone", "party": "debtor", "contact_point": point.pk, "result_code": "CALLBACK_REQUESTED",
            "duration_seconds": "75", "note": "asked to call back tomorrow", "next_action_at": next_action.strftime("%Y-%m-%dT%H:%M"),
        }

        response = client_as(collector).post(_attempt_url(mine), data, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    attempt = ContactAttempt.objects.get(case=mine)
    assert (attempt.actor, attempt.result_code_id, attempt.duration_seconds, attempt.contact_point) == (collector, "CALLBACK_REQUESTED", 75, point)
    assert timezone.localtime(attempt.next_action_at).strftime("%Y-%m-%d %H:%M") == next_action.strftime("%Y-%m-%d %H:%M")  # typed as Beijing time
    assert 'id="timeline" class="app-timeline" hx-swap-oob="true"' in html
    assert "asked to call back tomorrow" in html and "CALLBACK_REQUESTED" in html
    assert "Contact attempt recorded." in html  # the message, swapped out of band
    mine.refresh_from_db()
    assert mine.last_contacted_at is not None


def test_attempt_without_result_code_shows_the_field_error(client_as, collector, mine):
    response = client_as(collector).post(_attempt_url(mine), {"channel": "phone", "party": "debtor"}, **HTMX)
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not ContactAttempt.objects.exists()


def test_attempt_refused_by_the_service_shows_its_message(client_as, collector, mine):
    past = (timezone.localtime() - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    data = {"channel": "phone", "party": "debtor", "result_code": "NO_ANSWER", "next_action_at": past}
    response = client_as(collector).post(_attempt_url(mine), data, **HTMX)
    assert response.status_code == 422
    assert "The next action must be in the future." in response.content.decode()
    assert not ContactAttempt.objects.exists()


def test_attempt_on_a_closed_case_shows_the_rule_refusal(client_as, collector, mine):
    mine.status = "closed"
    mine.save(update_fields=["status"])
    response = client_as(collector).post(_attempt_url(mine), {"channel": "phone", "party": "debtor", "result_code": "NO_ANSWER"}, **HTMX)
    # a closed case leaves the collector's scope only when unassigned; here it is still theirs
    assert response.status_code == 422
    assert 'data-testid="attempt-refusal"' in response.content.decode()
    assert not ContactAttempt.objects.exists()


def test_attempt_to_a_do_not_contact_point_is_refused(client_as, collector, mine):
    blocked = ContactPoint.objects.get(debtor=mine.debtor, do_not_contact=True)
    page = client_as(collector).get(reverse("collections:case_detail", args=[mine.pk])).content.decode()
    assert f'<option value="{blocked.pk}"' not in page  # not offered
    data = {"channel": "phone", "party": "emergency_contact", "contact_point": blocked.pk, "result_code": "NO_ANSWER"}
    response = client_as(collector).post(_attempt_url(mine), data, **HTMX)
    assert response.status_code == 422
    assert not ContactAttempt.objects.exists()


# --- promise to pay ------------------------------------------------------------------------------

def test_promise_is_recorded_and_shown_on_the_timeline(client_as, collector, mine):
    due = local_today() + dt.timedelta(days=3)
    response = client_as(collector).post(_promise_url(mine), {"amount": "1500.50", "due_date": due.isoformat()}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    promise = PromiseToPay.objects.get(case=mine)
    assert (promise.amount, promise.due_date, promise.created_by) == (Decimal("1500.50"), due, collector)
    assert "¥1,500.50" in html and due.isoformat() in html
    assert 'id="timeline"' in html and 'hx-swap-oob="true"' in html


def test_promise_without_htmx_redirects_back_to_the_case(client_as, collector, mine):
    response = client_as(collector).post(_promise_url(mine), {"amount": "100", "due_date": local_today().isoformat()})
    assert response.status_code == 302 and response["Location"] == reverse("collections:case_detail", args=[mine.pk])
    assert PromiseToPay.objects.filter(case=mine).count() == 1


@pytest.mark.parametrize(
    "data, message",
    [
        ({"amount": "0", "due_date": "2999-01-01"}, "The promised amount must be greater than zero."),
        ({"amount": "100", "due_date": "2000-01-01"}, "The promise due date cannot be in the past."),
        ({"amount": "abc", "due_date": "2999-01-01"}, "Enter a number."),
    ],
)
def test_promise_refusals_are_shown_inline(client_as, collector, mine, data, message):
    response = client_as(collector).post(_promise_url(mine), data, **HTMX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not PromiseToPay.objects.exists()


# --- reassignment --------------------------------------------------------------------------------

def _reassign_url(case):
    return reverse("collections:case_reassign", args=[case.pk])


def test_lead_reassigns_a_case_with_a_reason(client_as, lead, collector_b, mine):
    client = client_as(lead)
    form = client.get(_reassign_url(mine), {"version": mine.version}, **HTMX).content.decode()
    assert f'value="{collector_b.pk}"' in form and f'name="expected_version" value="{mine.version}"' in form

    response = client.post(_reassign_url(mine), {"collector": collector_b.pk, "reason": "hard case for a senior", "expected_version": mine.version}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    mine.refresh_from_db()
    assert mine.collector == collector_b
    assignment = Assignment.objects.get(case=mine, ended_at__isnull=True)
    assert (assignment.reason, assignment.note, assignment.assigned_by) == ("manual", "hard case for a senior", lead)
    assert f'<tr id="case-row-{mine.pk}" hx-swap-oob="true">' in html and collector_b.display_name in html


def test_reassignment_needs_a_reason(client_as, lead, collector_b, mine):
    response = client_as(lead).post(_reassign_url(mine), {"collector": collector_b.pk, "reason": "", "expected_version": mine.version}, **HTMX)
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    mine.refresh_from_db()
    assert mine.collector.username == "collector"


def test_reassignment_of_a_case_changed_meanwhile_is_a_conflict(client_as, lead, collector, collector_b, mine):
    seen = mine.version
    case_assign(case=mine, collector=collector_b, actor=lead, reason="manual", note="first lead")  # someone else, first
    response = client_as(lead).post(_reassign_url(mine), {"collector": collector.pk, "reason": "second lead", "expected_version": seen}, **HTMX)
    assert response.status_code == 409
    assert 'data-testid="reassign-conflict"' in response.content.decode()
    mine.refresh_from_db()
    assert mine.collector == collector_b
    assert Assignment.objects.filter(case=mine, note="second lead").count() == 0


def test_reassignment_rule_refusal_is_shown(client_as, supervisor, collector_b, mine):
    mine.status = "closed"
    mine.save(update_fields=["status"])
    response = client_as(supervisor).post(_reassign_url(mine), {"collector": collector_b.pk, "reason": "x", "expected_version": mine.version}, **HTMX)
    assert response.status_code == 422
    assert "cannot be assigned" in response.content.decode()


def test_lead_cannot_pick_a_collector_of_another_team(client_as, lead, other_collector, mine):
    response = client_as(lead).post(_reassign_url(mine), {"collector": other_collector.pk, "reason": "x", "expected_version": mine.version}, **HTMX)
    assert response.status_code == 422
    mine.refresh_from_db()
    assert mine.collector.username == "collector"


# --- login, logout, language ---------------------------------------------------------------------

def test_login_page_and_sign_in(client_as, collector):
    client = client_as(None)
    page = client.get(reverse("login")).content.decode()
    assert 'name="username"' in page and 'name="password"' in page
    response = client.post(reverse("login"), {"username": "collector", "password": "collections-demo"})
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("collections:my_queue")


def test_logout_is_a_post_form(client_as, collector):
    client = client_as(collector)
    page = client.get(reverse("collections:my_queue")).content.decode()
    assert f'<form method="post" action="{reverse("logout")}"' in page
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("collections:my_queue")).status_code == 302


def test_language_switch_posts_to_set_language(client_as, collector):
    client = client_as(collector, language="zh-hans")
    page = client.get(reverse("collections:my_queue")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert f'action="{reverse("set_language")}"' in page and 'value="en"' in page and "简体中文" in page
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("collections:my_queue")})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get(reverse("collections:my_queue")).content.decode()


def test_promise_is_linked_to_todays_ptp_call_on_the_case(client_as, collector, mine):
    from collections_app.services import contact_attempt_record
    from common.dates import local_day_bounds

    ten_am = local_day_bounds(local_today())[0] + dt.timedelta(hours=10)
    with time_machine.travel(ten_am + dt.timedelta(minutes=5), tick=False):
        call = contact_attempt_record(case=mine, actor=collector, channel="phone", result_code="PTP", started_at=ten_am)
        client_as(collector).post(_promise_url(mine), {"amount": "100.00", "due_date": local_today().isoformat()}, **HTMX)
        client_as(collector).post(_promise_url(mine), {"amount": "50.00", "due_date": local_today().isoformat()}, **HTMX)
    first, second = PromiseToPay.objects.filter(case=mine).order_by("id")
    assert first.attempt == call  # the PTP call produced the promise
    assert second.attempt is None  # that call already has its promise


def test_inbound_call_is_recorded_from_the_form_outside_the_contact_window(client_as, collector, mine):
    from common.dates import local_day_bounds

    late = local_day_bounds(local_today())[0] + dt.timedelta(hours=23)
    form = {"channel": "phone", "direction": "inbound", "party": "debtor", "result_code": "WTP", "duration_seconds": "60"}
    with time_machine.travel(late, tick=False):
        refused = client_as(collector).post(_attempt_url(mine), {**form, "direction": "outbound"}, **HTMX)
        recorded = client_as(collector).post(_attempt_url(mine), form, **HTMX)
    assert refused.status_code == 422
    assert recorded.status_code == 200
    assert list(ContactAttempt.objects.filter(case=mine).values_list("direction", flat=True)) == ["inbound"]
