"""Demo mode never in production: `manage.py check --deploy` fails while CAP_DEMO_MODE is on.
(Demo mode no longer needs DEBUG, so the demo runs as production does; this check is what
keeps it out of production.)"""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def demo_mode_off_in_production(app_configs=None, **kwargs):
    if settings.CAP_DEMO_MODE:
        return [
            checks.Error(
                "CAP_DEMO_MODE is on: the sign-in page lists the demo users and their password. "
                "Never turn it on in production.",
                id="demo.E001",
            )
        ]
    return []
