"""HR and panel pages for interviews (issue 3 §5): the list (HR: all, filtered; a panel member: their
own, upcoming first), scheduling a round from an application, the interview page with the signed-in
interviewer's scorecard and — only after they submitted theirs — the others' (Greenhouse's rule,
``services.interviews.scorecards_visible_to``), and cancelling.

Anonymous → login; a role without the action → 403; an interview or application out of scope → 404.
"""
from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import ApplicationError
from common.permissions import role_can, role_required

from .. import selectors
from ..choices import SCORECARD_ATTRIBUTES, ApplicationStatus, InterviewStatus, ScorecardAttribute
from ..filters import InterviewFilterSet
from ..forms.base import form_add_service_error
from ..forms.interviews import SCHEDULE_RULE_FIELDS, InterviewCancelForm, InterviewScheduleForm, ScorecardForm
from ..models import Interview
from ..permissions import APPLICATION, INTERVIEW
from ..services import interviews as interview_services

LIST_PAGE_SIZE = 25


def _filter_params(query: QueryDict) -> QueryDict:
    params = query.copy()
    params.pop("page", None)
    return params


@require_GET
@role_required(INTERVIEW, "view")
def interview_list(request: HttpRequest) -> HttpResponse:
    """Interviews in scope (``selectors.interview_list``), upcoming first, filtered by
    :class:`InterviewFilterSet`; 25 a page."""
    params = _filter_params(request.GET)
    filterset = InterviewFilterSet(data=params or None, queryset=Interview.objects.none(), request=request)
    rows = selectors.interview_list(user=request.user, filters=params, request=request)
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filterset": filterset,
        "form": filterset.form,
        "sees_all": role_can(request.user, INTERVIEW, "create"),
    }
    if request.htmx and request.htmx.target == "interview-results":
        return render(request, "recruitment/partials/interview_results.html", context)
    return render(request, "recruitment/interview_list.html", context)


@require_http_methods(["GET", "POST"])
@role_required(INTERVIEW, "create")
def interview_create(request: HttpRequest) -> HttpResponse:
    """Schedule a round for ``?application=<pk>`` → ``interviews.interview_schedule``; refusals on
    their fields (past start, end before start, no interviewers, an interviewer's overlap naming the
    interviewer and the other interview)."""
    pk = request.GET.get("application") or request.POST.get("application") or ""
    if not pk.isdigit():
        raise Http404
    application = selectors.application_get(user=request.user, pk=pk)
    interviewers = selectors.interviewer_choices()
    status = 200
    if request.method == "POST":
        form = InterviewScheduleForm(request.POST, interviewers=interviewers)
        if form.is_valid():
            data = form.cleaned_data
            try:
                interview = interview_services.interview_schedule(
                    actor=request.user, application=application, round_name=data["round_name"], starts_at=data["starts_at"],
                    ends_at=data["ends_at"], interviewers=list(data["interviewers"]), location=data.get("location") or "",
                    video_link=data.get("video_link") or "",
                )
            except ApplicationError as exc:
                form.add_error(SCHEDULE_RULE_FIELDS.get(exc.rule), exc.message)
                status = exc.status
            except ValidationError as exc:
                form_add_service_error(form, exc)
                status = 422
            else:
                messages.success(request, _("%(round)s with %(name)s scheduled for %(when)s.") % {
                    "round": interview.round_name, "name": application.candidate.name,
                    "when": timezone.localtime(interview.starts_at).strftime("%Y-%m-%d %H:%M"),
                })
                return redirect("recruitment:application_detail", pk=application.pk)
        else:
            status = 422
    else:
        default_round = _("Interview round %(n)s") % {"n": application.interviews.exclude(status=InterviewStatus.CANCELLED).count() + 1}
        form = InterviewScheduleForm(initial={"round_name": default_round, "interviewers": [request.user.pk]}, interviewers=interviewers)
    context = {"form": form, "application": application, "candidate": application.candidate, "posting": application.posting}
    return render(request, "recruitment/interview_form.html", context, status=status)


