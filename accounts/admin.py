from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts.models import Organisation, User
from lib.admin import admin_site


@admin.register(User, site=admin_site)
class UserAdmin(admin.ModelAdmin):
    """A person's details. Their roles are shown, not edited: roles are given and removed
    on CAP's people pages, where nobody can give themselves one (accounts/rules.py
    can_grant_role) and each grant is e-mailed."""

    list_display = ["full_name", "email", "is_active"]
    search_fields = ["full_name", "email"]
    fields = [
        "email",
        "full_name",
        "job_title",
        "is_active",
        "roles",
        "last_login",
        "date_joined",
    ]
    readonly_fields = ["roles", "last_login", "date_joined"]

    @admin.display(description="Roles")
    def roles(self, obj: User) -> str:
        if obj.pk is None:
            return "Give roles on the people pages once the person is added."
        listed = format_html_join(
            "", "<li>{}</li>", ((str(m),) for m in obj.memberships.select_related("organisation"))
        )
        return format_html(
            '<ul>{}</ul><a href="{}">Give or remove roles on the person’s page</a>',
            listed,
            reverse("accounts:person", args=[obj.uuid]),
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        # People leave by being made inactive: their history must stay attributable.
        return False


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "urn", "ukprn", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "urn", "ukprn"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
