"""Collections data: creditors, debtors, accounts, cases and everything done to a case.

Money is CNY ``Decimal`` (18 digits, 2 places); dates are Asia/Shanghai local dates.
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.storage import PrivateStorage

from .choices import (
    AllocationRunStatus, AssignmentReason, CaseStatus, Channel, ContactKind, ContactParty, DelinquencyBasis, Direction,
    PaymentSource, PlacementStatus, ProductType, PromiseStatus, RiskTier,
)
from .querysets import (
    AccountQuerySet, AssignmentQuerySet, CaseChildQuerySet, CaseQuerySet, CreditorQuerySet,
    DebtorQuerySet, PlacementQuerySet,
)

ZERO = Decimal("0.00")


def money(verbose_name, **kwargs) -> models.DecimalField:
    """CNY amount: up to 9,999,999,999,999,999.99, two decimals."""
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(verbose_name, max_digits=18, decimal_places=2, **kwargs)


def private_storage() -> FileSystemStorage:
    """Placement files hold personal data: stored outside MEDIA_ROOT and never served directly."""
    return PrivateStorage()


# --- configuration (DOMAIN.md defaults, editable by administrators) -----------------------------

class BucketDefinition(models.Model):
    """A delinquency bucket: DPD range and the cycles-delinquent count that maps to it (DOMAIN.md)."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    min_dpd = models.PositiveIntegerField(_("min DPD"))
    max_dpd = models.PositiveIntegerField(_("max DPD"), null=True, blank=True, help_text=_("Empty = no upper bound"))
    min_cycles = models.PositiveSmallIntegerField(_("min cycles delinquent"))
    max_cycles = models.PositiveSmallIntegerField(_("max cycles delinquent"), null=True, blank=True)

    class Meta:
        verbose_name = _("delinquency bucket")
        verbose_name_plural = _("delinquency buckets")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.code