def _detail_context(request: HttpRequest, interview: Interview, scorecard_form: ScorecardForm | None = None) -> dict[str, Any]:
    user = request.user
    application = interview.application
    on_panel = any(u.pk == user.pk for u in interview.interviewers.all())
    visible = list(interview_services.scorecards_visible_to(user=user, interview=interview).select_related("interviewer"))
    mine = next((card for card in visible if card.interviewer_id == user.pk), None)
    if mine is None and on_panel:
        mine = interview.scorecards.filter(interviewer=user).first()
    can_score = on_panel and mine is None and interview.status != InterviewStatus.CANCELLED and role_can(user, INTERVIEW, "scorecard")
    role = application.posting.role
    attributes = [(str(a), ScorecardAttribute(a).label) for a in SCORECARD_ATTRIBUTES.get(role, ())]
    others = [card for card in visible if card.interviewer_id != user.pk]
    submitted_ids = set(interview.scorecards.values_list("interviewer_id", flat=True))
    return {
        "interview": interview,
        "application": application,
        "candidate": application.candidate,
        "posting": application.posting,
        "panel": [{"user": u, "submitted": u.pk in submitted_ids} for u in interview.interviewers.all()],
        "on_panel": on_panel,
        "my_scorecard": mine,
        "other_scorecards": others,
        "others_hidden": on_panel and mine is None and len(submitted_ids - {user.pk}) > 0,
        "attributes": attributes,
        "scorecard_form": (scorecard_form or ScorecardForm(role=role)) if can_score else None,
        "show_contact": role_can(user, APPLICATION, "contact"),
        "can_cancel": role_can(user, INTERVIEW, "cancel") and interview.status == InterviewStatus.SCHEDULED,
        "cancel_form": InterviewCancelForm(),
        "application_open": application.status == ApplicationStatus.ACTIVE,
    }


@never_cache
@require_GET
@role_required(INTERVIEW, "view")
def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    interview = selectors.interview_get(user=request.user, pk=pk)
    return render(request, "recruitment/interview_detail.html", _detail_context(request, interview))


@require_POST
@role_required(INTERVIEW, "scorecard")
def scorecard_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed-in interviewer's scorecard → ``interviews.scorecard_submit`` (once; every
    attribute on the four-point scale, a recommendation)."""
    interview = selectors.interview_get(user=request.user, pk=pk)
    form = ScorecardForm(request.POST, role=interview.application.posting.role)
    if form.is_valid():
        try:
            interview_services.scorecard_submit(
                interviewer=request.user, interview=interview, ratings=form.ratings(),
                recommendation=form.cleaned_data["recommendation"], notes=form.cleaned_data.get("notes") or "",
            )
        except (ValidationError, ApplicationError) as exc:
            if isinstance(exc, ApplicationError) and exc.rule in ("not_on_panel", "scorecard_already_submitted", "interview_cancelled"):
                messages.error(request, exc.message)
                return redirect("recruitment:interview_detail", pk=interview.pk)
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("Your scorecard was submitted. The other interviewers' feedback is now visible."))
            return redirect("recruitment:interview_detail", pk=interview.pk)
    interview = selectors.interview_get(user=request.user, pk=pk)
    context = _detail_context(request, interview, scorecard_form=form)
    if context["scorecard_form"] is None:  # not on the panel (HR reading) or already submitted
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("recruitment:interview_detail", pk=interview.pk)
    return render(request, "recruitment/interview_detail.html", context, status=422)


@require_POST
@role_required(INTERVIEW, "cancel")
def interview_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    interview = selectors.interview_get(user=request.user, pk=pk)
    form = InterviewCancelForm(request.POST)
    form.is_valid()
    try:
        interview_services.interview_cancel(actor=request.user, interview=interview, note=form.cleaned_data.get("note") or "")
    except (ValidationError, ApplicationError) as exc:
        messages.error(request, exc.message if isinstance(exc, ApplicationError) else " ".join(exc.messages))
    else:
        messages.success(request, _("The interview was cancelled."))
    return redirect("recruitment:interview_detail", pk=interview.pk)


urlpatterns = [
    path("interviews/", interview_list, name="interview_list"),
    path("interviews/new/", interview_create, name="interview_create"),
    path("interviews/<int:pk>/", interview_detail, name="interview_detail"),
    path("interviews/<int:pk>/scorecard/", scorecard_submit, name="scorecard_submit"),
    path("interviews/<int:pk>/cancel/", interview_cancel, name="interview_cancel"),
]
