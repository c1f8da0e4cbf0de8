"""Add up the weekly tallies already counted into each setting's weeks, as
placements.services.tallies_rebuild does, written against the historical models as a
migration must be. One grouped query: a row per setting per week."""

from django.db import migrations
from django.db.models import Sum
from django.db.models.functions import Coalesce

TALLIED = ("present", "approved", "authorised", "unauthorised", "not_possible", "entered_late")


def build(apps, schema_editor):
    MarkTally = apps.get_model("placements", "MarkTally")
    SettingTally = apps.get_model("placements", "SettingTally")
    rows = (
        MarkTally.objects.values("placement__provider_id", "week")
        .annotate(**{name: Coalesce(Sum(name), 0) for name in TALLIED})
        .order_by()
    )
    SettingTally.objects.bulk_create(
        (
            SettingTally(
                provider_id=row["placement__provider_id"],
                week=row["week"],
                **{name: row[name] for name in TALLIED},
            )
            for row in rows.iterator(chunk_size=2000)
        ),
        batch_size=1000,
    )


def unbuild(apps, schema_editor):
    apps.get_model("placements", "SettingTally").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("placements", "0014_setting_tallies")]

    operations = [migrations.RunPython(build, unbuild)]
