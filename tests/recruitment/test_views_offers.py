"""Offer, background-check and hire pages (issue 3 §6–7): the security matrix of every page and
POST, and each page doing its job through the services (refusals named on the page).

World: posting A in team A (department ``dept-main``, range ¥5,000–8,000) with
- ``in_range``: an application with a draft offer of ¥6,000 (needs no approval);
- ``outside``: an application with an offer of ¥9,000 awaiting approval (department dept-main);
and posting X in another department with ``elsewhere``, an offer of ¥9,500 awaiting approval.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse

from recruitment.choices import (
    ApplicationStatus, BackgroundCheckStatus, CheckResult, OfferStatus, ProposalParty, RefuseReason, StageKind,
)
from recruitment.defaults import BACKGROUND_CHECK_CONSENT_VERSION
from recruitment.models import Application, BackgroundCheck, Offer, OfferProposal
from recruitment.services.offers import offer_send
from recruitment.views.offers import offer_panel_context
from teams.choices import Role, TrainingKind
from teams.models import CollectorProfile, Membership, TrainingAttendance, User
from tests.factories import TeamFactory

from .factories import make_posting
from .later_stages import TODAY, accepted_offer, clock, cleared, draft_offer, interviewed_application, schedule  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

WRONG_ROLES = ["collector", "legal", "administrator"]


@pytest.fixture
def posting(team):
    return make_posting(team)


@pytest.fixture
def in_range(posting, hr):
    return draft_offer(interviewed_application(posting, email="zhang.wei@example.com"), hr)


@pytest.fixture
def outside(posting, hr):
    return draft_offer(interviewed_application(posting), hr, monthly_wage=Decimal("9000.00"), probation_wage=Decimal("7200.00"))


@pytest.fixture
def elsewhere(other_department, hr):
    team_x = TeamFactory(department=other_department, code="team-x", name="外部门组")
    return draft_offer(interviewed_application(make_posting(team_x, title="外部门催收专员")), hr, monthly_wage=Decimal("9500.00"),
                       probation_wage=Decimal("7600.00"))


@pytest.fixture
def hired_ready(posting, hr):
    """An application with an accepted offer and a clear background check."""
    application = interviewed_application(posting, email="li.na@example.com")
    accepted_offer(application, hr)
    cleared(application, hr)
    return application


def url(name: str, *args) -> str:
    return reverse(f"recruitment:{name}", args=args)


def as_user(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context and "messages" in response.context else []


# --- security matrix ----------------------------------------------------------------------------

def _pages(in_range, outside, hired_ready):
    """(method, url, data) for every page and POST, with an object each role could act on."""
    app = in_range.application
    return [
        ("get", url("offer_create") + f"?application={app.pk}", None),
        ("post", url("offer_create") + f"?application={app.pk}", {}),
        ("get", url("offer_detail", outside.pk), None),
        ("post", url("offer_counter", outside.pk), {"party": "candidate", "monthly_wage": "9500"}),
        ("post", url("offer_approve", outside.pk), {}),
        ("post", url("offer_send", in_range.pk), {}),
        ("post", url("offer_decide", in_range.pk), {"decision": "accepted"}),
        ("post", url("offer_withdraw", in_range.pk), {}),
        ("get", url("offer_approval_list"), None),
        ("get", url("background_check", hired_ready.pk), None),
        ("post", url("background_check", hired_ready.pk), {"action": "results", "criminal_record": "clear", "credit_record": "clear"}),
        ("get", url("application_hire", hired_ready.pk), None),
        ("post", url("application_hire", hired_ready.pk), {}),
        ("get", url("hire_done", hired_ready.pk), None),
    ]


def test_every_offer_page_sends_anonymous_visitors_to_login(client, in_range, outside, hired_ready):
    for method, target, data in _pages(in_range, outside, hired_ready):
        response = getattr(client, method)(target, data or {})
        assert response.status_code == 302, target
        assert response.url.startswith(reverse("login")), target


@pytest.mark.parametrize("persona", WRONG_ROLES)
def test_every_offer_page_is_forbidden_to_roles_without_the_action(client, request, persona, in_range, outside, hired_ready):
    as_user(client, request.getfixturevalue(persona))
    for method, target, data in _pages(in_range, outside, hired_ready):
        assert getattr(client, method)(target, data or {}).status_code == 403, (persona, target)
    assert Offer.objects.get(pk=outside.pk).approved_at is None and Offer.objects.get(pk=in_range.pk).status == OfferStatus.DRAFT


def test_hr_only_pages_are_forbidden_to_supervisors(client, supervisor, in_range, outside, hired_ready):
    as_user(client, supervisor)
    hr_only = {"offer_create", "offer_counter", "offer_send", "offer_decide", "offer_withdraw", "background_check", "application_hire", "hire_done"}
    for method, target, data in _pages(in_range, outside, hired_ready):
        name = reverse_name(target)
        expected = 403 if name in hr_only else 200 if method == "get" else None
        if expected:
            assert getattr(client, method)(target, data or {}).status_code == expected, target


def test_approval_pages_are_forbidden_to_hr(client, hr, outside):
    as_user(client, hr)
    assert client.get(url("offer_approval_list")).status_code == 403
    assert client.post(url("offer_approve", outside.pk)).status_code == 403
    assert Offer.objects.get(pk=outside.pk).approved_at is None


def reverse_name(target: str) -> str:
    from django.urls import resolve

    return resolve(target.split("?")[0]).url_name


def test_supervisor_of_another_department_gets_404_for_an_offer_needing_approval_elsewhere(client, supervisor, other_supervisor, outside, elsewhere):
    as_user(client, supervisor)
    assert client.get(url("offer_detail", elsewhere.pk)).status_code == 404
    assert client.post(url("offer_approve", elsewhere.pk)).status_code == 404
    as_user(client, other_supervisor)
    assert client.get(url("offer_detail", outside.pk)).status_code == 404
    assert client.post(url("offer_approve", outside.pk)).status_code == 404
    assert Offer.objects.get(pk=outside.pk).approved_at is None and Offer.objects.get(pk=elsewhere.pk).approved_at is None


def test_supervisor_gets_404_for_an_offer_that_needs_no_approval(client, supervisor, in_range):
    as_user(client, supervisor)
    assert client.get(url("offer_detail", in_range.pk)).status_code == 404


@pytest.mark.parametrize("name", ["offer_detail", "offer_counter", "offer_send", "offer_decide", "offer_withdraw"])
def test_missing_offer_is_404_for_hr(client, hr, name):
    as_user(client, hr)
    method = client.get if name == "offer_detail" else client.post
    assert method(url(name, 999999)).status_code == 404


@pytest.mark.parametrize("name", ["background_check", "application_hire", "hire_done"])
def test_missing_application_is_404_for_hr(client, hr, name):
    as_user(client, hr)
    assert client.get(url(name, 999999)).status_code == 404
    assert client.get(url("offer_create") + "?application=999999").status_code == 404
    assert client.get(url("offer_create")).status_code == 404


# --- draft an offer -----------------------------------------------------------------------------

def _terms(**overrides) -> dict:
    data = {
        "monthly_wage": "6500", "contract_months": "36", "probation_months": "3", "probation_wage": "5200",
        "start_on": (TODAY + dt.timedelta(days=14)).isoformat(), "expires_on": (TODAY + dt.timedelta(days=7)).isoformat(), "note": "首轮报价",
    }
    data.update(overrides)
    return data


def test_offer_form_shows_the_salary_range_and_the_approval_warning(client, hr, posting):
    application = interviewed_application(posting)
    response = as_user(client, hr).get(url("offer_create") + f"?application={application.pk}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = text(response)
    assert re.search(r'data-testid="salary-range">.*¥5,000–8,000', body)
    assert "a supervisor of the department (or a director) must approve" in body
    assert application.candidate.name in body


def test_offer_create_drafts_the_offer_and_moves_the_application(client, hr, posting):
    application = interviewed_application(posting)
    response = as_user(client, hr).post(url("offer_create") + f"?application={application.pk}", _terms())
    offer = Offer.objects.get(application=application)
    assert response.status_code == 302 and response.url == url("offer_detail", offer.pk)
    assert (offer.status, offer.monthly_wage, offer.contract_months, offer.needs_approval) == (OfferStatus.DRAFT, Decimal("6500.00"), 36, False)
    assert list(offer.proposals.values_list("party", "monthly_wage", "note")) == [(ProposalParty.COMPANY, Decimal("6500.00"), "首轮报价")]
    application.refresh_from_db()
    assert application.stage.kind == StageKind.OFFER


def test_offer_create_with_an_open_ended_contract(client, hr, posting):
    application = interviewed_application(posting)
    as_user(client, hr).post(url("offer_create") + f"?application={application.pk}", _terms(contract_months="", probation_months="6", probation_wage="5200"))
    offer = Offer.objects.get(application=application)
    assert (offer.contract_months, offer.probation_months) == (None, 6)


def test_offer_create_outside_the_range_waits_for_approval(client, hr, posting):
    application = interviewed_application(posting)
    response = as_user(client, hr).post(url("offer_create") + f"?application={application.pk}", _terms(monthly_wage="9000", probation_wage="7200"), follow=True)
    offer = Offer.objects.get(application=application)
    assert (offer.status, offer.needs_approval) == (OfferStatus.PENDING_APPROVAL, True)
    assert 'data-testid="approval-notice"' in text(response)


@pytest.mark.parametrize(
    ("overrides", "field", "article"),
    [
        ({"contract_months": "11", "probation_months": "2"}, "probation_months", "art. 19"),
        ({"contract_months": "2", "probation_months": "1"}, "probation_months", "art. 19"),
        ({"contract_months": "", "probation_months": "7"}, "probation_months", "art. 19"),
        ({"probation_wage": "5000"}, "probation_wage", "art. 20"),  # 5,000 < 80 % of 6,500
    ],
)
def test_offer_create_refuses_terms_against_the_labour_contract_law(client, hr, posting, overrides, field, article):
    application = interviewed_application(posting)
    response = as_user(client, hr).post(url("offer_create") + f"?application={application.pk}", _terms(**overrides), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert field in errors and article in " ".join(errors[field])
    assert article in text(response)
    assert not Offer.objects.filter(application=application).exists()
    application.refresh_from_db()
    assert application.stage.kind == StageKind.INTERVIEW  # nothing half-saved


def test_offer_create_refuses_a_second_open_offer(client, hr, in_range):
    response = as_user(client, hr).post(url("offer_create") + f"?application={in_range.application_id}", _terms(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "already has an open offer" in text(response)
    assert Offer.objects.filter(application=in_range.application).count() == 1


# --- offer page and its actions ---------------------------------------------------------------

def test_offer_detail_shows_terms_history_and_hr_actions(client, hr, in_range):
    response = as_user(client, hr).get(url("offer_detail", in_range.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = text(response)
    assert re.search(r'data-testid="offer-wage">¥6,000.00<', body)
    assert 'data-testid="negotiation-history"' in body and 'data-party="company"' in body
    assert 'data-testid="offer-send"' in body and 'data-testid="offer-counter-form"' in body
    assert 'data-testid="offer-approve"' not in body
    assert response.context["actions"] == {"counter": True, "send": True, "send_blocked": False, "approve": False, "decide": False, "withdraw": True}


def test_supervisor_in_scope_sees_the_offer_and_may_only_approve(client, supervisor, outside):
    response = as_user(client, supervisor).get(url("offer_detail", outside.pk))
    assert response.status_code == 200
    body = text(response)
    assert outside.application.candidate.name in body
    assert 'data-testid="offer-approve"' in body
    assert 'data-testid="offer-counter-form"' not in body and 'data-testid="offer-send"' not in body


def test_counter_offer_from_the_candidate_is_kept_as_history(client, hr, in_range):
    response = as_user(client, hr).post(url("offer_counter", in_range.pk), {"party": "candidate", "monthly_wage": "7000", "note": "期望七千"})
    assert response.status_code == 302
    in_range.refresh_from_db()
    assert in_range.monthly_wage == Decimal("6000.00")
    page = text(client.get(url("offer_detail", in_range.pk)))
    assert page.count("app-tl-item") == 2 and "期望七千" in page and "¥7,000.00" in page
    assert list(in_range.proposals.values_list("party", flat=True)) == [ProposalParty.COMPANY, ProposalParty.CANDIDATE]


def test_company_figure_outside_the_range_needs_approval_again(client, hr, in_range):
    as_user(client, hr).post(url("offer_counter", in_range.pk), {"party": "company", "monthly_wage": "8500", "probation_wage": "6800"})
    in_range.refresh_from_db()
    assert (in_range.monthly_wage, in_range.needs_approval, in_range.status) == (Decimal("8500.00"), True, OfferStatus.PENDING_APPROVAL)


def test_counter_offer_with_bad_input_is_refused_on_the_form(client, hr, in_range):
    response = as_user(client, hr).post(url("offer_counter", in_range.pk), {"party": "company", "monthly_wage": "7500", "probation_wage": "1000"},
                                        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "art. 20" in " ".join(response.context["counter_form"].errors["probation_wage"])
    assert OfferProposal.objects.filter(offer=in_range).count() == 1


def test_send_is_refused_while_approval_is_missing(client, hr, outside):
    response = as_user(client, hr).post(url("offer_send", outside.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert any("must approve the offer before it is sent" in m for m in messages_of(response))
    assert Offer.objects.get(pk=outside.pk).status == OfferStatus.PENDING_APPROVAL


def test_supervisor_approves_then_hr_sends(client, hr, supervisor, outside):
    response = as_user(client, supervisor).post(url("offer_approve", outside.pk))
    assert response.status_code == 302
    outside.refresh_from_db()
    assert (outside.approved_by, outside.status) == (supervisor, OfferStatus.DRAFT)
    assert as_user(client, hr).post(url("offer_send", outside.pk)).status_code == 302
    assert Offer.objects.get(pk=outside.pk).status == OfferStatus.SENT


def test_director_gets_404_for_an_offer_within_the_range(client, director, in_range):
    """A director sees the offers needing approval: an in-range offer is out of their scope."""
    assert as_user(client, director).post(url("offer_approve", in_range.pk)).status_code == 404


def test_director_approves_any_department(client, director, elsewhere):
    assert as_user(client, director).post(url("offer_approve", elsewhere.pk)).status_code == 302
    assert Offer.objects.get(pk=elsewhere.pk).approved_by == director


def test_candidate_accepts_and_the_background_check_opens(client, hr, in_range):
    offer_send(actor=hr, offer=in_range)
    response = as_user(client, hr).post(url("offer_decide", in_range.pk), {"decision": "accepted", "note": "电话确认"})
    assert response.status_code == 302
    in_range.refresh_from_db()
    assert in_range.status == OfferStatus.ACCEPTED
    check = BackgroundCheck.objects.get(application=in_range.application)
    assert check.status == BackgroundCheckStatus.AWAITING_CONSENT
    assert Application.objects.get(pk=in_range.application_id).stage.kind == StageKind.BACKGROUND_CHECK


def test_candidate_declines_and_the_application_closes(client, hr, in_range):
    offer_send(actor=hr, offer=in_range)
    as_user(client, hr).post(url("offer_decide", in_range.pk), {"decision": "declined"})
    application = Application.objects.get(pk=in_range.application_id)
    assert (application.status, application.refuse_reason) == (ApplicationStatus.REJECTED, RefuseReason.OFFER_DECLINED)


def test_deciding_a_draft_offer_is_refused_with_the_rule(client, hr, in_range):
    response = as_user(client, hr).post(url("offer_decide", in_range.pk), {"decision": "accepted"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert any("Only a sent offer" in m for m in messages_of(response))
    assert Offer.objects.get(pk=in_range.pk).status == OfferStatus.DRAFT


def test_withdraw_offer(client, hr, in_range):
    assert as_user(client, hr).post(url("offer_withdraw", in_range.pk), {"note": "岗位调整"}).status_code == 302
    assert Offer.objects.get(pk=in_range.pk).status == OfferStatus.WITHDRAWN
    response = client.post(url("offer_withdraw", in_range.pk))
    assert response.status_code == 422  # offer_not_open


# --- approval list ------------------------------------------------------------------------------

def test_approval_list_shows_only_the_supervisors_department(client, supervisor, outside, elsewhere, in_range):
    response = as_user(client, supervisor).get(url("offer_approval_list"))
    assert response.status_code == 200
    assert [o.pk for o in response.context["offers"]] == [outside.pk]
    assert f'data-offer="{outside.pk}"' in text(response) and f'data-offer="{elsewhere.pk}"' not in text(response)
    assert response.context["offers"][0].range_deviation == Decimal("12.5")  # ¥9,000 vs the ¥8,000 maximum


def test_approval_list_for_a_director_shows_every_department_and_not_approved_ones(client, director, supervisor, outside, elsewhere):
    from recruitment.services.offers import offer_approve

    offer_approve(actor=supervisor, offer=outside)
    response = as_user(client, director).get(url("offer_approval_list"))
    assert [o.pk for o in response.context["offers"]] == [elsewhere.pk]


def test_approval_list_query_count_is_constant(client, director, hr, posting, django_assert_max_num_queries):
    for _ in range(3):
        draft_offer(interviewed_application(posting), hr, monthly_wage=Decimal("9000.00"), probation_wage=Decimal("7200.00"))
    as_user(client, director)
    with django_assert_max_num_queries(4):
        assert len(client.get(url("offer_approval_list")).context["offers"]) == 3


# --- background check ---------------------------------------------------------------------------

def test_background_check_consent_then_results(client, hr, posting):
    application = interviewed_application(posting)
    accepted_offer(application, hr)
    as_user(client, hr)
    page = client.get(url("background_check", application.pk))
    assert page.status_code == 200 and BACKGROUND_CHECK_CONSENT_VERSION in text(page)

    response = client.post(url("background_check", application.pk), {"action": "consent", "consent_version": BACKGROUND_CHECK_CONSENT_VERSION, "confirmed": "on"})
    assert response.status_code == 302
    check = BackgroundCheck.objects.get(application=application)
    assert (check.status, check.consent_version) == (BackgroundCheckStatus.IN_PROGRESS, BACKGROUND_CHECK_CONSENT_VERSION)

    response = client.post(url("background_check", application.pk), {"action": "results", "criminal_record": "clear", "credit_record": "adverse", "note": "逾期记录"})
    assert response.status_code == 302
    check.refresh_from_db()
    assert (check.status, check.credit_record, check.note) == (BackgroundCheckStatus.CONCERN, CheckResult.ADVERSE, "逾期记录")


def test_background_check_consent_needs_the_confirmation_and_the_current_version(client, hr, posting):
    application = interviewed_application(posting)
    accepted_offer(application, hr)
    as_user(client, hr)
    response = client.post(url("background_check", application.pk), {"action": "consent", "consent_version": BACKGROUND_CHECK_CONSENT_VERSION})
    assert response.status_code == 422 and "confirmed" in response.context["consent_form"].errors
    response = client.post(url("background_check", application.pk), {"action": "consent", "consent_version": "2019-01", "confirmed": "on"})
    assert response.status_code == 422 and "consent_version" in response.context["consent_form"].errors
    assert BackgroundCheck.objects.get(application=application).consent_at is None


def test_background_check_results_before_consent_are_refused_with_the_rule(client, hr, posting):
    application = interviewed_application(posting)
    accepted_offer(application, hr)
    response = as_user(client, hr).post(url("background_check", application.pk), {"action": "results", "criminal_record": "clear", "credit_record": "clear"},
                                        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert any("has not consented" in m for m in messages_of(response))
    assert BackgroundCheck.objects.get(application=application).criminal_record == CheckResult.PENDING


def test_background_check_page_without_an_accepted_offer_says_it_is_not_open(client, hr, in_range):
    response = as_user(client, hr).get(url("background_check", in_range.application_id))
    assert response.status_code == 200 and 'data-testid="check-not-open"' in text(response)
    response = client.post(url("background_check", in_range.application_id), {"action": "consent", "consent_version": BACKGROUND_CHECK_CONSENT_VERSION, "confirmed": "on"})
    assert response.status_code == 422


# --- hire ---------------------------------------------------------------------------------------

def test_hire_confirm_shows_what_will_be_created(client, hr, hired_ready):
    response = as_user(client, hr).get(url("application_hire", hired_ready.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = text(response)
    assert response.context["form"]["username"].value() == "li.na"
    assert 'data-testid="hire-role">Collector<' in body
    assert hired_ready.posting.requisition.team.name in body
    assert (TODAY + dt.timedelta(days=14)).isoformat() in body
    assert not response.context["problems"]


def test_hire_creates_the_account_and_shows_the_first_login_link(client, hr, hired_ready, mailoutbox, django_capture_on_commit_callbacks):
    as_user(client, hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("application_hire", hired_ready.pk), {"username": "lina2026"})
    assert response.status_code == 302 and response.url == url("hire_done", hired_ready.pk)
    user = User.objects.get(username="lina2026")
    assert (user.role, user.has_usable_password()) == (Role.COLLECTOR, False)
    assert Membership.objects.get(user=user).team == hired_ready.posting.requisition.team
    assert CollectorProfile.objects.get(user=user).in_onboarding is True
    assert TrainingAttendance.objects.get(user=user).session.kind == TrainingKind.ONBOARDING
    assert [m.to for m in mailoutbox if "/people/welcome/" in m.body] == [["li.na@example.com"]]

    done = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en")
    body = text(done)
    assert done.status_code == 200 and re.search(r'data-testid="hired-username">lina2026<', body)
    link = re.search(r'data-testid="first-login-url"', body) and re.search(r'value="(http://testserver/people/welcome/[^"]+)"', body).group(1)
    uidb64, token = link.rstrip("/").split("/")[-2:]
    assert default_token_generator.check_token(user, token)
    assert "li.na@example.com" in done.context["hired_user"].email and 'data-testid="emailed-note"' in body

    assert client.get(url("application_hire", hired_ready.pk)).url == url("hire_done", hired_ready.pk)  # already hired → the done page


def test_hire_done_stops_showing_the_link_once_the_password_is_set(client, hr, hired_ready):
    as_user(client, hr).post(url("application_hire", hired_ready.pk), {})
    user = Application.objects.get(pk=hired_ready.pk).hired_user
    user.set_password("a-new-Password-2026")
    user.save(update_fields=["password"])
    body = text(client.get(url("hire_done", hired_ready.pk)))
    assert 'data-testid="link-used"' in body and "/people/welcome/" not in body


def test_hire_without_an_accepted_offer_is_refused_naming_the_rule(client, hr, in_range):
    application = in_range.application
    as_user(client, hr)
    page = client.get(url("application_hire", application.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert "accepted an offer" in text(page) and 'data-testid="hire-problems"' in text(page)
    assert 'data-testid="hire-submit" disabled' in text(page)  # the button says what the server would refuse
    response = client.post(url("application_hire", application.pk), {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert any("only after they accepted an offer" in m for m in messages_of(response))
    assert not User.objects.filter(role=Role.COLLECTOR, email=application.candidate.email).exists()


def test_hire_with_a_background_check_not_clear_is_refused_naming_the_rule(client, hr, posting):
    application = interviewed_application(posting)
    accepted_offer(application, hr)
    response = as_user(client, hr).post(url("application_hire", application.pk), {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert any("clear background check" in m for m in messages_of(response))
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.ACTIVE


def test_hire_with_a_taken_username_is_refused_on_the_field(client, hr, hired_ready, collector):
    response = as_user(client, hr).post(url("application_hire", hired_ready.pk), {"username": "collector"})
    assert response.status_code == 422 and "username" in response.context["form"].errors
    assert Application.objects.get(pk=hired_ready.pk).hired_user is None


def test_hire_done_is_404_before_the_hire(client, hr, hired_ready):
    assert as_user(client, hr).get(url("hire_done", hired_ready.pk)).status_code == 404


# --- the panel on the application page ----------------------------------------------------------

def test_offer_panel_context_for_hr(hr, in_range):
    context = offer_panel_context(user=hr, application=in_range.application)
    data = context["offer_panel_data"]
    assert context["offer_panel"] is True
    assert data["offers"] == [in_range] and data["open_offer"] == in_range
    assert (data["can_create_offer"], data["can_hire"], data["background_check"]) == (False, False, None)
    assert [p.party for p in data["offers"][0].proposals.all()] == [ProposalParty.COMPANY]


def test_offer_panel_context_offers_the_hire_after_a_clear_check(hr, hired_ready):
    data = offer_panel_context(user=hr, application=hired_ready)["offer_panel_data"]
    assert (data["can_hire"], data["hire_ready"], data["background_check"].status) == (True, True, BackgroundCheckStatus.CLEAR)
    assert data["can_create_offer"] is False  # after an acceptance: the check and the hire, not another offer


def test_offer_panel_for_a_supervisor_shows_only_offers_awaiting_them(supervisor, outside, lead):
    data = offer_panel_context(user=supervisor, application=outside.application)["offer_panel_data"]
    assert data["offers"] == [outside] and data["background_check"] is None and not data["can_create_offer"]
    assert offer_panel_context(user=lead, application=outside.application) == {"offer_panel": False}


def test_application_page_includes_the_offer_panel(client, hr, in_range):
    response = as_user(client, hr).get(reverse("recruitment:application_detail", args=[in_range.application_id]))
    assert response.status_code == 200
    body = text(response)
    assert 'data-testid="offer-panel"' in body and url("offer_detail", in_range.pk) in body


def test_interviewer_lead_sees_no_offer_panel(client, hr, lead, in_range):
    schedule(in_range.application, hr, lead)
    response = as_user(client, lead).get(reverse("recruitment:application_detail", args=[in_range.application_id]))
    assert response.status_code == 200 and 'data-testid="offer-panel"' not in text(response)
