"""Each year's latest population upload takes the year's totals as they stand (a data
change of its own, after 0004 added the fields)."""

from django.db import migrations
from django.db.models import Count


def fill(apps, schema_editor):
    """Each year's latest upload takes the year's totals as they stand."""
    Upload = apps.get_model("dashboards", "PopulationUpload")
    Count_ = apps.get_model("dashboards", "PopulationCount")
    for year_id in Upload.objects.order_by().values_list("year_id", flat=True).distinct():
        latest = Upload.objects.filter(year_id=year_id).order_by("-uploaded_at", "-id").first()
        totals = Count_.objects.filter(year_id=year_id).aggregate(
            schools=Count("school", distinct=True), counts=Count("pk")
        )
        Upload.objects.filter(pk=latest.pk).update(
            year_schools=totals["schools"], year_counts=totals["counts"]
        )


def forget(apps, schema_editor):
    apps.get_model("dashboards", "PopulationUpload").objects.update(year_schools=0, year_counts=0)


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0004_population_upload_year_totals")]

    operations = [migrations.RunPython(fill, forget)]
