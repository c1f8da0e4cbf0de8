"""Panel members, kept by the CAP manager in the admin. Decisions, agendas and notices are
records of what happened: they are changed only through CAP's own pages, never here."""

from django import forms
from django.contrib import admin

from accounts.models import Role
from lib.admin import admin_site
from panels.models import PanelMember


class PanelMemberForm(forms.ModelForm):
    class Meta:
        model = PanelMember
        fields = ["panel", "user", "position", "seat", "represents", "is_active"]

    def clean(self):
        data = super().clean()
        user, panel, seat = data.get("user"), data.get("panel"), data.get("seat")
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
