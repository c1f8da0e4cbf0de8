"""The demo: every provider has a record and evidence; one provider's expired insurance
suspends it; loading again adds nothing."""

import io

from django.core.management import call_command

from accounts.models import PROVIDER_KINDS, Organisation
from applications.tests.factories import load_model
from quality.models import Evidence, ProviderRecord, ProviderStatus
from quality.selectors import standings


def test_the_demo_gives_every_provider_compliance_and_one_a_lapse(db, settings):
    load_model()
    settings.CAP_DEMO_MODE = True
    call_command("load_demo", stdout=io.StringIO())
    providers = Organisation.objects.filter(kind__in=PROVIDER_KINDS)
    records = list(ProviderRecord.objects.select_related("organisation"))
    assert len(records) == providers.count() > 20
    found = standings(records)
    by_name = {r.organisation.name: found[r.pk].status for r in records}
    assert by_name["Sherbourne Valley Motor Skills"] == ProviderStatus.SUSPENDED
    assert by_name["Quinton Park Hair and Beauty Training"] == ProviderStatus.CONDITIONS
    assert by_name["Canalside Construction Skills"] == ProviderStatus.APPROVED
    assert all(r.evidence.exists() for r in records)
    evidence = Evidence.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert Evidence.objects.count() == evidence
