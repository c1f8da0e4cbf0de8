from django.db import migrations, models


def mark_planned(apps, schema_editor):
    """The phases placement_create made from the rules file are planned; the only phases a
    person made are the changes of sessions placement_update names "Sessions changed from"."""
    Phase = apps.get_model("placements", "Phase")
    Phase.objects.exclude(name__startswith="Sessions changed from").update(planned=True)


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0009_visits"),
    ]

    operations = [
        migrations.AddField(
            model_name="phase",
            name="planned",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_planned, migrations.RunPython.noop),
    ]
