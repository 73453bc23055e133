"""Administrator configuration: buckets, tier rules, result codes, allocation policy, creditors,
and the placement and allocation job logs. Case and debtor data are not in the admin: the
administrator role sees configuration and the audit log only (PRODUCT.md)."""
from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import (
    AllocationPolicy, AllocationRun, BucketDefinition, Creditor, Placement, ResultCode, TierRule,
)


@admin.register(BucketDefinition)
class BucketDefinitionAdmin(admin.ModelAdmin):
    list_display = ("code", "order", "min_dpd", "max_dpd", "min_cycles", "max_cycles")


@admin.register(TierRule)
class TierRuleAdmin(admin.ModelAdmin):
    list_display = ("order", "name", "tier", "min_bucket_order", "exact_bucket_order", "min_overdue_amount",
                    "min_broken_promises", "on_lost_contact", "is_catch_all", "is_active")
    list_editable = ("is_active",)


@admin.register(ResultCode)
class ResultCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "label_zh", "label_en", "is_connect", "is_right_party", "needs_follow_up", "is_active")


@admin.register(AllocationPolicy)
class AllocationPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "regroup_at_month_start", "reallocate_after_days_without_progress", "promise_grace_days")

    def has_add_permission(self, request):
        return not AllocationPolicy.objects.exists()


@admin.register(Creditor)
class CreditorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "default_product", "is_active")
    filter_horizontal = ("integration_clients",)


@admin.register(Placement)
class PlacementAdmin(ReadOnlyAdmin):
    list_display = ("id", "creditor", "profile", "original_filename", "status", "rows_total", "rows_processed", "created_at")
    exclude = ("source_file",)  # private storage has no URL; the file is read by the import only


@admin.register(AllocationRun)
class AllocationRunAdmin(ReadOnlyAdmin):
    list_display = ("id", "today", "status", "requested_by", "started_at", "finished_at")
    list_filter = ("status",)
