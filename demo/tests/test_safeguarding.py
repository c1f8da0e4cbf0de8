import io

from django.core.management import call_command

from accounts.models import User
from applications.tests.factories import REFERENCE
from demo.people import DEMO_USERS, demo_email
from safeguarding.models import Concern
from safeguarding.rules import can_view_concern


def test_the_demo_concern_reaches_exactly_the_schools_dsl_and_the_lead(db, settings):
    settings.CAP_DEMO_MODE = True
    call_command("load_model", str(REFERENCE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # safe to run again
    concern = Concern.objects.get()
    assert concern.placement.provider.ukprn == "19990001"
    assert concern.raised_by.email == demo_email("provider")
    seen_by = {
        name
        for name, *_ in DEMO_USERS
        if can_view_concern(User.objects.get(email=demo_email(name)), concern)
    }
    assert seen_by == {"school.dsl", "safeguarding"}
