"""REST serializers for the collections app.

Two kinds, never mixed (HackSoft styleguide):

* output serializers (``<Model>Serializer``) shape what a read or a write returns. Money is a
  string with two decimals (CNY), dates are ISO local dates, timestamps ISO 8601 with offset.
  Debtor personal data is always masked here (DOMAIN.md "Display masking"): name ``张*``, ID
  ``110105********002X``, mobile ``138****8000``; an unmasked value never leaves the API.
* input serializers (``<Model><Action>InputSerializer``) validate one write; the view hands
  ``validated_data`` to one service. Related objects are resolved through
  ``Model.objects.visible_to(request.user)``; a case or creditor the caller may not see answers
  404 exactly like a missing one (Zulip habit: "missing" and "not yours" look the same).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from common.api.fields import ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField
from common.validators import mask_contact, mask_free_text, mask_id_number, mask_name
from teams.api.serializers import TeamRefSerializer, UserRefSerializer
from teams.choices import Role
from teams.models import User

from ..choices import Channel, ContactParty, Direction, ProductType
from ..imports.profiles import PROFILES
from ..models import (
    Account, Assignment, Case, ContactAttempt, ContactPoint, Creditor, Debtor, Payment, Placement, PromiseToPay,
    ResultCode,
)

#: Amount inputs: CNY, at most 9,999,999,999.99 (QUALITY.md field input 9: three decimal places or
#: more digits than this are a 400 naming the field, never silently rounded).
AMOUNT_INPUT = {"max_digits": 12, "decimal_places": 2}


class CaseReferenceField(ScopedPrimaryKeyRelatedField):
    """A case id in a request body; missing or outside the caller's scope → 404."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(scoped_model=Case, not_found_as_404=True, **kwargs)


# --- small nested shapes --------------------------------------------------------------------------

class CreditorBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Creditor
        fields = ["id", "code", "name"]
        read_only_fields = fields


class MaskedField(serializers.CharField):
    """A read-only string shown through a masking function (never the raw value)."""

    def __init__(self, mask, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        self.mask = mask
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return self.mask(str(value))


class DebtorMaskedSerializer(serializers.ModelSerializer):
    """The debtor as every API caller sees it: masked name and ID number."""

    name = MaskedField(mask_name)
    id_number = MaskedField(mask_id_number, allow_null=True)

    class Meta:
        model = Debtor
        fields = ["id", "name", "id_number"]


class ContactPointMaskedSerializer(serializers.ModelSerializer):
    value = serializers.SerializerMethodField()
    contact_name = MaskedField(mask_name)

    class Meta:
        model = ContactPoint
        fields = ["id", "kind", "party", "value", "contact_name", "relation", "is_valid", "do_not_contact"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_value(self, obj: ContactPoint) -> str:
        return mask_contact(obj.kind, obj.value)


class DebtorDetailMaskedSerializer(DebtorMaskedSerializer):
    contact_points = ContactPointMaskedSerializer(many=True, read_only=True)

    class Meta(DebtorMaskedSerializer.Meta):
        fields = DebtorMaskedSerializer.Meta.fields + ["contact_points"]


# --- creditors ------------------------------------------------------------------------------------

class CreditorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Creditor
        fields = ["id", "code", "name", "default_product", "is_active", "created_at"]
        read_only_fields = fields


class CreditorAdminSerializer(CreditorSerializer):
    """What an administrator sees: also the integration clients linked to the creditor."""

    integration_clients = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)

    class Meta(CreditorSerializer.Meta):
        fields = CreditorSerializer.Meta.fields + ["integration_clients"]
        read_only_fields = fields


class _IntegrationClientField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="username", queryset=User.objects.filter(role=Role.INTEGRATION_CLIENT, is_active=True), **kwargs)


class CreditorCreateInputSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=40)
    name = serializers.CharField(max_length=200)
    default_product = serializers.ChoiceField(choices=ProductType.choices, default=ProductType.LOAN)
    is_active = serializers.BooleanField(default=True)
    integration_clients = serializers.ListField(child=_IntegrationClientField(), required=False)


class CreditorUpdateInputSerializer(serializers.Serializer):
    """PUT replaces every editable field, PATCH (``partial=True``) some. The code is fixed at
    creation: integrations and placement files refer to creditors by it."""

    name = serializers.CharField(max_length=200)
    default_product = serializers.ChoiceField(choices=ProductType.choices)
    is_active = serializers.BooleanField()
    integration_clients = serializers.ListField(child=_IntegrationClientField(), required=False)


# --- cases ----------------------------------------------------------------------------------------

CASE_FIELDS = [
    "id", "debtor", "creditor", "status", "bucket", "delinquency_basis", "days_past_due", "cycles_delinquent",
    "risk_tier", "tier_rule", "overdue_amount", "outstanding_balance", "paid_amount", "collector", "team",
    "assigned_at", "next_action_at", "last_contacted_at", "lost_contact", "opened_on", "cured_on",
    "bucket_entered_on", "as_of", "version", "updated_at",
]


