"""HR pages for requisitions, job postings, their pipeline stages and screening rules, candidate
e-mail templates, and the recruitment home page (issue 3 §1, §3, §4).

Every view: anonymous → login redirect; a role without the action in ``recruitment.permissions``
(through ``common.permissions.role_required``) → 403; objects only through ``visible_to(user)`` →
out of scope is a 404. Each write calls one service; refusals come back as form errors
(``ValidationError``) or as a message naming the rule (``RuleViolation``).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.dates import local_day_bounds, local_today
from common.errors import ApplicationError
from common.permissions import role_can, role_required
from common.views import safe_next_url
from teams.choices import Role
from teams.models import Team

from ..choices import (
    TERMINAL_STAGE_KINDS, ApplicationStatus, EducationLevel, Industry, InterviewStatus, MandarinLevel, OfferStatus, PostingStatus,
    RequisitionStatus, ScreeningRuleKind, StageKind,
)
from .. import selectors
from ..filters import JobPostingFilterSet
from ..forms.base import form_add_service_error
from ..forms.postings import (
    EmailTemplateForm, PostingForm, RequisitionDecisionForm, RequisitionForm, ScreeningRuleForm, StageAddForm, StageRenameForm,
)
from ..models import Application, CandidateEmailTemplate, Interview, JobPosting, Offer, PipelineStage, Requisition, ScreeningRule
from ..permissions import ANALYTICS, APPLICATION, EMAIL_TEMPLATE, INTERVIEW, OFFER, PAGES, POSTING, REQUISITION
from ..services.pipeline import candidate_email_render, candidate_email_template_save
from ..services import postings as posting_services  # module import: the views share names with its services
from ..services.postings import pipeline_stage_add, pipeline_stage_remove, pipeline_stage_rename, posting_set_status, posting_update
from ..services.screening import screening_rule_delete, screening_rule_save

LIST_PAGE_SIZE = 30
HOME_LIST_LIMIT = 10
UPCOMING_DAYS = 14
#: The pipeline columns counted on the home page and the posting page (custom stages add their own).
FUNNEL_KINDS = (StageKind.APPLIED, StageKind.SCREENING, StageKind.INTERVIEW, StageKind.OFFER, StageKind.BACKGROUND_CHECK, StageKind.HIRED)
#: Status buttons of the posting page: from status → [(to status, label, button style)].
STATUS_ACTIONS = {
    PostingStatus.DRAFT: [(PostingStatus.OPEN, gettext_lazy("Publish"), "btn-primary"), (PostingStatus.CLOSED, gettext_lazy("Close"), "btn-outline-danger")],
    PostingStatus.OPEN: [(PostingStatus.PAUSED, gettext_lazy("Pause"), "btn-outline-warning"), (PostingStatus.CLOSED, gettext_lazy("Close"), "btn-outline-danger")],
    PostingStatus.PAUSED: [(PostingStatus.OPEN, pgettext_lazy("posting action", "Resume"), "btn-primary"), (PostingStatus.CLOSED, gettext_lazy("Close"), "btn-outline-danger")],
    PostingStatus.CLOSED: [],
}
STATUS_DONE = {
    PostingStatus.OPEN: gettext_lazy("The posting is open: it is on the careers page and takes applications."),
    PostingStatus.PAUSED: gettext_lazy("The posting is paused: it is off the careers page until you resume it."),
    PostingStatus.CLOSED: gettext_lazy("The posting is closed: it takes no more applications."),
}
#: Placeholders a candidate e-mail template may use (``pipeline.candidate_email_context``).
EMAIL_PLACEHOLDERS = (
    ("{{ candidate_name }}", gettext_lazy("Candidate's name")),
    ("{{ posting_title }}", gettext_lazy("Job posting title")),
    ("{{ stage_name }}", gettext_lazy("Name of the stage entered")),
    ("{{ company_name }}", gettext_lazy("Company name")),
    ("{{ interview.round_name }}", gettext_lazy("Interview round (interview e-mails)")),
    ("{{ interview.starts_at|date:\"Y-m-d H:i\" }}", gettext_lazy("Interview start, Beijing time")),
    ("{{ interview.ends_at|date:\"H:i\" }}", gettext_lazy("Interview end")),
    ("{{ interview.location }}", gettext_lazy("Interview place")),
    ("{{ interview.video_link }}", gettext_lazy("Video link")),
)


#: The recruitment module's pages, shown on the home page to whoever may open them.
MODULE_LINKS = (
    ("recruitment:posting_list", gettext_lazy("Job postings"), POSTING, "view"),
    ("recruitment:requisition_list", gettext_lazy("Requisitions"), REQUISITION, "view"),
    ("recruitment:application_list", gettext_lazy("Applications"), APPLICATION, "view"),
    ("recruitment:interview_list", gettext_lazy("Interviews"), INTERVIEW, "view"),
    ("recruitment:offer_approval_list", gettext_lazy("Offer approvals"), OFFER, "approve"),
    ("recruitment:analytics", gettext_lazy("Analytics"), ANALYTICS, "view"),
    ("recruitment:email_templates", gettext_lazy("Candidate e-mails"), EMAIL_TEMPLATE, "update"),
)


# --- small helpers ----------------------------------------------------------------------------------

def _url_or_none(name: str, *args: Any, query: str = "") -> str | None:
    """The URL of a page another module builds (the board, the application list…), or ``None``
    while that page does not exist, so this page still renders."""
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


def _refusal(request: HttpRequest, exc: ApplicationError | ValidationError) -> None:
    """A service refusal as an error message that names the rule."""
    if isinstance(exc, ApplicationError):
        messages.error(request, _("%(message)s (rule: %(rule)s)") % {"message": exc.message, "rule": exc.rule})
    else:
        for message in exc.messages:
            messages.error(request, message)


def _stage_counts(posting_ids: list[int]) -> dict[int, dict[str, int]]:
    """``{posting_id: {stage kind: applications}}``. Counts are aggregates (no candidate data), so
    they cover every application of the posting, not only those the reader may open."""
    counts: dict[int, dict[str, int]] = {pk: {} for pk in posting_ids}
    if not posting_ids:
        return counts
    rows = Application.objects.filter(posting_id__in=posting_ids).order_by().values("posting_id", "stage__kind").annotate(n=Count("id"))
    for row in rows:
        counts[row["posting_id"]][row["stage__kind"]] = row["n"]
    return counts


def _funnel(counts: dict[str, int]) -> list[dict[str, Any]]:
    cells = [{"kind": kind, "label": kind.label, "n": counts.get(kind, 0)} for kind in FUNNEL_KINDS]
    custom = counts.get(StageKind.CUSTOM, 0)
    if custom:
        cells.insert(2, {"kind": StageKind.CUSTOM, "label": StageKind.CUSTOM.label, "n": custom})
    return cells


def _posting_nav(request: HttpRequest, posting: JobPosting) -> dict[str, Any]:
    """The tabs every posting page shows (a tab appears only when the user may open its page)."""
    user = request.user
    can_update = role_can(user, POSTING, "update")
    return {
        "detail_url": reverse("recruitment:posting_detail", args=[posting.pk]),
        "board_url": _url_or_none("recruitment:posting_board", posting.pk),
        "applications_url": _url_or_none("recruitment:application_list", query=f"?posting={posting.pk}"),
        "stages_url": reverse("recruitment:posting_stages", args=[posting.pk]) if can_update else None,
        "rules_url": reverse("recruitment:posting_rules", args=[posting.pk]) if can_update else None,
        "edit_url": reverse("recruitment:posting_edit", args=[posting.pk]) if can_update and posting.status != PostingStatus.CLOSED else None,
    }


def _can_decide(user: Any, requisition: Requisition) -> bool:
    """Show approve/reject: the role may approve, the requisition waits, and the user did not request it."""
    return (
        role_can(user, REQUISITION, "approve") and requisition.status == RequisitionStatus.PENDING
        and requisition.requested_by_id != user.pk
    )


# --- home ---------------------------------------------------------------------------------------------

@require_GET
@role_required(PAGES, "recruitment_home")
def home(request: HttpRequest) -> HttpResponse:
    """HR: open postings with counts per stage, today's applications, requisitions awaiting approval.
    Every panel member: their upcoming interviews. Supervisors and directors: requisitions and offers
    awaiting their approval."""
    user = request.user
    now = timezone.now()
    context: dict[str, Any] = {"is_hr": user.role == Role.HR_RECRUITER}
    context["module_links"] = [
        {"url": url, "label": label} for name, label, table, action in MODULE_LINKS
        if role_can(user, table, action) and (url := _url_or_none(name))
    ]
    context["can_request"] = role_can(user, REQUISITION, "create")
    context["can_post"] = role_can(user, POSTING, "create")
    context["add_application_url"] = _url_or_none("recruitment:application_create") if role_can(user, APPLICATION, "enter") else None
    context["interviews"] = list(
        Interview.objects.visible_to(user).filter(interviewers=user, status=InterviewStatus.SCHEDULED, ends_at__gte=now,
                                                  starts_at__lt=now + dt.timedelta(days=UPCOMING_DAYS))
        .select_related("application__candidate", "application__posting").order_by("starts_at", "id")[:HOME_LIST_LIMIT]
    )
    if role_can(user, REQUISITION, "approve"):
        pending = (Requisition.objects.visible_to(user).filter(status=RequisitionStatus.PENDING).exclude(requested_by=user)
                   .select_related("team__department", "requested_by"))
        context["requisitions_to_decide"] = list(pending[:HOME_LIST_LIMIT])
    if role_can(user, OFFER, "approve"):
        context["offers_to_approve"] = list(
            Offer.objects.visible_to(user).filter(status=OfferStatus.PENDING_APPROVAL)
            .select_related("application__candidate", "application__posting").order_by("created_at", "id")[:HOME_LIST_LIMIT]
        )
    if context["is_hr"]:
        context.update(_hr_home(request, now))
    for interview in context["interviews"]:
        interview.detail_url = _url_or_none("recruitment:interview_detail", interview.pk)
    for offer in context.get("offers_to_approve", []):
        offer.detail_url = _url_or_none("recruitment:offer_detail", offer.pk)
    return render(request, "recruitment/home.html", context)


def _hr_home(request: HttpRequest, now: dt.datetime) -> dict[str, Any]:
    user = request.user
    today = local_today()
    start, end = local_day_bounds(today)
    postings = list(
        JobPosting.objects.visible_to(user).filter(status__in=[PostingStatus.OPEN, PostingStatus.PAUSED])
        .select_related("requisition__team").order_by("status", "-published_at", "-id")
    )
    counts = _stage_counts([p.pk for p in postings])
    rows = []
    for posting in postings:
        per_kind = counts[posting.pk]
        rows.append({
            "posting": posting, "funnel": _funnel(per_kind),
            "active": sum(n for kind, n in per_kind.items() if kind not in TERMINAL_STAGE_KINDS),
            "board_url": _url_or_none("recruitment:posting_board", posting.pk),
        })
    applications = Application.objects.visible_to(user)
    stats = applications.aggregate(
        active=Count("id", filter=Q(status=ApplicationStatus.ACTIVE)),
        today=Count("id", filter=Q(created_at__gte=start, created_at__lt=end)),
        flagged=Count("id", filter=Q(status=ApplicationStatus.ACTIVE, screening_flagged=True)),
    )
    week_end = now + dt.timedelta(days=7)
    return {
        "posting_rows": rows,
        "funnel_labels": [cell["label"] for cell in _funnel({})],
        "has_custom": any(len(r["funnel"]) > len(FUNNEL_KINDS) for r in rows),
        "stats": {
            **stats,
            "open_postings": sum(1 for p in postings if p.status == PostingStatus.OPEN),
            "interviews_week": Interview.objects.filter(status=InterviewStatus.SCHEDULED, starts_at__gte=now, starts_at__lt=week_end).count(),
            "requisitions_pending": Requisition.objects.visible_to(user).filter(status=RequisitionStatus.PENDING).count(),
        },
        "requisitions_pending": list(
            Requisition.objects.visible_to(user).filter(status=RequisitionStatus.PENDING).select_related("team", "requested_by")[:HOME_LIST_LIMIT]
        ),
        "today_url": _url_or_none("recruitment:application_list", query=f"?applied_from={today.isoformat()}&applied_to={today.isoformat()}"),
        "flagged_url": _url_or_none("recruitment:application_list", query="?screening_flagged=true&status=active"),
        "applications_url": _url_or_none("recruitment:application_list"),
    }


# --- requisitions --------------------------------------------------------------------------------------

@require_GET
@role_required(REQUISITION, "view")
def requisition_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    rows = (
        Requisition.objects.visible_to(request.user).select_related("team__department", "requested_by", "decided_by")
        .annotate(postings_count=Count("postings", distinct=True)).order_by("-created_at", "-id")
    )
    if status in RequisitionStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    for requisition in page.object_list:
        requisition.can_decide = _can_decide(request.user, requisition)
    context = {
        "page": page, "status": status, "statuses": RequisitionStatus.choices,
        "can_create": role_can(request.user, REQUISITION, "create"),
        "can_post": role_can(request.user, POSTING, "create"),
    }
    return render(request, "recruitment/requisition_list.html", context)


@require_http_methods(["GET", "POST"])
@role_required(REQUISITION, "create")
def requisition_create(request: HttpRequest) -> HttpResponse:
    """A request to hire → ``requisition_create``. Teams: ``Team.objects.visible_to(user)`` (HR: every
    team; a supervisor: their department's)."""
    teams = Team.objects.visible_to(request.user).filter(is_active=True).select_related("department").order_by("department__name", "name")
    status = 200
    form = RequisitionForm(request.POST or None, teams=teams)
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                requisition = posting_services.requisition_create(
                    actor=request.user, team=data["team"], role=data["role"], headcount=data["headcount"], reason=data["reason"],
                )
            except (ValidationError, ApplicationError) as exc:
                form_add_service_error(form, exc)
                status = exc.status if isinstance(exc, ApplicationError) else 422
            else:
                messages.success(request, _("Requisition #%(pk)s sent for approval.") % {"pk": requisition.pk})
                return redirect("recruitment:requisition_list")
    return render(request, "recruitment/requisition_form.html", {"form": form}, status=status)


@require_POST
@role_required(REQUISITION, "approve")
def requisition_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or reject → ``requisition_decide`` (supervisor of the department or director; never
    the requester); a refusal names its rule."""
    requisition = get_object_or_404(Requisition.objects.visible_to(request.user).select_related("team"), pk=pk)
    form = RequisitionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
    else:
        approve = form.cleaned_data["decision"] == "approve"
        try:
            posting_services.requisition_decide(actor=request.user, requisition=requisition, approve=approve, note=form.cleaned_data["note"])
        except (ValidationError, ApplicationError) as exc:
            _refusal(request, exc)
        else:
            text = _("Requisition #%(pk)s approved.") if approve else _("Requisition #%(pk)s rejected.")
            messages.success(request, text % {"pk": requisition.pk})
    return redirect(safe_next_url(request, reverse("recruitment:requisition_list")))


# --- postings ---------------------------------------------------------------------------------------------

@require_GET
@role_required(POSTING, "view")
def posting_list(request: HttpRequest) -> HttpResponse:
    """Every posting in the user's scope, any status, filtered by ``JobPostingFilterSet``."""
    queryset = (
        JobPosting.objects.visible_to(request.user).select_related("requisition__team")
        .annotate(
            applications_active=Count("applications", filter=Q(applications__status=ApplicationStatus.ACTIVE), distinct=True),
            applications_total=Count("applications", distinct=True),
        ).order_by("-created_at", "-id")
    )
    filterset = JobPostingFilterSet(data=request.GET or None, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "filterset": filterset, "form": filterset.form, "can_create": role_can(request.user, POSTING, "create")}
    return render(request, "recruitment/posting_list.html", context)


@require_http_methods(["GET", "POST"])
@role_required(POSTING, "create")
def posting_create(request: HttpRequest) -> HttpResponse:
    """A draft posting from an approved requisition (``?requisition=<pk>`` preselects it) →
    ``posting_create`` (installs the default stages and screening rules, checks the wording)."""
    requisitions = Requisition.objects.visible_to(request.user).filter(status=RequisitionStatus.APPROVED).select_related("team").order_by("-created_at")
    wanted = request.GET.get("requisition", "")
    initial: dict[str, Any] = {}
    wanted_not_approved = False
    if wanted.isdigit():
        chosen = requisitions.filter(pk=int(wanted)).first()
        if chosen is not None:
            initial = {"requisition": chosen, "title": chosen.get_role_display()}
        else:
            wanted_not_approved = Requisition.objects.visible_to(request.user).filter(pk=int(wanted)).exists()
    form = PostingForm(request.POST or None, initial=initial, requisitions=requisitions)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                posting = posting_services.posting_create(actor=request.user, requisition=form.cleaned_data["requisition"], **form.service_fields())
            except (ValidationError, ApplicationError) as exc:
                form_add_service_error(form, exc)
                status = exc.status if isinstance(exc, ApplicationError) else 422
            else:
                messages.success(request, _("Draft posting saved with the default pipeline and screening rules. Publish it when ready."))
                if posting.wording_warnings:
                    messages.warning(request, _("The text has possibly discriminatory wording: see the warning below before publishing."))
                return redirect("recruitment:posting_detail", pk=posting.pk)
    context = {"form": form, "has_requisitions": requisitions.exists(), "wanted_not_approved": wanted_not_approved}
    return render(request, "recruitment/posting_form.html", context, status=status)


@require_GET
@role_required(POSTING, "view")
def posting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    posting = selectors.posting_get(user=request.user, pk=pk)
    stages = list(posting.stages.annotate(n=Count("applications")).order_by("position", "id"))
    rules = list(posting.screening_rules.order_by("position", "id"))
    can_publish = role_can(request.user, POSTING, "publish")
    context = {
        "posting": posting,
        "stages": stages,
        "stage_total": sum(s.n for s in stages),
        "active_total": sum(s.n for s in stages if s.kind not in TERMINAL_STAGE_KINDS),
        "rules": [{"rule": r, "parameter": rule_parameter(r)} for r in rules],
        "status_actions": STATUS_ACTIONS.get(posting.status, []) if can_publish else [],
        "nav": _posting_nav(request, posting), "tab": "detail",
        "public_url": reverse("careers:detail", args=[posting.pk]) if posting.status != PostingStatus.DRAFT else None,
    }
    return render(request, "recruitment/posting_detail.html", context)


@require_http_methods(["GET", "POST"])
@role_required(POSTING, "update")
def posting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit text and terms → ``posting_update`` (re-runs the wording check)."""
    posting = selectors.posting_get(user=request.user, pk=pk)
    form = PostingForm(request.POST or None, initial=PostingForm.initial_from(posting))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                posting_update(actor=request.user, posting=posting, **form.service_fields())
            except (ValidationError, ApplicationError) as exc:
                form_add_service_error(form, exc)
                status = exc.status if isinstance(exc, ApplicationError) else 422
            else:
                messages.success(request, _("Posting saved."))
                if posting.wording_warnings:
                    messages.warning(request, _("The text has possibly discriminatory wording: see the warning below."))
                return redirect("recruitment:posting_detail", pk=posting.pk)
    context = {"form": form, "posting": posting, "nav": _posting_nav(request, posting), "tab": "edit"}
    return render(request, "recruitment/posting_form.html", context, status=status)


@require_POST
@role_required(POSTING, "publish")
def posting_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish / pause / resume / close → ``posting_set_status``."""
    posting = selectors.posting_get(user=request.user, pk=pk)
    target = request.POST.get("status", "")
    if target not in PostingStatus.values:
        messages.error(request, _("Unknown posting status “%(status)s”.") % {"status": target})
        return redirect("recruitment:posting_detail", pk=posting.pk)
    try:
        posting_set_status(actor=request.user, posting=posting, status=target)
    except (ValidationError, ApplicationError) as exc:
        _refusal(request, exc)
    else:
        messages.success(request, str(STATUS_DONE.get(target, "")))
        if target == PostingStatus.OPEN and posting.wording_warnings:
            messages.warning(request, _("Published with possibly discriminatory wording: review the warning below and edit the text."))
    return redirect("recruitment:posting_detail", pk=posting.pk)


def _posted_stage(request: HttpRequest, posting: JobPosting) -> PipelineStage:
    """The stage named by the form's ``stage`` field, among the posting's stages; otherwise 404."""
    value = request.POST.get("stage", "")
    return get_object_or_404(posting.stages, pk=int(value) if value.isdigit() else -1)


@require_http_methods(["GET", "POST"])
@role_required(POSTING, "update")
def posting_stages(request: HttpRequest, pk: int) -> HttpResponse:
    """The posting's pipeline: rename any stage, add a custom stage after one, remove an unused
    custom stage (``pipeline_stage_rename`` / ``_add`` / ``_remove``)."""
    posting = selectors.posting_get(user=request.user, pk=pk)
    insertable = posting.stages.exclude(kind__in=TERMINAL_STAGE_KINDS).order_by("position", "id")
    add_form = StageAddForm(stages=insertable)
    rename_errors: dict[int, Any] = {}
    status = 200
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "rename":
                stage = _posted_stage(request, posting)
                form = StageRenameForm(request.POST)
                if not form.is_valid():
                    rename_errors[stage.pk] = form.errors["name"]
                    status = 422
                else:
                    pipeline_stage_rename(actor=request.user, stage=stage, name=form.cleaned_data["name"])
                    messages.success(request, _("Stage renamed to “%(name)s”.") % {"name": form.cleaned_data["name"]})
                    return redirect("recruitment:posting_stages", pk=posting.pk)
            elif op == "add":
                add_form = StageAddForm(request.POST, stages=insertable)
                if not add_form.is_valid():
                    status = 422
                else:
                    stage = pipeline_stage_add(actor=request.user, posting=posting, name=add_form.cleaned_data["name"], after=add_form.cleaned_data["after"])
                    messages.success(request, _("Stage “%(name)s” added.") % {"name": stage.name})
                    return redirect("recruitment:posting_stages", pk=posting.pk)
            elif op == "remove":
                stage = _posted_stage(request, posting)
                pipeline_stage_remove(actor=request.user, stage=stage)
                messages.success(request, _("Stage “%(name)s” removed.") % {"name": stage.name})
                return redirect("recruitment:posting_stages", pk=posting.pk)
            else:
                messages.error(request, _("Unknown action."))
                status = 400
        except ValidationError as exc:
            status = 422
            if op == "rename":
                rename_errors[_posted_stage(request, posting).pk] = exc.message_dict.get("name", exc.messages)
            elif op == "add":
                form_add_service_error(add_form, exc)
            else:
                _refusal(request, exc)
        except ApplicationError as exc:
            status = exc.status
            _refusal(request, exc)
    stages = list(posting.stages.annotate(n=Count("applications")).order_by("position", "id"))
    for stage in stages:
        stage.rename_errors = rename_errors.get(stage.pk)
    context = {
        "posting": posting, "stages": stages, "add_form": add_form, "closed": posting.status == PostingStatus.CLOSED,
        "nav": _posting_nav(request, posting), "tab": "stages",
    }
    return render(request, "recruitment/posting_stages.html", context, status=status)


def rule_parameter(rule: ScreeningRule) -> str:
    """What a rule asks for, in words: ``≥ Junior college``, ``≥ 6 months in Consumer-loan collection, …``."""
    if rule.kind == ScreeningRuleKind.EDUCATION_MIN and rule.education_level is not None:
        return "≥ " + str(EducationLevel(rule.education_level).label)
    if rule.kind == ScreeningRuleKind.MANDARIN_MIN and rule.mandarin_level is not None:
        return "≥ " + str(MandarinLevel(rule.mandarin_level).label)
    if rule.kind == ScreeningRuleKind.EXPERIENCE_MONTHS:
        labels = dict(Industry.choices)
        industries = ", ".join(str(labels.get(value, value)) for value in rule.industries or [])
        return _("≥ %(months)s months in %(industries)s") % {"months": rule.months or 0, "industries": industries or "—"}
    return "—"


@require_http_methods(["GET", "POST"])
@role_required(POSTING, "update")
def posting_rules(request: HttpRequest, pk: int) -> HttpResponse:
    """The posting's screening rules: list, add, edit (``?edit=<rule pk>``) → ``screening_rule_save``;
    delete a never-used rule → ``screening_rule_delete``."""
    posting = selectors.posting_get(user=request.user, pk=pk)
    editing: ScreeningRule | None = None
    edit_pk = request.POST.get("rule") if request.method == "POST" else request.GET.get("edit")
    if edit_pk:
        editing = get_object_or_404(posting.screening_rules, pk=edit_pk if str(edit_pk).isdigit() else -1)
    status = 200
    if request.method == "POST" and request.POST.get("op") == "delete":
        if editing is None:
            return redirect("recruitment:posting_rules", pk=posting.pk)
        try:
            screening_rule_delete(actor=request.user, posting=posting, rule=editing)
        except (ValidationError, ApplicationError) as exc:
            _refusal(request, exc)
        else:
            messages.success(request, _("Screening rule deleted."))
        return redirect("recruitment:posting_rules", pk=posting.pk)
    if request.method == "POST":
        form = ScreeningRuleForm(request.POST)
        status = 422
        if form.is_valid():
            try:
                screening_rule_save(actor=request.user, posting=posting, rule=editing, **form.service_fields())
            except (ValidationError, ApplicationError) as exc:
                form_add_service_error(form, exc)
                status = exc.status if isinstance(exc, ApplicationError) else 422
            else:
                messages.success(request, _("Screening rule saved. New applications are screened with it."))
                return redirect("recruitment:posting_rules", pk=posting.pk)
    else:
        form = ScreeningRuleForm(initial=ScreeningRuleForm.initial_from(editing) if editing else None)
    rules = list(posting.screening_rules.annotate(results_count=Count("results")).order_by("position", "id"))
    context = {
        "posting": posting, "form": form, "editing": editing,
        "rules": [{"rule": r, "parameter": rule_parameter(r)} for r in rules],
        "nav": _posting_nav(request, posting), "tab": "rules",
    }
    return render(request, "recruitment/posting_rules.html", context, status=status)


# --- candidate e-mail templates ------------------------------------------------------------------------

# Sample data of the preview: domain data in the language candidates read.
SAMPLE_CANDIDATE = "张三"
SAMPLE_POSTING = "信用卡催收专员"

def _email_preview(template: CandidateEmailTemplate | None, kind: str) -> dict[str, str] | None:
    """The template rendered with sample data, so HR sees what a candidate would read."""
    if template is None:
        return None
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + dt.timedelta(days=2)
    with translation.override(settings.LANGUAGE_CODE):  # candidates get the e-mail in the site's default language
        stage_name = str(StageKind(kind).label)
    sample = {
        "candidate_name": SAMPLE_CANDIDATE, "posting_title": SAMPLE_POSTING, "company_name": settings.COMPANY_NAME, "stage_name": stage_name,
        "interview": {"round_name": "初试", "starts_at": start, "ends_at": start + dt.timedelta(hours=1), "location": "总部 3 楼面试室", "video_link": ""}
        if kind == StageKind.INTERVIEW else None,
    }
    try:
        subject, body = candidate_email_render(template, sample)
    except Exception as exc:  # noqa: BLE001 - a broken stored template is shown, not raised
        return {"error": str(exc)}
    return {"subject": subject, "body": body}


@require_http_methods(["GET", "POST"])
@role_required(EMAIL_TEMPLATE, "view")
def email_templates(request: HttpRequest) -> HttpResponse:
    """One e-mail per stage kind: subject, body, active → ``candidate_email_template_save``."""
    templates = {t.stage_kind: t for t in CandidateEmailTemplate.objects.all()}
    can_update = role_can(request.user, EMAIL_TEMPLATE, "update")
    bound: dict[str, EmailTemplateForm] = {}
    status = 200
    if request.method == "POST":
        if not can_update:
            raise PermissionDenied
        kind = request.POST.get("stage_kind", "")
        if kind not in StageKind.values:
            messages.error(request, _("Unknown stage kind “%(kind)s”.") % {"kind": kind})
            return redirect("recruitment:email_templates")
        form = EmailTemplateForm(request.POST, prefix=kind)
        status = 422
        if form.is_valid():
            try:
                candidate_email_template_save(actor=request.user, stage_kind=kind, **form.cleaned_data)
            except (ValidationError, ApplicationError) as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("E-mail for “%(kind)s” saved.") % {"kind": StageKind(kind).label})
                return redirect(reverse("recruitment:email_templates") + f"#tpl-{kind}")
        bound[kind] = form
    cards = []
    for kind, label in StageKind.choices:
        template = templates.get(kind)
        form = bound.get(kind) or EmailTemplateForm(initial=EmailTemplateForm.initial_from(template), prefix=kind)
        cards.append({"kind": kind, "label": label, "template": template, "form": form, "preview": _email_preview(template, kind)})
    context = {"cards": cards, "placeholders": EMAIL_PLACEHOLDERS, "can_update": can_update}
    return render(request, "recruitment/email_templates.html", context, status=status)


urlpatterns = [
    path("", home, name="home"),
    path("requisitions/", requisition_list, name="requisition_list"),
    path("requisitions/new/", requisition_create, name="requisition_create"),
    path("requisitions/<int:pk>/decide/", requisition_decide, name="requisition_decide"),
    path("postings/", posting_list, name="posting_list"),
    path("postings/new/", posting_create, name="posting_create"),
    path("postings/<int:pk>/", posting_detail, name="posting_detail"),
    path("postings/<int:pk>/edit/", posting_edit, name="posting_edit"),
    path("postings/<int:pk>/status/", posting_status, name="posting_status"),
    path("postings/<int:pk>/stages/", posting_stages, name="posting_stages"),
    path("postings/<int:pk>/rules/", posting_rules, name="posting_rules"),
    path("email-templates/", email_templates, name="email_templates"),
]
