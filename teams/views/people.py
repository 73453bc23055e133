"""People pages: development plans, employee feedback and team activities (issue 3 §8–9).

Plans and feedback are looked up through their ``visible_to`` (out of scope → 404). Activities are
open to every staff member; only HR sees who signed up. Anonymous feedback is never linked to
its author: the submitter gets the reference code once (from the session, popped on display)
and reads HR's answer on the look-up page with it.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import ApplicationError
from common.permissions import role_can, role_required
from common.views import error_text

from .. import selectors
from ..choices import ActivityStatus, FeedbackStatus, GoalStatus
from ..forms import (
    ActivityForm, DevelopmentGoalForm, DevelopmentPlanForm, FeedbackAnswerForm, FeedbackForm, FeedbackLookupForm, GoalFormSet,
    form_add_service_error,
)
from ..models import EmployeeFeedback, TeamActivity
from ..permissions import ACTIVITY, DEVELOPMENT_PLAN, FEEDBACK
from ..services.people import (
    FEEDBACK_FLOW, activity_create, activity_sign_up, activity_signup_cancel, development_goal_add, development_goal_set_status,
    development_plan_create, feedback_answer, feedback_set_status, feedback_submit,
)

LIST_PAGE_SIZE = 30
FEEDBACK_REFERENCE_SESSION_KEY = "people_feedback_reference_once"


# --- development plans ------------------------------------------------------------------------------


@require_GET
@role_required(DEVELOPMENT_PLAN, "view")
def plan_list(request: HttpRequest) -> HttpResponse:
    filterset, rows = selectors.development_plan_list(user=request.user, filters=request.GET, request=request)
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "teams/plan_list.html", {
        "page": page, "filterset": filterset, "can_manage": role_can(request.user, DEVELOPMENT_PLAN, "manage"),
    })


@require_http_methods(["GET", "POST"])
@role_required(DEVELOPMENT_PLAN, "manage")
def plan_create(request: HttpRequest) -> HttpResponse:
    employees = selectors.development_plan_employees(user=request.user)
    status = 200
    if request.method == "POST":
        form = DevelopmentPlanForm(request.POST, employees=employees)
        goals = GoalFormSet(request.POST, prefix="goals")
        if form.is_valid() and goals.is_valid():
            goal_rows = [(g.cleaned_data["description"], g.cleaned_data["due_on"]) for g in goals if g.cleaned_data]
            try:
                plan = development_plan_create(actor=request.user, employee=form.cleaned_data["employee"],
                                               title=form.cleaned_data["title"], goals=goal_rows)
            except (ValidationError, ApplicationError) as exc:
                form_add_service_error(form, exc)
                status = 422
            else:
                messages.success(request, _("Development plan created."))
                return redirect("people:plan_detail", pk=plan.pk)
        else:
            status = 422
    else:
        form = DevelopmentPlanForm(employees=employees, initial={"employee": request.GET.get("employee")})
        goals = GoalFormSet(prefix="goals")
    return render(request, "teams/plan_form.html", {"form": form, "goals": goals}, status=status)


@require_GET
@role_required(DEVELOPMENT_PLAN, "view")
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.development_plan_get(user=request.user, pk=pk)
    can_manage = role_can(request.user, DEVELOPMENT_PLAN, "manage")
    return render(request, "teams/plan_detail.html", {
        "plan": plan, "goals": list(plan.goals.all()), "can_manage": can_manage, "today": timezone.localdate(),
        "goal_form": DevelopmentGoalForm() if can_manage else None,
    })


@require_POST
@role_required(DEVELOPMENT_PLAN, "manage")
def plan_goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.development_plan_get(user=request.user, pk=pk)
    form = DevelopmentGoalForm(request.POST)
    if form.is_valid():
        try:
            development_goal_add(actor=request.user, plan=plan, **form.cleaned_data)
        except (ValidationError, ApplicationError) as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("Goal added."))
            return redirect("people:plan_detail", pk=plan.pk)
    return render(request, "teams/plan_detail.html", {
        "plan": plan, "goals": list(plan.goals.all()), "can_manage": True, "today": timezone.localdate(), "goal_form": form,
    }, status=422)


@require_POST
@role_required(DEVELOPMENT_PLAN, "manage")
def plan_goal_status(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    plan = selectors.development_plan_get(user=request.user, pk=pk)
    goal = plan.goals.filter(pk=goal_pk).first()
    if goal is None:
        raise Http404
    status = request.POST.get("status", "")
    if status not in GoalStatus.values:
        messages.error(request, _("Unknown goal status."))
    else:
        try:
            development_goal_set_status(actor=request.user, goal=goal, status=status)
        except (ValidationError, ApplicationError) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Goal marked %(status)s.") % {"status": GoalStatus(status).label})
    return redirect("people:plan_detail", pk=plan.pk)


# --- feedback ---------------------------------------------------------------------------------------


@require_GET
@role_required(FEEDBACK, "view")
def feedback_list(request: HttpRequest) -> HttpResponse:
    filterset, rows = selectors.feedback_list(user=request.user, filters=request.GET, request=request)
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "teams/feedback_list.html", {
        "page": page, "filterset": filterset, "is_handler": role_can(request.user, FEEDBACK, "answer"),
        "can_submit": role_can(request.user, FEEDBACK, "submit"),
    })


@require_http_methods(["GET", "POST"])
@role_required(FEEDBACK, "submit")
def feedback_create(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                feedback = feedback_submit(author=request.user, kind=data["kind"], subject=data["subject"], body=data["body"],
                                           anonymous=data["anonymous"])
            except (ValidationError, ApplicationError) as exc:
                form_add_service_error(form, exc)
                status = 422
            else:
                if feedback.is_anonymous:
                    request.session[FEEDBACK_REFERENCE_SESSION_KEY] = feedback.reference
                    return redirect("people:feedback_submitted")
                messages.success(request, _("Thank you. HR will look at it; the answer appears here."))
                return redirect("people:feedback_detail", pk=feedback.pk)
        else:
            status = 422
    else:
        form = FeedbackForm()
    return render(request, "teams/feedback_form.html", {"form": form}, status=status)


@never_cache
@require_GET
@role_required(FEEDBACK, "submit")
def feedback_submitted(request: HttpRequest) -> HttpResponse:
    """The confirmation of anonymous feedback: shows the reference code once (popped from the session)."""
    reference = request.session.pop(FEEDBACK_REFERENCE_SESSION_KEY, None)
    return render(request, "teams/feedback_submitted.html", {"reference": reference})


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(FEEDBACK, "view")
def feedback_lookup(request: HttpRequest) -> HttpResponse:
    """Read an anonymous feedback's status and HR's answer by its reference code; shows no author.
    The code travels in a POST body, never in the URL (no access logs, no browser history on a
    shared seat)."""
    form = FeedbackLookupForm(request.POST or None)
    feedback, status = None, 200
    if form.is_bound and form.is_valid():
        feedback = selectors.feedback_get_by_reference(reference=form.cleaned_data["reference"])
        if feedback is None:
            form.add_error("reference", _("No anonymous feedback has this reference code."))
            status = 404
    return render(request, "teams/feedback_lookup.html", {"form": form, "feedback": feedback}, status=status)


def _feedback_context(request: HttpRequest, feedback: EmployeeFeedback, **extra) -> dict:
    is_handler = role_can(request.user, FEEDBACK, "answer")
    index = FEEDBACK_FLOW.index(feedback.status)
    next_status = FEEDBACK_FLOW[index + 1] if index + 1 < len(FEEDBACK_FLOW) else None
    context = {
        "feedback": feedback, "is_handler": is_handler, "flow": FEEDBACK_FLOW, "flow_index": index,
        # "answered" is reached by answering; the button offers the other forward steps
        "next_status": next_status if is_handler and next_status != FeedbackStatus.ANSWERED else None,
        "answer_form": FeedbackAnswerForm(initial={"answer": feedback.answer})
        if is_handler and feedback.status != FeedbackStatus.CLOSED else None,
    }
    context.update(extra)
    return context


@require_GET
@role_required(FEEDBACK, "view")
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = selectors.feedback_get(user=request.user, pk=pk)
    return render(request, "teams/feedback_detail.html", _feedback_context(request, feedback))


@require_POST
@role_required(FEEDBACK, "answer")
def feedback_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = selectors.feedback_get(user=request.user, pk=pk)
    form = FeedbackAnswerForm(request.POST)
    if form.is_valid():
        try:
            feedback_answer(actor=request.user, feedback=feedback, answer=form.cleaned_data["answer"])
        except (ValidationError, ApplicationError) as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("Answer saved; the feedback is answered."))
            return redirect("people:feedback_detail", pk=feedback.pk)
    return render(request, "teams/feedback_detail.html", _feedback_context(request, feedback, answer_form=form), status=422)


@require_POST
@role_required(FEEDBACK, "answer")
def feedback_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = selectors.feedback_get(user=request.user, pk=pk)
    try:
        feedback_set_status(actor=request.user, feedback=feedback, status=request.POST.get("status", ""))
    except (ValidationError, ApplicationError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Status changed."))
    return redirect("people:feedback_detail", pk=feedback.pk)


# --- activities --------------------------------------------------------------------------------------


def _decorate(activity: TeamActivity, now) -> TeamActivity:
    activity.places_left = selectors.places_left(activity)
    activity.can_sign_up = (
        activity.status == ActivityStatus.OPEN and now <= activity.signup_deadline and not activity.is_signed_up
        and (activity.places_left is None or activity.places_left > 0)
    )
    activity.can_cancel = activity.is_signed_up and now <= activity.signup_deadline
    return activity


def _back_to_activity(request: HttpRequest, activity: TeamActivity) -> HttpResponse:
    """After signing up or cancelling: back to the list when the button was on the list."""
    if request.POST.get("next") == "list":
        return redirect("people:activity_list")
    return redirect("people:activity_detail", pk=activity.pk)


@require_GET
@role_required(ACTIVITY, "view")
def activity_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    show_past = request.GET.get("past") == "1"
    activities = [_decorate(a, now) for a in selectors.activity_list(user=request.user, upcoming=not show_past)[:100]]
    return render(request, "teams/activity_list.html", {
        "activities": activities, "show_past": show_past, "can_manage": role_can(request.user, ACTIVITY, "manage"),
        "can_sign_up": role_can(request.user, ACTIVITY, "sign_up"),
    })


@require_http_methods(["GET", "POST"])
@role_required(ACTIVITY, "manage")
def activity_create_view(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = ActivityForm(request.POST)
        if form.is_valid():
            try:
                activity = activity_create(actor=request.user, **form.cleaned_data)
            except (ValidationError, ApplicationError) as exc:
                form_add_service_error(form, exc)
                status = 422
            else:
                messages.success(request, _("Activity “%(title)s” is open for sign-up.") % {"title": activity.title})
                return redirect("people:activity_detail", pk=activity.pk)
        else:
            status = 422
    else:
        form = ActivityForm()
    return render(request, "teams/activity_form.html", {"form": form}, status=status)


@require_GET
@role_required(ACTIVITY, "view")
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _decorate(selectors.activity_get(user=request.user, pk=pk), timezone.now())
    can_manage = role_can(request.user, ACTIVITY, "manage")
    return render(request, "teams/activity_detail.html", {
        "activity": activity, "can_manage": can_manage, "can_sign_up": role_can(request.user, ACTIVITY, "sign_up"),
        "signups": list(selectors.activity_signups(activity=activity)) if can_manage else None,
    })


@require_POST
@role_required(ACTIVITY, "sign_up")
def activity_sign_up_view(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get(user=request.user, pk=pk)
    try:
        activity_sign_up(user=request.user, activity=activity)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You are signed up for “%(title)s”.") % {"title": activity.title})
    return _back_to_activity(request, activity)


@require_POST
@role_required(ACTIVITY, "sign_up")
def activity_signup_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get(user=request.user, pk=pk)
    try:
        activity_signup_cancel(user=request.user, activity=activity)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your sign-up is cancelled."))
    return _back_to_activity(request, activity)


urlpatterns = [
    path("plans/", plan_list, name="plan_list"),
    path("plans/new/", plan_create, name="plan_create"),
    path("plans/<int:pk>/", plan_detail, name="plan_detail"),
    path("plans/<int:pk>/goals/", plan_goal_add, name="plan_goal_add"),
    path("plans/<int:pk>/goals/<int:goal_pk>/status/", plan_goal_status, name="plan_goal_status"),
    path("feedback/", feedback_list, name="feedback_list"),
    path("feedback/new/", feedback_create, name="feedback_create"),
    path("feedback/submitted/", feedback_submitted, name="feedback_submitted"),
    path("feedback/lookup/", feedback_lookup, name="feedback_lookup"),
    path("feedback/<int:pk>/", feedback_detail, name="feedback_detail"),
    path("feedback/<int:pk>/answer/", feedback_answer_view, name="feedback_answer"),
    path("feedback/<int:pk>/status/", feedback_status_view, name="feedback_status"),
    path("activities/", activity_list, name="activity_list"),
    path("activities/new/", activity_create_view, name="activity_create"),
    path("activities/<int:pk>/", activity_detail, name="activity_detail"),
    path("activities/<int:pk>/sign-up/", activity_sign_up_view, name="activity_sign_up"),
    path("activities/<int:pk>/cancel-sign-up/", activity_signup_cancel_view, name="activity_signup_cancel"),
]
