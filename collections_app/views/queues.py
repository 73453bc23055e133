"""The collector's work queue and the team queue (with per-collector load and reassignment)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.errors import ConflictError, RuleViolation
from common.permissions import role_can
from teams.choices import Role
from teams.models import Membership, Team, User

from ..choices import AssignmentReason
from ..filters import CaseFilterSet
from ..forms import ReassignForm, form_add_service_error
from ..models import Case
from ..permissions import CASE
from ..selectors import QUEUE_CALLBACK, QUEUE_NEW, QUEUE_PROMISE_DUE, case_get, work_queue, work_queue_page
from ..services import case_assign
from .access import PAGES, role_required

QUEUE_PAGE_SIZE = 25
CURSOR_PARAM = "after"


def _filter_params(query: QueryDict) -> QueryDict:
    """The query string without the paging cursor: what :class:`CaseFilterSet` reads."""
    params = query.copy()
    params.pop(CURSOR_PARAM, None)
    return params


def _queue_page(request: HttpRequest, queryset: QuerySet[Case]) -> Any:
    return work_queue_page(queryset=queryset, after=request.GET.get(CURSOR_PARAM) or None, size=QUEUE_PAGE_SIZE)


def _queue_counts(queryset: QuerySet[Case]) -> dict[str, Any]:
    """One aggregate over the queue: how many cases per queue reason, total overdue (CNY)."""
    counts = queryset.order_by().aggregate(
        total=Count("id"),
        overdue=Sum("overdue_amount"),
        promise_due=Count("id", filter=Q(queue_rank=QUEUE_PROMISE_DUE)),
        callback=Count("id", filter=Q(queue_rank=QUEUE_CALLBACK)),
        new=Count("id", filter=Q(queue_rank=QUEUE_NEW)),
    )
    counts["overdue"] = counts["overdue"] or Decimal("0.00")
    return counts


@require_GET
@role_required(PAGES, "my_queue")
def my_queue(request: HttpRequest) -> HttpResponse:
    """The collector's open cases in work-queue order (``selectors.work_queue``), keyset-paged."""
    filterset = CaseFilterSet(data=_filter_params(request.GET) or None, queryset=Case.objects.none(), request=request)
    queryset = work_queue(user=request.user, filters=_filter_params(request.GET), request=request).filter(collector=request.user)
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "page": _queue_page(request, queryset),
        "is_first_page": not request.GET.get(CURSOR_PARAM),
    }
    if request.htmx and request.htmx.target == "queue-results":
        return render(request, "collections_app/partials/queue_results.html", context)
    # the KPI strip counts the whole queue, whatever the filters
    context["counts"] = _queue_counts(work_queue(user=request.user).filter(collector=request.user))
    return render(request, "collections_app/my_queue.html", context)


# --- team queue -------------------------------------------------------------------------------

@dataclass
class CollectorLoad:
    """Open cases and overdue amount (CNY) currently held by one collector."""

    collector: User
    team: Team | None
    open_cases: int = 0
    overdue_amount: Decimal = Decimal("0.00")


@dataclass
class TeamLoad:
    team: Team | None
    collectors: list[CollectorLoad] = field(default_factory=list)

    @property
    def open_cases(self) -> int:
        return sum(c.open_cases for c in self.collectors)

    @property
    def overdue_amount(self) -> Decimal:
        return sum((c.overdue_amount for c in self.collectors), Decimal("0.00"))


