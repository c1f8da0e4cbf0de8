"""Each fee made before fees kept their year takes its place's programme's year (a data
change of its own, after 0004 added the column)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill_years(apps, schema_editor):
    """Each fee made so far takes its place's programme's year, in one UPDATE."""
    Application = apps.get_model("applications", "Application")
    Fee = apps.get_model("finance", "Fee")
    Fee.objects.filter(year__isnull=True).update(
        year_id=Subquery(
            Application.objects.filter(pk=OuterRef("application_id")).values("programme__year_id")[
                :1
            ]
        )
    )


class Migration(migrations.Migration):
    dependencies = [("finance", "0004_fee_year")]

    # Going back needs nothing: 0004's reverse drops the column.
    operations = [migrations.RunPython(fill_years, migrations.RunPython.noop)]
