"""Count the tallies of the marks already recorded, a week at a time. The same counting
as placements.services.tallies_rebuild, written against the historical models as a
migration must be."""

import datetime as dt

from django.db import migrations
from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.db.models.functions import TruncWeek

CATEGORIES = ("present", "approved", "authorised", "unauthorised", "not_possible")


def build(apps, schema_editor):
    Mark = apps.get_model("placements", "Mark")
    MarkChange = apps.get_model("placements", "MarkChange")
    MarkTally = apps.get_model("placements", "MarkTally")
    span = Mark.objects.aggregate(first=Min("date"), last=Max("date"))
    if span["first"] is None:
        return
    late_entry = MarkChange.objects.filter(mark=OuterRef("pk"), previous_code="", late=True)
    week = span["first"] - dt.timedelta(days=span["first"].weekday())
    while week <= span["last"]:
        following = week + dt.timedelta(weeks=1)
        rows = (
            Mark.objects.filter(date__gte=week, date__lt=following)
            .annotate(week=TruncWeek("date"))
            .values("placement_id", "week")
            .annotate(
                **{c: Count("pk", filter=Q(code__category=c)) for c in CATEGORIES},
                entered_late=Count("pk", filter=Q(Exists(late_entry))),
            )
            .order_by()
        )
        MarkTally.objects.bulk_create(
            [
                MarkTally(
                    placement_id=row["placement_id"],
                    week=week,
                    **{name: row[name] for name in (*CATEGORIES, "entered_late")},
                )
                for row in rows
            ],
            batch_size=1000,
        )
        week = following


def unbuild(apps, schema_editor):
    apps.get_model("placements", "MarkTally").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("placements", "0004_mark_tallies")]

    operations = [migrations.RunPython(build, unbuild)]
