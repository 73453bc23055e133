from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from common.admin import ReadOnlyAdmin

from .models import (
    CollectorProfile, Department, Membership, Team, TeamActivity,
    TrainingAttendance, TrainingSession, User,
)


class CollectorProfileInline(admin.StackedInline):
    model = CollectorProfile
    can_delete = False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "name", "role", "department", "is_active")
    list_filter = ("role", "department", "is_active")
    search_fields = ("username", "name", "email")
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Role"), {"fields": ("name", "role", "department")}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + ((_("Role"), {"fields": ("name", "role", "department")}),)
    inlines = [CollectorProfileInline, MembershipInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "department", "lead", "buckets", "tiers", "works_field", "is_active")
    list_filter = ("department", "is_active")
    inlines = [MembershipInline]


# --- training, development, employee relations (issue 3 §8–9). Writes go through the pages (services,
# audited; a passed onboarding ends onboarding). The administrator role holds configuration and the
# audit log only (PRODUCT.md), so people records are shown read-only here and employee feedback,
# development plans and activity sign-ups (personal matters HR handles) are not in the admin at all.


class TrainingAttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    extra = 0
    fields = ("user", "attendance", "result", "score", "result_recorded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "team", "trainer", "starts_at", "status")
    list_filter = ("kind", "status", "team")
    search_fields = ("title",)
    date_hierarchy = "starts_at"
    inlines = [TrainingAttendanceInline]


@admin.register(TeamActivity)
class TeamActivityAdmin(ReadOnlyAdmin):
    list_display = ("title", "starts_at", "signup_deadline", "capacity", "status")
    list_filter = ("status",)
    search_fields = ("title",)
