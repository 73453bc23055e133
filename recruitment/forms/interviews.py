"""Forms of the interview pages: scheduling a round, an interviewer's scorecard, cancelling. Rules
(past start, overlaps, panel roles, the four-point scale) live in ``services.interviews``."""
from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapFormMixin, DateTimeLocalField
from teams.models import User

from ..choices import SCORECARD_ATTRIBUTES, Rating, Recommendation, ScorecardAttribute

#: Where a service ``RuleViolation`` belongs on the scheduling form.
SCHEDULE_RULE_FIELDS = {"interviewer_conflict": "interviewers", "interviewer_role": "interviewers"}


class InterviewerField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} · {obj.get_role_display()}"


class InterviewScheduleForm(BootstrapFormMixin, forms.Form):
    """Times are local (Asia/Shanghai) wall-clock times from ``<input type=datetime-local>``."""

    round_name = forms.CharField(label=_("Round"), max_length=100, initial=_("First interview"))
    starts_at = DateTimeLocalField(label=_("Starts at"))
    ends_at = DateTimeLocalField(label=_("Ends at"))
    interviewers = InterviewerField(
        label=_("Interviewers"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("HR recruiters, team leads, supervisors and directors can sit on a panel."),
    )
    location = forms.CharField(label=_("Place"), max_length=200, required=False, help_text=_("Room and address, for an on-site interview."))
    video_link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https", help_text=_("For a video interview."))

    def __init__(self, *args: Any, interviewers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interviewers"].queryset = interviewers


class ScorecardForm(BootstrapFormMixin, forms.Form):
    """One radio group per attribute of the posting's role (``SCORECARD_ATTRIBUTES``) on the
    four-point scale without a neutral middle, an overall recommendation and notes."""

    recommendation = forms.TypedChoiceField(label=_("Overall recommendation"), choices=Recommendation.choices, coerce=int, widget=forms.RadioSelect)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attributes = list(SCORECARD_ATTRIBUTES.get(role, ()))
        for attribute in self.attributes:
            self.fields[f"rating_{attribute}"] = forms.TypedChoiceField(
                label=ScorecardAttribute(attribute).label, choices=Rating.choices, coerce=int, widget=forms.RadioSelect,
            )
        self.order_fields([f"rating_{a}" for a in self.attributes] + ["recommendation", "notes"])
        # the mixin styled the static fields before these were added
        for attribute in self.attributes:
            self.fields[f"rating_{attribute}"].widget.attrs["class"] = "form-check-input"

    def rating_fields(self) -> list[forms.BoundField]:
        return [self[f"rating_{a}"] for a in self.attributes]

    def ratings(self) -> dict[str, int]:
        return {str(a): self.cleaned_data[f"rating_{a}"] for a in self.attributes}


class InterviewCancelForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=2000, required=False)
