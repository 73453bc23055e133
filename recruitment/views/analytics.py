"""Recruitment analytics page (issue 3 §11): funnel by stage and posting, source effectiveness, time
in stage and offer acceptance, each as a server-side SVG chart (``recruitment.charts``, pygal) with
the same figures in a plain table under it. HR, supervisors (their department's postings) and
directors (``ANALYTICS["view"]``); the figures come from ``recruitment.analytics``."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.permissions import role_required

from .. import analytics, charts
from ..forms.analytics import AnalyticsFilterForm
from ..permissions import ANALYTICS


@require_GET
@role_required(ANALYTICS, "view")
def recruitment_analytics(request: HttpRequest) -> HttpResponse:
    """Four figures over the applications the filter bar selects (invalid filter values are shown
    on the bar and left out; the other filters still apply)."""
    user = request.user
    postings = analytics.analytics_postings(user=user)
    form = AnalyticsFilterForm(request.GET or None, postings=postings)
    filters_invalid = form.is_bound and not form.is_valid()
    filters = form.filters() if form.is_bound else analytics.AnalyticsFilters()

    funnel = analytics.recruitment_funnel(user=user, filters=filters)
    sources = analytics.source_effectiveness(user=user, filters=filters)
    stage_times = analytics.time_in_stage(user=user, filters=filters)
    acceptance = analytics.offer_acceptance(user=user, filters=filters)

    steps = {step.kind: step for step in funnel.overall.steps}
    context = {
        "form": form,
        "filters": filters,
        "filters_invalid": filters_invalid,
        "filtered": any((filters.posting, filters.applied_from, filters.applied_to)),
        "funnel": funnel,
        "funnel_kinds": [(step.kind, step.label) for step in funnel.overall.steps],
        "sources": sources,
        "stage_times": stage_times,
        "acceptance": acceptance,
        "kpis": {
            "applications": funnel.overall.total,
            "interviewed": steps["interview"].count,
            "hired": steps["hired"].count,
            "hire_rate": steps["hired"].of_applied,
            "acceptance_rate": acceptance.rate,
        },
        "charts": {
            "funnel": charts.funnel_chart(funnel, series_title=filters.posting.title if filters.posting else _("All postings")),
            "sources": charts.source_chart(sources),
            "stage_times": charts.time_in_stage_chart(stage_times),
            "acceptance": charts.acceptance_chart(acceptance),
        },
    }
    return render(request, "recruitment/analytics.html", context)


urlpatterns = [
    path("analytics/", recruitment_analytics, name="analytics"),
]
