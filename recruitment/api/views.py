"""Recruitment endpoints under ``/api/v1/`` (issue 3 §12), thin by design (STYLE.md rule 7).

Reads are declarative: ``ScopedViewSetMixin`` starts every queryset from
``<Model>.objects.visible_to(request.user)`` (out of scope = 404) and the shared FilterSets of
``recruitment.filters`` narrow lists. Writes validate an input serializer, call one service of
``recruitment.services`` and return an output serializer. Role checks come from the tables in
``recruitment.permissions`` (``RoleActionPermission``), before any lookup. Refusals come back in
the one error shape (400 ``validation_error`` with ``fields``; 422 with the rule as ``code``).

* ``postings/`` — public read (no login): open postings; HR, supervisors and directors see the
  postings in their scope in every status, HR also the wording warnings.
* ``applications/`` — job boards (integration key) and HR create; HR and the application's panel
  read; HR moves, rejects, records a withdrawal and corrects the candidate's details (PATCH).
* ``interviews/`` — HR schedules and cancels; the panel reads its interviews and submits
  scorecards; others' scorecards stay hidden until one's own is in.
* ``offers/`` — HR drafts, negotiates, sends, records the answer, withdraws; a supervisor of the
  department or a director approves an offer outside the posting's salary range.
"""
from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiExample, PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from common.api.schema import COMMON_ERRORS, WRITE_ERRORS, error_response
from common.api.viewsets import ListFiltersOnlyMixin
from common.api.viewsets import ScopedListRetrieveCreateViewSet, ScopedReadOnlyViewSet
from common.permissions import role_can
from teams.choices import Role

from .. import permissions
from ..filters import ApplicationFilterSet, InterviewFilterSet, JobPostingFilterSet
from ..models import Application, Interview, JobPosting, Offer, OfferProposal, ScreeningResult, StageChange
from ..services.applications import application_submit, candidate_update
from ..services.interviews import interview_cancel, interview_schedule, scorecard_submit, scorecards_visible_to
from ..services.offers import offer_approve, offer_counter, offer_create, offer_record_decision, offer_send, offer_withdraw
from ..services.pipeline import application_move, application_reject, application_withdraw
from . import serializers as s

NOT_FOUND = {404: error_response("Missing or outside your scope")}
READ_ERRORS = {**COMMON_ERRORS, **NOT_FOUND}


def _rule_errors(rules: str) -> dict:
    return {422: error_response(f"A rule refused it; `code` names the rule ({rules})")}


# --- postings -------------------------------------------------------------------------------------

POSTING_OUT = PolymorphicProxySerializer(
    component_name="JobPostingOut",
    serializers=[s.JobPostingSerializer, s.JobPostingHRSerializer],
    resource_type_field_name=None,
)


@extend_schema_view(
    list=extend_schema(
        summary="Job postings (public: open ones; HR, supervisors, directors: every status in scope)",
        responses={200: PolymorphicProxySerializer(
            component_name="JobPostingOut", serializers=[s.JobPostingSerializer, s.JobPostingHRSerializer],
            resource_type_field_name=None, many=True,
        )}
    ),
    retrieve=extend_schema(summary="One job posting", responses={200: POSTING_OUT, **NOT_FOUND}),
)
class JobPostingViewSet(ListFiltersOnlyMixin, ScopedReadOnlyViewSet):
    """Job postings (招聘岗位), readable without logging in: anonymous visitors, job boards and
    every role see the open postings (``JobPosting.objects.published()`` through ``visible_to``);
    HR and directors see every posting, a supervisor their department's. No candidate data."""

    scoped_model = JobPosting
    permission_classes = [AllowAny]
    filterset_class = JobPostingFilterSet
    serializer_class = s.JobPostingSerializer

    def refine_queryset(self, queryset):
        return queryset.select_related("requisition__team")

    def get_serializer_class(self):
        if role_can(getattr(self.request, "user", None), permissions.POSTING, "update"):
            return s.JobPostingHRSerializer
        return s.JobPostingSerializer


# --- applications ---------------------------------------------------------------------------------

APPLICATION_CREATED = PolymorphicProxySerializer(
    component_name="ApplicationCreated",
    serializers=[s.ApplicationReceiptSerializer, s.ApplicationDetailSerializer],
    resource_type_field_name=None,
)


