"""HR forms for requisitions, postings, pipeline stages, screening rules and candidate e-mail
templates. They parse input only; the views hand the cleaned data to one service each and put the
service's refusals back with :func:`recruitment.forms.base.form_add_service_error`."""
from __future__ import annotations

from typing import Any

from django import forms
from django.template import Template, TemplateSyntaxError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from teams.models import Team

from ..choices import EducationLevel, HiringRole, Industry, MandarinLevel, ScreeningAction, ScreeningRuleKind
from ..models import CandidateEmailTemplate, JobPosting, PipelineStage, Requisition, ScreeningRule
from .base import BootstrapFormMixin

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY_WIDGET = forms.NumberInput(attrs={"step": "100", "min": "0", "inputmode": "decimal"})


class RequisitionForm(BootstrapFormMixin, forms.Form):
    """A request to hire → ``postings.requisition_create``; ``teams`` is the caller's
    ``Team.objects.visible_to(user)`` (HR: every team; a supervisor: their department's)."""

    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), empty_label=_("— choose —"))
    role = forms.ChoiceField(label=_("Role"), choices=HiringRole.choices, initial=HiringRole.COLLECTOR)
    headcount = forms.IntegerField(label=_("Headcount"), min_value=1, max_value=500, initial=1)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the team needs these people: growth, replacement, a new creditor…"),
    )

    def __init__(self, *args: Any, teams, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["team"].label_from_instance = lambda team: f"{team.department.name} · {team.name}"


class RequisitionDecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class PostingForm(BootstrapFormMixin, forms.Form):
    """Posting text and terms → ``postings.posting_create`` / ``posting_update``. ``requisition``
    only when creating (approved requisitions in the caller's scope)."""

    requisition = forms.ModelChoiceField(label=_("Requisition"), queryset=Requisition.objects.none(), empty_label=_("— choose —"))
    title = forms.CharField(label=_("Title"), max_length=200)
    location = forms.CharField(label=_("Location"), max_length=200, help_text=_("City and district or office address candidates will see"))
    salary_min = forms.DecimalField(label=_("Monthly salary from (¥)"), max_digits=10, decimal_places=2, widget=MONEY_WIDGET)
    salary_max = forms.DecimalField(label=_("Monthly salary to (¥)"), max_digits=10, decimal_places=2, widget=MONEY_WIDGET)
    closes_on = forms.DateField(label=_("Closes on"), required=False, widget=DATE_WIDGET, help_text=_("Optional; local date"))
    responsibilities = forms.CharField(label=_("Responsibilities"), max_length=10000, widget=forms.Textarea(attrs={"rows": 7}))
    requirements = forms.CharField(
        label=_("Requirements"), max_length=10000, widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("Checked for discriminatory wording (gender, marriage and childbearing, hepatitis B, ethnicity, hukou…) on save."),
    )

    SERVICE_FIELDS = ("title", "responsibilities", "requirements", "location", "salary_min", "salary_max", "closes_on")

    def __init__(self, *args: Any, requisitions=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if requisitions is None:
            del self.fields["requisition"]
        else:
            self.fields["requisition"].queryset = requisitions
            self.fields["requisition"].label_from_instance = lambda r: f"#{r.pk} · {r.team.name} · {r.get_role_display()} × {r.headcount}"

    @classmethod
    def initial_from(cls, posting: JobPosting) -> dict[str, Any]:
        return {name: getattr(posting, name) for name in cls.SERVICE_FIELDS}

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.SERVICE_FIELDS}


class StageRenameForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)


class StageAddForm(BootstrapFormMixin, forms.Form):
    after = forms.ModelChoiceField(label=_("After"), queryset=PipelineStage.objects.none(), empty_label=None)
    name = forms.CharField(label=_("New stage"), max_length=100, widget=forms.TextInput(attrs={"placeholder": _("e.g. Phone screen")}))

    def __init__(self, *args: Any, stages, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["after"].queryset = stages


class ScreeningRuleForm(BootstrapFormMixin, forms.Form):
    """One screening rule → ``screening.screening_rule_save``. Which parameter a kind needs
    (education / industries + months / Mandarin) is the model's and the service's check."""

    kind = forms.ChoiceField(label=_("Rule"), choices=ScreeningRuleKind.choices)
    education_level = forms.TypedChoiceField(
        label=_("Education at least"), coerce=int, required=False, empty_value=None,
        choices=[("", "—")] + list(EducationLevel.choices),
    )
    industries = forms.MultipleChoiceField(
        label=_("Industries"), required=False, choices=Industry.choices, widget=forms.CheckboxSelectMultiple,
    )
    months = forms.IntegerField(label=_("Months at least"), required=False, min_value=1, max_value=600)
    mandarin_level = forms.TypedChoiceField(
        label=_("Mandarin at least"), coerce=int, required=False, empty_value=None,
        choices=[("", "—")] + [c for c in MandarinLevel.choices if c[0] != MandarinLevel.NONE],
    )
    action = forms.ChoiceField(label=_("On failure"), choices=ScreeningAction.choices, initial=ScreeningAction.FLAG)
    tag = forms.CharField(label=_("Tag"), max_length=50, required=False)
    points = forms.IntegerField(label=_("Points"), required=False, min_value=-100, max_value=100, initial=0)
    auto_reject = forms.BooleanField(label=_("Reject automatically on failure"), required=False)
    is_active = forms.BooleanField(label=pgettext_lazy("screening rule", "Active"), required=False, initial=True)

    SERVICE_FIELDS = ("kind", "education_level", "industries", "months", "mandarin_level", "action", "tag", "points", "auto_reject", "is_active")

    @classmethod
    def initial_from(cls, rule: ScreeningRule) -> dict[str, Any]:
        return {name: getattr(rule, name) for name in cls.SERVICE_FIELDS}

    def service_fields(self) -> dict[str, Any]:
        """Only the parameter the kind uses is sent; the others are cleared (a rule keeps one meaning)."""
        data = {name: self.cleaned_data.get(name) for name in self.SERVICE_FIELDS}
        kind = data["kind"]
        if kind != ScreeningRuleKind.EDUCATION_MIN:
            data["education_level"] = None
        if kind != ScreeningRuleKind.EXPERIENCE_MONTHS:
            data["industries"], data["months"] = [], None
        if kind != ScreeningRuleKind.MANDARIN_MIN:
            data["mandarin_level"] = None
        data["industries"] = list(data["industries"] or [])
        data["points"] = data["points"] or 0
        data["tag"] = (data["tag"] or "").strip()
        return data


class EmailTemplateForm(BootstrapFormMixin, forms.Form):
    """A candidate e-mail template (subject, body, active) for one stage kind. The syntax is checked
    here so a broken template is refused before it reaches a candidate."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Body"), max_length=10000, widget=forms.Textarea(attrs={"rows": 9, "class": "app-mono-area"}))
    is_active = forms.BooleanField(label=_("Send this e-mail"), required=False)

    @classmethod
    def initial_from(cls, template: CandidateEmailTemplate | None) -> dict[str, Any]:
        if template is None:
            return {"is_active": False}
        return {"subject": template.subject, "body": template.body, "is_active": template.is_active}

    def _check_syntax(self, name: str) -> str:
        value = self.cleaned_data[name]
        try:
            Template(value)
        except TemplateSyntaxError as exc:
            raise forms.ValidationError(_("Template error: %(error)s") % {"error": exc}) from None
        return value

    def clean_subject(self) -> str:
        return self._check_syntax("subject")

    def clean_body(self) -> str:
        return self._check_syntax("body")
