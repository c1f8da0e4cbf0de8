"""The documents' store in an S3-compatible bucket (CAP_STORAGE=s3), shared by every
application server and worker. A module of its own so that a server on local files never
imports boto3."""

from django.core.files.base import ContentFile
from storages.backends.s3 import S3Storage

from documents.storage import NO_URL


class PrivateS3Storage(S3Storage):
    """Objects in an S3-compatible bucket. They are never given a URL: a presigned URL would
    let anyone holding it read a document without CAP's access check and audit."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError(NO_URL)

    def overwrite(self, name: str, data: bytes) -> None:
        """Replace an object's bytes whole: one PUT, which readers see entirely or not at
        all."""
        self._save(name, ContentFile(data))
