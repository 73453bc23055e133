"""REST endpoints of the collections app (``/api/v1/``), thin by design (STYLE.md rule 7).

Reads are declarative: a scoped queryset (``ScopedViewSetMixin``: ``visible_to(request.user)``,
so anything out of scope is a 404) narrowed by the app's FilterSet. Writes are explicit: validate
an input serializer, call one service, return an output serializer. Refusals come back in the
one error shape of :mod:`common.api.exceptions`. Decisions are written up in ``docs/api.md``.
"""
from __future__ import annotations

import json

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from common.api.schema import COMMON_ERRORS, WRITE_ERRORS, error_response
from common.api.viewsets import ListFiltersOnlyMixin, ScopedListRetrieveCreateViewSet, ScopedReadOnlyViewSet
from common.errors import ConflictError
from common.permissions import role_can

from .. import permissions
from ..choices import AssignmentReason, PaymentSource
from ..filters import CaseFilterSet, ContactAttemptFilterSet, PaymentFilterSet, PlacementFilterSet, PromiseToPayFilterSet
from ..models import Account, Case, ContactAttempt, Creditor, Payment, Placement, PromiseToPay
from ..selectors import CASE_LIST_RELATED, case_summary, case_timeline
from ..services import case_assign, contact_attempt_record, payment_record, promise_cancel, promise_to_pay_create, request_fingerprint
from ..services.creditors import creditor_create, creditor_update
from common.exports import csv_download_response

from ..services.placements import placement_create, placement_rejected_rows_csv
from . import serializers as s


# --- creditors ------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="Creditors in your scope"),
    retrieve=extend_schema(summary="One creditor"),
)
class CreditorViewSet(ScopedListRetrieveCreateViewSet):
    """Creditors (委托方). Administrators create and edit them (no delete: set ``is_active``
    false); other collections roles read them; an integration client sees its own."""

    scoped_model = Creditor
    permission_table = permissions.CREDITOR
    serializer_class = s.CreditorSerializer

    def refine_queryset(self, queryset):
        if self._is_admin_view():
            queryset = queryset.prefetch_related("integration_clients")
        return queryset

    def _is_admin_view(self) -> bool:
        return role_can(getattr(self.request, "user", None), self.permission_table, "update")

    def get_serializer_class(self):
        return s.CreditorAdminSerializer if self._is_admin_view() else s.CreditorSerializer

    @extend_schema(request=s.CreditorCreateInputSerializer, responses={201: s.CreditorAdminSerializer, **WRITE_ERRORS})
    def create(self, request, *args, **kwargs):
        data = self._validated(s.CreditorCreateInputSerializer(data=request.data, context=self.get_serializer_context()))
        creditor = creditor_create(actor=request.user, **data)
        return Response(s.CreditorAdminSerializer(creditor, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CreditorUpdateInputSerializer, responses={200: s.CreditorAdminSerializer, **WRITE_ERRORS})
    def update(self, request, *args, **kwargs):
        return self._update(request, partial=False)

    @extend_schema(request=s.CreditorUpdateInputSerializer, responses={200: s.CreditorAdminSerializer, **WRITE_ERRORS})
    def partial_update(self, request, *args, **kwargs):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool) -> Response:
        creditor = self.get_object()
        data = self._validated(s.CreditorUpdateInputSerializer(data=request.data, partial=partial, context=self.get_serializer_context()))
        creditor = creditor_update(creditor=creditor, actor=request.user, **data)
        return Response(s.CreditorAdminSerializer(creditor, context=self.get_serializer_context()).data)

    @staticmethod
    def _validated(serializer) -> dict:
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


