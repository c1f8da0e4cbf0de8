from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts.models import Organisation, OrganisationKind, User
from lib.admin import admin_site
from lib.dates import moment_words


@admin.register(User, site=admin_site)
class UserAdmin(admin.ModelAdmin):
    """A person's name and job title. Their roles are shown, not edited: roles are given and
    removed on CAP's people pages, where nobody can give themselves one (accounts/rules.py
    can_grant_role) and each grant is e-mailed. People are added by invitation and leave
    through the leaver page, and their e-mail address (where a password reset link goes) is
    not changed here: otherwise whoever uses the admin could take over anyone's account."""

    list_display = ["full_name", "email", "is_active"]
    search_fields = ["full_name", "email"]
    fields = [
        "email",
        "full_name",
        "job_title",
        "is_active",
        "roles",
        "last_signed_in",
        "joined",
    ]
    readonly_fields = ["email", "is_active", "roles", "last_signed_in", "joined"]

    def has_add_permission(self, request) -> bool:
        return False

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

    # Moments the GOV.UK way ("6 December 2026 at 9:05am"), not Django's "9:05 a.m.".
    @admin.display(description="Last signed in")
    def last_signed_in(self, obj: User) -> str:
        return moment_words(obj.last_login) if obj.last_login else "Never"

    @admin.display(description="Joined")
    def joined(self, obj: User) -> str:
        return moment_words(obj.date_joined) if obj.date_joined else ""

    def has_delete_permission(self, request, obj=None) -> bool:
        # People leave by being made inactive: their history must stay attributable.
        return False


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "urn", "ukprn", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "urn", "ukprn"]

    def get_readonly_fields(self, request, obj=None):
        # An organisation's kind decides what its roles may do (the authority's DSL is the
        # safeguarding lead): it is set once, when the organisation is added.
        return ["kind"] if obj is not None else []

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            # The authority is set up with CAP, never added here.
            kwargs["choices"] = [
                (value, label)
                for value, label in OrganisationKind.choices
                if value != OrganisationKind.LOCAL_AUTHORITY
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
