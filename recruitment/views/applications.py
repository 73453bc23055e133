"""HR pages for applications (issue 3 §2–4, §10): the list, HR's own entry of a referral or walk-in,
the application page (candidate, screening with reasons, stage history, interviews, duplicates,
privacy actions, the offer panel), the posting's board, moves / rejection / withdrawal, the resume
download and the candidate's privacy export and deletion.

Every view: anonymous → login redirect; a role without the action in ``recruitment.permissions`` →
403; objects only through the selectors (``visible_to``) → out of scope is a 404. One service call
per write; a refusal comes back as a form error or a message naming the rule.
"""
from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.audit import audit_event_record
from common.errors import ApplicationError
from common.permissions import role_can, role_required
from common.views import error_text, safe_next_url

from .. import selectors
from ..choices import ApplicationSource, ApplicationStatus, StageKind
from ..defaults import RESUME_TYPES
from ..filters import ApplicationFilterSet
from ..forms.applications import (
    ApplicationEntryForm, ApplicationMoveForm, ApplicationRejectForm, ApplicationWithdrawForm, CandidateDeleteForm, CandidateForm,
    CandidateMergeForm, WorkHistoryFormSet, entry_postings, entry_referrers, work_history_lines,
)
from ..forms.base import form_add_service_error
from ..models import Application, Candidate
from ..permissions import APPLICATION, INTERVIEW, OFFER
from ..services import applications as application_services
from ..services import pipeline, privacy
from ..services.interviews import scorecards_visible_to

LIST_PAGE_SIZE = 25
#: Where a service ``RuleViolation`` belongs on the entry form.
ENTRY_RULE_FIELDS = {"posting_not_open": "posting", "duplicate_application": "mobile"}


def _service_status(exc: ValidationError | ApplicationError) -> int:
    return exc.status if isinstance(exc, ApplicationError) else 422


# --- list -------------------------------------------------------------------------------------------

def _filter_params(query: QueryDict) -> QueryDict:
    params = query.copy()
    params.pop("page", None)
    return params


@require_GET
@role_required(APPLICATION, "view")
def application_list(request: HttpRequest) -> HttpResponse:
    """Applications in scope (``selectors.application_list``) with the :class:`ApplicationFilterSet`
    bar, 25 a page; htmx requests targeting the results get only the table."""
    params = _filter_params(request.GET)
    filterset = ApplicationFilterSet(data=params or None, queryset=Application.objects.none(), request=request)
    rows = selectors.application_list(user=request.user, filters=params, request=request)
    if role_can(request.user, APPLICATION, "move"):
        rows = rows.prefetch_related("posting__stages")  # the rows' "Move" menus
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    selected_posting = filterset.form.cleaned_data.get("posting") if filterset.is_bound and filterset.form.is_valid() else None
    context = {
        "page": page,
        "filterset": filterset,
        "form": filterset.form,
        "stage_options": selectors.posting_stages(posting=selected_posting) if selected_posting else [],
        "selected_posting": selected_posting,
        "can_create": role_can(request.user, APPLICATION, "enter"),
        "can_move": role_can(request.user, APPLICATION, "move"),
    }
    if request.htmx and request.htmx.target == "application-results":
        return render(request, "recruitment/partials/application_results.html", context)
    return render(request, "recruitment/application_list.html", context)


# --- HR entry (referral, walk-in) -------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@role_required(APPLICATION, "enter")
def application_create(request: HttpRequest) -> HttpResponse:
    """HR enters a referral or walk-in → ``application_submit(source=…, actor=hr)``. The candidate
    signed the paper notice: consent is recorded with the current version when HR confirms it."""
    postings = entry_postings(request.user)
    referrers = entry_referrers()
    status = 200
    if request.method == "POST":
        form = ApplicationEntryForm(request.POST, request.FILES, postings=postings, referrers=referrers)
        formset = WorkHistoryFormSet(request.POST, prefix="work")
        if form.is_valid() and formset.is_valid():
            data = form.application_data(work_history=work_history_lines(formset))
            try:
                application = application_services.application_submit(
                    posting=form.cleaned_data["posting"], data=data, resume=form.cleaned_data.get("resume"),
                    source=form.cleaned_data["source"], source_detail=form.cleaned_data.get("source_detail") or "",
                    referrer=form.cleaned_data.get("referrer"), actor=request.user,
                )
            except ApplicationError as exc:
                field = ENTRY_RULE_FIELDS.get(exc.rule)
                form.add_error(field, exc.message)
                status = exc.status
            except ValidationError as exc:
                form_add_service_error(form, exc)
                status = 422
            else:
                messages.success(request, _("Application of %(name)s to %(posting)s recorded.") % {"name": application.candidate.name, "posting": application.posting.title})
                return redirect("recruitment:application_detail", pk=application.pk)
        else:
            status = 422
    else:
        initial = {"source": ApplicationSource.REFERRAL}
        wanted = request.GET.get("posting")
        if wanted and wanted.isdigit() and postings.filter(pk=wanted).exists():
            initial["posting"] = wanted
        form = ApplicationEntryForm(initial=initial, postings=postings, referrers=referrers)
        formset = WorkHistoryFormSet(prefix="work")
    return render(request, "recruitment/application_form.html", {"form": form, "formset": formset, "has_postings": postings.exists()}, status=status)