def collector_load(*, user: User, team: Team | None = None) -> dict[str, Any]:
    """Per-collector load in the user's scope, grouped by team (three queries whatever the size).

    Shape: ``{"teams": [TeamLoad, …], "unassigned": {"count": n, "overdue_amount": Decimal}}`` —
    collectors without open cases are listed with zeros, so a lead sees who has room. Amounts are
    CNY overdue amounts of open cases (open or on hold).
    """
    collectors = User.objects.visible_to(user).collectors()
    if team is not None:
        collectors = collectors.filter(memberships__team=team, memberships__ended_on__isnull=True)
    collectors = list(collectors.order_by("name", "username"))
    ids = [c.pk for c in collectors]
    memberships = {
        m.user_id: m.team
        for m in Membership.objects.filter(user_id__in=ids, ended_on__isnull=True).select_related("team")
    }
    cases = Case.objects.visible_to(user).open()
    if team is not None:
        cases = cases.filter(team=team)
    figures = {
        row["collector_id"]: row
        for row in cases.order_by().values("collector_id").annotate(n=Count("id"), amount=Sum("overdue_amount"))
    }
    by_team: dict[Any, TeamLoad] = {}
    for collector in collectors:
        member_team = memberships.get(collector.pk)
        row = figures.get(collector.pk, {})
        load = CollectorLoad(collector, member_team, row.get("n", 0), row.get("amount") or Decimal("0.00"))
        by_team.setdefault(member_team.pk if member_team else None, TeamLoad(member_team)).collectors.append(load)
    unassigned = figures.get(None, {})
    teams = sorted(by_team.values(), key=lambda t: (t.team is None, t.team.code if t.team else ""))
    return {"teams": teams, "unassigned": {"count": unassigned.get("n", 0), "overdue_amount": unassigned.get("amount") or Decimal("0.00")}}


@require_GET
@role_required(PAGES, "team_queue")
def team_queue(request: HttpRequest) -> HttpResponse:
    """The cases of the user's teams (lead) / department (supervisor) / everything (director,
    administrator), filtered by :class:`CaseFilterSet`, in work-queue order, with the load of each
    collector and — for roles that may assign — a reassignment form per case."""
    params = _filter_params(request.GET)
    filterset = CaseFilterSet(data=params or None, queryset=Case.objects.none(), request=request)
    queryset = work_queue(user=request.user, filters=params, request=request)
    page = _queue_page(request, queryset)
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "page": page,
        "is_first_page": not request.GET.get(CURSOR_PARAM),
        "can_assign": role_can(request.user, CASE, "assign"),
        "show_team_filter": request.user.is_superuser or request.user.role != Role.TEAM_LEAD,
    }
    if request.htmx and request.htmx.target == "queue-results":
        return render(request, "collections_app/partials/team_results.html", context)
    selected_team = filterset.form.cleaned_data.get("team") if filterset.is_bound and filterset.form.is_valid() else None
    context["load"] = collector_load(user=request.user, team=selected_team)
    return render(request, "collections_app/team_queue.html", context)


def _reassign_collectors(user: User, case: Case) -> QuerySet[User]:
    collectors = User.objects.visible_to(user).collectors().order_by("name", "username")
    return collectors.exclude(pk=case.collector_id) if case.collector_id else collectors


@require_http_methods(["GET", "POST"])
@role_required(CASE, "assign")
def case_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the inline reassignment form for one case (``?version=`` = the version the list showed).
    POST: ``services.case_assign(reason=MANUAL, note=<reason>, expected_version=…)``; a
    ``ConflictError`` answers 409 ("someone else changed this case"), a rule refusal 422."""
    case = case_get(user=request.user, pk=pk)
    collectors = _reassign_collectors(request.user, case)
    status = 200
    conflict = None
    if request.method == "GET":
        version = request.GET.get("version")
        form = ReassignForm(initial={"expected_version": version if (version or "").isdigit() else case.version}, collectors=collectors)
    else:
        form = ReassignForm(request.POST, collectors=collectors)
        if form.is_valid():
            try:
                case_assign(
                    case=case, collector=form.cleaned_data["collector"], actor=request.user, reason=AssignmentReason.MANUAL,
                    note=form.cleaned_data["reason"], expected_version=form.cleaned_data["expected_version"],
                )
            except ConflictError as exc:
                conflict, status = exc.message, exc.status
            except (RuleViolation, ValidationError) as exc:
                form_add_service_error(form, exc)
                status = 422
            else:
                messages.success(request, _("Case %(case)s reassigned to %(collector)s.") % {"case": case.pk, "collector": case.collector.display_name})
                if not request.htmx:
                    return redirect("collections:team_queue")
                context = {"case": case, "can_assign": True, "load": collector_load(user=request.user)}
                return render(request, "collections_app/partials/team_row_reassigned.html", context)
        else:
            status = 422
    context = {"case": case, "form": form, "conflict": conflict}
    if not request.htmx and request.method == "POST":
        for error in ([conflict] if conflict else []) + [e for errors in form.errors.values() for e in errors]:
            messages.error(request, error)
        return redirect("collections:team_queue")
    return render(request, "collections_app/partials/reassign_row.html", context, status=status)