@extend_schema_view(
    list=extend_schema(summary="Applications in your scope (HR: all; panel members: those they interview on)", responses={200: s.ApplicationSerializer(many=True), **COMMON_ERRORS}),
    retrieve=extend_schema(summary="One application with work history, screening results and stage history", responses={200: s.ApplicationDetailSerializer, **READ_ERRORS}),
)
class ApplicationViewSet(ListFiltersOnlyMixin, ScopedListRetrieveCreateViewSet):
    """Applications (应聘). Job boards create them with an integration key and get back only a
    receipt; HR creates them (referral, walk-in) and reads, moves, rejects them; an interviewer
    or an approver reads the applications in their scope (mobile and e-mail masked)."""

    scoped_model = Application
    permission_table = permissions.APPLICATION
    filterset_class = ApplicationFilterSet
    serializer_class = s.ApplicationSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def refine_queryset(self, queryset):
        queryset = queryset.select_related("candidate", "posting", "stage")
        if self.action != "list":
            queryset = queryset.select_related("referrer", "submitted_by").prefetch_related(
                "candidate__work_history",
                Prefetch("screening_results", queryset=ScreeningResult.objects.select_related("rule")),
                Prefetch("stage_changes", queryset=StageChange.objects.select_related("from_stage", "to_stage", "actor")),
            )
        return queryset

    def get_serializer_class(self):
        return s.ApplicationSerializer if self.action == "list" else s.ApplicationDetailSerializer

    def _detail(self, application: Application, *, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=application.pk)
        return Response(s.ApplicationDetailSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(
        summary="Submit an application (job boards with an integration key; HR for referrals and walk-ins)",
        request={"application/json": s.ApplicationCreateInputSerializer, "multipart/form-data": s.ApplicationCreateInputSerializer},
        responses={
            201: APPLICATION_CREATED, **WRITE_ERRORS,
            422: error_response("A rule refused it: posting_not_open, duplicate_application"),
        },
        examples=[OpenApiExample("From a job board", request_only=True, value={
            "posting": 7, "name": "李雷", "mobile": "13800138000", "email": "lilei@example.com", "education_level": 4,
            "study_mode": "full_time", "mandarin_level": 3, "consent_given": True, "consent_version": "2026-11",
            "work_history": [{"employer": "某消费金融公司", "job_title": "催收专员", "industry": "consumer_loan_collection", "months": 18}],
            "source_detail": "BOSS直聘",
        })],
    )
    def create(self, request, *args, **kwargs):
        inp = s.ApplicationCreateInputSerializer(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        data = inp.validated_data
        application = application_submit(
            posting=data["posting"], data=inp.application_data(), resume=data.get("resume"), source=data["source"],
            source_detail=data["source_detail"], referrer=data.get("referrer"), actor=request.user,
        )
        if request.user.role == Role.INTEGRATION_CLIENT:
            application = Application.objects.select_related("stage").get(pk=application.pk)
            return Response(s.ApplicationReceiptSerializer(application).data, status=status.HTTP_201_CREATED)
        return self._detail(application, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Correct the candidate's details (HR): name, mobile, e-mail, ID number, education, Mandarin grade",
        request=s.CandidateUpdateInputSerializer,
        responses={200: s.ApplicationDetailSerializer, **WRITE_ERRORS, **_rule_errors("candidate_anonymised")},
        examples=[OpenApiExample("Add the ID number an offer needs", request_only=True, value={"id_number": "110105194912310021"})],
    )
    def partial_update(self, request, *args, **kwargs):
        application = self.get_object()
        inp = s.CandidateUpdateInputSerializer(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        candidate_update(actor=request.user, candidate=application.candidate, **inp.validated_data)
        return self._detail(application)

    @extend_schema(
        summary="Move to another stage of the posting's pipeline",
        request=s.ApplicationMoveInputSerializer,
        responses={200: s.ApplicationDetailSerializer, **WRITE_ERRORS, **_rule_errors("application_closed, stage_of_other_posting, hire_through_hire")},
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        application = self.get_object()
        inp = s.ApplicationMoveInputSerializer(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        application = application_move(actor=request.user, application=application, **inp.validated_data)
        return self._detail(application)

    @extend_schema(
        summary="Reject with a refuse reason",
        request=s.ApplicationRejectInputSerializer,
        responses={200: s.ApplicationDetailSerializer, **WRITE_ERRORS, **_rule_errors("application_closed")},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        application = self.get_object()
        inp = s.ApplicationRejectInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        application = application_reject(actor=request.user, application=application, **inp.validated_data)
        return self._detail(application)

    @extend_schema(
        summary="Record that the candidate withdrew",
        request=s.NoteInputSerializer,
        responses={200: s.ApplicationDetailSerializer, **WRITE_ERRORS, **_rule_errors("application_closed")},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        application = self.get_object()
        inp = s.NoteInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        application = application_withdraw(actor=request.user, application=application, **inp.validated_data)
        return self._detail(application)


# --- interviews -----------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="Interviews (HR: all; others: those they sit on)", responses={200: s.InterviewSerializer(many=True), **COMMON_ERRORS}),
    retrieve=extend_schema(summary="One interview", responses={200: s.InterviewSerializer, **READ_ERRORS}),
)
class InterviewViewSet(ListFiltersOnlyMixin, ScopedListRetrieveCreateViewSet):
    """Interview rounds. HR schedules (conflict-checked per interviewer) and cancels; each
    interviewer submits one scorecard and sees the others' only after submitting their own."""

    scoped_model = Interview
    permission_table = permissions.INTERVIEW
    filterset_class = InterviewFilterSet
    serializer_class = s.InterviewSerializer

    def refine_queryset(self, queryset):
        return queryset.select_related("application__candidate", "application__posting", "scheduled_by").prefetch_related("interviewers")

    def _out(self, interview: Interview, *, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=interview.pk)
        return Response(s.InterviewSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(
        summary="Schedule an interview round",
        request=s.InterviewScheduleInputSerializer,
        responses={201: s.InterviewSerializer, **WRITE_ERRORS, **_rule_errors("interviewer_conflict, application_closed")},
        examples=[OpenApiExample("Round 1", request_only=True, value={
            "application": 12, "round_name": "初试", "starts_at": "2026-12-01T10:00:00+08:00", "ends_at": "2026-12-01T10:45:00+08:00",
            "interviewers": [3, 5], "location": "深圳市南山区 3 楼会议室",
        })],
    )
    def create(self, request, *args, **kwargs):
        inp = s.InterviewScheduleInputSerializer(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        interview = interview_schedule(actor=request.user, **inp.validated_data)
        return self._out(interview, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Cancel a scheduled interview",
        request=s.NoteInputSerializer,
        responses={200: s.InterviewSerializer, **WRITE_ERRORS, **_rule_errors("interview_not_scheduled")},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        interview = self.get_object()
        inp = s.NoteInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        interview = interview_cancel(actor=request.user, interview=interview, **inp.validated_data)
        return self._out(interview)

    @extend_schema(
        summary="Submit your scorecard (once; every attribute of the role rated 1–4)",
        request=s.ScorecardSubmitInputSerializer,
        responses={201: s.ScorecardSerializer, **WRITE_ERRORS, **_rule_errors("not_on_panel, scorecard_already_submitted, interview_cancelled")},
        examples=[OpenApiExample("Collector round", request_only=True, value={
            "ratings": {"mandarin_clarity": 4, "communication": 3, "pressure_resilience": 3, "compliance_awareness": 4, "service_attitude": 3},
            "recommendation": 3, "notes": "表达清楚，抗压能力较好",
        })],
    )
    @action(detail=True, methods=["post"])
    def scorecard(self, request, pk=None):
        interview = self.get_object()
        inp = s.ScorecardSubmitInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        card = scorecard_submit(interviewer=request.user, interview=interview, **inp.validated_data)
        return Response(s.ScorecardSerializer(card, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Scorecards you may read (an interviewer: none of the others' until their own is in)",
        responses={200: s.ScorecardSerializer(many=True), **READ_ERRORS},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def scorecards(self, request, pk=None):
        interview = self.get_object()
        cards = scorecards_visible_to(user=request.user, interview=interview).select_related("interviewer")
        return Response(s.ScorecardSerializer(cards, many=True, context=self.get_serializer_context()).data)


# --- offers ---------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="Offers (HR: all; supervisor/director: those awaiting their approval)", responses={200: s.OfferSerializer(many=True), **COMMON_ERRORS}),
    retrieve=extend_schema(summary="One offer with its proposals history", responses={200: s.OfferDetailSerializer, **READ_ERRORS}),
)
class OfferViewSet(ListFiltersOnlyMixin, ScopedListRetrieveCreateViewSet):
    """Offers (录用) and their negotiation. Contract term and probation follow the Labour Contract
    Law art. 19–20; an offer outside the posting's salary range needs a supervisor's (of the
    posting's department) or a director's approval before it can be sent."""

    scoped_model = Offer
    permission_table = permissions.OFFER
    serializer_class = s.OfferSerializer
    filterset_fields = ["status"]

    def refine_queryset(self, queryset):
        queryset = queryset.select_related(
            "application__candidate", "application__posting__requisition__team", "approved_by", "created_by",
        )
        if self.action != "list":
            queryset = queryset.prefetch_related(Prefetch("proposals", queryset=OfferProposal.objects.select_related("actor")))
        return queryset

    def get_serializer_class(self):
        return s.OfferSerializer if self.action == "list" else s.OfferDetailSerializer

    def _detail(self, offer: Offer, *, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=offer.pk)
        return Response(s.OfferDetailSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(
        summary="Draft an offer (first company proposal)",
        request=s.OfferCreateInputSerializer,
        responses={201: s.OfferDetailSerializer, **WRITE_ERRORS, **_rule_errors("application_closed, open_offer_exists")},
        examples=[OpenApiExample("Collector offer", request_only=True, value={
            "application": 12, "monthly_wage": "6500.00", "contract_months": 36, "probation_months": 3, "probation_wage": "5200.00",
            "start_on": "2026-12-15", "expires_on": "2026-12-08", "note": "含绩效",
        })],
    )
    def create(self, request, *args, **kwargs):
        inp = s.OfferCreateInputSerializer(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        offer = offer_create(actor=request.user, **inp.validated_data)
        return self._detail(offer, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record a proposal (the candidate's counter or the company's new figure)",
        request=s.OfferCounterInputSerializer,
        responses={200: s.OfferDetailSerializer, **WRITE_ERRORS, **_rule_errors("offer_not_open")},
    )
    @action(detail=True, methods=["post"])
    def counter(self, request, pk=None):
        offer = self.get_object()
        inp = s.OfferCounterInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        data = {k: v for k, v in inp.validated_data.items() if not (k == "probation_wage" and v is None)}
        return self._detail(offer_counter(actor=request.user, offer=offer, **data))

    @extend_schema(
        summary="Approve an offer outside the posting's salary range (supervisor of the department, director)",
        request=None,
        responses={200: s.OfferDetailSerializer, **WRITE_ERRORS, **_rule_errors("offer_approver, offer_needs_no_approval, offer_not_open")},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._detail(offer_approve(actor=request.user, offer=self.get_object()))

    @extend_schema(
        summary="Send the offer to the candidate",
        request=None,
        responses={200: s.OfferDetailSerializer, **WRITE_ERRORS, **_rule_errors("offer_approval_missing, offer_expired, offer_not_open, application_closed")},
    )
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        return self._detail(offer_send(actor=request.user, offer=self.get_object()))

    @extend_schema(
        summary="Record the candidate's answer (accepted → background check; declined → rejected)",
        request=s.OfferDecideInputSerializer,
        responses={200: s.OfferDetailSerializer, **WRITE_ERRORS, **_rule_errors("offer_not_sent, offer_expired")},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        offer = self.get_object()
        inp = s.OfferDecideInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        return self._detail(offer_record_decision(actor=request.user, offer=offer, **inp.validated_data))

    @extend_schema(
        summary="Withdraw an open offer",
        request=s.NoteInputSerializer,
        responses={200: s.OfferDetailSerializer, **WRITE_ERRORS, **_rule_errors("offer_not_open")},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        offer = self.get_object()
        inp = s.NoteInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        return self._detail(offer_withdraw(actor=request.user, offer=offer, **inp.validated_data))
