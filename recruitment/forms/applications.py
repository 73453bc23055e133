"""Forms of the HR application pages: entering a referral or walk-in application, moving,
rejecting, withdrawing, merging duplicates and deleting on request. Forms only parse input; the
rules live in the services (``services.applications``, ``services.pipeline``, ``services.privacy``)."""
from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from teams.choices import Role
from teams.models import User

from ..choices import ApplicationSource, EducationLevel, Industry, MandarinLevel, PostingStatus, RefuseReason, StudyMode
from ..defaults import PRIVACY_NOTICE_VERSION
from ..models import Candidate, JobPosting, PipelineStage
from ..services.applications import ApplicationData, WorkHistoryData
from .base import BootstrapFormMixin

#: Sources HR enters by hand (the careers page and job boards create their own applications).
HR_ENTRY_SOURCES = [(ApplicationSource.REFERRAL.value, ApplicationSource.REFERRAL.label), (ApplicationSource.WALK_IN.value, ApplicationSource.WALK_IN.label)]
WORK_HISTORY_ROWS = 3
BLANK = [("", "—")]
WORK_HISTORY_MAX = 10


class PostingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: JobPosting) -> str:
        return f"{obj.title} · {obj.requisition.team.name}"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} · {obj.get_role_display()}"


class ApplicationEntryForm(BootstrapFormMixin, forms.Form):
    """HR enters a referral or walk-in application with the fields of the public form. The
    candidate signs the paper privacy notice, so consent is recorded as given with the current
    notice version (``defaults.PRIVACY_NOTICE_VERSION``) when HR ticks the box."""

    posting = PostingChoiceField(label=_("Job posting"), queryset=JobPosting.objects.none(), empty_label=None)
    source = forms.ChoiceField(label=_("Source"), choices=HR_ENTRY_SOURCES, initial=ApplicationSource.REFERRAL, widget=forms.RadioSelect)
    referrer = UserChoiceField(label=_("Referred by"), queryset=User.objects.none(), required=False, empty_label="—", help_text=_("The employee who referred the candidate."))
    source_detail = forms.CharField(label=_("Source detail"), max_length=200, required=False, help_text=_("E.g. the referrer's team, or where the walk-in heard of us."))
    name = forms.CharField(label=_("Full name"), max_length=100)
    mobile = forms.CharField(label=_("Mobile"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    email = forms.EmailField(label=_("E-mail"), required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=30, required=False, help_text=_("Optional until the offer."))
    education_level = forms.TypedChoiceField(label=_("Education"), choices=BLANK + list(EducationLevel.choices), coerce=int)
    study_mode = forms.ChoiceField(label=_("Study mode"), choices=BLANK + list(StudyMode.choices))
    mandarin_level = forms.TypedChoiceField(
        label=_("Mandarin certificate (普通话)"), choices=MandarinLevel.choices, coerce=int, initial=MandarinLevel.NONE, required=False, empty_value=0,
    )
    cover_note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    resume = forms.FileField(label=_("Resume"), required=False, help_text=_("PDF, DOCX, JPG or PNG, at most 5 MB."))
    consent_given = forms.BooleanField(
        label=_("The candidate has read and signed the paper privacy notice"),
        error_messages={"required": _("Candidate data is entered only after the candidate consented to the privacy notice (PIPL art. 13–14).")},
    )

    def __init__(self, *args: Any, postings: QuerySet[JobPosting], referrers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["posting"].queryset = postings
        self.fields["referrer"].queryset = referrers
        self.fields["resume"].widget.attrs["accept"] = ".pdf,.docx,.jpg,.jpeg,.png"
        self.fields["consent_given"].help_text = gettext("Recorded with the current notice version %(version)s and the time of entry.") % {
            "version": PRIVACY_NOTICE_VERSION,
        }

    def application_data(self, *, work_history: list[WorkHistoryData]) -> ApplicationData:
        data = self.cleaned_data
        return ApplicationData(
            name=data["name"].strip(), mobile=data["mobile"], email=data.get("email") or "", education_level=data["education_level"],
            study_mode=data["study_mode"], consent_given=bool(data["consent_given"]), consent_version=PRIVACY_NOTICE_VERSION,
            id_number=data.get("id_number") or "", mandarin_level=data.get("mandarin_level") or 0, cover_note=data.get("cover_note") or "",
            work_history=work_history,
        )


def entry_postings(user: User) -> QuerySet[JobPosting]:
    """Postings HR may enter an application for: the visible ones that are open (the service still
    refuses any other with ``posting_not_open``)."""
    return JobPosting.objects.visible_to(user).filter(status=PostingStatus.OPEN).select_related("requisition__team").order_by("title", "id")


def entry_referrers() -> QuerySet[User]:
    """Employees who can refer someone: active people (not machine accounts)."""
    return User.objects.filter(is_active=True).exclude(role=Role.INTEGRATION_CLIENT).order_by("name", "username")


class WorkHistoryForm(BootstrapFormMixin, forms.Form):
    employer = forms.CharField(label=_("Employer"), max_length=200)
    job_title = forms.CharField(label=_("Job title"), max_length=100)
    industry = forms.ChoiceField(label=_("Industry"), choices=BLANK + list(Industry.choices))
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=600)

    def work_history_data(self) -> WorkHistoryData:
        data = self.cleaned_data
        return WorkHistoryData(employer=data["employer"], job_title=data["job_title"], industry=data["industry"], months=data["months"])


WorkHistoryFormSet = forms.formset_factory(WorkHistoryForm, extra=WORK_HISTORY_ROWS, max_num=WORK_HISTORY_MAX, validate_max=True)


def work_history_lines(formset: Any) -> list[WorkHistoryData]:
    """The filled rows of a valid formset (untouched extra rows are skipped)."""
    return [form.work_history_data() for form in formset.forms if form.has_changed() and form.cleaned_data]


class ApplicationMoveForm(BootstrapFormMixin, forms.Form):
    """Move to another stage of the same posting (the service refuses hired / rejected / withdrawn)."""

    stage = forms.ModelChoiceField(label=_("Move to stage"), queryset=PipelineStage.objects.none())
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)

    def __init__(self, *args: Any, stages: QuerySet[PipelineStage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = stages


class ApplicationRejectForm(BootstrapFormMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Refuse reason"), choices=[("", "—")] + list(RefuseReason.choices))
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ApplicationWithdrawForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CandidateMergeForm(forms.Form):
    """``other``: the duplicate merged into (and then deleted in favour of) the page's candidate."""

    other = forms.ModelChoiceField(label=_("Duplicate candidate"), queryset=Candidate.objects.none())

    def __init__(self, *args: Any, candidates: QuerySet[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = candidates


class CandidateDeleteForm(BootstrapFormMixin, forms.Form):
    confirm = forms.BooleanField(label=_("I confirm the candidate asked for their data to be deleted"))


class CandidateForm(BootstrapFormMixin, forms.Form):
    """HR corrects or completes the candidate's own details (``applications.candidate_update``,
    which validates and normalises them as on applying)."""

    name = forms.CharField(label=_("Full name"), max_length=100)
    mobile = forms.CharField(label=_("Mobile"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    email = forms.EmailField(label=_("E-mail"), required=False)
    id_number = forms.CharField(
        label=_("ID number"), max_length=30, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Optional until the offer; required from the offer stage on."),
    )
    education_level = forms.TypedChoiceField(label=_("Education"), choices=BLANK + list(EducationLevel.choices), coerce=int)
    study_mode = forms.ChoiceField(label=_("Study mode"), choices=BLANK + list(StudyMode.choices))
    mandarin_level = forms.TypedChoiceField(
        label=_("Mandarin certificate (普通话)"), choices=MandarinLevel.choices, coerce=int, initial=MandarinLevel.NONE, required=False, empty_value=0,
    )

    @classmethod
    def initial_from(cls, candidate: Candidate) -> dict[str, Any]:
        """The candidate's values, the mobile as the 11 digits people type (stored as +86…)."""
        initial = {name: getattr(candidate, name) for name in cls.base_fields}
        initial["mobile"] = (candidate.mobile or "").removeprefix("+86")
        return initial
