"""Where documents' bytes live: encrypted, in the store the settings choose, never reachable
by a URL. Files are named by a random UUID, never by anything the user sent.

The storage alias "documents" in settings.STORAGES chooses the store: files on this machine
under CAP_DOCUMENT_ROOT (PrivateFileSystemStorage, the default, for one machine) or an
S3-compatible object store (documents.s3.PrivateS3Storage, CAP_STORAGE=s3), which every application
server and worker of one authority shares. EncryptedStorage wraps whichever it is, so the
bytes are encrypted before they leave the process and no store ever holds a plain file.
"""

import os
import re
import tempfile
import uuid
from collections.abc import Iterator

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import cached_property

NO_URL = "Documents are not reachable by a URL: use documents:download."


class Unreadable(InvalidToken):
    """No key in CAP_DOCUMENT_KEYS opens the stored file `name` (a key was dropped before
    every file was re-encrypted, or the file was damaged). documents.middleware answers it
    with a page, so no read of a document is a server error. An InvalidToken still, for
    whoever catches that."""

    def __init__(self, name: str):
        super().__init__(f"No key in CAP_DOCUMENT_KEYS opens {name}.")
        self.name = name


class PrivateFileSystemStorage(FileSystemStorage):
    """Files on this machine that only CAP's own user can read (0600, folders 0700), under
    CAP_DOCUMENT_ROOT unless `location` is given (as FileSystemStorage uses MEDIA_ROOT)."""

    def __init__(self, location=None, **kwargs):
        super().__init__(
            location=location,
            base_url=None,
            file_permissions_mode=0o600,
            directory_permissions_mode=0o700,
            **kwargs,
        )

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.CAP_DOCUMENT_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "CAP_DOCUMENT_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        # FileSystemStorage falls back to MEDIA_URL; these files must never have a URL.
        raise ValueError(NO_URL)

    def overwrite(self, name: str, data: bytes) -> None:
        """Replace a file's bytes whole: written beside it and swapped in, so a reader
        never sees it half-written."""
        path = self.path(name)
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".rotating-")
        try:
            with os.fdopen(handle, "wb") as f:
                f.write(data)
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise


class EncryptedStorage(Storage):
    """Encrypts with Fernet on save and decrypts on open, over another storage (`inner`).

    keys: newest first. New files are encrypted with the first; any of them decrypts, so a
    key is rotated by putting the new one in front (MultiFernet). `inner` is one of the
    private storages, which can also overwrite a file whole."""

    def __init__(self, *, keys, inner: Storage):
        self.keys = list(keys)
        self.fernet = MultiFernet([Fernet(key) for key in self.keys])
        self.inner = inner

    def save(self, name, content, max_length=None):
        content.seek(0)
        token = self.fernet.encrypt(content.read())
        return self.inner.save(name, ContentFile(token), max_length=max_length)

    def _open(self, name, mode="rb"):
        with self.inner.open(name, "rb") as f:
            token = f.read()
        try:
            return ContentFile(self.fernet.decrypt(token), name=name)
        except InvalidToken:
            raise Unreadable(name) from None

    def delete(self, name):
        self.inner.delete(name)

    def exists(self, name):
        return self.inner.exists(name)

    def listdir(self, path):
        return self.inner.listdir(path)

    def url(self, name):
        raise ValueError(NO_URL)

    def stored_names(self, folder: str = "") -> Iterator[str]:
        """The name of every file in the store, whichever domain keeps it."""
        try:
            folders, files = self.inner.listdir(folder)
        except FileNotFoundError:  # a local store nothing has been saved in yet
            return
        for file in sorted(files):
            yield f"{folder}/{file}" if folder else file
        for sub in sorted(folders):
            yield from self.stored_names(f"{folder}/{sub}" if folder else sub)

    def rotate(self, name: str) -> bool:
        """Re-encrypt one file with the newest key (read, re-encrypt, write back whole), so
        older keys can be retired. False if it already was, or has gone since it was
        listed."""
        try:
            with self.inner.open(name, "rb") as f:
                token = f.read()
        except FileNotFoundError:
            return False
        try:
            Fernet(self.keys[0]).decrypt(token)
            return False
        except InvalidToken:
            pass
        self.inner.overwrite(name, self.fernet.rotate(token))
        return True


def new_stored_name() -> str:
    """A random name, in one of 256 folders so no folder grows too large."""
    name = uuid.uuid4().hex
    return f"{name[:2]}/{name}"


# What new_stored_name makes: 32 hex digits in the folder named by their first two.
_STORED_NAME = re.compile(r"(?P<folder>[0-9a-f]{2})/(?P=folder)[0-9a-f]{30}")


def is_stored_name(name: str) -> bool:
    """Whether CAP could have named this file (new_stored_name). Anything else in the store
    is not CAP's: a temporary file an interrupted write left behind, or another service's
    object in a shared bucket."""
    return _STORED_NAME.fullmatch(name) is not None


def document_storage() -> EncryptedStorage:
    """The "documents" store from settings.STORAGES, encrypted with the keys the settings
    hold now (tests change them)."""
    return EncryptedStorage(keys=settings.CAP_DOCUMENT_KEYS, inner=storages["documents"])


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
