"""The link between an application and the documents given as its evidence; filled from
the documents themselves by 0006."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0004_application_alternatives_explored_application_cohort_and_more'),
        ('documents', '0002_document_shared_with_provider'),
        ('programmes', '0006_panel_pack_access_days_panel_quorum'),
    ]

    operations = [
        migrations.CreateModel(
            name='ApplicationDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('dated_on', models.DateField(blank=True, help_text="The date written on the document: a risk assessment's shows how current it is.", null=True)),
                ('shared_with_provider', models.BooleanField(default=False)),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='applications.application')),
                ('checklist_item', models.ForeignKey(blank=True, help_text="The evidence on the programme's checklist that this document gives.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='application_documents', to='programmes.checklistitem')),
                ('document', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='application_link', to='documents.document')),
            ],
            options={
                'ordering': ['document__uploaded_at', 'document_id'],
            },
        ),
    ]
