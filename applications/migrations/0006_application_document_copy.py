"""Copy what each document said about its application into its own link row, so the
documents app can drop those fields (documents.0003). The reverse copies them back."""

from django.db import migrations


def copy_to_links(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    ApplicationDocument = apps.get_model("applications", "ApplicationDocument")
    ApplicationDocument.objects.bulk_create(
        ApplicationDocument(
            application_id=document.application_id,
            document_id=document.pk,
            checklist_item_id=document.checklist_item_id,
            dated_on=document.dated_on,
            shared_with_provider=document.shared_with_provider,
        )
        for document in Document.objects.order_by("pk").iterator()
    )


def copy_back(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    ApplicationDocument = apps.get_model("applications", "ApplicationDocument")
    for link in ApplicationDocument.objects.order_by("pk").iterator():
        Document.objects.filter(pk=link.document_id).update(
            application_id=link.application_id,
            checklist_item_id=link.checklist_item_id,
            dated_on=link.dated_on,
            shared_with_provider=link.shared_with_provider,
        )
    ApplicationDocument.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0005_application_document"),
        ("documents", "0003_document_application_nullable"),
    ]

    operations = [migrations.RunPython(copy_to_links, copy_back)]
