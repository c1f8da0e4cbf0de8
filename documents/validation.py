"""What an upload must be: not empty, not too large, and by its content (never its name) one
of the kinds of document we accept. The error messages are the GOV.UK Design System's.
"""

import hashlib
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import magic
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.utils.text import get_valid_filename

# The checklist item whose document must carry the date written on it.
RISK_ASSESSMENT_KEY = "risk-assessment"

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"

# The MIME types libmagic gives, each with the extensions a file of that kind may carry
# (the first is added when the user's name has none of them).
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    ODT: (".odt",),
    "application/msword": (".doc",),
    # libmagic's name for a Word 97 file whose maker it does not recognise.
    "application/vnd.ms-office": (".doc",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
}

FILENAME_MAX_LENGTH = 150

# Word, Excel and OpenDocument files are zip archives. What they unpack to is bounded, so an
# archive that is small on disk but unpacks to hundreds of megabytes (a "zip bomb") is never
# kept for a reader, a scanner or a converter to open: the total
# (CAP_DOCUMENT_MAX_UNPACKED_BYTES, from the sizes the archive declares, which Python's
# zipfile holds a reader to), the number of parts, and how much one large part shrank.
# Office XML shrinks ten to thirty times; zeros or one repeated byte, about a thousand.
ZIP_CONTAINERS = (DOCX, XLSX, ODT)
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_RATIO = 200
ZIP_RATIO_FROM_BYTES = 1024 * 1024  # smaller parts may shrink as they like

MESSAGE_REQUIRED = "Select a file"
MESSAGE_EMPTY = "The selected file is empty"
MESSAGE_TYPE = "The selected file must be a PDF, Word document, spreadsheet or image"
MESSAGE_UNCHECKABLE = (
    "The selected file cannot be checked: save it as a PDF and select that instead"
)


def message_too_large(limit: int | None = None) -> str:
    return f"The selected file must be smaller than {size_in_words(limit or max_bytes())}"


def max_bytes() -> int:
    return settings.CAP_DOCUMENT_MAX_BYTES


def message_unpacks_too_large(limit: int) -> str:
    return f"The selected file must be smaller than {size_in_words(limit)} when opened"


def size_in_words(size: int) -> str:
    """10485760 -> "10MB", as GOV.UK writes sizes."""
    for unit, name in ((1024 * 1024, "MB"), (1024, "KB")):
        if size >= unit:
            return f"{size / unit:.1f}".removesuffix(".0") + name
    return f"{size} bytes"


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    content_type: str
    size: int
    sha256: str
    filename: str


def check_upload(file) -> CheckedFile:
    """The upload's bytes and what they are, or a ValidationError with a GOV.UK message."""
    if file is None:
        raise ValidationError(MESSAGE_REQUIRED, code="required")
    limit = max_bytes()
    # The size the upload handler counted, before anything is read into memory.
    if file.size is not None and file.size > limit:
        raise ValidationError(message_too_large(limit), code="too_large")
    file.seek(0)
    data = file.read(limit + 1)
    file.seek(0)
    if not data:
        raise ValidationError(MESSAGE_EMPTY, code="empty")
    if len(data) > limit:
        raise ValidationError(message_too_large(limit), code="too_large")
    content_type = sniff(data)
    if content_type not in ALLOWED_TYPES:
        raise ValidationError(MESSAGE_TYPE, code="type")
    if content_type in ZIP_CONTAINERS:
        _check_unpacked(data)
    return CheckedFile(
        data=data,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        filename=safe_filename(getattr(file, "name", "") or "", content_type),
    )


def sniff(data: bytes) -> str:
    """The MIME type of the bytes, by content alone. Word and Excel files are zip archives
    inside: a libmagic that does not know them answers application/zip, so look inside."""
    try:
        content_type = magic.from_buffer(data, mime=True)
    except magic.MagicException:
        return "application/octet-stream"
    if content_type == "application/zip" or content_type in (DOCX, XLSX, ODT):
        return _sniff_zip(data, content_type)
    return content_type


def _sniff_zip(data: bytes, content_type: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as f:
                    mimetype = f.read(100).strip()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, ValueError):
        return "application/zip"
    # Macros are refused, whatever the file calls itself.
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return "application/vnd.ms-office.macroenabled"
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    if mimetype == ODT.encode():
        return ODT
    return content_type


def _check_unpacked(data: bytes) -> None:
    """Refuse an archive that unpacks too large, has too many parts, or has a large part
    that shrank like a bomb. Reads only the archive's directory, never a part."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, ValueError):
        raise ValidationError(MESSAGE_TYPE, code="type") from None
    if len(entries) > ZIP_MAX_ENTRIES:
        raise ValidationError(MESSAGE_UNCHECKABLE, code="unpacks_too_many")
    limit = settings.CAP_DOCUMENT_MAX_UNPACKED_BYTES
    if sum(entry.file_size for entry in entries) > limit:
        raise ValidationError(message_unpacks_too_large(limit), code="unpacks_too_large")
    if any(
        entry.file_size > ZIP_RATIO_FROM_BYTES
        and entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1)
        for entry in entries
    ):
        raise ValidationError(MESSAGE_UNCHECKABLE, code="unpacks_like_a_bomb")


def safe_filename(name: str, content_type: str) -> str:
    """The user's filename, safe to show and to offer in a download: no folders, only
    letters, digits, "-", "_" and ".", at most 150 characters, and an extension that says
    what the file is."""
    # A browser may send a whole path, with either kind of slash.
    name = PureWindowsPath(PurePosixPath(name).name).name
    name = unicodedata.normalize("NFC", name)
    try:
        name = get_valid_filename(name)
    except SuspiciousFileOperation:
        name = ""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = f".{extension.lower()}" if extension else ""
    allowed = ALLOWED_TYPES.get(content_type, ("",))
    if extension not in allowed:
        # Keep what the user wrote, but say what the file really is.
        stem, extension = f"{stem}{extension}", allowed[0]
    # No hidden files (".name") and nothing that reads as a command-line option.
    stem = stem.lstrip(".-_")[: FILENAME_MAX_LENGTH - len(extension)].rstrip(".") or "document"
    return stem + extension