class CaseSerializer(serializers.ModelSerializer):
    """A case row in a list. ``version`` is what ``assign`` expects back as ``expected_version``."""

    debtor = DebtorMaskedSerializer(read_only=True)
    creditor = CreditorBriefSerializer(read_only=True)
    collector = UserRefSerializer(read_only=True, allow_null=True)
    team = TeamRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = CASE_FIELDS
        read_only_fields = fields


class AccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = Account
        fields = [
            "id", "account_number", "product", "overdue_principal", "overdue_interest", "overdue_fees",
            "overdue_amount", "outstanding_balance", "credit_limit", "delinquency_basis", "days_past_due",
            "cycles_delinquent", "earliest_due_date", "is_past_due", "as_of",
        ]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    """One case with its accounts and the debtor's (masked) contact points."""

    debtor = DebtorDetailMaskedSerializer(read_only=True)
    accounts = AccountSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = CASE_FIELDS + ["accounts"]
        read_only_fields = fields


class SummaryFiguresSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    outstanding_balance = serializers.DecimalField(max_digits=20, decimal_places=2)
    overdue_amount = serializers.DecimalField(max_digits=20, decimal_places=2)


class SummaryBucketRowSerializer(SummaryFiguresSerializer):
    bucket = serializers.CharField()


class SummaryTierRowSerializer(SummaryFiguresSerializer):
    risk_tier = serializers.CharField()


class CaseSummarySerializer(serializers.Serializer):
    """Shape of :func:`collections_app.selectors.case_summary` (amounts CNY as strings)."""

    basis = serializers.CharField()
    total = SummaryFiguresSerializer()
    by_bucket = SummaryBucketRowSerializer(many=True)
    by_tier = SummaryTierRowSerializer(many=True)


class CaseAssignInputSerializer(serializers.Serializer):
    """Manual (re)assignment. ``collector`` resolves through ``User.objects.visible_to(actor)``;
    ``note`` is the reason (the service refuses an empty one: ``manual_reassignment_needs_reason``);
    ``expected_version`` is the case ``version`` the caller saw (stale → 409)."""

    collector = ScopedPrimaryKeyRelatedField(scoped_model=User)
    note = serializers.CharField(allow_blank=True, default="", help_text=_("Why the case changes hands"))
    expected_version = serializers.IntegerField(min_value=1)


class AssignmentSerializer(serializers.ModelSerializer):
    collector = UserRefSerializer(read_only=True)
    team = TeamRefSerializer(read_only=True, allow_null=True)
    previous_collector = UserRefSerializer(read_only=True, allow_null=True)
    assigned_by = UserRefSerializer(read_only=True, allow_null=True)
    case_version = serializers.IntegerField(source="case.version", read_only=True, help_text=_("The case version after this assignment"))

    class Meta:
        model = Assignment
        fields = ["id", "case", "collector", "team", "previous_collector", "assigned_by", "reason", "note", "assigned_at", "case_version"]
        read_only_fields = fields


class TimelineEntrySerializer(serializers.Serializer):
    """One timeline line: ``kind`` is attempt / promise / payment / assignment / bucket; ``data``
    holds that entry's figures (amounts as strings, no unmasked personal data)."""

    at = serializers.DateTimeField()
    kind = serializers.CharField()
    data = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_data(self, entry) -> dict[str, Any]:
        obj = entry.obj
        if entry.kind == "attempt":
            return {
                "id": obj.pk, "channel": obj.channel, "party": obj.party, "result_code": obj.result_code_id,
                "actor": obj.actor.display_name if obj.actor else None, "duration_seconds": obj.duration_seconds,
                "note": mask_free_text(obj.note),
            }
        if entry.kind == "promise":
            return {"id": obj.pk, "amount": str(obj.amount), "due_date": obj.due_date.isoformat(), "status": obj.status, "paid_amount": str(obj.paid_amount)}
        if entry.kind == "payment":
            return {"id": obj.pk, "amount": str(obj.amount), "paid_on": obj.paid_on.isoformat(), "source": obj.source}
        if entry.kind == "assignment":
            return {
                "id": obj.pk, "collector": obj.collector.display_name, "reason": obj.reason, "note": mask_free_text(obj.note),
                "assigned_by": obj.assigned_by.display_name if obj.assigned_by else None,
            }
        return {
            "bucket": obj.bucket, "entered_on": obj.entered_on.isoformat(),
            "left_on": obj.left_on.isoformat() if obj.left_on else None, "days_past_due": obj.days_past_due,
        }


# --- contact attempts -----------------------------------------------------------------------------

class ContactAttemptSerializer(serializers.ModelSerializer):
    actor = UserRefSerializer(read_only=True, allow_null=True)
    result_code = serializers.CharField(source="result_code_id", read_only=True)
    note = MaskedField(mask_free_text)  # notes may quote an ID number or a phone number

    class Meta:
        model = ContactAttempt
        fields = [
            "id", "case", "channel", "party", "direction", "contact_point", "actor", "started_at", "duration_seconds",
            "result_code", "note", "next_action_at", "recording_ref", "corrects", "created_at",
        ]
        read_only_fields = fields


