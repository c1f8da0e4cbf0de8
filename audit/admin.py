from django.contrib import admin

from audit.models import Event
from config.admin import admin_site


@admin.register(Event, site=admin_site)
class EventAdmin(admin.ModelAdmin):
    """Read-only: events are never added, changed or deleted by hand."""

    list_display = ["occurred_at", "action", "actor", "object_type", "object_id"]
    list_filter = ["action"]
    search_fields = ["object_id", "action"]
    list_select_related = ["actor"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