# --- cases ----------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="Cases in your scope (debtor data masked)", responses={200: s.CaseSerializer(many=True), **COMMON_ERRORS}),
    retrieve=extend_schema(summary="One case with its accounts", responses={200: s.CaseDetailSerializer, **COMMON_ERRORS, 404: error_response("Missing or outside your scope")}),
)
class CaseViewSet(ListFiltersOnlyMixin, ScopedReadOnlyViewSet):
    """Cases (案件) in the caller's scope, filtered by :class:`CaseFilterSet`. Debtor name, ID
    number and phones are masked. ``version`` is the optimistic-lock token for ``assign``."""

    scoped_model = Case
    permission_table = permissions.CASE
    filterset_class = CaseFilterSet
    serializer_class = s.CaseSerializer

    def refine_queryset(self, queryset):
        queryset = queryset.select_related(*CASE_LIST_RELATED)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("accounts", queryset=Account.objects.order_by("account_number")),
                "debtor__contact_points",
            )
        return queryset

    def get_serializer_class(self):
        return s.CaseDetailSerializer if self.action == "retrieve" else s.CaseSerializer

    @extend_schema(
        summary="Open-case count and balances per bucket and tier (same filters as the list)",
        filters=True,
        responses={200: s.CaseSummarySerializer, **COMMON_ERRORS, 400: error_response("Invalid filter")},
    )
    @action(detail=False, methods=["get"])
    def summary(self, request):
        filterset = CaseFilterSet(data=request.query_params, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        data = case_summary(user=request.user, filters=request.query_params, request=request)
        return Response(s.CaseSummarySerializer(data).data)

    @extend_schema(
        summary="Reassign a case to a collector (needs the case version you saw)",
        request=s.CaseAssignInputSerializer,
        responses={
            200: s.AssignmentSerializer, **WRITE_ERRORS,
            409: error_response("stale_case_version: the case changed since you read it (body has current_version); already_assigned"),
            422: error_response("A rule refused it: code names the rule (e.g. lead_assigns_within_team, manual_reassignment_needs_reason)"),
        },
        examples=[OpenApiExample("Reassign", value={"collector": 12, "note": "Escalated: hard case for a senior", "expected_version": 3}, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        case = self.get_object()
        inp = s.CaseAssignInputSerializer(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        assignment = case_assign(
            case=case, collector=inp.validated_data["collector"], actor=request.user, reason=AssignmentReason.MANUAL,
            note=inp.validated_data["note"], expected_version=inp.validated_data["expected_version"],
        )
        return Response(s.AssignmentSerializer(assignment, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="The case timeline, newest first",
        parameters=[OpenApiParameter("limit", int, description="At most this many entries (default 200, max 500)")],
        responses={200: s.TimelineEntrySerializer(many=True), **COMMON_ERRORS, 404: error_response("Missing or outside your scope")},
    )
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        case = self.get_object()
        try:
            limit = max(1, min(500, int(request.query_params.get("limit", 200))))
        except ValueError:
            raise serializers.ValidationError({"limit": [_("A whole number is required.")]}) from None
        return Response(s.TimelineEntrySerializer(case_timeline(case=case, limit=limit), many=True).data)


# --- contact attempts, promises, payments ----------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="Contact attempts on cases in your scope"),
    retrieve=extend_schema(summary="One contact attempt"),
)
class ContactAttemptViewSet(ListFiltersOnlyMixin, ScopedListRetrieveCreateViewSet):
    """Contact attempts (催记), append-only. A collector records them on their own cases; a case
    outside the caller's scope answers 404 exactly like a missing case."""

    scoped_model = ContactAttempt
    permission_table = permissions.CONTACT_ATTEMPT
    filterset_class = ContactAttemptFilterSet
    serializer_class = s.ContactAttemptSerializer

    def refine_queryset(self, queryset):
        return queryset.select_related("actor")

    @extend_schema(request=s.ContactAttemptRecordInputSerializer, responses={201: s.ContactAttemptSerializer, **WRITE_ERRORS, 422: error_response("A rule refused it (e.g. case_not_open, contact_window, daily_connected_contacts)")})
    def create(self, request, *args, **kwargs):
        inp = s.ContactAttemptRecordInputSerializer(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        attempt = contact_attempt_record(actor=request.user, **inp.validated_data)
        return Response(s.ContactAttemptSerializer(attempt, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Promises to pay on cases in your scope"),
    retrieve=extend_schema(summary="One promise to pay"),
)
class PromiseToPayViewSet(ListFiltersOnlyMixin, ScopedListRetrieveCreateViewSet):
    """Promises to pay (承诺还款): amount in CNY, due date a local date."""

    scoped_model = PromiseToPay
    permission_table = permissions.PROMISE
    filterset_class = PromiseToPayFilterSet
    serializer_class = s.PromiseToPaySerializer

    def refine_queryset(self, queryset):
        return queryset.select_related("created_by")

    @extend_schema(request=s.PromiseToPayCreateInputSerializer, responses={201: s.PromiseToPaySerializer, **WRITE_ERRORS, 422: error_response("A rule refused it (e.g. case_not_open)")})
    def create(self, request, *args, **kwargs):
        inp = s.PromiseToPayCreateInputSerializer(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        promise = promise_to_pay_create(actor=request.user, **inp.validated_data)
        return Response(s.PromiseToPaySerializer(promise, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Cancel an open promise (team leads and supervisors)",
        request=s.PromiseToPayCancelInputSerializer,
        responses={200: s.PromiseToPaySerializer, **WRITE_ERRORS, 422: error_response("promise_not_open")},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        promise = self.get_object()
        inp = s.PromiseToPayCancelInputSerializer(data=request.data)
        inp.is_valid(raise_exception=True)
        promise = promise_cancel(promise=promise, actor=request.user, reason=inp.validated_data["reason"])
        return Response(s.PromiseToPaySerializer(promise, context=self.get_serializer_context()).data)


IDEMPOTENCY_KEY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, location=OpenApiParameter.HEADER, required=False,
    description="Up to 100 characters, unique per request you mean once. Repeating a request with the same key "
    "returns the payment it created (200) instead of creating another; the same key with a different body is a 409 "
    "idempotency_key_reused.",
)


@extend_schema_view(
    list=extend_schema(summary="Payments on cases in your scope"),
    retrieve=extend_schema(summary="One payment"),
)
class PaymentViewSet(ListFiltersOnlyMixin, ScopedListRetrieveCreateViewSet):
    """Payments (还款). Recording is idempotent by ``Idempotency-Key`` (per client) and by
    ``external_ref`` (per creditor) — QUALITY.md input 10."""

    scoped_model = Payment
    permission_table = permissions.PAYMENT
    filterset_class = PaymentFilterSet
    serializer_class = s.PaymentSerializer

    def refine_queryset(self, queryset):
        return queryset.select_related("recorded_by")

    @extend_schema(
        summary="Record a payment (idempotent)",
        parameters=[IDEMPOTENCY_KEY_HEADER],
        request=s.PaymentRecordInputSerializer,
        responses={
            201: OpenApiResponse(s.PaymentSerializer, description="Recorded"),
            200: OpenApiResponse(s.PaymentSerializer, description="Already recorded under this Idempotency-Key or external_ref: the same payment"),
            **WRITE_ERRORS,
            409: error_response("idempotency_key_reused (same key, different body) or external_ref_taken"),
        },
        examples=[OpenApiExample("Payment", value={"case": 42, "amount": "1500.00", "paid_on": "2024-01-05", "external_ref": "BANK-20240105-0001"}, request_only=True)],
    )
    def create(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip() or None
        if key is not None and len(key) > 100:
            raise serializers.ValidationError({"Idempotency-Key": [_("At most 100 characters.")]})
        inp = s.PaymentRecordInputSerializer(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        data = inp.validated_data
        external_ref = (data.get("external_ref") or "").strip() or None
        account = data.get("account")
        fingerprint = request_fingerprint({
            "case": data["case"].pk, "amount": str(data["amount"]), "paid_on": data["paid_on"].isoformat(),
            "external_ref": external_ref, "account": account.pk if account else None,
        })
        payment, created = payment_record(
            case=data["case"], amount=data["amount"], paid_on=data["paid_on"], actor=request.user, source=PaymentSource.API,
            external_ref=external_ref, idempotency_key=key, fingerprint=fingerprint, account=account,
        )
        if not created and not Payment.objects.visible_to(request.user).filter(pk=payment.pk).exists():
            # An external_ref already used on a case the caller cannot see: refuse without showing it.
            raise ConflictError(_("This external reference is already used for this creditor."), rule="external_ref_taken")
        body = s.PaymentSerializer(payment, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# --- placements -----------------------------------------------------------------------------------

class CSVRenderer(BaseRenderer):
    """Lets a client ask for ``text/csv``; the view hands over the CSV bytes itself, and an error
    body (a dict) is written as JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, (bytes, str)):
            return data
        return json.dumps(data, ensure_ascii=False).encode()


@extend_schema_view(
    list=extend_schema(summary="Placement import jobs"),
    retrieve=extend_schema(summary="One placement job (poll for progress)"),
)
class PlacementViewSet(ListFiltersOnlyMixin, ScopedListRetrieveCreateViewSet):
    """Placements (分案 files): upload one, then poll it. An integration client places only for
    the creditors it is linked to; any other creditor code is a 404."""

    scoped_model = Placement
    permission_table = permissions.PLACEMENT
    filterset_class = PlacementFilterSet
    serializer_class = s.PlacementSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def refine_queryset(self, queryset):
        return queryset.select_related("creditor", "created_by")

    @extend_schema(
        summary="Upload a placement or status-feed file",
        request={"multipart/form-data": s.PlacementCreateInputSerializer},
        responses={201: s.PlacementSerializer, **WRITE_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        inp = s.PlacementCreateInputSerializer(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        data = inp.validated_data
        upload = data["file"]
        placement = placement_create(
            creditor=data["creditor"], profile=data["profile"], uploaded_file=upload, original_filename=upload.name,
            actor=request.user, as_of=data.get("as_of"), dry_run=data["dry_run"],
        )
        placement.refresh_from_db()
        return Response(s.PlacementSerializer(placement, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Rejected and skipped rows of a placement, as CSV",
        responses={(200, "text/csv"): OpenApiTypes.BINARY, **COMMON_ERRORS, 404: error_response("Missing or outside your scope")},
    )
    @action(detail=True, methods=["get"], url_path="rejected-rows", renderer_classes=[JSONRenderer, CSVRenderer])
    def rejected_rows(self, request, pk=None):
        placement = self.get_object()
        content = placement_rejected_rows_csv(placement=placement, actor=request.user)
        return csv_download_response(content, filename=f"placement-{placement.pk}-rejected-rows.csv")
