import pytest
from django.core.exceptions import ValidationError

from documents.tests.factories import (
    DOS_EXE,
    EXE,
    JPEG,
    PDF,
    PNG,
    docx,
    odt,
    office_bomb,
    upload,
    xlsx,
    zip_of,
)
from documents.validation import DOCX, ODT, XLSX, check_upload, safe_filename, size_in_words


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (docx(), DOCX),
        (xlsx(), XLSX),
        (odt(), ODT),
    ],
    ids=["pdf", "png", "jpeg", "docx", "xlsx", "odt"],
)
def test_each_kind_of_document_is_recognised_by_its_content(settings, data, content_type):
    checked = check_upload(upload("no-extension", data))
    assert checked.content_type == content_type
    assert checked.size == len(data)


def test_a_word_file_that_libmagic_calls_a_zip_is_recognised_from_its_parts(settings):
    data = docx(first="word/document.xml")
    assert check_upload(upload("letter.docx", data)).content_type == DOCX


@pytest.mark.parametrize(
    "data",
    [
        EXE,
        DOS_EXE,
        zip_of(("notes.txt", "hello")),
        docx(macros=True),
        b"<html><script>alert(1)</script></html>",
        b"Just some text",
    ],
    ids=["pe-executable", "dos-executable", "zip", "word-with-macros", "html", "text"],
)
def test_anything_else_is_refused_whatever_its_name(settings, data):
    with pytest.raises(ValidationError) as error:
        check_upload(upload("report.pdf", data))
    assert error.value.messages == [
        "The selected file must be a PDF, Word document, spreadsheet or image"
    ]


def test_an_empty_file_is_refused(settings):
    with pytest.raises(ValidationError) as error:
        check_upload(upload("report.pdf", b""))
    assert error.value.messages == ["The selected file is empty"]


def test_a_file_one_byte_over_the_limit_is_refused_and_one_at_the_limit_is_not(settings):
    settings.CAP_DOCUMENT_MAX_BYTES = 1000
    at_limit = PDF + b" " * (1000 - len(PDF))
    assert check_upload(upload("report.pdf", at_limit)).size == 1000
    with pytest.raises(ValidationError) as error:
        check_upload(upload("report.pdf", at_limit + b" "))
    assert error.value.messages == ["The selected file must be smaller than 1000 bytes"]


@pytest.mark.parametrize(
    ("size", "words"),
    [(10 * 1024 * 1024, "10MB"), (2_621_440, "2.5MB"), (2048, "2KB"), (512, "512 bytes")],
)
def test_sizes_are_written_as_govuk_writes_them(size, words):
    assert size_in_words(size) == words


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\report.pdf", "report.pdf"),
        ("C:\\Users\\alice\\Desktop\\Risk assessment.pdf", "Risk_assessment.pdf"),
        ("évil <script>.pdf", "évil_script.pdf"),
        ("report.PDF", "report.pdf"),
        (".pdf", "document.pdf"),
        ("..", "document.pdf"),
        ("", "document.pdf"),
        (".htaccess", "htaccess.pdf"),
        ("-rf.pdf", "rf.pdf"),
        ("invoice.exe", "invoice.exe.pdf"),
        ("report", "report.pdf"),
        ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
        ("line\nbreak\x00.pdf", "linebreak.pdf"),
    ],
)
def test_a_filename_is_made_safe_and_keeps_an_honest_extension(name, safe):
    assert safe_filename(name, "application/pdf") == safe


def test_a_jpeg_may_keep_either_of_its_extensions():
    assert safe_filename("photo.jpeg", "image/jpeg") == "photo.jpeg"
    assert safe_filename("photo.JPG", "image/jpeg") == "photo.jpg"
    assert safe_filename("photo.png", "image/jpeg") == "photo.png.jpg"


MB = 1024 * 1024


def test_an_office_file_that_unpacks_to_200mb_is_refused(settings):
    data = office_bomb(unpacked=200 * MB)
    assert len(data) < settings.CAP_DOCUMENT_MAX_BYTES  # small on disk: only unpacking is big
    with pytest.raises(ValidationError) as error:
        check_upload(upload("letter.docx", data))
    assert error.value.messages == ["The selected file must be smaller than 50MB when opened"]


def test_the_unpacked_limit_is_a_setting(settings):
    settings.CAP_DOCUMENT_MAX_UNPACKED_BYTES = 2 * MB
    data = zip_of(
        ("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", "<w:document/>"),
        ("word/media/a.bin", "".join(f"{n:x}" for n in range(500_000))),  # ~3MB, compresses ~3x
    )
    with pytest.raises(ValidationError) as error:
        check_upload(upload("letter.docx", data))
    assert error.value.messages == ["The selected file must be smaller than 2MB when opened"]


def test_an_office_file_that_compresses_like_a_bomb_is_refused_below_the_limit(settings):
    with pytest.raises(ValidationError) as error:
        check_upload(upload("letter.docx", office_bomb(unpacked=20 * MB)))
    assert error.value.messages == [
        "The selected file cannot be checked: save it as a PDF and select that instead"
    ]


def test_an_office_file_with_too_many_parts_is_refused(settings):
    with pytest.raises(ValidationError) as error:
        check_upload(upload("book.xlsx", office_bomb(unpacked=0, parts=10_001)))
    assert error.value.messages == [
        "The selected file cannot be checked: save it as a PDF and select that instead"
    ]


def test_an_ordinary_office_file_with_a_well_compressed_part_is_accepted(settings):
    # A spreadsheet's repetitive XML compresses well, far short of a bomb's ratio.
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(40_000))
    data = zip_of(
        ("[Content_Types].xml", "<Types/>"),
        ("xl/workbook.xml", "<workbook/>"),
        ("xl/worksheets/sheet1.xml", f"<worksheet><sheetData>{rows}</sheetData></worksheet>"),
    )
    assert check_upload(upload("book.xlsx", data)).content_type == XLSX