# --- detail -----------------------------------------------------------------------------------------

def _offer_panel(request: HttpRequest, application: Application) -> dict[str, Any]:
    """The offer / background-check / hire panel of ``views.offers`` (helper V3), when present."""
    try:
        from .offers import offer_panel_context
    except ImportError:
        return {}
    return offer_panel_context(user=request.user, application=application)


def _interview_rows(request: HttpRequest, application: Application) -> list[dict[str, Any]]:
    """Each visible interview with the scorecards the user may read (``scorecards_visible_to``)."""
    rows = []
    for interview in selectors.application_interviews(user=request.user, application=application):
        cards = list(scorecards_visible_to(user=request.user, interview=interview).select_related("interviewer"))
        on_panel = any(u.pk == request.user.pk for u in interview.interviewers.all())
        rows.append({
            "interview": interview,
            "scorecards": cards,
            "on_panel": on_panel,
            "mine_submitted": any(c.interviewer_id == request.user.pk for c in cards),
            "hidden_count": max(0, interview.scorecards_count - len(cards)),
        })
    return rows


def _detail_context(request: HttpRequest, application: Application, **forms_: Any) -> dict[str, Any]:
    user = request.user
    candidate = application.candidate
    stages = selectors.posting_stages(posting=application.posting)
    is_active = application.status == ApplicationStatus.ACTIVE
    can_privacy = role_can(user, APPLICATION, "privacy")
    can_merge = role_can(user, APPLICATION, "merge")
    duplicates = list(application_services.candidate_duplicates(candidate=candidate).prefetch_related("applications__posting")) if can_merge and not candidate.anonymised_at else []
    work_history = list(candidate.work_history.all())
    move_targets = selectors.movable_stages(application=application, stages=stages)
    stage_history = selectors.application_stage_history(application=application)
    context = {
        "application": application,
        "candidate": candidate,
        "posting": application.posting,
        "stages": stages,
        "is_active": is_active,
        "work_history": work_history,
        "collection_months": selectors.candidate_collection_months(candidate=candidate),
        "total_months": sum(line.months for line in work_history),
        "screening_results": selectors.application_screening_results(application=application),
        "stage_history": stage_history,
        "passed_stage_ids": selectors.stages_passed(application=application, history=stage_history, stages=stages),
        "interviews": _interview_rows(request, application),
        "other_applications": list(selectors.application_list(user=user).filter(candidate=candidate).exclude(pk=application.pk)),
        "duplicates": duplicates,
        "show_contact": role_can(user, APPLICATION, "contact"),
        "can_move": role_can(user, APPLICATION, "move") and is_active,
        "can_reject": role_can(user, APPLICATION, "reject") and is_active,
        "can_withdraw": role_can(user, APPLICATION, "withdraw") and is_active,
        "can_merge": can_merge,
        "can_edit_candidate": role_can(user, APPLICATION, "update") and not candidate.anonymised_at,
        "can_privacy": can_privacy and not candidate.anonymised_at,
        # PIPL deletion is refused while an application is active or the candidate was hired (privacy.candidate_anonymise)
        "can_delete_now": can_privacy and not candidate.applications.filter(status__in=[ApplicationStatus.ACTIVE, ApplicationStatus.HIRED]).exists(),
        "can_resume": role_can(user, APPLICATION, "resume") and bool(application.resume) and not candidate.anonymised_at,
        "can_schedule": role_can(user, INTERVIEW, "create") and is_active,
        "can_see_offers": role_can(user, OFFER, "view"),
        "move_targets": move_targets,
        "next_stage": next((s for s in move_targets if s.position > application.stage.position), None),
        "move_form": forms_.get("move_form") or ApplicationMoveForm(stages=application.posting.stages.all()),
        "reject_form": forms_.get("reject_form") or ApplicationRejectForm(),
        "withdraw_form": forms_.get("withdraw_form") or ApplicationWithdrawForm(),
        "delete_form": forms_.get("delete_form") or CandidateDeleteForm(),
    }
    context.update(_offer_panel(request, application))
    return context


@never_cache
@require_GET
@role_required(APPLICATION, "view")
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    return render(request, "recruitment/application_detail.html", _detail_context(request, application))


# --- moves ------------------------------------------------------------------------------------------

