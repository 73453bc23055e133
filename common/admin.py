from django.contrib import admin

from .models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that change only through services (or never): no add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: audit events are never edited or deleted."""

    list_display = ("created_at", "actor", "verb", "target_type", "target_id")
    list_filter = ("verb", "target_type")
    search_fields = ("target_id", "actor__username")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
