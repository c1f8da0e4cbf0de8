"""Django's admin, open only to those granted "accounts.use_admin" (the CAP manager: see
accounts/rules.py)."""

from urllib.parse import urlencode

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse


class CapAdminSite(admin.AdminSite):
    site_header = "CAP administration"
    site_title = "CAP administration"
    index_title = "Model of support, people and organisations"

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.has_perm("accounts.use_admin")

    def login(self, request, extra_context=None):
        """Everyone signs in through CAP's own page, which is throttled and audited."""
        target = request.GET.get("next", "")
        url = reverse("accounts:sign_in")
        return redirect(f"{url}?{urlencode({'next': target})}" if target else url)


admin_site = CapAdminSite(name="admin")
