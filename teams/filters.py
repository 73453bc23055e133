"""One FilterSet per filterable people model (STYLE.md rule 6), shared by the HTML lists and the
selectors. Choice filters read querysets scoped to the requesting user."""
from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from .choices import DevelopmentPlanStatus, FeedbackKind, FeedbackStatus, TrainingKind, TrainingSessionStatus
from .models import DevelopmentPlan, EmployeeFeedback, Team, TrainingSession


def _visible_teams(request):
    return Team.objects.visible_to(request.user) if request else Team.objects.none()


class TrainingSessionFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(label=_("Kind"), choices=TrainingKind.choices, empty_label=_("All kinds"))
    team = filters.ModelChoiceFilter(label=_("Team"), queryset=_visible_teams, empty_label=_("All teams"))
    status = filters.ChoiceFilter(label=_("Status"), choices=TrainingSessionStatus.choices, empty_label=_("All statuses"))

    class Meta:
        model = TrainingSession
        fields: list[str] = []


class DevelopmentPlanFilterSet(filters.FilterSet):
    status = filters.ChoiceFilter(label=_("Status"), choices=DevelopmentPlanStatus.choices, empty_label=_("All statuses"))

    class Meta:
        model = DevelopmentPlan
        fields: list[str] = []


class EmployeeFeedbackFilterSet(filters.FilterSet):
    status = filters.ChoiceFilter(label=_("Status"), choices=FeedbackStatus.choices, empty_label=_("All statuses"))
    kind = filters.ChoiceFilter(label=_("Kind"), choices=FeedbackKind.choices, empty_label=_("All kinds"))

    class Meta:
        model = EmployeeFeedback
        fields: list[str] = []
