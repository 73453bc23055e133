"""The allocation page: latest runs, the latest run's result per team and collector, the current
load, and the "Run allocation" button (supervisor; director reads)."""
from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.errors import ApplicationError
from common.permissions import role_can
from teams.models import Team, User

from ..choices import AllocationRunStatus, UnallocatedReason
from ..models import AllocationRun
from ..permissions import ALLOCATION
from ..services.allocation import allocation_load_by_collector, allocation_run_create
from .access import role_required

logger = logging.getLogger(__name__)
RECENT_RUNS = 8
IN_PROGRESS = (AllocationRunStatus.PENDING, AllocationRunStatus.RUNNING)


def _visible_team_ids(user: User) -> list[int]:
    """The teams the user may read (``Team.objects.visible_to``)."""
    return list(Team.objects.visible_to(user).values_list("pk", flat=True))


def _scoped_result(run: AllocationRun | None, team_ids: list[int]) -> dict[str, Any] | None:
    """The run's ``result`` JSON restricted to the user's teams, amounts as ``Decimal`` (CNY)."""
    if run is None or not run.result:
        return None
    result = run.result
    visible = set(team_ids)
    keep = lambda row: row.get("team_id") in visible  # noqa: E731
    teams = [
        {**row, "overdue_amount": Decimal(row.get("overdue_amount") or "0"), "new_overdue_amount": Decimal(row.get("new_overdue_amount") or "0")}
        for row in result.get("teams", []) if keep(row)
    ]
    collectors = [
        {**row, "open_overdue_amount": Decimal(str(row.get("open_overdue_amount") or "0")), "new_overdue_amount": Decimal(str(row.get("new_overdue_amount") or "0"))}
        for row in result.get("collectors", []) if keep(row)
    ]
    labels = dict(UnallocatedReason.choices)
    unallocated = [(labels.get(code, code), n) for code, n in (result.get("unallocated") or {}).items()]
    return {
        "run": run, "teams": teams, "collectors": collectors, "unallocated": unallocated,
        "unallocated_total": sum(n for _label, n in unallocated),
        "candidates": result.get("candidates", 0), "assigned": result.get("assigned", 0),
        "kept": result.get("unallocated_kept_by_previous_collector", 0), "by_reason": result.get("by_reason", {}),
        "month_start_regroup": result.get("month_start_regroup", False),
    }


def _load_by_team(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``allocation_load_by_collector`` rows grouped by team, with team totals and names."""
    names = dict(Team.objects.filter(pk__in={row["team_id"] for row in rows}).values_list("pk", "name"))
    teams: dict[int, dict[str, Any]] = {}
    for row in rows:
        team = teams.setdefault(row["team_id"], {
            "team_code": row["team_code"], "team_name": names.get(row["team_id"], row["team_code"]),
            "collectors": [], "open_cases": 0, "open_overdue_amount": Decimal("0.00"),
        })
        team["collectors"].append(row)
        team["open_cases"] += row["open_cases"]
        team["open_overdue_amount"] += row["open_overdue_amount"]
    return list(teams.values())


@require_GET
@role_required(ALLOCATION, "view")
def allocation(request: HttpRequest) -> HttpResponse:
    team_ids = _visible_team_ids(request.user)
    runs = list(AllocationRun.objects.select_related("requested_by")[:RECENT_RUNS])
    latest_done = next((r for r in runs if r.status == AllocationRunStatus.SUCCEEDED), None)
    if latest_done is None:
        latest_done = AllocationRun.objects.filter(status=AllocationRunStatus.SUCCEEDED).first()
    load = allocation_load_by_collector(team_ids=team_ids)
    context = {
        "runs": runs,
        "in_progress": any(r.status in IN_PROGRESS for r in runs),
        "latest": _scoped_result(latest_done, team_ids),
        "load_teams": _load_by_team(load),
        "can_run": role_can(request.user, ALLOCATION, "run"),
    }
    return render(request, "collections_app/allocation.html", context)


@require_POST
@role_required(ALLOCATION, "run")
def allocation_run(request: HttpRequest) -> HttpResponse:
    """Start a run (``allocation_run_create``: dispatched on commit; eager in development)."""
    try:
        run = allocation_run_create(actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    except Exception:  # an eager run (development) that failed: the run row already records the error
        logger.exception("allocation run failed")
        messages.error(request, _("The allocation run failed; its error is shown in the list of runs."))
    else:
        run.refresh_from_db()
        if run.status == AllocationRunStatus.SUCCEEDED:
            messages.success(request, _("Allocation run #%(run)s finished: %(n)s cases assigned.") % {"run": run.pk, "n": (run.result or {}).get("assigned", 0)})
        elif run.status == AllocationRunStatus.FAILED:
            messages.error(request, _("Allocation run #%(run)s failed: %(error)s") % {"run": run.pk, "error": run.error_message})
        else:
            messages.success(request, _("Allocation run #%(run)s started.") % {"run": run.pk})
    return redirect("collections:allocation")
