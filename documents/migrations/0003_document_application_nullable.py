"""A step towards documents owned by no domain (documents.0004): the application becomes
optional first, so that going back re-adds it empty and applications.0006 fills it in
before it is required again."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0004_application_alternatives_explored_application_cohort_and_more"),
        ("documents", "0002_document_shared_with_provider"),
    ]

    operations = [
        migrations.AlterField(
            model_name="document",
            name="application",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="documents",
                to="applications.application",
            ),
        ),
    ]
