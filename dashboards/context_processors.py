from django.conf import settings

from accounts.rules import AREA_LABELS, Area, areas_of, needs_second_factor
from finance.views import SECTIONS as MONEY_SECTIONS
from lib.nav import url_if_allowed

# The menu of each area: (label, URL name). An item is shown only to who may open it
# (lib.nav: each app registers the rule for its pages).
# A school's menu fits on one line at 1280px (tests/browser/test_crawl.py): the course
# directory and the panel dates are a click away on the Applications page.
AREA_MENUS = {
    Area.SCHOOLS: [
        ("Students", "students:list"),
        ("Applications", "applications:list"),
        ("Placements", "placements:schools_list"),
        ("Figures", "dashboards:schools_figures"),
    ],
    Area.CASEWORK: [
        ("Applications", "casework:queue"),
        ("Panels", "casework_meetings:meetings"),
        ("Placements", "placements:casework_list"),
        ("Providers", "quality:overview"),
        ("Figures", "dashboards:casework_figures"),
        ("Money", "finance:subscriptions"),
    ],
    Area.PROVIDERS: [
        ("Packs", "providers:packs"),
        ("Registers", "placements:providers_registers"),
        ("Placements", "placements:providers_list"),
        ("Compliance", "quality:compliance_home"),
        ("Figures", "dashboards:providers_figures"),
    ],
    Area.FINANCE: [(label, name) for _, label, name in MONEY_SECTIONS],
}
# Whatever the person's areas: shown to who may open them.
EVERY_AREA_MENU = [
    ("Safeguarding", "safeguarding:queue"),
    ("Model of support", "programmes:model"),
    ("People", "accounts:people"),
    ("Manage", "admin:index"),
]


def service(request) -> dict:
    """The header and the service navigation, which depend on the user's roles."""
    user = request.user
    nav = []
    if user.is_authenticated and _past_second_factor(user):
        items = []
        for area in areas_of(user):
            items.append((AREA_LABELS[area], f"dashboards:{area}"))
            items.extend(AREA_MENUS.get(area, []))
        items.extend(EVERY_AREA_MENU)
        nav = [(label, url) for label, name in items if (url := url_if_allowed(user, name))]
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


def _past_second_factor(user) -> bool:
    """Before the second factor there is no menu: every item would lead back to the code
    page. A page part rendered outside the middleware (a section in a test) has no gate."""
    is_verified = getattr(user, "is_verified", None)
    return is_verified is None or is_verified() or not needs_second_factor(user)
