"""A document is a stored file and nothing more: what it is evidence of now lives in
applications.ApplicationDocument, filled by applications.0006."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0006_application_document_copy'),
        ('documents', '0003_document_application_nullable'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='document',
            name='application',
        ),
        migrations.RemoveField(
            model_name='document',
            name='checklist_item',
        ),
        migrations.RemoveField(
            model_name='document',
            name='dated_on',
        ),
        migrations.RemoveField(
            model_name='document',
            name='shared_with_provider',
        ),
    ]
