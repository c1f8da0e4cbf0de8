"""`manage.py check --deploy`: the authority's details on the privacy notice and the contact
page must be its own, not the examples the demo and the tests run with."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def authority_details_check(app_configs=None, **kwargs):
    examples = settings.CAP_AUTHORITY_DETAIL_EXAMPLES
    unset = [name for name, example in examples.items() if getattr(settings, name) == example]
    if not unset:
        return []
    return [
        checks.Warning(
            "The privacy notice and the contact page show example details: set "
            + ", ".join(unset)
            + " to the authority's own.",
            hint="docs/how-to/deploy.md lists the settings.",
            id="about.W001",
        )
    ]
