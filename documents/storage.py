"""Where documents' bytes live: encrypted files under CAP_DOCUMENT_ROOT, never reachable by a
URL. Files are named by a random UUID, never by anything the user sent.
"""

import os
import tempfile
import uuid

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage


class EncryptedStorage(FileSystemStorage):
    """A file system storage that encrypts with Fernet on save and decrypts on open.

    keys: newest first. New files are encrypted with the first; any of them decrypts, so a
    key is rotated by putting the new one in front (MultiFernet)."""

    def __init__(self, *, keys, location, **kwargs):
        self.fernet = MultiFernet([Fernet(key) for key in keys])
        super().__init__(
            location=location,
            base_url=None,
            file_permissions_mode=0o600,
            directory_permissions_mode=0o700,
            **kwargs,
        )

    def _save(self, name, content):
        content.seek(0)
        return super()._save(name, ContentFile(self.fernet.encrypt(content.read())))

    def _open(self, name, mode="rb"):
        with super()._open(name, "rb") as f:
            return ContentFile(self.fernet.decrypt(f.read()), name=name)

    def url(self, name):
        # FileSystemStorage falls back to MEDIA_URL; these files must never have a URL.
        raise ValueError("Documents are not reachable by a URL: use documents:download.")

    def rotate(self, name: str) -> None:
        """Re-encrypt one file with the newest key, so older keys can be retired."""
        path = self.path(name)
        with open(path, "rb") as f:
            token = self.fernet.rotate(f.read())
        # Write beside it and swap, so the file is never half-written.
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path))
        try:
            with os.fdopen(handle, "wb") as f:
                f.write(token)
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise


def new_stored_name() -> str:
    """A random name, in one of 256 folders so no folder grows too large."""
    name = uuid.uuid4().hex
    return f"{name[:2]}/{name}"


def document_storage() -> EncryptedStorage:
    """The storage as the settings say now (tests change them)."""
    return EncryptedStorage(keys=settings.CAP_DOCUMENT_KEYS, location=settings.CAP_DOCUMENT_ROOT)


def stored_save(data: bytes, *, replacing: str = "") -> str:
    """Keep bytes encrypted under a new random name (for files CAP makes, such as PDFs),
    and remove the file they replace. Returns the new name."""
    storage = document_storage()
    name = storage.save(new_stored_name(), ContentFile(data))
    if replacing:
        storage.delete(replacing)
    return name


def stored_read(name: str) -> bytes:
    with document_storage().open(name) as f:
        return f.read()
