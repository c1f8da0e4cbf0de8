from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError

from documents.storage import document_storage


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored file (uploaded documents, evidence, and the PDFs CAP made) "
        "with the newest CAP_DOCUMENT_KEYS key, so older keys can then be removed. Files "
        "already under the newest key are left alone, so an interrupted run can be started "
        "again."
    )

    def handle(self, *args, **options):
        storage = document_storage()
        rotated = kept = 0
        unreadable = []
        for name in storage.stored_names():
            try:
                if storage.rotate(name):
                    rotated += 1
                else:
                    kept += 1
            except InvalidToken:
                unreadable.append(name)
        self.stdout.write(
            f"Re-encrypted {_files(rotated)} with the newest key; {_files(kept)} already had it."
        )
        if unreadable:
            # Stored names are random, so naming them says nothing about anyone.
            for name in unreadable:
                self.stderr.write(f"No key in CAP_DOCUMENT_KEYS opens {name}.")
            raise CommandError(
                f"{_files(len(unreadable))} could not be read: keep the old keys until they are "
                "found."
            )


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"
