"""The CAP manager edits the model of support here (DESIGN.md: the admin, restricted to the
CAP manager, is acceptable until dedicated pages exist). Edited dates are checked again."""

from django.contrib import admin

from lib.admin import admin_site
from programmes import models
from programmes.services import row_recheck


class RecheckedAdmin(admin.ModelAdmin):
    """Checks a row again once it and its inline rows are saved."""

    readonly_fields = ["flags"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        row_recheck(form.instance)


class TermInline(admin.TabularInline):
    model = models.Term
    extra = 0
    readonly_fields = ["flags"]


class ReadOnlyInline:
    """Money is shown here, never changed: prices, bands and subscriptions change on CAP's
    subscriptions page (audited, bands repricing their schools), and a year's charging
    rules come from its model file, so what earlier statements charged stays true."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AgreementBandInline(ReadOnlyInline, admin.TabularInline):
    model = models.AgreementBand


class ChargingRulesInline(ReadOnlyInline, admin.StackedInline):
    model = models.ChargingRules


@admin.register(models.AcademicYear, site=admin_site)
class AcademicYearAdmin(RecheckedAdmin):
    list_display = ["name", "starts_on", "ends_on", "status"]
    readonly_fields = [
        "status",
        "rolled_over_from",
        "source",
        "agreement_price_pence",
        "agreement_includes",
    ]
    inlines = [TermInline, AgreementBandInline, ChargingRulesInline]


@admin.register(models.Tier, site=admin_site)
class TierAdmin(admin.ModelAdmin):
    list_display = ["__str__", "year"]
    list_filter = ["year"]


class PanelStepInline(admin.TabularInline):
    model = models.ProgrammePanel
    extra = 0


class QuestionInline(admin.TabularInline):
    model = models.Question
    extra = 0


@admin.register(models.Programme, site=admin_site)
class ProgrammeAdmin(RecheckedAdmin):
    list_display = ["name", "tier", "route", "year"]
    list_filter = ["year", "route"]
    inlines = [PanelStepInline, QuestionInline]


class SeatInline(admin.TabularInline):
    model = models.PanelSeat
    extra = 0


@admin.register(models.Panel, site=admin_site)
class PanelAdmin(admin.ModelAdmin):
    list_display = ["name", "year"]
    list_filter = ["year"]
    inlines = [SeatInline]


@admin.register(models.Meeting, site=admin_site)
class MeetingAdmin(RecheckedAdmin):
    list_display = ["panel", "referral_deadline", "date"]
    list_filter = ["panel__year", "panel"]
    filter_horizontal = ["programmes"]


@admin.register(models.Cohort, site=admin_site)
class CohortAdmin(RecheckedAdmin):
    list_display = ["programme", "name", "starts_on", "ends_on", "capacity"]
    list_filter = ["programme__year", "programme"]


@admin.register(models.ChecklistItem, site=admin_site)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "when"]
    list_filter = ["year"]


@admin.register(models.Course, site=admin_site)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "provider", "programme", "weeks", "fee"]
    list_filter = ["programme__year", "programme"]
    search_fields = ["title", "provider__name"]


@admin.register(models.Benefit, site=admin_site)
class BenefitAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "given_as", "frequency"]
    list_filter = ["year", "given_as"]


@admin.register(models.Subscription, site=admin_site)
class SubscriptionAdmin(admin.ModelAdmin):
    """Shown, not changed: subscriptions are managed on CAP's subscriptions page."""

    list_display = ["school", "year", "tier1_placements", "band", "price_pence", "signed_on"]
    list_filter = ["year"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
