"""The append-only triggers on concerns and entries, and the categories of concern: the kinds
Keeping children safe in education names. Both reverse."""

from django.db import migrations

from safeguarding.db import drop_guards, install_guards

CATEGORIES = [
    ("physical_abuse", "Physical abuse", ""),
    ("emotional_abuse", "Emotional abuse", ""),
    ("sexual_abuse", "Sexual abuse", ""),
    ("neglect", "Neglect", ""),
    (
        "child_on_child",
        "Child-on-child abuse",
        "Including bullying, sexual violence and harassment, and sharing nudes.",
    ),
    (
        "exploitation",
        "Criminal or sexual exploitation",
        "Including county lines.",
    ),
    ("online_safety", "Online safety", ""),
    ("mental_health", "Mental health or self-harm", ""),
    ("radicalisation", "Radicalisation", ""),
    ("domestic_abuse", "Domestic abuse", ""),
    ("missing_education", "Missing from education", ""),
    ("other", "Other", ""),
]


def install(apps, schema_editor):
    install_guards(schema_editor.connection)


def drop(apps, schema_editor):
    drop_guards(schema_editor.connection)


def load_categories(apps, schema_editor):
    Category = apps.get_model("safeguarding", "Category")
    for order, (key, name, hint) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            key=key, defaults={"name": name, "hint": hint, "order": order * 10}
        )


def remove_categories(apps, schema_editor):
    Category = apps.get_model("safeguarding", "Category")
    Category.objects.filter(key__in=[key for key, _, _ in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0001_initial")]

    operations = [
        migrations.RunPython(install, drop),
        migrations.RunPython(load_categories, remove_categories),
    ]
