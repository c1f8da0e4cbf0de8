"""Files of each kind, built in memory, and documents stored from them."""

import datetime as dt
import io
import struct
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import Document
from documents.services import document_store
from programmes.models import AcademicYear, ChecklistItem

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n"
    + struct.pack(">I", 13)
    + b"IHDR"
    + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    + b"\0" * 4
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
# A Windows program: the MS-DOS stub, then the PE header the stub points to.
EXE = b"MZ\x90\x00" + b"\0" * 56 + b"\x80\0\0\0" + b"\0" * 64 + b"PE\0\0\x4c\x01" + b"\0" * 200
# Only the MS-DOS stub, which libmagic calls application/x-dosexec.
DOS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 50

_CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)


def zip_of(*entries: tuple[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries:
            archive.writestr(name, text)
    return buffer.getvalue()


def docx(*, first: str = "[Content_Types].xml", macros: bool = False) -> bytes:
    """The parts a Word file must have; `first` chooses which comes first in the zip."""
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": "<Relationships/>",
        "word/document.xml": "<w:document/>",
    }
    if macros:
        parts["word/vbaProject.bin"] = "macros"
    names = [first, *(n for n in parts if n != first)]
    return zip_of(*((n, parts[n]) for n in names))


def office_bomb(*, unpacked: int, parts: int = 0) -> bytes:
    """A Word file that unpacks to `unpacked` bytes of zeros (small on disk: zeros
    compress about a thousand times), with `parts` more empty parts. Built in memory a
    megabyte at a time, so the test never holds the unpacked size."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if unpacked:
            chunk = bytes(1024 * 1024)
            with archive.open("word/media/image1.bin", "w", force_zip64=True) as part:
                for start in range(0, unpacked, len(chunk)):
                    part.write(chunk[: unpacked - start])
        for n in range(parts):
            archive.writestr(f"word/media/p{n}.xml", "")
    return buffer.getvalue()


def xlsx() -> bytes:
    return zip_of(
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", "<Relationships/>"),
        ("xl/workbook.xml", "<workbook/>"),
    )


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # OpenDocument: an uncompressed "mimetype" entry first.
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def upload(name: str = "report.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def checklist_item(key: str = "application-form", name: str | None = None) -> ChecklistItem:
    year, _ = AcademicYear.objects.get_or_create(
        name="2025-26", defaults={"starts_on": dt.date(2025, 9, 1), "ends_on": dt.date(2026, 8, 31)}
    )
    item, _ = ChecklistItem.objects.get_or_create(
        year=year, key=key, defaults={"name": name or key.replace("-", " ").capitalize()}
    )
    return item


def stored_document(*, by, name: str = "report.pdf", data: bytes = PDF) -> Document:
    """A document on its own, linked to nothing: readable by nobody until a rule says so."""
    with document_store(file=upload(name, data), by=by) as document:
        return document


def stored_files(root) -> list:
    """Every file the storage has written under root."""
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
