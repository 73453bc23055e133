"""One FilterSet per filterable model, shared by the API, the HTML lists and the selectors."""
from __future__ import annotations

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.dates import local_day_bounds
from common.filters import IsoDateFilter
from teams.models import Team, User

from .choices import CaseStatus, Channel, PaymentSource, PlacementStatus, PromiseStatus, RiskTier
from .models import BucketDefinition, Case, ContactAttempt, Creditor, Payment, Placement, PromiseToPay


def _visible_users(request):
    return User.objects.visible_to(request.user).collectors() if request else User.objects.none()


def _visible_teams(request):
    return Team.objects.visible_to(request.user) if request else Team.objects.none()


def _visible_creditors(request):
    return Creditor.objects.visible_to(request.user) if request else Creditor.objects.none()


def _visible_cases(request):
    return Case.objects.visible_to(request.user) if request else Case.objects.none()


def _bucket_choices():
    try:
        return [(b.code, b.code) for b in BucketDefinition.objects.all()]
    except Exception:  # noqa: BLE001 - before migrations
        return []


class CaseFilterSet(filters.FilterSet):
    """Case list filters: bucket, tier, status, collector, team, creditor, DPD and amount ranges,
    next action (a local date or a datetime range), free text on account number / debtor name."""

    bucket = filters.MultipleChoiceFilter(label=_("Bucket"), choices=_bucket_choices)
    risk_tier = filters.MultipleChoiceFilter(label=_("Risk tier"), choices=RiskTier.choices)
    status = filters.MultipleChoiceFilter(label=_("Status"), choices=CaseStatus.choices)
    collector = filters.ModelChoiceFilter(label=_("Collector"), queryset=_visible_users)
    team = filters.ModelChoiceFilter(label=_("Team"), queryset=_visible_teams)
    creditor = filters.ModelChoiceFilter(label=_("Creditor"), queryset=_visible_creditors, to_field_name="code")  # code, as in request bodies
    unassigned = filters.BooleanFilter(label=_("Unassigned"), field_name="collector", lookup_expr="isnull")
    dpd_min = filters.NumberFilter(label=_("DPD from"), field_name="days_past_due", lookup_expr="gte")
    dpd_max = filters.NumberFilter(label=_("DPD to"), field_name="days_past_due", lookup_expr="lte")
    amount_min = filters.NumberFilter(label=_("Overdue amount from"), field_name="overdue_amount", lookup_expr="gte")
    amount_max = filters.NumberFilter(label=_("Overdue amount to"), field_name="overdue_amount", lookup_expr="lte")
    next_action_on = IsoDateFilter(label=_("Next action on (local date)"), method="filter_next_action_on")
    next_action_before = filters.IsoDateTimeFilter(label=_("Next action before"), field_name="next_action_at", lookup_expr="lt")
    next_action_after = filters.IsoDateTimeFilter(label=_("Next action from"), field_name="next_action_at", lookup_expr="gte")
    q = filters.CharFilter(label=_("Search"), method="filter_q")

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_next_action_on(self, queryset, name, value):
        """A local calendar day on a timestamp field: [00:00, next day 00:00) Asia/Shanghai
        (QUALITY.md field input 7)."""
        start, end = local_day_bounds(value)
        return queryset.filter(next_action_at__gte=start, next_action_at__lt=end)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(accounts__account_number=value) | Q(debtor__name__startswith=value) | Q(pk=value if value.isdigit() else None)).distinct()


class ContactAttemptFilterSet(filters.FilterSet):
    case = filters.ModelChoiceFilter(queryset=_visible_cases)
    channel = filters.MultipleChoiceFilter(choices=Channel.choices)
    result_code = filters.CharFilter(field_name="result_code_id")
    started_on = IsoDateFilter(method="filter_started_on", label=_("Started on (local date)"))

    class Meta:
        model = ContactAttempt
        fields: list[str] = []

    def filter_started_on(self, queryset, name, value):
        start, end = local_day_bounds(value)
        return queryset.filter(started_at__gte=start, started_at__lt=end)


class PromiseToPayFilterSet(filters.FilterSet):
    case = filters.ModelChoiceFilter(queryset=_visible_cases)
    status = filters.MultipleChoiceFilter(choices=PromiseStatus.choices)
    due_from = IsoDateFilter(field_name="due_date", lookup_expr="gte")
    due_to = IsoDateFilter(field_name="due_date", lookup_expr="lte")

    class Meta:
        model = PromiseToPay
        fields: list[str] = []


class PaymentFilterSet(filters.FilterSet):
    case = filters.ModelChoiceFilter(queryset=_visible_cases)
    source = filters.MultipleChoiceFilter(choices=PaymentSource.choices)
    paid_from = IsoDateFilter(field_name="paid_on", lookup_expr="gte")
    paid_to = IsoDateFilter(field_name="paid_on", lookup_expr="lte")
    external_ref = filters.CharFilter()

    class Meta:
        model = Payment
        fields: list[str] = []


class PlacementFilterSet(filters.FilterSet):
    creditor = filters.ModelChoiceFilter(queryset=_visible_creditors)
    status = filters.MultipleChoiceFilter(choices=PlacementStatus.choices)

    class Meta:
        model = Placement
        fields: list[str] = []