def _board_response(request: HttpRequest, application: Application, status: int) -> HttpResponse:
    posting = application.posting
    context = {
        "posting": posting, "columns": selectors.board_columns(user=request.user, posting=posting),
        "can_move": role_can(request.user, APPLICATION, "move"), "oob_messages": True,
    }
    return render(request, "recruitment/partials/board_columns.html", context, status=status)


def _row_response(request: HttpRequest, application: Application, status: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=application.pk)
    context = {"application": application, "can_move": role_can(request.user, APPLICATION, "move"), "oob_messages": True}
    return render(request, "recruitment/partials/application_row.html", context, status=status)


def _after_write(request: HttpRequest, application: Application, status: int = 200) -> HttpResponse:
    """htmx from the board → the board's columns; from a list row → the row; otherwise back to the
    page the form was on (``next``) or the application page."""
    if request.htmx:
        target = request.htmx.target or ""
        if target == "board":
            return _board_response(request, application, status)
        if target.startswith("application-row-"):
            return _row_response(request, application, status)
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return redirect(safe_next_url(request, reverse("recruitment:application_detail", args=[application.pk])))


@require_POST
@role_required(APPLICATION, "move")
def application_move(request: HttpRequest, pk: int) -> HttpResponse:
    """POST ``stage`` (id of a stage of the same posting) and ``note`` →
    ``pipeline.application_move``. htmx-aware (board columns / list row)."""
    application = selectors.application_get(user=request.user, pk=pk)
    form = ApplicationMoveForm(request.POST, stages=application.posting.stages.all())
    status = 200
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        status = 422
    else:
        stage = form.cleaned_data["stage"]
        try:
            pipeline.application_move(actor=request.user, application=application, stage=stage, note=form.cleaned_data.get("note") or "")
        except (ValidationError, ApplicationError) as exc:
            messages.error(request, error_text(exc))
            status = _service_status(exc)
        else:
            messages.success(request, _("%(name)s moved to %(stage)s.") % {"name": application.candidate.name, "stage": stage.name})
    application.refresh_from_db()
    return _after_write(request, application, status)


@require_POST
@role_required(APPLICATION, "reject")
def application_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """POST ``reason`` (a ``RefuseReason``) and ``note`` → ``pipeline.application_reject``."""
    application = selectors.application_get(user=request.user, pk=pk)
    form = ApplicationRejectForm(request.POST)
    status = 200
    if not form.is_valid():
        messages.error(request, _("Choose a refuse reason to reject the application."))
        status = 422
    else:
        try:
            pipeline.application_reject(actor=request.user, application=application, reason=form.cleaned_data["reason"], note=form.cleaned_data.get("note") or "")
        except (ValidationError, ApplicationError) as exc:
            messages.error(request, error_text(exc))
            status = _service_status(exc)
        else:
            messages.success(request, _("%(name)s was rejected.") % {"name": application.candidate.name})
    application.refresh_from_db()
    return _after_write(request, application, status)


@require_POST
@role_required(APPLICATION, "withdraw")
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """POST ``note`` → ``pipeline.application_withdraw`` (the candidate withdrew)."""
    application = selectors.application_get(user=request.user, pk=pk)
    form = ApplicationWithdrawForm(request.POST)
    form.is_valid()
    status = 200
    try:
        pipeline.application_withdraw(actor=request.user, application=application, note=form.cleaned_data.get("note") or "")
    except (ValidationError, ApplicationError) as exc:
        messages.error(request, error_text(exc))
        status = _service_status(exc)
    else:
        messages.success(request, _("The application of %(name)s is marked withdrawn.") % {"name": application.candidate.name})
    application.refresh_from_db()
    return _after_write(request, application, status)


# --- resume -----------------------------------------------------------------------------------------

@never_cache
@require_GET
@role_required(APPLICATION, "resume")
def application_resume(request: HttpRequest, pk: int) -> FileResponse:
    """Stream the privately stored resume as an attachment with its sniffed type and
    ``nosniff``; writes ``resume_downloaded`` (HR and the application's interviewers only)."""
    application = selectors.application_get(user=request.user, pk=pk)
    if not application.resume or application.candidate.anonymised_at:
        raise Http404
    try:
        handle = application.resume.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    audit_event_record(actor=request.user, verb="resume_downloaded", target=application, data={"candidate": application.candidate_id})
    content_type = RESUME_TYPES.get(application.resume_type, "application/octet-stream")
    extension = "jpg" if application.resume_type == "jpg" else application.resume_type or "bin"
    filename = application.resume_name or f"resume-{application.pk}.{extension}"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- candidates: merge, export, delete ---------------------------------------------------------------

