"""Panel members, kept by the CAP manager in the admin. Decisions, agendas and notices are
records of what happened: they are changed only through CAP's own pages, never here."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied

from accounts.models import Role
from lib.admin import admin_site
from panels.models import PanelMember


class PanelMemberForm(forms.ModelForm):
    class Meta:
        model = PanelMember
        fields = ["panel", "user", "position", "seat", "represents", "is_active"]

    # The person using the admin, set by PanelMemberAdmin.get_form.
    actor = None

    def clean(self):
        data = super().clean()
        user, panel, seat = data.get("user"), data.get("panel"), data.get("seat")
        actor = self.actor
        if actor is not None and (
            (user is not None and user.pk == actor.pk) or self.instance.user_id == actor.pk
        ):
            # Nobody gives, changes or ends their own seat (separation of duties).
            self.add_error("user", "You cannot give yourself a seat. Ask another CAP manager")
        if user and not user.memberships.filter(role=Role.PANEL_MEMBER).exists():
            self.add_error(
                "user", "Give this person the panel member role at their organisation first"
            )
        if seat and panel and seat.panel_id != panel.pk:
            self.add_error("seat", "Choose a seat on this panel")
        return data


@admin.register(PanelMember, site=admin_site)
class PanelMemberAdmin(admin.ModelAdmin):
    form = PanelMemberForm
    list_display = ["user", "panel", "position", "represents", "is_active"]
    list_filter = ["panel__year", "panel", "position", "is_active"]
    search_fields = ["user__full_name", "user__email"]
    autocomplete_fields = ["user"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        if queryset.filter(user=request.user).exists():
            raise PermissionDenied("You cannot end your own seat. Ask another CAP manager.")
        super().delete_queryset(request, queryset)
