"""REST serializers for recruitment (``/api/v1/postings|applications|interviews|offers``).

Output serializers (``<Model>Serializer``) shape what a read or a write returns; input serializers
(``<Model><Action>InputSerializer``) validate one write, and the view hands ``validated_data`` to
one service in ``recruitment.services``. References in request bodies resolve only through
``visible_to(request.user)``: an application, interview or offer outside the caller's scope is a
404 like a missing one.

Candidate data (DOMAIN.md "Candidate data (PIPL)"): HR sees the candidate's mobile and e-mail in
full (they call and write to candidates); panel members (the interviewers of that application, the
approver of its offer) see them masked. The ID number is masked for everyone in the API. Money is
CNY, a string with two decimals; wage inputs take at most 10 digits with 2 decimal places (three
places are a 400 on the field, never rounded).
"""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import html

from common.api.fields import ScopedPrimaryKeyRelatedField, request_user
from common.permissions import role_can
from common.validators import mask_contact, mask_id_number, mask_mobile
from teams.api.serializers import TeamRefSerializer, UserRefSerializer
from teams.choices import Role
from teams.models import User

from .. import permissions
from ..choices import (
    ApplicationSource, EducationLevel, Industry, MandarinLevel, ProposalParty, Recommendation, RefuseReason, StudyMode,
)
from ..models import (
    Application, Candidate, Interview, JobPosting, Offer, OfferProposal, PipelineStage, Scorecard, ScreeningResult,
    StageChange, WorkHistoryLine,
)
from ..services.applications import ApplicationData, WorkHistoryData
from ..services.screening import screening_result_reason

#: Wage inputs: CNY, at most 99,999,999.99, two decimal places (like the model fields).
WAGE_INPUT = {"max_digits": 10, "decimal_places": 2}


def _sees_candidate_contacts(context: dict[str, Any]) -> bool:
    """HR sees candidates' mobile and e-mail in full; panel members see them masked."""
    return role_can(request_user(context), permissions.APPLICATION, "update")


# --- postings -------------------------------------------------------------------------------------

class JobPostingSerializer(serializers.ModelSerializer):
    """A job posting as the public (careers page, job boards) sees it: no candidate data and no
    internal team names."""

    class Meta:
        model = JobPosting
        fields = [
            "id", "title", "role", "location", "salary_min", "salary_max", "responsibilities", "requirements",
            "published_at", "closes_on", "status",
        ]
        read_only_fields = fields


class JobPostingHRSerializer(JobPostingSerializer):
    """What HR sees: also the team and the discriminatory phrases the wording check found."""

    team = serializers.CharField(source="requisition.team.name", read_only=True, help_text=_("Team name"))
    wording_warnings = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(JobPostingSerializer.Meta):
        fields = JobPostingSerializer.Meta.fields + ["team", "wording_warnings"]
        read_only_fields = fields


# --- small nested shapes --------------------------------------------------------------------------

class PostingRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobPosting
        fields = ["id", "title", "role"]
        read_only_fields = fields


class StageRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = PipelineStage
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class CandidateSerializer(serializers.ModelSerializer):
    """The candidate of an application. ``mobile``/``email`` in full for HR, masked for panel
    members; ``id_number`` always masked."""

    mobile = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField()

    class Meta:
        model = Candidate
        fields = ["id", "name", "mobile", "email", "id_number", "education_level", "study_mode", "mandarin_level", "anonymised_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_mobile(self, obj: Candidate) -> str:
        return obj.mobile if _sees_candidate_contacts(self.context) else mask_mobile(obj.mobile)

    @extend_schema_field(OpenApiTypes.STR)
    def get_email(self, obj: Candidate) -> str:
        return obj.email if _sees_candidate_contacts(self.context) else mask_contact("email", obj.email)

    @extend_schema_field(OpenApiTypes.STR)
    def get_id_number(self, obj: Candidate) -> str:
        return mask_id_number(obj.id_number)


class WorkHistoryLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkHistoryLine
        fields = ["id", "employer", "job_title", "industry", "months"]
        read_only_fields = fields


class CandidateDetailSerializer(CandidateSerializer):
    work_history = WorkHistoryLineSerializer(many=True, read_only=True)

    class Meta(CandidateSerializer.Meta):
        fields = CandidateSerializer.Meta.fields + ["work_history"]
        read_only_fields = fields


class ScreeningResultSerializer(serializers.ModelSerializer):
    """One screening rule's outcome; ``reason`` in the active language."""

    kind = serializers.CharField(source="rule.kind", read_only=True)
    action = serializers.CharField(source="rule.action", read_only=True)
    tag = serializers.CharField(source="rule.tag", read_only=True)
    points = serializers.IntegerField(source="rule.points", read_only=True)
    reason = serializers.SerializerMethodField()

    class Meta:
        model = ScreeningResult
        fields = ["id", "kind", "action", "tag", "points", "passed", "reason", "detail", "evaluated_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_reason(self, obj: ScreeningResult) -> str:
        return str(screening_result_reason(obj))


class StageChangeSerializer(serializers.ModelSerializer):
    from_stage = StageRefSerializer(read_only=True, allow_null=True)
    to_stage = StageRefSerializer(read_only=True)
    actor = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = StageChange
        fields = ["id", "from_stage", "to_stage", "actor", "note", "at"]
        read_only_fields = fields


# --- applications ---------------------------------------------------------------------------------

APPLICATION_FIELDS = [
    "id", "candidate", "posting", "stage", "status", "source", "source_detail", "screening_score", "screening_tags",
    "screening_flagged", "stage_entered_at", "created_at", "closed_at",
]


class ApplicationSerializer(serializers.ModelSerializer):
    """An application row in a list."""

    candidate = CandidateSerializer(read_only=True)
    posting = PostingRefSerializer(read_only=True)
    stage = StageRefSerializer(read_only=True)
    screening_tags = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Application
        fields = APPLICATION_FIELDS
        read_only_fields = fields


class ApplicationDetailSerializer(ApplicationSerializer):
    """One application: the candidate with work history, screening results with reasons, stage
    history. The resume itself is downloaded from the web app (scoped, audited)."""

    candidate = CandidateDetailSerializer(read_only=True)
    referrer = UserRefSerializer(read_only=True, allow_null=True)
    submitted_by = UserRefSerializer(read_only=True, allow_null=True)
    has_resume = serializers.SerializerMethodField()
    screening_results = ScreeningResultSerializer(many=True, read_only=True)
    stage_changes = StageChangeSerializer(many=True, read_only=True)

    class Meta(ApplicationSerializer.Meta):
        fields = APPLICATION_FIELDS + [
            "referrer", "submitted_by", "cover_note", "has_resume", "resume_name", "resume_type", "consent_version",
            "consent_at", "refuse_reason", "refuse_note", "screening_results", "stage_changes",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_has_resume(self, obj: Application) -> bool:
        return bool(obj.resume)


class ApplicationReceiptSerializer(serializers.ModelSerializer):
    """What a job board gets back: its application's id, status, stage and screening summary, and
    nothing about any other candidate."""

    stage = serializers.CharField(source="stage.name", read_only=True, help_text=_("Stage name"))
    screening_tags = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Application
        fields = ["id", "status", "stage", "screening_score", "screening_tags", "screening_flagged", "created_at"]
        read_only_fields = fields


class WorkHistoryInputSerializer(serializers.Serializer):
    employer = serializers.CharField(max_length=200)
    job_title = serializers.CharField(max_length=100)
    industry = serializers.ChoiceField(choices=Industry.choices)
    months = serializers.IntegerField(min_value=1, max_value=600)


class WorkHistoryListField(serializers.ListField):
    """A list of work-history lines; in a multipart upload, the same list as one JSON string."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=WorkHistoryInputSerializer(), **kwargs)

    def get_value(self, dictionary):
        if html.is_html_input(dictionary) and self.field_name in dictionary:
            values = dictionary.getlist(self.field_name)
            return values[0] if len(values) == 1 else values
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data) if data.strip() else []
            except ValueError:
                raise serializers.ValidationError(_("Work history must be a JSON list of lines.")) from None
        return super().to_internal_value(data)


def _postings_for_applications(context: dict[str, Any]):
    """Postings one may apply to through the API: those the caller sees, and any posting that was
    ever published (so a closed one answers 422 ``posting_not_open``, while a draft is a 404)."""
    user = request_user(context)
    return JobPosting.objects.filter(
        Q(pk__in=JobPosting.objects.visible_to(user).values("pk")) | Q(published_at__isnull=False)
    )


class ApplyPostingField(ScopedPrimaryKeyRelatedField):
    """The posting of a new application; unknown or never published (and not in the caller's
    scope) → 404."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(scoped_model=JobPosting, not_found_as_404=True, **kwargs)

    def get_queryset(self):
        return _postings_for_applications(self.context)


class ApplicationCreateInputSerializer(serializers.Serializer):
    """Input of :func:`recruitment.services.applications.application_submit` (JSON, or multipart
    with a ``resume`` file and ``work_history`` as a JSON string). ``mobile``/``id_number`` are
    validated and normalised by the service (a 400 names the field). Job boards (integration
    clients) always submit source ``job_board``; ``source_detail`` is the board's name (default:
    the client's username). HR gives ``referral`` (with ``referrer``), ``walk_in`` or ``job_board``."""

    posting = ApplyPostingField(help_text=_("Job posting id (an open posting)"))
    name = serializers.CharField(max_length=100)
    mobile = serializers.CharField(max_length=40, help_text=_("Mainland mobile, e.g. 13800138000 or +86 138 0013 8000"))
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="", help_text=_("Optional until the offer"))
    education_level = serializers.ChoiceField(choices=EducationLevel.choices)
    study_mode = serializers.ChoiceField(choices=StudyMode.choices)
    mandarin_level = serializers.ChoiceField(choices=MandarinLevel.choices, default=MandarinLevel.NONE)
    cover_note = serializers.CharField(required=False, allow_blank=True, default="")
    work_history = WorkHistoryListField(required=False, default=list)
    consent_given = serializers.BooleanField(help_text=_("The candidate accepted the privacy notice"))
    consent_version = serializers.CharField(max_length=20, help_text=_("Version of the privacy notice the candidate accepted"))
    resume = serializers.FileField(required=False, allow_null=True, help_text=_("PDF, DOCX, JPG or PNG, at most 5 MB"))
    source = serializers.ChoiceField(
        choices=ApplicationSource.choices, required=False,
        help_text=_("HR: referral, walk_in or job_board (required). Job boards: job_board or omitted."),
    )
    source_detail = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", help_text=_("Job board name or referrer"))
    referrer = ScopedPrimaryKeyRelatedField(scoped_model=User, required=False, allow_null=True, help_text=_("Referring employee (source referral)"))

    def validate(self, attrs: dict) -> dict:
        user = request_user(self.context)
        if user.role == Role.INTEGRATION_CLIENT:
            if attrs.get("source", ApplicationSource.JOB_BOARD) != ApplicationSource.JOB_BOARD:
                raise serializers.ValidationError({"source": [_("A job board submits job-board applications only.")]})
            if attrs.get("referrer"):
                raise serializers.ValidationError({"referrer": [_("A job board cannot name a referrer.")]})
            attrs["source"] = ApplicationSource.JOB_BOARD
            attrs["source_detail"] = attrs.get("source_detail") or user.username
        elif attrs.get("source") in (None, ApplicationSource.CAREERS_PAGE):
            raise serializers.ValidationError({"source": [_("Say where the application comes from: referral, walk_in or job_board.")]})
        if attrs.get("referrer") and attrs["source"] != ApplicationSource.REFERRAL:
            raise serializers.ValidationError({"referrer": [_("A referrer goes with source referral.")]})
        return attrs

    def application_data(self) -> ApplicationData:
        d = self.validated_data
        return ApplicationData(
            name=d["name"], mobile=d["mobile"], email=d["email"], education_level=int(d["education_level"]), study_mode=d["study_mode"],
            consent_given=d["consent_given"], consent_version=d["consent_version"], id_number=d["id_number"],
            mandarin_level=int(d["mandarin_level"]), cover_note=d["cover_note"],
            work_history=[WorkHistoryData(**line) for line in d["work_history"]],
        )


@extend_schema_field(OpenApiTypes.INT)
class StageReferenceField(serializers.PrimaryKeyRelatedField):
    """A stage of a posting the caller sees (the service refuses a stage of another posting)."""

    def get_queryset(self):
        return PipelineStage.objects.filter(posting__in=JobPosting.objects.visible_to(request_user(self.context)))


class ApplicationMoveInputSerializer(serializers.Serializer):
    stage = StageReferenceField(help_text=_("Id of a stage of the application's posting"))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ApplicationRejectInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RefuseReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CandidateUpdateInputSerializer(serializers.Serializer):
    """Input of :func:`recruitment.services.applications.candidate_update` (HR corrects the
    application's candidate): any of these fields, validated and normalised by the service as on
    applying (a 400 names the field). Other keys are refused, so nothing is silently ignored."""

    name = serializers.CharField(max_length=100, required=False)
    mobile = serializers.CharField(max_length=40, required=False, help_text=_("Mainland mobile, e.g. 13800138000 or +86 138 0013 8000"))
    email = serializers.EmailField(required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True, help_text=_("Required from the offer stage"))
    education_level = serializers.ChoiceField(choices=EducationLevel.choices, required=False)
    study_mode = serializers.ChoiceField(choices=StudyMode.choices, required=False)
    mandarin_level = serializers.ChoiceField(choices=MandarinLevel.choices, required=False)

    def validate(self, attrs: dict) -> dict:
        unknown = sorted(set(getattr(self, "initial_data", {}) or {}) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({key: [_("This field cannot be changed here.")] for key in unknown})
        if not attrs:
            raise serializers.ValidationError({"non_field_errors": [_("Give at least one candidate field to change.")]})
        return attrs


# --- interviews -----------------------------------------------------------------------------------

class InterviewSerializer(serializers.ModelSerializer):
    candidate_name = serializers.CharField(source="application.candidate.name", read_only=True)
    posting = PostingRefSerializer(source="application.posting", read_only=True)
    interviewers = UserRefSerializer(many=True, read_only=True)
    scheduled_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Interview
        fields = [
            "id", "application", "candidate_name", "posting", "round_name", "starts_at", "ends_at", "location", "video_link",
            "interviewers", "status", "scheduled_by", "reminder_sent_at", "created_at",
        ]
        read_only_fields = fields


class ApplicationReferenceField(ScopedPrimaryKeyRelatedField):
    """An application id in a request body; missing or outside the caller's scope → 404."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(scoped_model=Application, not_found_as_404=True, **kwargs)


class InterviewScheduleInputSerializer(serializers.Serializer):
    """Input of :func:`recruitment.services.interviews.interview_schedule`; times ISO 8601 with an
    offset (Beijing time if none). The service checks the past, the order, the panel's roles and
    conflicts (422 ``interviewer_conflict``)."""

    application = ApplicationReferenceField()
    round_name = serializers.CharField(max_length=100)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    interviewers = serializers.ListField(child=ScopedPrimaryKeyRelatedField(scoped_model=User), allow_empty=True)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    video_link = serializers.URLField(required=False, allow_blank=True, default="")


class ScorecardSerializer(serializers.ModelSerializer):
    interviewer = UserRefSerializer(read_only=True)

    class Meta:
        model = Scorecard
        fields = ["id", "interview", "interviewer", "ratings", "recommendation", "notes", "submitted_at"]
        read_only_fields = fields


class ScorecardSubmitInputSerializer(serializers.Serializer):
    """Every attribute of the posting's role rated 1–4 (no neutral); the service names a missing or
    unknown attribute."""

    ratings = serializers.DictField(child=serializers.IntegerField(), help_text=_("Attribute → 1 (strong no) … 4 (strong yes)"))
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


# --- offers ---------------------------------------------------------------------------------------

class PostingSalarySerializer(PostingRefSerializer):
    class Meta(PostingRefSerializer.Meta):
        fields = PostingRefSerializer.Meta.fields + ["salary_min", "salary_max"]
        read_only_fields = fields


class OfferProposalSerializer(serializers.ModelSerializer):
    actor = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = OfferProposal
        fields = ["id", "party", "monthly_wage", "note", "actor", "at"]
        read_only_fields = fields


OFFER_FIELDS = [
    "id", "application", "candidate_name", "posting", "team", "status", "monthly_wage", "contract_months", "probation_months",
    "probation_wage", "start_on", "expires_on", "needs_approval", "approved_by", "approved_at", "created_by", "created_at",
    "decided_at",
]


class OfferSerializer(serializers.ModelSerializer):
    candidate_name = serializers.CharField(source="application.candidate.name", read_only=True)
    posting = PostingSalarySerializer(source="application.posting", read_only=True)
    team = TeamRefSerializer(source="application.posting.requisition.team", read_only=True)
    approved_by = UserRefSerializer(read_only=True, allow_null=True)
    created_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Offer
        fields = OFFER_FIELDS
        read_only_fields = fields


class OfferDetailSerializer(OfferSerializer):
    """One offer with its negotiation history, oldest first."""

    proposals = OfferProposalSerializer(many=True, read_only=True)

    class Meta(OfferSerializer.Meta):
        fields = OFFER_FIELDS + ["proposals"]
        read_only_fields = fields


class OfferCreateInputSerializer(serializers.Serializer):
    """Input of :func:`recruitment.services.offers.offer_create`. Monthly gross wages in CNY;
    ``contract_months`` empty = open-ended. The service applies the Labour Contract Law art. 19–20
    (a 400 naming ``probation_months`` / ``probation_wage``)."""

    application = ApplicationReferenceField()
    monthly_wage = serializers.DecimalField(**WAGE_INPUT, min_value=Decimal("0.01"))
    contract_months = serializers.IntegerField(min_value=1, max_value=600, allow_null=True, required=False, default=None)
    probation_months = serializers.IntegerField(min_value=0, max_value=600, default=0)
    probation_wage = serializers.DecimalField(**WAGE_INPUT, min_value=Decimal("0.01"), allow_null=True, required=False, default=None)
    start_on = serializers.DateField()
    expires_on = serializers.DateField(help_text=_("Answer by (local date)"))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class OfferCounterInputSerializer(serializers.Serializer):
    """A candidate's counter is history only; a company proposal sets the offer's wage (and may
    replace the probation wage, to keep art. 20's 80 % floor)."""

    party = serializers.ChoiceField(choices=ProposalParty.choices)
    monthly_wage = serializers.DecimalField(**WAGE_INPUT, min_value=Decimal("0.01"))
    probation_wage = serializers.DecimalField(
        **WAGE_INPUT, min_value=Decimal("0.01"), required=False, allow_null=True, default=None, help_text=_("Company proposals only"),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class OfferDecideInputSerializer(serializers.Serializer):
    accepted = serializers.BooleanField(help_text=_("True: the candidate accepted; false: declined"))
    note = serializers.CharField(required=False, allow_blank=True, default="")
