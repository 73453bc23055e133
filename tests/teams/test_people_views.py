"""People pages (/people/): the security matrix for every page, the writes through the pages and
the first-login link (issue 3 §7–9; QUALITY.md security matrix)."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from common.models import AuditEvent
from teams.choices import Attendance, FeedbackKind, FeedbackStatus, GoalStatus, TrainingKind, TrainingResult
from teams.models import ActivitySignup, CollectorProfile, DevelopmentPlan, EmployeeFeedback, TeamActivity, TrainingSession
from teams.services import (
    activity_create, activity_sign_up, development_plan_create, feedback_answer, feedback_submit, first_login_path,
    training_enrol, training_enrol_onboarding, training_session_create,
)
from tests.factories import UserFactory, make_collector

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
NOW = timezone.make_aware(dt.datetime(2030, 5, 10, 10), TZ)


def aware(y, m, d, h=0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(y, m, d, h), TZ)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(hr, team, other_team, lead, other_lead, collector, collector_b, other_collector, supervisor, other_supervisor, director,
          administrator, legal, integration):
    session_a = training_session_create(actor=hr, kind=TrainingKind.SKILLS, title="A组话术培训", starts_at=aware(2030, 5, 12, 9),
                                        ends_at=aware(2030, 5, 12, 12), team=team, trainer=lead, location="3楼")
    session_b = training_session_create(actor=hr, kind=TrainingKind.COMPLIANCE, title="B组合规培训", starts_at=aware(2030, 5, 13, 9),
                                        ends_at=aware(2030, 5, 13, 12), team=other_team, trainer=other_lead)
    training_enrol(actor=hr, session=session_a, users=[collector])
    plan_own = development_plan_create(actor=hr, employee=collector, title="collector 的成长计划", goals=[("通过合规考试", dt.date(2030, 6, 1))])
    plan_other = development_plan_create(actor=hr, employee=other_collector, title="other 的成长计划")
    fb_own = feedback_submit(author=collector, kind=FeedbackKind.SUGGESTION, subject="建议增加培训", body="希望多一些案例分享")
    fb_other = feedback_submit(author=collector_b, kind=FeedbackKind.COMPLAINT, subject="B 的投诉", body="内容")
    activity = activity_create(actor=hr, title="春季团建", starts_at=aware(2030, 5, 20, 14), signup_deadline=aware(2030, 5, 15, 18),
                               location="西湖", capacity=10)
    return {"session_a": session_a, "session_b": session_b, "plan_own": plan_own, "plan_other": plan_other,
            "fb_own": fb_own, "fb_other": fb_other, "activity": activity}


def get_as(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


# --- the matrix: (url name, object key or None, persona, expected status, text that must appear) --------------------------

GET_MATRIX = [
    # training list: readers only
    ("training_list", None, None, 302, None),
    ("training_list", None, "collector", 403, None),
    ("training_list", None, "legal", 403, None),
    ("training_list", None, "administrator", 403, None),
    ("training_list", None, "hr", 200, "B组合规培训"),
    ("training_list", None, "lead", 200, "A组话术培训"),
    ("training_create", None, None, 302, None),
    ("training_create", None, "lead", 403, None),
    ("training_create", None, "director", 403, None),
    ("training_create", None, "hr", 200, 'name="starts_at"'),
    ("training_detail", "session_a", None, 302, None),
    ("training_detail", "session_a", "collector", 403, None),
    ("training_detail", "session_a", "other_lead", 404, None),
    ("training_detail", "session_a", "other_supervisor", 404, None),
    ("training_detail", "session_a", "lead", 200, "A组话术培训"),
    ("training_detail", "session_a", "supervisor", 200, "A组话术培训"),
    ("training_detail", "session_a", "hr", 200, "A组话术培训"),
    ("my_training", None, None, 302, None),
    ("my_training", None, "administrator", 403, None),
    ("my_training", None, "integration", 403, None),
    ("my_training", None, "collector", 200, "A组话术培训"),
    ("my_training", None, "collector_b", 200, "You are not enrolled in any training."),
    # development plans
    ("plan_list", None, None, 302, None),
    ("plan_list", None, "legal", 403, None),
    ("plan_list", None, "administrator", 403, None),
    ("plan_list", None, "collector", 200, "collector 的成长计划"),
    ("plan_list", None, "hr", 200, "other 的成长计划"),
    ("plan_create", None, None, 302, None),
    ("plan_create", None, "lead", 403, None),
    ("plan_create", None, "collector", 403, None),
    ("plan_create", None, "hr", 200, 'name="goals-0-description"'),
    ("plan_detail", "plan_own", None, 302, None),
    ("plan_detail", "plan_own", "legal", 403, None),
    ("plan_detail", "plan_other", "collector", 404, None),
    ("plan_detail", "plan_other", "lead", 404, None),
    ("plan_detail", "plan_own", "other_supervisor", 404, None),
    ("plan_detail", "plan_own", "collector", 200, "通过合规考试"),
    ("plan_detail", "plan_own", "lead", 200, "通过合规考试"),
    ("plan_detail", "plan_own", "hr", 200, "Add a goal"),
    # feedback
    ("feedback_list", None, None, 302, None),
    ("feedback_list", None, "administrator", 403, None),
    ("feedback_list", None, "integration", 403, None),
    ("feedback_list", None, "collector", 200, "建议增加培训"),
    ("feedback_list", None, "hr", 200, "B 的投诉"),
    ("feedback_create", None, None, 302, None),
    ("feedback_create", None, "administrator", 403, None),
    ("feedback_create", None, "collector", 200, 'name="anonymous"'),
    ("feedback_lookup", None, None, 302, None),
    ("feedback_lookup", None, "administrator", 403, None),
    ("feedback_lookup", None, "collector", 200, 'name="reference"'),
    ("feedback_detail", "fb_own", None, 302, None),
    ("feedback_detail", "fb_own", "administrator", 403, None),
    ("feedback_detail", "fb_other", "collector", 404, None),
    ("feedback_detail", "fb_own", "director", 404, None),
    ("feedback_detail", "fb_own", "collector", 200, "希望多一些案例分享"),
    ("feedback_detail", "fb_own", "hr", 200, "Save answer"),
    # activities
    ("activity_list", None, None, 302, None),
    ("activity_list", None, "administrator", 403, None),
    ("activity_list", None, "collector", 200, "春季团建"),
    ("activity_create", None, None, 302, None),
    ("activity_create", None, "collector", 403, None),
    ("activity_create", None, "lead", 403, None),
    ("activity_create", None, "hr", 200, 'name="signup_deadline"'),
    ("activity_detail", "activity", None, 302, None),
    ("activity_detail", "activity", "administrator", 403, None),
    ("activity_detail", "missing", "collector", 404, None),
    ("activity_detail", "activity", "collector", 200, "西湖"),
    ("activity_detail", "activity", "hr", 200, "Nobody has signed up yet."),
]


@pytest.mark.parametrize("name,key,persona,status,text", GET_MATRIX)
def test_people_page_security_matrix(request, client, world, name, key, persona, status, text):
    kwargs = {}
    if key == "missing":
        kwargs = {"pk": 999999}
    elif key:
        kwargs = {"pk": world[key].pk}
    url = reverse(f"people:{name}", kwargs=kwargs)
    user = request.getfixturevalue(persona) if persona else None
    response = get_as(client, user, url)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))
    if text:
        assert text in response.content.decode()


POST_MATRIX = [
    # (url name, object key, extra kwargs, persona, expected status)
    ("training_enrol", "session_a", {}, None, 302),
    ("training_enrol", "session_a", {}, "lead", 403),
    ("training_enrol", "session_b", {}, "collector", 403),
    ("training_status", "session_a", {}, "lead", 403),
    ("training_record", "session_a", {"attendance_pk": "att_a"}, None, 302),
    ("training_record", "session_a", {"attendance_pk": "att_a"}, "collector", 403),
    ("training_record", "session_a", {"attendance_pk": "att_a"}, "supervisor", 403),   # sees it, is not the trainer
    ("training_record", "session_a", {"attendance_pk": "att_a"}, "other_lead", 404),   # out of scope
    ("plan_goal_add", "plan_own", {}, "collector", 403),
    ("plan_goal_add", "plan_own", {}, "lead", 403),
    ("plan_goal_status", "plan_own", {"goal_pk": "goal_own"}, "collector", 403),
    ("feedback_answer", "fb_own", {}, "collector", 403),
    ("feedback_answer", "fb_own", {}, "director", 403),
    ("feedback_status", "fb_own", {}, "collector", 403),
    ("activity_sign_up", "activity", {}, None, 302),
    ("activity_sign_up", "activity", {}, "administrator", 403),
    ("activity_sign_up", "missing", {}, "collector", 404),
    ("activity_signup_cancel", "activity", {}, "integration", 403),
]


@pytest.mark.parametrize("name,key,extra,persona,status", POST_MATRIX)
def test_people_post_security_matrix(request, client, world, name, key, extra, persona, status):
    kwargs = {"pk": 999999 if key == "missing" else world[key].pk}
    for arg, ref in extra.items():
        kwargs[arg] = {"att_a": lambda: world["session_a"].attendances.get().pk,
                       "goal_own": lambda: world["plan_own"].goals.get().pk}[ref]()
    user = request.getfixturevalue(persona) if persona else None
    if user:
        client.force_login(user)
    before = AuditEvent.objects.count()
    response = client.post(reverse(f"people:{name}", kwargs=kwargs), {"status": "done", "answer": "x"})
    assert response.status_code == status
    assert AuditEvent.objects.count() == before  # nothing written


# --- training pages ------------------------------------------------------------------------------------


def test_training_list_filters_by_kind(client, world, hr):
    client.force_login(hr)
    body = client.get(reverse("people:training_list"), {"kind": TrainingKind.COMPLIANCE}).content.decode()
    assert "B组合规培训" in body and "A组话术培训" not in body


def test_training_list_query_count_is_bounded(client, world, hr, django_assert_max_num_queries):
    for i in range(15):
        training_session_create(actor=hr, kind=TrainingKind.SKILLS, title=f"s{i}", starts_at=aware(2030, 6, 1, 9),
                                ends_at=aware(2030, 6, 1, 10), team=world["session_a"].team)
    client.force_login(hr)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("people:training_list"))
    assert response.status_code == 200


def test_training_create_page_plans_a_session(client, hr, team, lead):
    client.force_login(hr)
    response = client.post(reverse("people:training_create"), {
        "kind": TrainingKind.CASE_REVIEW, "title": "案件交流分享会", "team": team.pk, "trainer": lead.pk,
        "starts_at": "2030-05-21T14:00", "ends_at": "2030-05-21T16:00", "location": "大会议室",
    })
    session = TrainingSession.objects.get(title="案件交流分享会")
    assert response.status_code == 302 and response["Location"] == reverse("people:training_detail", args=[session.pk])
    assert timezone.localtime(session.starts_at).hour == 14


def test_training_create_page_shows_end_before_start(client, hr):
    client.force_login(hr)
    response = client.post(reverse("people:training_create"), {
        "kind": TrainingKind.SKILLS, "title": "x", "starts_at": "2030-05-21T14:00", "ends_at": "2030-05-21T13:00",
    })
    assert response.status_code == 422
    assert "The end must be after the start." in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_training_enrol_page_enrols_chosen_users(client, world, hr, collector_b, other_collector):
    client.force_login(hr)
    session = world["session_a"]
    page = client.get(reverse("people:training_detail", args=[session.pk])).content.decode()
    assert f'value="{collector_b.pk}"' in page and "B组" in page  # grouped by team
    response = client.post(reverse("people:training_enrol", args=[session.pk]), {"users": [collector_b.pk, other_collector.pk]})
    assert response.status_code == 302
    assert set(session.attendances.values_list("user__username", flat=True)) == {"collector", "collector_b", "other_collector"}


def test_trainer_records_result_inline_with_htmx(client, world, lead, collector):
    session = world["session_a"]
    row = session.attendances.get()
    client.force_login(lead)
    response = client.post(
        reverse("people:training_record", args=[session.pk, row.pk]),
        {f"a{row.pk}-attendance": Attendance.PRESENT, f"a{row.pk}-result": TrainingResult.PASSED, f"a{row.pk}-score": "92", f"a{row.pk}-note": "好"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="attendance-{row.pk}"') and "Saved" in body
    row.refresh_from_db()
    assert row.result == TrainingResult.PASSED and row.score == 92


def test_record_refuses_score_over_100_on_the_row(client, world, hr):
    session = world["session_a"]
    row = session.attendances.get()
    client.force_login(hr)
    response = client.post(
        reverse("people:training_record", args=[session.pk, row.pk]),
        {f"a{row.pk}-attendance": Attendance.PRESENT, f"a{row.pk}-result": TrainingResult.PASSED, f"a{row.pk}-score": "101"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "between 0 and 100" in response.content.decode()
    row.refresh_from_db()
    assert row.score is None and row.result == TrainingResult.PENDING


def test_record_without_htmx_redirects_with_message(client, world, hr):
    session = world["session_a"]
    row = session.attendances.get()
    client.force_login(hr)
    response = client.post(
        reverse("people:training_record", args=[session.pk, row.pk]),
        {f"a{row.pk}-attendance": Attendance.ABSENT, f"a{row.pk}-result": TrainingResult.FAILED}, follow=True,
    )
    assert "Not saved" in response.content.decode()
    row.refresh_from_db()
    assert row.attendance == Attendance.ENROLLED


def test_session_marked_held_takes_no_enrolment_form(client, world, hr):
    client.force_login(hr)
    session = world["session_a"]
    client.post(reverse("people:training_status", args=[session.pk]), {"status": "held"})
    session.refresh_from_db()
    assert session.status == "held"
    assert 'data-testid="enrol-form"' not in client.get(reverse("people:training_detail", args=[session.pk])).content.decode()


def test_new_hire_sees_onboarding_on_my_training(client, team, lead):
    hire = make_collector(team, username="hire", level="junior", in_onboarding=True)
    training_enrol_onboarding(actor=None, user=hire, team=team, start_on=dt.date(2030, 5, 13))
    client.force_login(hire)
    body = client.get(reverse("people:my_training")).content.decode()
    assert 'data-testid="onboarding-notice"' in body and "新员工入职培训" in body and "2030-05-13 09:00" in body


def test_navigation_shows_people_pages_by_role(client, world, collector, hr):
    client.force_login(collector)
    body = client.get(reverse("people:my_training")).content.decode()
    assert reverse("people:my_training") in body and reverse("people:activity_list") in body
    assert f'href="{reverse("people:training_list")}"' not in body
    client.force_login(hr)
    body = client.get(reverse("people:my_training")).content.decode()
    assert f'href="{reverse("people:training_list")}"' in body


# --- plans ----------------------------------------------------------------------------------------------


def test_plan_create_page_with_goal_rows(client, hr, collector):
    client.force_login(hr)
    response = client.post(reverse("people:plan_create"), {
        "employee": collector.pk, "title": "季度计划",
        "goals-TOTAL_FORMS": "3", "goals-INITIAL_FORMS": "0", "goals-MIN_NUM_FORMS": "0", "goals-MAX_NUM_FORMS": "20",
        "goals-0-description": "熟悉系统", "goals-0-due_on": "2030-06-01",
        "goals-1-description": "", "goals-1-due_on": "",
        "goals-2-description": "通过考试", "goals-2-due_on": "2030-07-01",
    })
    plan = DevelopmentPlan.objects.get(title="季度计划")
    assert response.status_code == 302
    assert list(plan.goals.values_list("description", flat=True)) == ["熟悉系统", "通过考试"]


def test_plan_create_page_refuses_half_filled_goal(client, hr, collector):
    client.force_login(hr)
    response = client.post(reverse("people:plan_create"), {
        "employee": collector.pk, "title": "季度计划",
        "goals-TOTAL_FORMS": "1", "goals-INITIAL_FORMS": "0", "goals-MIN_NUM_FORMS": "0", "goals-MAX_NUM_FORMS": "20",
        "goals-0-description": "熟悉系统", "goals-0-due_on": "",
    })
    assert response.status_code == 422 and not DevelopmentPlan.objects.exists()


def test_goal_marked_done_from_the_page(client, world, hr):
    plan = world["plan_own"]
    goal = plan.goals.get()
    client.force_login(hr)
    client.post(reverse("people:plan_goal_status", args=[plan.pk, goal.pk]), {"status": GoalStatus.DONE})
    goal.refresh_from_db()
    plan.refresh_from_db()
    assert goal.status == GoalStatus.DONE and goal.done_on == dt.date(2030, 5, 10) and plan.status == "completed"


def test_goal_of_another_plan_is_404(client, world, hr):
    other_goal_plan = world["plan_other"]
    goal = world["plan_own"].goals.get()
    client.force_login(hr)
    response = client.post(reverse("people:plan_goal_status", args=[other_goal_plan.pk, goal.pk]), {"status": GoalStatus.DONE})
    assert response.status_code == 404


def test_employee_sees_own_plan_read_only(client, world, collector):
    client.force_login(collector)
    body = client.get(reverse("people:plan_detail", args=[world["plan_own"].pk])).content.decode()
    assert "通过合规考试" in body and "Add a goal" not in body and 'value="done"' not in body


# --- feedback -------------------------------------------------------------------------------------------


def test_anonymous_feedback_shows_reference_once_and_stores_no_author(client, collector, hr):
    client.force_login(collector)
    response = client.post(reverse("people:feedback_create"), {
        "kind": FeedbackKind.COMPLAINT, "subject": "加班过多", "body": "每周加班超过10小时", "anonymous": "on",
    })
    assert response.status_code == 302 and response["Location"] == reverse("people:feedback_submitted")
    feedback = EmployeeFeedback.objects.get()
    assert feedback.author is None and feedback.is_anonymous
    first = client.get(reverse("people:feedback_submitted")).content.decode()
    assert feedback.reference in first
    second = client.get(reverse("people:feedback_submitted")).content.decode()
    assert feedback.reference not in second
    # not in the submitter's own list
    assert "加班过多" not in client.get(reverse("people:feedback_list")).content.decode()
    # HR sees it as anonymous
    client.force_login(hr)
    body = client.get(reverse("people:feedback_list")).content.decode()
    assert "加班过多" in body and "Anonymous" in body and collector.display_name not in body


def test_named_feedback_redirects_to_detail(client, collector):
    client.force_login(collector)
    response = client.post(reverse("people:feedback_create"), {"kind": FeedbackKind.SUGGESTION, "subject": "s", "body": "b"})
    feedback = EmployeeFeedback.objects.get()
    assert response["Location"] == reverse("people:feedback_detail", args=[feedback.pk]) and feedback.author == collector


def test_hr_answers_and_author_sees_the_answer(client, world, hr, collector):
    fb = world["fb_own"]
    client.force_login(hr)
    client.post(reverse("people:feedback_status", args=[fb.pk]), {"status": FeedbackStatus.IN_REVIEW})
    client.post(reverse("people:feedback_answer", args=[fb.pk]), {"answer": "下月起增加每周案例分享"})
    fb.refresh_from_db()
    assert fb.status == FeedbackStatus.ANSWERED
    client.force_login(collector)
    body = client.get(reverse("people:feedback_detail", args=[fb.pk])).content.decode()
    assert "下月起增加每周案例分享" in body and "Save answer" not in body


def test_feedback_status_page_refuses_skipping(client, world, hr):
    fb = world["fb_own"]
    client.force_login(hr)
    response = client.post(reverse("people:feedback_status", args=[fb.pk]), {"status": FeedbackStatus.CLOSED}, follow=True)
    fb.refresh_from_db()
    assert fb.status == FeedbackStatus.SUBMITTED
    assert "forward one step at a time" in response.content.decode()


def test_feedback_lookup_shows_answer_without_author(client, collector, hr):
    fb = feedback_submit(author=collector, kind=FeedbackKind.COMPLAINT, subject="匿名主题", body="内容", anonymous=True)
    feedback_answer(actor=hr, feedback=fb, answer="已处理")
    client.force_login(collector)
    body = client.post(reverse("people:feedback_lookup"), {"reference": f" {fb.reference.lower()} "}).content.decode()
    assert "已处理" in body and "匿名主题" in body and hr.display_name not in body
    missing = client.post(reverse("people:feedback_lookup"), {"reference": "ZZZZZZZZZZ"})
    assert missing.status_code == 404 and "No anonymous feedback has this reference code." in missing.content.decode()


def test_feedback_lookup_does_not_open_named_feedback(client, world, collector_b):
    client.force_login(collector_b)
    response = client.post(reverse("people:feedback_lookup"), {"reference": world["fb_own"].reference})
    assert response.status_code == 404 and "希望多一些案例分享" not in response.content.decode()


def test_feedback_list_status_filter(client, world, hr):
    EmployeeFeedback.objects.filter(pk=world["fb_other"].pk).update(status=FeedbackStatus.IN_REVIEW)
    client.force_login(hr)
    body = client.get(reverse("people:feedback_list"), {"status": FeedbackStatus.IN_REVIEW}).content.decode()
    assert "B 的投诉" in body and "建议增加培训" not in body


# --- activities -------------------------------------------------------------------------------------------


def test_activity_sign_up_and_cancel_from_the_list(client, world, collector):
    activity = world["activity"]
    client.force_login(collector)
    body = client.get(reverse("people:activity_list")).content.decode()
    assert "10 / 10" in body
    client.post(reverse("people:activity_sign_up", args=[activity.pk]), {"next": "list"})
    assert ActivitySignup.objects.filter(activity=activity, user=collector).exists()
    body = client.get(reverse("people:activity_list")).content.decode()
    assert "9 / 10" in body and "Cancel my sign-up" in body
    client.post(reverse("people:activity_signup_cancel", args=[activity.pk]), {"next": "list"})
    assert not ActivitySignup.objects.filter(activity=activity).exists()


def test_activity_full_shows_message(client, hr, collector, collector_b):
    activity = activity_create(actor=hr, title="小型活动", starts_at=aware(2030, 5, 20, 14), signup_deadline=aware(2030, 5, 15), capacity=1)
    activity_sign_up(user=collector_b, activity=activity)
    client.force_login(collector)
    response = client.post(reverse("people:activity_sign_up", args=[activity.pk]), follow=True)
    assert "The activity is full." in response.content.decode()
    assert activity.signups.count() == 1


def test_activity_detail_sign_up_list_only_for_hr(client, world, hr, collector, collector_b):
    activity_sign_up(user=collector_b, activity=world["activity"])
    client.force_login(collector)
    assert collector_b.display_name not in client.get(reverse("people:activity_detail", args=[world["activity"].pk])).content.decode()
    client.force_login(hr)
    assert collector_b.display_name in client.get(reverse("people:activity_detail", args=[world["activity"].pk])).content.decode()


def test_activity_create_page(client, hr):
    client.force_login(hr)
    response = client.post(reverse("people:activity_create"), {
        "title": "羽毛球", "starts_at": "2030-05-25T19:00", "signup_deadline": "2030-05-24T18:00", "capacity": "12",
    })
    activity = TeamActivity.objects.get(title="羽毛球")
    assert response.status_code == 302 and activity.capacity == 12 and activity.organiser == hr


# --- the first-login link ------------------------------------------------------------------------------


def test_welcome_link_sets_password_logs_in_and_works_once(client, team, lead):
    hire = make_collector(team, username="new_collector", level="junior", in_onboarding=True)
    hire.set_unusable_password()
    hire.save(update_fields=["password"])
    link = first_login_path(hire)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    assert "Welcome" in response.content.decode() and "new_collector" in response.content.decode()
    response = client.post(form_url, {"new_password1": "Cuishou#2030ok", "new_password2": "Cuishou#2030ok"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert int(client.session[SESSION_KEY]) == hire.pk
    hire.refresh_from_db()
    assert hire.check_password("Cuishou#2030ok")
    assert AuditEvent.objects.filter(verb="first_login_password_set", target_id=str(hire.pk)).exists()
    # second use, even in a fresh browser, is refused
    client.logout()
    again = client.get(link, follow=True)
    assert 'data-testid="welcome-invalid"' in again.content.decode()
    assert client.post(link, {"new_password1": "Other#2030pass", "new_password2": "Other#2030pass"}).status_code == 200
    hire.refresh_from_db()
    assert hire.check_password("Cuishou#2030ok")


def test_welcome_link_refuses_a_weak_password(client, team):
    hire = make_collector(team, username="hire2")
    response = client.get(first_login_path(hire), follow=True)
    response = client.post(response.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_welcome_link_refused_for_integration_client(client, integration):
    response = client.get(first_login_path(integration), follow=True)
    assert 'data-testid="welcome-invalid"' in response.content.decode()
    assert SESSION_KEY not in client.session


def test_welcome_link_with_bad_token_is_a_clear_page(client, collector):
    path = first_login_path(collector)
    bad = re.sub(r"/[^/]+/$", "/bad-token/", path)
    response = client.get(bad)
    assert response.status_code == 200 and "This link cannot be used." in response.content.decode()


def test_welcome_link_for_inactive_user_is_refused(client):
    user = UserFactory(username="gone", is_active=False)
    response = client.get(first_login_path(user), follow=True)
    assert 'data-testid="welcome-invalid"' in response.content.decode()


def test_onboarding_flag_cleared_through_the_page(client, team, lead, hr):
    hire = make_collector(team, username="hire3", level="junior", in_onboarding=True)
    row = training_enrol_onboarding(actor=None, user=hire, team=team, start_on=dt.date(2030, 5, 13))
    client.force_login(lead)  # the trainer
    client.post(reverse("people:training_record", args=[row.session_id, row.pk]),
                {f"a{row.pk}-attendance": Attendance.PRESENT, f"a{row.pk}-result": TrainingResult.PASSED, f"a{row.pk}-score": "80"})
    assert CollectorProfile.objects.get(user=hire).in_onboarding is False
