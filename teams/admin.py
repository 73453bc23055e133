from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    ActivitySignup, CollectorProfile, Department, DevelopmentGoal, DevelopmentPlan, EmployeeFeedback, Membership, Team, TeamActivity,
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


# --- training, development, employee relations (issue 3 §8–9). Writes go through the pages (services);
# the admin is for looking things up, so these are read-mostly.


class TrainingAttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    extra = 0
    fields = ("user", "attendance", "result", "score", "note", "result_recorded_at")
    readonly_fields = ("result_recorded_at",)
    raw_id_fields = ("user",)


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "team", "trainer", "starts_at", "status")
    list_filter = ("kind", "status", "team")
    search_fields = ("title",)
    date_hierarchy = "starts_at"
    raw_id_fields = ("trainer", "created_by")
    inlines = [TrainingAttendanceInline]


class DevelopmentGoalInline(admin.TabularInline):
    model = DevelopmentGoal
    extra = 0


@admin.register(DevelopmentPlan)
class DevelopmentPlanAdmin(admin.ModelAdmin):
    list_display = ("title", "employee", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("title", "employee__username", "employee__name")
    raw_id_fields = ("employee", "created_by")
    inlines = [DevelopmentGoalInline]


@admin.register(EmployeeFeedback)
class EmployeeFeedbackAdmin(admin.ModelAdmin):
    """Anonymous feedback has no author stored; the admin shows nothing more than the HR pages."""

    list_display = ("reference", "kind", "subject", "is_anonymous", "status", "created_at")
    list_filter = ("kind", "status", "is_anonymous")
    search_fields = ("reference", "subject")
    readonly_fields = ("author", "is_anonymous", "reference", "created_at", "answered_by", "answered_at")


class ActivitySignupInline(admin.TabularInline):
    model = ActivitySignup
    extra = 0
    raw_id_fields = ("user",)


@admin.register(TeamActivity)
class TeamActivityAdmin(admin.ModelAdmin):
    list_display = ("title", "starts_at", "signup_deadline", "capacity", "status")
    list_filter = ("status",)
    search_fields = ("title",)
    raw_id_fields = ("organiser",)
    inlines = [ActivitySignupInline]
