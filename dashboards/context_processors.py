from django.conf import settings
from django.urls import reverse

from accounts.rules import (
    AREA_LABELS,
    Area,
    areas_of,
    can_manage_people,
    can_use_admin,
    is_dsl,
)
from dashboards.rules import sees_caseload_figures, sees_service_figures
from finance.rules import can_manage_money
from finance.views import SECTIONS as MONEY_SECTIONS
from panels.rules import can_run_panels
from programmes.rules import can_view_model


def service(request) -> dict:
    """The header and the service navigation, which depend on the user's roles."""
    user = request.user
    nav = []
    if user.is_authenticated:
        for area in areas_of(user):
            nav.append((AREA_LABELS[area], reverse(f"dashboards:{area}")))
            if area == Area.SCHOOLS:
                nav.append(("Students", reverse("students:list")))
                nav.append(("Applications", reverse("applications:list")))
                nav.append(("Panel dates", reverse("school_panels:dates")))
                nav.append(("Course directory", reverse("quality:directory")))
                nav.append(("Placements", reverse("placements:schools_list")))
                nav.append(("Figures", reverse("dashboards:schools_figures")))
            elif area == Area.CASEWORK:
                nav.append(("Applications", reverse("casework:queue")))
                if can_run_panels(user):
                    nav.append(("Panels", reverse("casework_meetings:meetings")))
                nav.append(("Placements", reverse("placements:casework_list")))
                nav.append(("Providers", reverse("quality:overview")))
                if sees_service_figures(user) or sees_caseload_figures(user):
                    nav.append(("Figures", reverse("dashboards:casework_figures")))
                if can_manage_money(user):
                    nav.append(("Money", reverse("finance:subscriptions")))
            elif area == Area.PROVIDERS:
                nav.append(("Packs", reverse("providers:packs")))
                nav.append(("Registers", reverse("placements:providers_registers")))
                nav.append(("Placements", reverse("placements:providers_list")))
                nav.append(("Compliance", reverse("quality:compliance_home")))
                nav.append(("Figures", reverse("dashboards:providers_figures")))
            elif area == Area.FINANCE:
                nav.extend((label, reverse(name)) for _, label, name in MONEY_SECTIONS)
        if is_dsl(user):
            nav.append(("Safeguarding", reverse("safeguarding:queue")))
        if can_view_model(user):
            nav.append(("Model of support", reverse("programmes:model")))
        if can_manage_people(user):
            nav.append(("People", reverse("accounts:people")))
        if can_use_admin(user):
            nav.append(("Manage", reverse("admin:index")))
    path = request.path
    return {
        "authority_name": settings.CAP_AUTHORITY_NAME,
        "demo_mode": settings.CAP_DEMO_MODE,
        "service_address": settings.CAP_SERVICE_ADDRESS,
        "service_name": settings.CAP_SERVICE_NAME,
        "service_nav": [
            {"label": label, "url": url, "active": _active(path, url, nav)} for label, url in nav
        ],
    }


def _active(path: str, url: str, nav: list) -> bool:
    """The item whose URL is the longest prefix of the path: /schools/students/ is
    Students, not School."""
    matches = [u for _, u in nav if path.startswith(u)]
    return bool(matches) and max(matches, key=len) == url
