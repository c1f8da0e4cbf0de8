"""A fee for every place offered or placed before fees were kept: the course's fee as it is
now (nothing for a place with no course). A place still waiting for its start to be
confirmed then needs its budget holder's agreement, as a new one does."""

from django.db import migrations
from django.utils import timezone

OFFERED_OR_LATER = ["provider_accepted", "start_confirmed", "placed"]


def add_fees(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    Fee = apps.get_model("finance", "Fee")
    now = timezone.now()
    places = (
        Application.objects.filter(status__in=OFFERED_OR_LATER, fee__isnull=True)
        .select_related("course")
        .only("pk", "course__fee")
    )
    Fee.objects.bulk_create(
        (
            Fee(
                application_id=application.pk,
                amount_pence=int(application.course.fee * 100)
                if application.course_id and application.course.fee is not None
                else 0,
                set_at=now,
            )
            for application in places.iterator(chunk_size=2000)
        ),
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0002_guards"),
        ("applications", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_fees, migrations.RunPython.noop)]
