from django.core.management.base import BaseCommand

from documents.models import Document
from documents.storage import document_storage


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored document with the newest CAP_DOCUMENT_KEYS key, so older "
        "keys can then be removed."
    )

    def handle(self, *args, **options):
        storage = document_storage()
        count = 0
        for stored_name in Document.objects.values_list("stored_name", flat=True).iterator():
            storage.rotate(stored_name)
            count += 1
        self.stdout.write(f"Re-encrypted {count} documents with the newest key.")