class TierRule(models.Model):
    """One risk-tier rule; rules are evaluated by ``order`` and the first match wins.

    A rule matches when ANY of its set conditions holds (DOMAIN.md "Risk tier").
    """

    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)
    tier = models.CharField(_("risk tier"), max_length=8, choices=RiskTier.choices)
    min_bucket_order = models.PositiveSmallIntegerField(_("bucket at least (order)"), null=True, blank=True)
    exact_bucket_order = models.PositiveSmallIntegerField(_("bucket exactly (order)"), null=True, blank=True)
    min_overdue_amount = money(_("overdue amount at least"), null=True, blank=True, default=None)
    min_broken_promises = models.PositiveSmallIntegerField(_("broken promises at least"), null=True, blank=True)
    broken_promise_window_days = models.PositiveSmallIntegerField(_("broken-promise window (days)"), default=180)
    on_lost_contact = models.BooleanField(_("matches lost contact"), default=False)
    is_catch_all = models.BooleanField(_("matches everything"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("risk-tier rule")
        verbose_name_plural = _("risk-tier rules")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class ResultCode(models.Model):
    """A contact-attempt result code (mo9 codes as anchor, DOMAIN.md)."""

    code = models.CharField(_("code"), max_length=32, primary_key=True)
    label_zh = models.CharField(_("label (Chinese)"), max_length=64)
    label_en = models.CharField(_("label (English)"), max_length=64)
    is_connect = models.BooleanField(_("connect"), default=False)
    is_right_party = models.BooleanField(_("right-party contact"), default=False)
    needs_follow_up = models.BooleanField(_("needs follow-up"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("result code")
        verbose_name_plural = _("result codes")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        return self.label_zh if (get_language() or "zh-hans").startswith("zh") else self.label_en


class AllocationPolicy(models.Model):
    """The department's allocation settings (DOMAIN.md "Allocation"); one row (pk=1) is used."""

    regroup_at_month_start = models.BooleanField(_("re-allocate at month start"), default=False)
    reallocate_after_days_without_progress = models.PositiveSmallIntegerField(
        _("re-allocate after N days without progress"), null=True, blank=True
    )
    promise_grace_days = models.PositiveSmallIntegerField(_("promise grace days"), default=0)

    class Meta:
        verbose_name = _("allocation policy")
        verbose_name_plural = _("allocation policy")

    def __str__(self) -> str:
        return str(_("Allocation policy"))

    @classmethod
    def current(cls) -> "AllocationPolicy":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


# --- parties and accounts -------------------------------------------------------------------------

class Creditor(models.Model):
    """委托方: the lender that places accounts."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    default_product = models.CharField(_("default product"), max_length=8, choices=ProductType.choices, default=ProductType.LOAN)
    is_active = models.BooleanField(_("active"), default=True)
    integration_clients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("integration clients"), blank=True, related_name="integration_creditors",
        help_text=_("API clients that may push placements and payments for this creditor and read its cases"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CreditorQuerySet.as_manager()

    class Meta:
        verbose_name = _("creditor")
        verbose_name_plural = _("creditors")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Debtor(models.Model):
    """借款人. Identified by ID number when the feed gives one, else by (creditor, customer_ref)."""

    name = models.CharField(_("name"), max_length=100)
    id_number = models.CharField(_("ID number"), max_length=18, null=True, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True, help_text=_("Derived from the ID number"))
    source_creditor = models.ForeignKey(Creditor, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    customer_ref = models.CharField(_("customer reference"), max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DebtorQuerySet.as_manager()

    class Meta:
        verbose_name = _("debtor")
        verbose_name_plural = _("debtors")
        constraints = [
            models.UniqueConstraint(fields=["id_number"], condition=Q(id_number__isnull=False), name="debtor_id_number_unique"),
            models.UniqueConstraint(
                fields=["source_creditor", "customer_ref"], condition=Q(customer_ref__isnull=False),
                name="debtor_customer_ref_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ContactPoint(models.Model):
    """A way to reach the debtor or a third party; mobiles stored in E.164."""

    debtor = models.ForeignKey(Debtor, verbose_name=_("debtor"), on_delete=models.CASCADE, related_name="contact_points",
                               db_index=False)  # leading column of contact_point_unique
    kind = models.CharField(_("kind"), max_length=16, choices=ContactKind.choices)
    value = models.CharField(_("value"), max_length=255)
    party = models.CharField(_("party"), max_length=24, choices=ContactParty.choices, default=ContactParty.DEBTOR)
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    relation = models.CharField(_("relation"), max_length=50, blank=True)
    is_valid = models.BooleanField(_("valid"), default=True)
    do_not_contact = models.BooleanField(_("do not contact"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CaseChildQuerySet.as_manager_for("debtor", "debtor_id")

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        ordering = ["party", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["debtor", "kind", "value", "party"], name="contact_point_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class Case(models.Model):
    """案件: one debtor × one creditor, grouping that debtor's overdue accounts (归户).

    Delinquency fields are the worst of the case's past-due accounts; ``version`` increases
    on every assignment so two simultaneous assignments cannot both win (QUALITY.md input 11).
    """

    debtor = models.ForeignKey(Debtor, verbose_name=_("debtor"), on_delete=models.PROTECT, related_name="cases",
                               db_index=False)  # leading column of one_case_per_debtor_creditor
    creditor = models.ForeignKey(Creditor, verbose_name=_("creditor"), on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    bucket = models.CharField(_("bucket"), max_length=8, default="M0")
    delinquency_basis = models.CharField(_("delinquency basis"), max_length=8, choices=DelinquencyBasis.choices, default=DelinquencyBasis.DPD)
    days_past_due = models.PositiveIntegerField(_("DPD"), null=True, blank=True)
    cycles_delinquent = models.PositiveSmallIntegerField(_("cycles delinquent"), null=True, blank=True)
    risk_tier = models.CharField(_("risk tier"), max_length=8, choices=RiskTier.choices, default=RiskTier.LOW)
    tier_rule = models.CharField(_("matched tier rule"), max_length=64, blank=True)
    overdue_amount = money(_("overdue amount"))
    outstanding_balance = money(_("outstanding balance"))
    paid_amount = money(_("paid amount"))
    collector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("collector"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases",
                                  db_index=False)  # leading column of the (collector, status) index
    team = models.ForeignKey("teams.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases",
                             db_index=False)  # leading column of the (team, status) index
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    next_action_at = models.DateTimeField(_("next action at"), null=True, blank=True)
    last_contacted_at = models.DateTimeField(_("last contacted at"), null=True, blank=True)
    lost_contact = models.BooleanField(_("lost contact"), default=False)
    opened_on = models.DateField(_("opened on"))
    cured_on = models.DateField(_("cured on"), null=True, blank=True)
    bucket_entered_on = models.DateField(_("bucket entered on"))
    as_of = models.DateField(_("as of"))
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-overdue_amount", "id"]
        constraints = [
            models.UniqueConstraint(fields=["debtor", "creditor"], name="one_case_per_debtor_creditor"),
        ]
        indexes = [
            models.Index(fields=["collector", "status"]),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["status", "bucket"]),
            models.Index(fields=["status", "risk_tier"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.creditor}"

    @property
    def is_open(self) -> bool:
        return self.status in (CaseStatus.OPEN, CaseStatus.ON_HOLD)


class Account(models.Model):
    """账户: one loan or card account as the latest accepted feed row described it."""

    creditor = models.ForeignKey(Creditor, verbose_name=_("creditor"), on_delete=models.PROTECT, related_name="accounts",
                                 db_index=False)  # leading column of account_number_unique_per_creditor
    account_number = models.CharField(_("account number"), max_length=64)
    debtor = models.ForeignKey(Debtor, verbose_name=_("debtor"), on_delete=models.PROTECT, related_name="accounts")
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="accounts")
    product = models.CharField(_("product"), max_length=8, choices=ProductType.choices, default=ProductType.LOAN)
    overdue_principal = money(_("overdue principal"))
    overdue_interest = money(_("overdue interest"))
    overdue_fees = money(_("overdue fees"))
    overdue_amount = money(_("overdue amount"))
    outstanding_balance = money(_("outstanding balance"))
    credit_limit = money(_("credit limit"), null=True, blank=True, default=None)
    delinquency_basis = models.CharField(_("delinquency basis"), max_length=8, choices=DelinquencyBasis.choices, default=DelinquencyBasis.DPD)
    days_past_due = models.PositiveIntegerField(_("DPD"), null=True, blank=True)
    cycles_delinquent = models.PositiveSmallIntegerField(_("cycles delinquent"), null=True, blank=True)
    earliest_due_date = models.DateField(_("earliest unpaid due date"), null=True, blank=True)
    is_past_due = models.BooleanField(_("past due"), default=True)
    as_of = models.DateField(_("as of"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["creditor", "account_number"]
        constraints = [
            models.UniqueConstraint(fields=["creditor", "account_number"], name="account_number_unique_per_creditor"),
        ]

    def __str__(self) -> str:
        return self.account_number


class CaseBucketHistory(models.Model):
    """One stay of a case in a bucket: entered on, left on (Fineract delinquency tag history)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="bucket_history",
                             db_index=False)  # leading column of the (case, entered_on) index
    bucket = models.CharField(_("bucket"), max_length=8)
    entered_on = models.DateField(_("entered on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    days_past_due = models.PositiveIntegerField(_("DPD"), null=True, blank=True)
    cycles_delinquent = models.PositiveSmallIntegerField(_("cycles delinquent"), null=True, blank=True)
    placement = models.ForeignKey("collections_app.Placement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = CaseChildQuerySet.as_manager_for("case")

    class Meta:
        verbose_name = _("bucket history")
        verbose_name_plural = _("bucket history")
        ordering = ["case", "entered_on", "id"]
        indexes = [models.Index(fields=["case", "entered_on"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.bucket} {self.entered_on}"


class Assignment(models.Model):
    """Who works a case from when to when, and why (DOMAIN.md allocation step 5)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="assignments")
    collector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("collector"), on_delete=models.PROTECT, related_name="assignments")
    team = models.ForeignKey("teams.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    previous_collector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason"), max_length=32, choices=AssignmentReason.choices)
    note = models.TextField(_("note"), blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True, help_text=_("Strategy, rule, tier and load figures"))
    assigned_at = models.DateTimeField(_("assigned at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["case", "assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(ended_at__isnull=True), name="one_current_assignment_per_case"),
        ]
        indexes = [models.Index(fields=["collector", "assigned_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.collector_id}"


class ContactAttempt(models.Model):
    """催记: one call, message, visit or letter. Append-only; a correction references the attempt it corrects."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="contact_attempts")
    contact_point = models.ForeignKey(ContactPoint, verbose_name=_("contact point"), null=True, blank=True, on_delete=models.PROTECT, related_name="attempts")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("collector"), null=True, blank=True, on_delete=models.PROTECT, related_name="contact_attempts")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    party = models.CharField(_("party"), max_length=24, choices=ContactParty.choices, default=ContactParty.DEBTOR)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.OUTBOUND)
    started_at = models.DateTimeField(_("started at"))
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), default=0)
    result_code = models.ForeignKey(ResultCode, verbose_name=_("result code"), on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    next_action_at = models.DateTimeField(_("next action at"), null=True, blank=True)
    recording_ref = models.CharField(_("recording reference"), max_length=255, blank=True)
    corrects = models.ForeignKey("self", verbose_name=_("corrects"), null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = CaseChildQuerySet.as_manager_for("case")

    class Meta:
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["case", "started_at"]), models.Index(fields=["actor", "started_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.channel} {self.result_code_id}"


class PromiseToPay(models.Model):
    """承诺还款 (DOMAIN.md "Promise to pay"). ``paid_amount`` is what FIFO application has put on it."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="promises")
    attempt = models.ForeignKey(ContactAttempt, verbose_name=_("contact attempt"), null=True, blank=True, on_delete=models.PROTECT, related_name="promises")
    amount = money(_("promised amount"))
    due_date = models.DateField(_("due date"))
    grace_days = models.PositiveSmallIntegerField(_("grace days"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=PromiseStatus.choices, default=PromiseStatus.OPEN)
    paid_amount = money(_("paid against promise"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("taken by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    objects = CaseChildQuerySet.as_manager_for("case")

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        ordering = ["due_date", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="promise_amount_positive")]
        indexes = [models.Index(fields=["status", "due_date"]), models.Index(fields=["case", "status"])]

    def __str__(self) -> str:
        return f"{self.case_id} ¥{self.amount} {self.due_date}"


class Payment(models.Model):
    """还款. Idempotent by ``external_ref`` (per creditor) and by ``Idempotency-Key`` (per client)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="payments")
    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(Account, verbose_name=_("account"), null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    amount = money(_("amount"))
    paid_on = models.DateField(_("paid on"))
    external_ref = models.CharField(_("external reference"), max_length=100, null=True, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, null=True, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=PaymentSource.choices, default=PaymentSource.API)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = CaseChildQuerySet.as_manager_for("case")

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(fields=["creditor", "external_ref"], condition=Q(external_ref__isnull=False), name="payment_external_ref_unique"),
            models.UniqueConstraint(fields=["recorded_by", "idempotency_key"], condition=Q(idempotency_key__isnull=False), name="payment_idempotency_key_unique"),
        ]
        indexes = [models.Index(fields=["case", "paid_on"]), models.Index(fields=["paid_on"])]

    def __str__(self) -> str:
        return f"{self.case_id} ¥{self.amount} {self.paid_on}"


class Placement(models.Model):
    """分案 import job: one placement or status-feed file and what became of each row."""

    creditor = models.ForeignKey(Creditor, verbose_name=_("creditor"), on_delete=models.PROTECT, related_name="placements")
    profile = models.CharField(_("mapping profile"), max_length=40)
    source_file = models.FileField(_("file"), storage=private_storage, upload_to="placements/%Y/%m/", max_length=255)
    original_filename = models.CharField(_("file name"), max_length=255)
    as_of = models.DateField(_("as of"), null=True, blank=True, help_text=_("Used for rows without their own as-of date"))
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=PlacementStatus.choices, default=PlacementStatus.PENDING)
    rows_total = models.PositiveIntegerField(_("rows in file"), default=0)
    rows_processed = models.PositiveIntegerField(_("rows processed"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error_message = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.creditor.code} {self.original_filename}"

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status in (PlacementStatus.SUCCEEDED, PlacementStatus.FAILED) else 0
        return min(100, int(self.rows_processed * 100 / self.rows_total))


class PlacementRowError(models.Model):
    """A rejected or skipped row: its line number in the file, the reason and the raw values."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="row_errors")
    line_number = models.PositiveIntegerField(_("line"))
    account_number = models.CharField(_("account number"), max_length=64, blank=True)
    is_skip = models.BooleanField(_("skipped (not rejected)"), default=False)
    reason = models.TextField(_("reason"))
    raw = models.JSONField(_("row"), default=dict, blank=True)

    class Meta:
        verbose_name = _("placement row error")
        verbose_name_plural = _("placement row errors")
        ordering = ["placement", "line_number", "id"]

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.reason}"


class AllocationRun(models.Model):
    """One run of the allocation engine (分案, DOMAIN.md "Allocation"): long work gets a row.

    ``today`` is the local business date the run allocated for. ``result`` holds per-team and
    per-collector figures (open cases, overdue amount in CNY as strings, new cases) and the counts
    of cases left unallocated by reason; its shape is documented in
    ``collections_app.services.allocation.allocation_run``.
    """

    status = models.CharField(
        _("status"), max_length=16, choices=AllocationRunStatus.choices, default=AllocationRunStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("Empty when the nightly schedule started the run"),
    )
    today = models.DateField(_("business date"))
    result = models.JSONField(_("result"), default=dict, blank=True)
    error_message = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "today"])]

    def __str__(self) -> str:
        return f"{_('Allocation run')} #{self.pk} {self.today} {self.get_status_display()}"
