"""HTML forms of the people pages. Forms only parse and shape input; every rule lives in the
service the view calls (STYLE.md rule 2), whose ``ValidationError`` / ``RuleViolation`` the view
puts back on the form with :func:`form_add_service_error`."""
from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from common.forms import BootstrapFormMixin, DateTimeLocalField, form_add_service_error  # noqa: F401 - used by the people views

from .choices import Attendance, FeedbackKind, Role, TrainingKind, TrainingResult
from .models import Team, User

class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.username}) · {obj.get_role_display()}"


# --- training -----------------------------------------------------------------------------------


class TrainingSessionForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("Whole company"),
        help_text=_("“Whole company”: open to everyone, not one team."),
    )
    trainer = UserChoiceField(label=_("Trainer"), queryset=User.objects.none(), required=False, empty_label=_("— none yet —"),
                              help_text=_("The trainer may record attendance and results too."))
    starts_at = DateTimeLocalField(label=_("Starts at"))
    ends_at = DateTimeLocalField(label=_("Ends at"))
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, teams=None, trainers=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams if teams is not None else Team.objects.none()
        self.fields["trainer"].queryset = trainers if trainers is not None else User.objects.none()


class TrainingEnrolForm(BootstrapFormMixin, forms.Form):
    users = forms.TypedMultipleChoiceField(label=_("Employees to enrol"), coerce=int, choices=(),
                                           help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."))

    def __init__(self, *args: Any, grouped_choices=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["users"].choices = list(grouped_choices)
        self.fields["users"].widget.attrs["size"] = "8"

    def clean_users(self) -> list[User]:
        ids = self.cleaned_data["users"]
        return list(User.objects.filter(pk__in=ids).order_by("username"))


class TrainingRecordForm(BootstrapFormMixin, forms.Form):
    attendance = forms.ChoiceField(label=_("Attendance"), choices=Attendance.choices)
    result = forms.ChoiceField(label=_("Result"), choices=TrainingResult.choices)
    score = forms.IntegerField(label=_("Score"), required=False, min_value=0,
                               widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "inputmode": "numeric"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: Any, form_id: str | None = None, **kwargs: Any) -> None:
        """``form_id``: the ``<form>`` the inputs belong to (they sit in table cells outside it)."""
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if form_id:
                field.widget.attrs["form"] = form_id
            field.widget.attrs["aria-label"] = str(field.label)


class TrainingStatusForm(forms.Form):
    status = forms.ChoiceField(choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .choices import TrainingSessionStatus

        self.fields["status"].choices = [(TrainingSessionStatus.HELD, TrainingSessionStatus.HELD.label),
                                         (TrainingSessionStatus.CANCELLED, TrainingSessionStatus.CANCELLED.label)]


# --- development plans ------------------------------------------------------------------------------


class DevelopmentPlanForm(BootstrapFormMixin, forms.Form):
    employee = UserChoiceField(label=_("Employee"), queryset=User.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(self, *args: Any, employees=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = employees if employees is not None else User.objects.none()


class DevelopmentGoalForm(BootstrapFormMixin, forms.Form):
    description = forms.CharField(label=_("Goal"), max_length=300)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class OptionalGoalForm(DevelopmentGoalForm):
    """A goal row of the new-plan form: an empty row is skipped, a half-filled one is an error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.empty_permitted = True
        self.use_required_attribute = False


GoalFormSet = forms.formset_factory(OptionalGoalForm, extra=3, max_num=20)


# --- feedback ---------------------------------------------------------------------------------------


class FeedbackForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FeedbackKind.choices, widget=forms.RadioSelect, initial=FeedbackKind.SUGGESTION)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 6}))
    anonymous = forms.BooleanField(
        label=_("Submit anonymously"), required=False,
        help_text=_("Your name is not stored with it at all. You get a reference code, shown once, to read HR's answer."),
    )


class FeedbackAnswerForm(BootstrapFormMixin, forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}))


class FeedbackLookupForm(BootstrapFormMixin, forms.Form):
    reference = forms.CharField(label=_("Reference code"), max_length=20)


# --- activities -------------------------------------------------------------------------------------


class ActivityForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = DateTimeLocalField(label=_("Starts at"))
    signup_deadline = DateTimeLocalField(label=_("Sign-up deadline"))
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("Places"), required=False, min_value=1, help_text=_("Leave empty for no limit."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


def trainer_choices() -> Any:
    """Who can be a trainer: active staff (not integration clients or administrators)."""
    return User.objects.filter(is_active=True).exclude(role__in=[Role.INTEGRATION_CLIENT, Role.ADMINISTRATOR]).order_by("username")


# Django 5.2's own zh_Hans catalogue has no translation for this password-validator message, which a
# new hire meets first (the welcome page); naming it here puts it in the project's catalogue.
DJANGO_MESSAGES_TRANSLATED_HERE = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        8,
    ),
)
