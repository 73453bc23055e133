"""The public application form (issue 3 §2) → ``services.applications.application_submit``.

Asks only what hiring needs: no gender, marital status, children, pregnancy, hepatitis B,
ethnicity, religion or photo (DOMAIN.md "Candidate data (PIPL)"). Mobile and ID number are
normalised and checked by the service (``common.validators``); the resume's type and size too.
"""
from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.validators import id_number_normalize, mobile_normalize

from ..choices import ApplicationSource, EducationLevel, Industry, MandarinLevel, StudyMode
from ..defaults import PRIVACY_NOTICE_VERSION, RESUME_MAX_BYTES
from ..services.applications import ApplicationData, WorkHistoryData
from .base import BootstrapFormMixin

RESUME_ACCEPT = ".pdf,.docx,.jpg,.jpeg,.png"
WORK_HISTORY_EXTRA = 3
WORK_HISTORY_MAX = 20


def resume_limit_mb() -> int:
    return RESUME_MAX_BYTES // (1024 * 1024)


class ApplyForm(BootstrapFormMixin, forms.Form):
    control_size = ""

    name = forms.CharField(label=_("Full name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    mobile = forms.CharField(
        label=_("Mobile number"), max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("Mainland China mobile; we call or text you about this application only."),
    )
    email = forms.EmailField(label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    id_number = forms.CharField(
        label=_("ID card number"), max_length=32, required=False,
        help_text=_("Optional now — required later if we make you an offer (labour contract and social insurance)."),
    )
    education_level = forms.TypedChoiceField(
        label=_("Highest education"), coerce=int, choices=[("", _("— choose —"))] + list(EducationLevel.choices),
    )
    study_mode = forms.ChoiceField(label=_("Study mode"), choices=[("", _("— choose —"))] + list(StudyMode.choices))
    mandarin_level = forms.TypedChoiceField(
        label=_("Putonghua (Mandarin) certificate"), coerce=int, choices=MandarinLevel.choices, required=False,
        empty_value=MandarinLevel.NONE, initial=MandarinLevel.NONE,
        help_text=_("Optional: your Putonghua Proficiency Test grade, if you have one."),
    )
    cover_note = forms.CharField(
        label=_("A few words about you"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional: why this job, when you could start."),
    )
    resume = forms.FileField(
        label=_("Resume"), required=False, widget=forms.FileInput(attrs={"accept": RESUME_ACCEPT}),
    )
    referrer_name = forms.CharField(
        label=_("Referred by an employee?"), max_length=100, required=False,
        help_text=_("Optional: the name of the employee who told you about this job."),
    )
    source = forms.CharField(widget=forms.HiddenInput, required=False, initial=ApplicationSource.CAREERS_PAGE)
    consent_version = forms.CharField(widget=forms.HiddenInput, initial=PRIVACY_NOTICE_VERSION, max_length=20)
    consent = forms.BooleanField(
        label=_("I have read the personal information notice above and agree that my personal information is processed for this application as it describes."),
        error_messages={"required": _("Please read the personal information notice and tick the box: we cannot process an application without your consent.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resume"].help_text = _("PDF, Word (.docx), JPG or PNG, at most %(mb)s MB. Optional.") % {"mb": resume_limit_mb()}

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_mobile(self) -> str:
        """Checked early with the validator the service uses, so every field error shows on the
        first submit; the service normalises the raw value again."""
        value = self.cleaned_data["mobile"]
        mobile_normalize(value)
        return value

    def clean_id_number(self) -> str:
        value = (self.cleaned_data.get("id_number") or "").strip()
        if value:
            id_number_normalize(value)
        return value

    def clean_source(self) -> str:
        """The public form only ever sends applications from the careers page (a referral when the
        candidate names an employee); a tampered value is ignored."""
        return ApplicationSource.CAREERS_PAGE

    def application_data(self, work_history: list[WorkHistoryData]) -> ApplicationData:
        data = self.cleaned_data
        return ApplicationData(
            name=data["name"], mobile=data["mobile"], email=data["email"], education_level=data["education_level"],
            study_mode=data["study_mode"], consent_given=bool(data.get("consent")), consent_version=data["consent_version"],
            id_number=(data.get("id_number") or "").strip(), mandarin_level=data.get("mandarin_level") or MandarinLevel.NONE,
            cover_note=data.get("cover_note") or "", work_history=work_history,
        )

    def source_kwargs(self) -> dict[str, str]:
        """``source`` / ``source_detail`` for the service: a named referrer makes it a referral."""
        referrer = " ".join((self.cleaned_data.get("referrer_name") or "").split())
        if referrer:
            return {"source": ApplicationSource.REFERRAL, "source_detail": referrer}
        return {"source": ApplicationSource.CAREERS_PAGE, "source_detail": ""}


class WorkHistoryLineForm(BootstrapFormMixin, forms.Form):
    """One job: employer, job title, industry tag and months. An untouched line is skipped."""

    control_size = "sm"

    employer = forms.CharField(label=_("Employer"), max_length=200)
    job_title = forms.CharField(label=_("Job title"), max_length=100)
    industry = forms.ChoiceField(label=_("Industry"), choices=[("", _("— choose —"))] + list(Industry.choices))
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=600, widget=forms.NumberInput(attrs={"min": 1, "max": 600}))


class BaseWorkHistoryFormSet(forms.BaseFormSet):
    def lines(self) -> list[WorkHistoryData]:
        return [
            WorkHistoryData(employer=f.cleaned_data["employer"].strip(), job_title=f.cleaned_data["job_title"].strip(),
                            industry=f.cleaned_data["industry"], months=f.cleaned_data["months"])
            for f in self.forms if f.cleaned_data
        ]


WorkHistoryFormSet = forms.formset_factory(
    WorkHistoryLineForm, formset=BaseWorkHistoryFormSet, extra=WORK_HISTORY_EXTRA, max_num=WORK_HISTORY_MAX, validate_max=True,
)
