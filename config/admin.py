"""Django's admin, open only to the CAP manager (accounts.permissions.can_use_admin)."""

from django.contrib import admin

from accounts.permissions import can_use_admin


class CapAdminSite(admin.AdminSite):
    site_header = "CAP administration"
    site_title = "CAP administration"
    index_title = "Model of support, people and organisations"

    def has_permission(self, request) -> bool:
        return request.user.is_active and can_use_admin(request.user)


admin_site = CapAdminSite(name="admin")