class ContactAttemptRecordInputSerializer(serializers.Serializer):
    """Input of :func:`collections_app.services.contact_attempt_record`; ``started_at`` defaults to now."""

    case = CaseReferenceField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    result_code = serializers.SlugRelatedField(slug_field="code", queryset=ResultCode.objects.filter(is_active=True))
    party = serializers.ChoiceField(choices=ContactParty.choices, default=ContactParty.DEBTOR)
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.OUTBOUND)
    contact_point = ScopedPrimaryKeyRelatedField(scoped_model=ContactPoint, required=False, allow_null=True)
    started_at = serializers.DateTimeField(required=False, allow_null=True)
    duration_seconds = serializers.IntegerField(min_value=0, default=0)
    note = serializers.CharField(allow_blank=True, default="")
    next_action_at = serializers.DateTimeField(required=False, allow_null=True)
    recording_ref = serializers.CharField(max_length=255, allow_blank=True, default="")
    corrects = ScopedPrimaryKeyRelatedField(scoped_model=ContactAttempt, required=False, allow_null=True)
    override_reason = serializers.CharField(
        max_length=500, allow_blank=True, default="",
        help_text="Supervisor or administrator only: why a contact-policy refusal is waived (audited; docs/compliance.md).",
    )


# --- promises -------------------------------------------------------------------------------------

class PromiseToPaySerializer(serializers.ModelSerializer):
    created_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = PromiseToPay
        fields = ["id", "case", "attempt", "amount", "due_date", "grace_days", "status", "paid_amount", "created_by", "created_at", "resolved_on"]
        read_only_fields = fields


class PromiseToPayCreateInputSerializer(serializers.Serializer):
    """Input of :func:`collections_app.services.promise_to_pay_create`: CNY amount, local due date."""

    case = CaseReferenceField()
    amount = serializers.DecimalField(**AMOUNT_INPUT, min_value=Decimal("0.01"))
    due_date = serializers.DateField()
    attempt = ScopedPrimaryKeyRelatedField(scoped_model=ContactAttempt, required=False, allow_null=True)


class PromiseToPayCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


# --- payments -------------------------------------------------------------------------------------

class PaymentSerializer(serializers.ModelSerializer):
    recorded_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Payment
        fields = ["id", "case", "creditor", "account", "amount", "paid_on", "external_ref", "source", "recorded_by", "created_at"]
        read_only_fields = fields


class PaymentRecordInputSerializer(serializers.Serializer):
    """Input of :func:`collections_app.services.payment_record`: CNY amount (two decimals at
    most), local date received, optional creditor reference (idempotent per creditor)."""

    case = CaseReferenceField()
    amount = serializers.DecimalField(**AMOUNT_INPUT, min_value=Decimal("0.01"))
    paid_on = serializers.DateField()
    external_ref = serializers.CharField(max_length=100, required=False, allow_blank=True, allow_null=True)
    account = ScopedPrimaryKeyRelatedField(scoped_model=Account, required=False, allow_null=True)


# --- placements -----------------------------------------------------------------------------------

class PlacementProgressSerializer(serializers.Serializer):
    rows_total = serializers.IntegerField()
    rows_processed = serializers.IntegerField()
    percent = serializers.IntegerField(source="progress_percent")


class PlacementSerializer(serializers.ModelSerializer):
    """An import job, polled for progress. ``counts`` is the importer's tally per outcome."""

    creditor = CreditorBriefSerializer(read_only=True)
    created_by = UserRefSerializer(read_only=True, allow_null=True)
    progress = PlacementProgressSerializer(source="*", read_only=True)
    counts = serializers.JSONField(read_only=True)
    links = serializers.SerializerMethodField()

    class Meta:
        model = Placement
        fields = [
            "id", "creditor", "profile", "original_filename", "as_of", "dry_run", "status", "progress", "counts",
            "error_message", "created_by", "created_at", "started_at", "finished_at", "links",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {"type": "object", "properties": {"self": {"type": "string", "format": "uri"}, "rejected_rows": {"type": "string", "format": "uri"}}}
    )
    def get_links(self, obj: Placement) -> dict[str, str]:
        request = self.context.get("request")
        return {
            "self": reverse("api:placement-detail", kwargs={"pk": obj.pk}, request=request),
            "rejected_rows": reverse("api:placement-rejected-rows", kwargs={"pk": obj.pk}, request=request),
        }


class PlacementCreateInputSerializer(serializers.Serializer):
    """Multipart upload of one placement or status-feed file (CSV or XLSX)."""

    file = serializers.FileField()
    creditor = ScopedSlugRelatedField(scoped_model=Creditor, slug_field="code", not_found_as_404=True, help_text=_("Creditor code"))
    profile = serializers.ChoiceField(
        choices=[(name, profile.label) for name, profile in PROFILES.items()], help_text=_("Column-mapping profile (docs/import-format.md)")
    )
    as_of = serializers.DateField(required=False, allow_null=True, help_text=_("Local date for rows without their own"))
    dry_run = serializers.BooleanField(default=False, help_text=_("Validate and count only; store nothing"))
