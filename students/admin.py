from django.contrib import admin

from lib.admin import admin_site
from students.models import Student


@admin.register(Student, site=admin_site)
class StudentAdmin(admin.ModelAdmin):
    """Visible to the CAP manager, read-only: schools keep their own students' records."""

    list_display = ["legal_last_name", "legal_first_name", "home_school"]
    list_filter = ["home_school"]
    list_select_related = ["home_school"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
