from django.contrib import admin

from audit.models import Event
from lib.admin import admin_site
from lib.dates import moment_words


@admin.register(Event, site=admin_site)
class EventAdmin(admin.ModelAdmin):
    """Read-only: events are never added, changed or deleted by hand."""

    list_display = ["occurred", "action", "actor", "object_type", "object_id"]
    list_filter = ["action"]
    search_fields = ["object_id", "action"]
    list_select_related = ["actor"]

    @admin.display(description="Occurred", ordering="occurred_at")
    def occurred(self, obj: Event) -> str:
        """ "6 December 2026 at 9:05am", not Django's "9:05 p.m."."""
        return moment_words(obj.occurred_at)

    def get_queryset(self, request):
        # Safeguarding events stay with the safeguarding leads: even who raised or read a
        # concern would tell the admin's users something (safeguarding.selectors.readers_of).
        return super().get_queryset(request).exclude(action__startswith="safeguarding.")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