def _candidate_landing(request: HttpRequest, candidate: Candidate) -> str:
    application = selectors.application_list(user=request.user).filter(candidate=candidate).first()
    default = reverse("recruitment:application_detail", args=[application.pk]) if application else reverse("recruitment:application_list")
    return safe_next_url(request, default)


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(APPLICATION, "view")
def candidate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """HR corrects or completes the candidate's details (the ID number an offer needs, a mistyped
    mobile…) → ``applications.candidate_update``, then back to the application (``next``, same
    site only). A candidate outside the user's scope is a 404 before the role is asked: a panel
    member sees that the candidate exists (403), nobody else does."""
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    if not role_can(request.user, APPLICATION, "update"):
        raise PermissionDenied
    back = _candidate_landing(request, candidate)
    if candidate.anonymised_at is not None:
        messages.error(request, _("This candidate's personal data was erased; there is nothing left to edit."))
        return redirect(back)
    status = 200
    if request.method == "POST":
        form = CandidateForm(request.POST)
        if form.is_valid():
            try:
                application_services.candidate_update(actor=request.user, candidate=candidate, **form.cleaned_data)
            except (ValidationError, ApplicationError) as exc:
                form_add_service_error(form, exc)
                status = _service_status(exc)
            else:
                messages.success(request, _("The details of %(name)s were saved.") % {"name": form.cleaned_data["name"]})
                return redirect(back)
        else:
            status = 422
    else:
        form = CandidateForm(initial=CandidateForm.initial_from(candidate))
    context = {"candidate": candidate, "form": form, "back": back}
    return render(request, "recruitment/candidate_form.html", context, status=status)


@require_POST
@role_required(APPLICATION, "merge")
def candidate_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """POST ``other`` (a duplicate candidate's id) → ``applications.candidate_merge(keep=pk, merge=other)``."""
    keep = selectors.candidate_get(user=request.user, pk=pk)
    form = CandidateMergeForm(request.POST, candidates=Candidate.objects.visible_to(request.user).exclude(pk=keep.pk))
    if not form.is_valid():
        raise Http404  # the duplicate is missing or out of scope: same answer
    other = form.cleaned_data["other"]
    try:
        application_services.candidate_merge(actor=request.user, keep=keep, merge=other)
    except (ValidationError, ApplicationError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Candidate #%(other)s was merged into %(name)s.") % {"other": other.pk, "name": keep.name})
    return redirect(_candidate_landing(request, keep))


@never_cache
@require_POST
@role_required(APPLICATION, "privacy")
def candidate_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held about the candidate (``privacy.candidate_export``, audited) as a JSON file
    (PIPL art. 45: the person's right to a copy)."""
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    data = privacy.candidate_export(actor=request.user, candidate=candidate)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="candidate-{candidate.pk}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@role_required(APPLICATION, "privacy")
def candidate_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete on request (PIPL art. 47): after the confirmation box,
    ``privacy.candidate_anonymise(reason="request")``; refused while an application is active."""
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    form = CandidateDeleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the confirmation box to delete the candidate's personal data."))
    else:
        try:
            privacy.candidate_anonymise(actor=request.user, candidate=candidate, reason="request")
        except (ValidationError, ApplicationError) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("The candidate's personal data was erased; the applications stay, anonymised, for the funnel counts."))
    return redirect(_candidate_landing(request, candidate))


# --- board ------------------------------------------------------------------------------------------

@require_GET
@role_required(APPLICATION, "view")
def posting_board(request: HttpRequest, pk: int) -> HttpResponse:
    """The posting's pipeline as a Kanban board (``selectors.board_columns``); HR moves cards with
    ← / → / a stage menu or by dragging (all post to ``application_move``)."""
    posting = selectors.posting_get(user=request.user, pk=pk)
    columns = selectors.board_columns(user=request.user, posting=posting)
    context = {
        "posting": posting,
        "columns": columns,
        "total": sum(c.count for c in columns),
        "active_total": sum(c.count for c in columns if not c.folded and c.stage.kind != StageKind.HIRED),
        "can_move": role_can(request.user, APPLICATION, "move"),
        "can_create": role_can(request.user, APPLICATION, "enter"),
    }
    return render(request, "recruitment/board.html", context)


urlpatterns = [
    path("applications/", application_list, name="application_list"),
    path("applications/new/", application_create, name="application_create"),
    path("applications/<int:pk>/", application_detail, name="application_detail"),
    path("applications/<int:pk>/move/", application_move, name="application_move"),
    path("applications/<int:pk>/reject/", application_reject, name="application_reject"),
    path("applications/<int:pk>/withdraw/", application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/resume/", application_resume, name="application_resume"),
    path("candidates/<int:pk>/edit/", candidate_edit, name="candidate_edit"),
    path("candidates/<int:pk>/merge/", candidate_merge, name="candidate_merge"),
    path("candidates/<int:pk>/export/", candidate_export, name="candidate_export"),
    path("candidates/<int:pk>/delete/", candidate_delete, name="candidate_delete"),
    path("postings/<int:pk>/board/", posting_board, name="posting_board"),
]
