"""People pages: training sessions, attendance and results, and "My training" (issue 3 §7–8).

Objects are looked up through ``TrainingSession.objects.visible_to`` (out of scope → 404); the
verbs come from ``teams.permissions.TRAINING``. Recording attendance is open to HR and to the
session's own trainer (``teams.services.training.training_can_record``).
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import ApplicationError
from common.permissions import role_can, role_required

from .. import selectors
from ..choices import TrainingKind, TrainingResult, TrainingSessionStatus
from ..forms import TrainingEnrolForm, TrainingRecordForm, TrainingSessionForm, TrainingStatusForm, form_add_service_error, trainer_choices
from ..models import CollectorProfile, TrainingAttendance, TrainingSession
from ..permissions import TRAINING
from ..services.training import (
    training_attendance_record, training_can_record, training_enrol, training_session_create, training_session_set_status,
)

LIST_PAGE_SIZE = 30


@require_GET
@role_required(TRAINING, "view")
def training_list(request: HttpRequest) -> HttpResponse:
    filterset, rows = selectors.training_session_list(user=request.user, filters=request.GET, request=request)
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "teams/training_list.html", {
        "page": page, "filterset": filterset, "can_manage": role_can(request.user, TRAINING, "manage"),
    })


@require_http_methods(["GET", "POST"])
@role_required(TRAINING, "manage")
def training_create(request: HttpRequest) -> HttpResponse:
    kwargs = {"teams": selectors.teams_for_training(user=request.user), "trainers": trainer_choices()}
    status = 200
    if request.method == "POST":
        form = TrainingSessionForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                session = training_session_create(actor=request.user, **form.cleaned_data)
            except (ValidationError, ApplicationError) as exc:
                form_add_service_error(form, exc)
                status = 422
            else:
                messages.success(request, _("Session “%(title)s” planned. Enrol the attendees below.") % {"title": session.title})
                return redirect("people:training_detail", pk=session.pk)
        else:
            status = 422
    else:
        form = TrainingSessionForm(initial={"kind": request.GET.get("kind") or TrainingKind.SKILLS}, **kwargs)
    return render(request, "teams/training_form.html", {"form": form}, status=status)


def _detail_context(request: HttpRequest, session: TrainingSession, **extra) -> dict:
    can_record = training_can_record(request.user, session) and session.status != TrainingSessionStatus.CANCELLED
    can_manage = role_can(request.user, TRAINING, "manage")
    attendees = list(selectors.training_attendees(session=session))
    rows = [{"row": row, "form": TrainingRecordForm(prefix=f"a{row.pk}", form_id=f"rec-{row.pk}", initial={
        "attendance": row.attendance, "result": row.result, "score": row.score, "note": row.note,
    }) if can_record else None} for row in attendees]
    context = {
        "session": session, "rows": rows, "can_record": can_record, "can_manage": can_manage,
        "can_enrol": can_manage and session.status == TrainingSessionStatus.PLANNED,
        "passed": sum(1 for r in attendees if r.result == TrainingResult.PASSED),
    }
    if context["can_enrol"] and "enrol_form" not in extra:
        context["enrol_form"] = TrainingEnrolForm(grouped_choices=selectors.training_enrolable_users(user=request.user, session=session))
    context.update(extra)
    return context


@require_GET
@role_required(TRAINING, "view")
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.training_session_get(user=request.user, pk=pk)
    return render(request, "teams/training_detail.html", _detail_context(request, session))


@require_POST
@role_required(TRAINING, "manage")
def training_enrol_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.training_session_get(user=request.user, pk=pk)
    form = TrainingEnrolForm(request.POST, grouped_choices=selectors.training_enrolable_users(user=request.user, session=session))
    if form.is_valid():
        try:
            rows = training_enrol(actor=request.user, session=session, users=form.cleaned_data["users"])
        except (ValidationError, ApplicationError) as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("%(n)s enrolled.") % {"n": len(rows)})
            return redirect("people:training_detail", pk=session.pk)
    return render(request, "teams/training_detail.html", _detail_context(request, session, enrol_form=form), status=422)


@require_POST
@role_required(TRAINING, "manage")
def training_status(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.training_session_get(user=request.user, pk=pk)
    form = TrainingStatusForm(request.POST)
    if form.is_valid():
        try:
            training_session_set_status(actor=request.user, session=session, status=form.cleaned_data["status"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Status changed."))
    else:
        messages.error(request, _("Choose held or cancelled."))
    return redirect("people:training_detail", pk=session.pk)


@require_POST
@login_required
def training_record(request: HttpRequest, pk: int, attendance_pk: int) -> HttpResponse:
    """Save one attendee's attendance / result / score (HR or the trainer). With htmx the answer is
    the table row (422 with the errors when refused); without, a redirect to the detail page.
    Not ``role_required(TRAINING, "record")``: the session's trainer may record too, which is a
    per-session fact (``training_can_record``)."""
    if not (role_can(request.user, TRAINING, "view") or role_can(request.user, TRAINING, "record")):
        raise PermissionDenied
    session = selectors.training_session_get(user=request.user, pk=pk)
    if not training_can_record(request.user, session):
        raise PermissionDenied
    row = get_object_or_404(TrainingAttendance.objects.select_related("user"), pk=attendance_pk, session=session)
    form = TrainingRecordForm(request.POST, prefix=f"a{row.pk}", form_id=f"rec-{row.pk}")
    status, saved = 422, False
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = training_attendance_record(
                actor=request.user, attendance=row, attendance_value=data["attendance"], result=data["result"],
                score=data["score"], note=data["note"],
            )
        except (ValidationError, ApplicationError) as exc:
            form_add_service_error(form, exc)
            row.refresh_from_db()
        else:
            status, saved = 200, True
    if request.htmx:
        if saved:
            form = TrainingRecordForm(prefix=f"a{row.pk}", form_id=f"rec-{row.pk}", initial={"attendance": row.attendance, "result": row.result, "score": row.score, "note": row.note})
        return render(request, "teams/partials/attendance_row.html",
                      {"item": {"row": row, "form": form}, "session": session, "can_record": True, "saved": saved}, status=status)
    if saved:
        messages.success(request, _("Saved for %(name)s.") % {"name": row.user.display_name})
    else:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("Not saved for %(name)s: %(errors)s") % {"name": row.user.display_name, "errors": errors})
    return redirect("people:training_detail", pk=session.pk)


@require_GET
@role_required(TRAINING, "my_training")
def my_training(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.my_training_list(user=request.user))
    profile = CollectorProfile.objects.filter(user=request.user).first()
    onboarding = [r for r in rows if r.session.kind == TrainingKind.ONBOARDING]
    return render(request, "teams/my_training.html", {
        "rows": rows, "onboarding": onboarding, "in_onboarding": bool(profile and profile.in_onboarding),
        "can_view_all": role_can(request.user, TRAINING, "view"),
    })


urlpatterns = [
    path("training/", training_list, name="training_list"),
    path("training/new/", training_create, name="training_create"),
    path("training/<int:pk>/", training_detail, name="training_detail"),
    path("training/<int:pk>/enrol/", training_enrol_view, name="training_enrol"),
    path("training/<int:pk>/status/", training_status, name="training_status"),
    path("training/<int:pk>/attendance/<int:attendance_pk>/", training_record, name="training_record"),
    path("my-training/", my_training, name="my_training"),
]
