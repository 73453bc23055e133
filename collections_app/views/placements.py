"""Placements (分案 import jobs): list, upload, detail with a live progress bar, rejected rows."""
from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from common.errors import ApplicationError
from common.permissions import role_can

from ..choices import PlacementStatus
from ..filters import PlacementFilterSet
from ..forms import PlacementUploadForm, form_add_service_error
from ..models import Creditor, Placement
from ..permissions import PLACEMENT
from common.exports import csv_download_response

from ..services.placements import placement_create, placement_rejected_rows_csv
from .access import role_required

LIST_PAGE_SIZE = 30
REJECTED_ROWS_SHOWN = 200
IN_PROGRESS = (PlacementStatus.PENDING, PlacementStatus.RUNNING)
#: ``Placement.counts`` keys (``collections_app.imports.engine.COUNT_KEYS``) in display order.
COUNT_LABELS = {
    "rows_read": gettext_lazy("Rows read"),
    "cases_created": gettext_lazy("Cases created"),
    "cases_updated": gettext_lazy("Cases updated"),
    "cases_cured": gettext_lazy("Cases cured"),
    "cases_reopened": gettext_lazy("Cases reopened"),
    "accounts_created": gettext_lazy("Accounts created"),
    "accounts_updated": gettext_lazy("Accounts updated"),
    "payments_created": gettext_lazy("Payments created"),
    "skipped": gettext_lazy("Rows skipped"),
    "rejected": gettext_lazy("Rows rejected"),
}


def placement_counts(placement: Placement) -> list[dict[str, Any]]:
    """The job's counts as ``[{"key", "label", "value"}]`` in :data:`COUNT_LABELS` order."""
    counts = placement.counts or {}
    return [{"key": key, "label": label, "value": counts[key]} for key, label in COUNT_LABELS.items() if key in counts]


def _placement_get(request: HttpRequest, pk: int) -> Placement:
    """A placement in the user's scope (``visible_to``); out of scope is a 404."""
    return get_object_or_404(Placement.objects.visible_to(request.user).select_related("creditor", "created_by"), pk=pk)


@require_GET
@role_required(PLACEMENT, "view")
def placement_list(request: HttpRequest) -> HttpResponse:
    queryset = Placement.objects.visible_to(request.user).select_related("creditor", "created_by")
    filterset = PlacementFilterSet(data=request.GET or None, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_bound else queryset
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "filterset": filterset, "can_create": role_can(request.user, PLACEMENT, "create")}
    return render(request, "collections_app/placement_list.html", context)


@require_http_methods(["GET", "POST"])
@role_required(PLACEMENT, "create")
def placement_upload(request: HttpRequest) -> HttpResponse:
    """Upload a placement / status-feed file → ``services.placements.placement_create``; the job
    runs in Celery (eager in development) and the detail page follows its progress."""
    creditors = Creditor.objects.visible_to(request.user).filter(is_active=True).order_by("name")
    status = 200
    if request.method == "POST":
        form = PlacementUploadForm(request.POST, request.FILES, creditors=creditors)
        if form.is_valid():
            data = form.cleaned_data
            try:
                placement = placement_create(
                    creditor=data["creditor"], profile=data["profile"], uploaded_file=data["file"],
                    original_filename=data["file"].name, actor=request.user, as_of=data.get("as_of"), dry_run=data["dry_run"],
                )
            except (ValidationError, ApplicationError) as exc:
                form_add_service_error(form, exc)
                status = exc.status if isinstance(exc, ApplicationError) else 422
            else:
                # neutral: the import may still fail; the detail page tells how it went
                messages.info(request, _("File %(name)s received.") % {"name": placement.original_filename})
                return redirect("collections:placement_detail", pk=placement.pk)
        else:
            status = 422
    else:
        form = PlacementUploadForm(creditors=creditors)
    return render(request, "collections_app/placement_upload.html", {"form": form}, status=status)


def _progress_context(request: HttpRequest, placement: Placement) -> dict[str, Any]:
    """``failed_empty``: the job failed before any row was counted (unreadable file, missing
    columns) — the page then shows only the error, no zero counts and no empty rejected-rows table."""
    done = placement.status not in IN_PROGRESS
    row_errors = list(placement.row_errors.all()[:REJECTED_ROWS_SHOWN]) if done else []
    row_errors_total = placement.row_errors.count() if done else 0
    counts = placement_counts(placement)
    failed_empty = placement.status == PlacementStatus.FAILED and not row_errors_total and not any(c["value"] for c in counts)
    return {
        "placement": placement,
        "in_progress": not done,
        "failed_empty": failed_empty,
        "row_errors": row_errors,
        "row_errors_total": row_errors_total,
        "rows_shown": REJECTED_ROWS_SHOWN,
        # skipped rows beyond the first SKIPPED_ROWS_KEPT are counted by reason but not kept row by row
        "skipped_not_kept": max(0, int((placement.counts or {}).get("skipped") or 0) - placement.row_errors.filter(is_skip=True).count()) if done else 0,
        "counts": counts,
        "skip_reasons": sorted(((placement.counts or {}).get("skip_reasons") or {}).items(), key=lambda kv: -kv[1]),
        "can_download": role_can(request.user, PLACEMENT, "rejected_rows"),
    }


@require_GET
@role_required(PLACEMENT, "view")
def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _placement_get(request, pk)
    return render(request, "collections_app/placement_detail.html", _progress_context(request, placement))


@never_cache
@require_GET
@role_required(PLACEMENT, "view")
def placement_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress partial, polled every second by htmx while the job is pending or running."""
    placement = _placement_get(request, pk)
    return render(request, "collections_app/partials/placement_progress.html", _progress_context(request, placement))


@require_GET
@role_required(PLACEMENT, "rejected_rows")
def placement_rejected_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The rejected and skipped rows as CSV (``services.placements.placement_rejected_rows_csv``)."""
    placement = _placement_get(request, pk)
    content = placement_rejected_rows_csv(placement=placement, actor=request.user)
    return csv_download_response(content, filename=f"placement-{placement.pk}-rejected-rows.csv")
