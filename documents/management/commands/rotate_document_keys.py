from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError

from documents.storage import document_storage, is_stored_name


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored file (uploaded documents, evidence, and the PDFs CAP made) "
        "with the newest CAP_DOCUMENT_KEYS key, so older keys can then be removed. Files "
        "already under the newest key are left alone, so an interrupted run can be started "
        "again. Only files named as CAP names them are touched: anything else in the store "
        "(a temporary file an interrupted run left, another service's objects in a shared "
        "bucket) is counted and left as it is."
    )

    def handle(self, *args, **options):
        storage = document_storage()
        rotated = kept = not_ours = 0
        unreadable = []
        for name in storage.stored_names():
            if not is_stored_name(name):
                not_ours += 1
                continue
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
        if not_ours:
            # Not named: a name CAP did not make may say something about someone.
            self.stdout.write(
                f"Left {_files(not_ours)} alone whose names CAP does not make (such as a "
                "temporary file of an interrupted run, or another service's objects in a "
                "shared bucket)."
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
