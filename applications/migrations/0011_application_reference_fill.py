"""Give every application already submitted a reference, in the order they were submitted,
numbered from 1 within each calendar year of submission (as ReferenceCounter does for new
ones), and leave each year's counter at the last number given."""

from django.db import migrations
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone


def references_fill(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    ReferenceCounter = apps.get_model("applications", "ReferenceCounter")
    counters = {c.year: c for c in ReferenceCounter.objects.all()}
    # Every application past its draft, by the day it was submitted (or, for one somehow
    # never marked submitted, the day it was created).
    waiting = (
        Application.objects.filter(reference__isnull=True)
        .filter(Q(submitted_at__isnull=False) | ~Q(status__in=["draft", "discarded"]))
        .annotate(dated=Coalesce("submitted_at", "created_at"))
        .order_by("dated", "id")
        .only("id")
    )
    for application in waiting.iterator():
        year = timezone.localdate(application.dated).year
        counter = counters.get(year)
        if counter is None:
            counter = counters[year] = ReferenceCounter(year=year, last=0)
        counter.last += 1
        Application.objects.filter(pk=application.pk).update(
            reference=f"CAP-{year}-{counter.last:05d}"
        )
    for counter in counters.values():
        counter.save()


class Migration(migrations.Migration):
    dependencies = [("applications", "0010_application_reference")]

    # Going back leaves the references: people have quoted them, and numbering again after
    # retention has deleted some would give quoted numbers to other applications. Going
    # forward again numbers only what has none, carrying on from each year's counter.
    operations = [migrations.RunPython(references_fill, migrations.RunPython.noop)]
