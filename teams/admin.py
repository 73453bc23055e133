from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import CollectorProfile, Department, Membership, Team, User


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
