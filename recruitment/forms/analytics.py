"""The filter bar of the recruitment analytics page (issue 3 §11)."""
from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ..analytics import AnalyticsFilters
from ..models import JobPosting
from .base import BootstrapFormMixin
from .offers import DateInput


class AnalyticsFilterForm(BootstrapFormMixin, forms.Form):
    """Posting (from ``analytics_postings(user)``, so a filter never widens the scope) and the local
    dates between which the applications were made (both inclusive)."""

    posting = forms.ModelChoiceField(label=_("Job posting"), queryset=JobPosting.objects.none(), required=False, empty_label=_("All postings"))
    applied_from = forms.DateField(label=_("Applied from"), required=False, widget=DateInput())
    applied_to = forms.DateField(label=_("Applied to"), required=False, widget=DateInput())

    def __init__(self, *args: Any, postings: QuerySet[JobPosting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["posting"].queryset = postings.order_by("title", "id")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("applied_from"), data.get("applied_to")
        if start and end and end < start:
            self.add_error("applied_to", _("The end date is before the start date."))
        return data

    def filters(self) -> AnalyticsFilters:
        """The valid filters (call after ``is_valid()``; invalid fields are left out)."""
        data = getattr(self, "cleaned_data", {})
        return AnalyticsFilters(posting=data.get("posting"), applied_from=data.get("applied_from"), applied_to=data.get("applied_to"))
