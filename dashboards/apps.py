from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Home pages and oversight"

    def ready(self):
        # Each figures module registers its pages (dashboards.pages).
        from dashboards.figures import (  # noqa: F401
            attendance,
            census,
            equalities,
            panels,
            placements,
            places,
            provider_route,
            referrals,
        )
