"""The append-only triggers on statements, their lines and fee changes. Reverses."""

from django.db import migrations

from finance.db import drop_guards, install_guards


def install(apps, schema_editor):
    install_guards(schema_editor.connection)


def drop(apps, schema_editor):
    drop_guards(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [migrations.RunPython(install, drop)]
