"""The CAP manager's settings for quality assurance, and the framework, in the admin."""

from django.contrib import admin

from lib.admin import admin_site
from quality import models


@admin.register(models.QualitySettings, site=admin_site)
class QualitySettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "gate_mode", "reminder_notice_days", "review_due_days"]

    def has_add_permission(self, request):
        # One row: until the CAP manager adds it, the defaults apply.
        return super().has_add_permission(request) and not models.QualitySettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class EvidenceItemInline(admin.TabularInline):
    model = models.EvidenceItem
    extra = 0


@admin.register(models.ComplianceArea, site=admin_site)
class ComplianceAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "order"]
    inlines = [EvidenceItemInline]
