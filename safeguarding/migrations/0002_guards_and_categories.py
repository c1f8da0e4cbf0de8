"""The append-only triggers on concerns and entries, and the starting categories of concern
(safeguarding.categories). Both reverse."""

from django.db import migrations

from safeguarding.categories import CATEGORIES, categories_ensure
from safeguarding.db import drop_guards, install_guards


def install(apps, schema_editor):
    install_guards(schema_editor.connection)


def drop(apps, schema_editor):
    drop_guards(schema_editor.connection)


def load_categories(apps, schema_editor):
    categories_ensure(apps.get_model("safeguarding", "Category"))


def remove_categories(apps, schema_editor):
    Category = apps.get_model("safeguarding", "Category")
    Category.objects.filter(key__in=[key for key, _, _ in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0001_initial")]

    operations = [
        migrations.RunPython(install, drop),
        migrations.RunPython(load_categories, remove_categories),
    ]
