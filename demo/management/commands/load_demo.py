"""Demo data for a local CAP (`make run` calls it): people, then cases on every route, each
area's work driven through the services. Safe to run again. Refuses unless demo mode is on."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.agencies import load_demo_agencies
from demo.applications import load_demo_applications
from demo.entitlements import load_demo_entitlements
from demo.events import load_demo_events
from demo.finance import load_demo_finance
from demo.moves import load_demo_supported_transfer
from demo.panels import load_demo_panels
from demo.people import (
    DEMO_USERS,
    PROVIDER_UKPRN,
    SCHOOL_A,
    SCHOOL_B,
    SCHOOLS,
    load_demo_organisations,
    load_demo_students,
    load_demo_subscriptions,
    load_demo_users,
)
from demo.placements import load_demo_placements
from demo.priority import load_demo_priority
from demo.quality import load_demo_lapsed_application, load_demo_quality
from demo.safeguarding import load_demo_safeguarding
from demo.school_reviews import load_demo_school_reviews
from demo.school_weeks import load_demo_school_weeks
from demo.visits import load_demo_visits
from students.models import Student


class Command(BaseCommand):
    help = "Load demo organisations, users, students and cases (demo mode only)."

    def handle(self, *args, **options):
        if not settings.CAP_DEMO_MODE:
            raise CommandError("Demo data is only for demo mode (CAP_DEMO_MODE=1).")
        with transaction.atomic():
            counts = self._load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {counts['schools']} schools, {counts['users']} demo users, "
                f"{counts['students']} students."
            )
        )

    def _load(self) -> dict:
        organisations = load_demo_organisations()
        schools = {urn: organisations[urn] for urn, *_ in SCHOOLS}
        load_demo_users(organisations=organisations)
        load_demo_subscriptions(schools=schools)
        load_demo_students(schools=schools)
        load_demo_quality()  # before the applications: packs go only to approved providers
        load_demo_applications(school_urn=SCHOOL_A, provider_ukprn=PROVIDER_UKPRN)
        load_demo_panels(schools=[schools[SCHOOL_B], schools[SCHOOL_A]])
        load_demo_priority()  # after the panels: it joins their agenda
        load_demo_lapsed_application()
        # Before safeguarding's own placement: it makes placements only when there are none.
        load_demo_placements(school_urn=SCHOOL_B, provider_ukprn=PROVIDER_UKPRN)
        load_demo_safeguarding(school_urn=SCHOOL_A, provider_ukprn=PROVIDER_UKPRN)
        # The termly review meeting with the school whose students were placed above.
        load_demo_school_reviews(school_urn=SCHOOL_B)
        load_demo_visits()  # the monitoring officer's visits to the placements above
        load_demo_agencies()  # the Early Help worker linked to two of those students
        load_demo_events()
        load_demo_school_weeks(school_urn=SCHOOL_B)
        load_demo_supported_transfer(receiving_urn=SCHOOL_A)
        # Last: fees for every place above, and the statements of the term that has ended.
        load_demo_finance()
        load_demo_entitlements()
        return {
            "schools": len(schools),
            "users": len(DEMO_USERS),
            "students": Student.objects.count(),
        }
