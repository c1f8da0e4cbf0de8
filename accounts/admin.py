from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm

from accounts import services
from accounts.models import Membership, Organisation, User
from accounts.rules import role_allowed
from lib.admin import admin_site


class MembershipForm(ModelForm):
    class Meta:
        model = Membership
        fields = ["organisation", "role"]

    def clean(self):
        cleaned = super().clean()
        organisation, role = cleaned.get("organisation"), cleaned.get("role")
        if organisation and role and not role_allowed(kind=organisation.kind, role=role):
            raise ValidationError(
                f"A {organisation.get_kind_display().lower()} cannot give this role."
            )
        return cleaned


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 0


@admin.register(User, site=admin_site)
class UserAdmin(admin.ModelAdmin):
    list_display = ["full_name", "email", "is_active"]
    search_fields = ["full_name", "email"]
    fields = ["email", "full_name", "job_title", "is_active", "last_login", "date_joined"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [MembershipInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        # People leave by being made inactive: their history must stay attributable.
        return False

    def save_formset(self, request, form, formset, change):
        """Memberships go through the services, so each change is audited."""
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        memberships = formset.save(commit=False)
        for membership in formset.deleted_objects:
            services.membership_end(membership=membership, by=request.user)
        for membership in memberships:
            if membership.pk is None:
                services.membership_create(
                    user=form.instance,
                    organisation=membership.organisation,
                    role=membership.role,
                    by=request.user,
                )
            else:
                services.membership_change(membership=membership, by=request.user)
        return None


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "urn", "ukprn", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "urn", "ukprn"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
