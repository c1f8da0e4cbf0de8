import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from placements.models import Placement
from programmes import services

REFERENCE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"


@pytest.mark.django_db
def test_the_demo_sets_up_a_refocus_cohort_placement_in_school_weeks(settings):
    settings.CAP_DEMO_MODE = True
    services.model_load(path=REFERENCE, flagged=True)
    call_command("load_demo", stdout=io.StringIO())
    placement = Placement.objects.get(application__cohort__isnull=False)
    # 2025-26's last cohort: "Monday 27 April to Friday 10 July 2026", the May half term
    # not one of its 10 weeks.
    assert (placement.starts_on, placement.planned_end_on) == (
        dt.date(2026, 4, 27),
        dt.date(2026, 7, 10),
    )
    assert placement.phases.filter(planned=True).last().ends_on == dt.date(2026, 7, 10)
