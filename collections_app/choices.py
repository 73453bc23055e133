from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProductType(models.TextChoices):
    LOAN = "loan", _("Consumer loan")
    CARD = "card", _("Credit card")


class DelinquencyBasis(models.TextChoices):
    """Which delinquency measure the feed gave (DOMAIN.md: never invent DPD from cycles)."""

    DPD = "dpd", _("Days past due")
    CYCLES = "cycles", _("Cycles delinquent")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ON_HOLD = "on_hold", _("On hold")
    CURED = "cured", _("Cured")
    CLOSED = "closed", _("Closed")


class RiskTier(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


RISK_TIER_RANK = {RiskTier.LOW: 0, RiskTier.MEDIUM: 1, RiskTier.HIGH: 2}


class ContactKind(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    LANDLINE = "landline", _("Landline")
    ADDRESS = "address", _("Address")
    EMAIL = "email", _("E-mail")


class ContactParty(models.TextChoices):
    DEBTOR = "debtor", _("Debtor")
    GUARANTOR = "guarantor", _("Guarantor")
    EMERGENCY_CONTACT = "emergency_contact", _("Emergency contact")
    OTHER = "other", _("Other third party")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    APP_MESSAGE = "app_message", _("App message")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    FIELD_VISIT = "field_visit", _("Field visit")


class Direction(models.TextChoices):
    OUTBOUND = "outbound", _("Outbound")
    INBOUND = "inbound", _("Inbound")


class PromiseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("promise status", "Open")
    KEPT = "kept", _("Kept")
    PARTIALLY_KEPT = "partially_kept", _("Partially kept")
    BROKEN = "broken", _("Broken")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentSource(models.TextChoices):
    API = "api", _("API")
    FEED = "feed", _("Status feed")
    MANUAL = "manual", _("Manual entry")


class AssignmentReason(models.TextChoices):
    """Why a case changed hands (DOMAIN.md allocation step 5)."""

    NEW_CASE = "new_case", _("New case")
    BUCKET_CHANGE = "bucket_change", _("Bucket change")
    MONTH_START = "month_start", _("Month-start regroup")
    NO_PROGRESS = "no_progress", _("No progress for N days")
    COLLECTOR_UNAVAILABLE = "collector_unavailable", _("Collector unavailable")
    MANUAL = "manual", _("Manual reassignment")
    CLAIM = "claim", _("Claimed by collector")


class PlacementStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class AllocationRunStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class UnallocatedReason(models.TextChoices):
    """Why the allocation engine left a case without a (new) collector."""

    NO_TEAM = "no_team", _("No team works this bucket and tier")
    NO_ELIGIBLE_COLLECTOR = "no_eligible_collector", _("No eligible collector")
    CAPACITY = "capacity", _("Every eligible collector is at capacity")
    DAILY_CAP = "daily_cap", _("Every eligible collector reached the daily new-case cap")
