import datetime as dt

import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.test import RequestFactory

from documents.forms import DocumentUploadForm
from documents.tests.factories import EXE, PDF, checklist_item, office_bomb, upload


@pytest.fixture
def items(db):
    return [checklist_item("application-form"), checklist_item("risk-assessment")]


def form_for(items, *, item=None, file=None, dated_on=("", "", "")):
    data = {"checklist_item": str((item or items[0]).pk)}
    # The date's boxes, named as the GOV.UK date widget names them.
    names = DocumentUploadForm.base_fields["dated_on"].widget.widgets_names
    data.update({f"dated_on{name}": part for name, part in zip(names, dated_on, strict=True)})
    files = {"file": file} if file is not None else {}
    return DocumentUploadForm(data, files, checklist_items=items)


def test_a_pdf_for_a_checklist_item_is_accepted(items):
    form = form_for(items, file=upload("report.pdf", PDF))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["checklist_item"] == items[0]
    assert form.checked.content_type == "application/pdf"


def test_the_choices_are_the_given_items_in_the_given_order(items):
    form = DocumentUploadForm(checklist_items=list(reversed(items)))
    assert [label for _, label in form.fields["checklist_item"].choices] == [
        items[1].name,
        items[0].name,
    ]


def test_the_file_input_is_plain(items):
    html = str(DocumentUploadForm(checklist_items=items)["file"])
    assert 'type="file"' in html and "clear" not in html.lower()


def test_a_missing_file_asks_for_one(items):
    form = form_for(items)
    assert form.errors["file"] == ["Select a file"]


def test_an_empty_file_is_refused(items):
    form = form_for(items, file=upload("report.pdf", b""))
    assert form.errors["file"] == ["The selected file is empty"]


def test_a_renamed_executable_is_refused(items):
    form = form_for(items, file=upload("report.pdf", EXE))
    assert form.errors["file"] == [
        "The selected file must be a PDF, Word document, spreadsheet or image"
    ]


def test_a_file_one_byte_over_the_limit_is_a_form_error(items, settings):
    settings.CAP_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
    form = form_for(items, file=upload("big.pdf", PDF + b" " * (10 * 1024 * 1024 + 1 - len(PDF))))
    assert form.errors["file"] == ["The selected file must be smaller than 10MB"]


def test_an_oversized_upload_streamed_to_disk_is_a_form_error_not_a_crash(items, settings):
    """Through Django's real multipart parser: past FILE_UPLOAD_MAX_MEMORY_SIZE the upload
    goes to a temporary file, and it is still only a form error."""
    settings.CAP_DOCUMENT_MAX_BYTES = 4096
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    request = RequestFactory().post(
        "/",
        {
            "checklist_item": str(items[0].pk),
            "file": upload("big.pdf", PDF + b" " * (4097 - len(PDF))),
        },
    )
    assert isinstance(request.FILES["file"], TemporaryUploadedFile)
    form = DocumentUploadForm(request.POST, request.FILES, checklist_items=items)
    assert form.errors["file"] == ["The selected file must be smaller than 4KB"]


def test_a_risk_assessment_needs_its_date(items):
    form = form_for(items, item=items[1], file=upload())
    assert form.errors["dated_on"] == ["Enter the date of the risk assessment"]


def test_a_risk_assessment_with_its_date_is_accepted(items):
    form = form_for(items, item=items[1], file=upload(), dated_on=("27", "3", "2026"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["dated_on"] == dt.date(2026, 3, 27)


def test_an_impossible_date_is_refused(items):
    form = form_for(items, item=items[1], file=upload(), dated_on=("31", "2", "2026"))
    assert form.errors["dated_on"] == [
        "Date of the risk assessment must be a real date: February 2026 does not have 31 days"
    ]


@pytest.mark.parametrize("value", ["", "not-a-number", "999999", "1 OR 1=1"])
def test_a_forged_checklist_choice_is_refused(items, value):
    form = DocumentUploadForm(
        {"checklist_item": value}, {"file": upload()}, checklist_items=items[:1]
    )
    assert form.errors["checklist_item"] == ["Select what the document is"]


def test_an_item_not_offered_is_refused(items):
    form = DocumentUploadForm(
        {"checklist_item": str(items[1].pk)}, {"file": upload()}, checklist_items=items[:1]
    )
    assert form.errors["checklist_item"] == ["Select what the document is"]


def test_a_file_posted_as_text_is_treated_as_missing(items):
    form = DocumentUploadForm(
        {"checklist_item": str(items[0].pk), "file": "report.pdf"}, {}, checklist_items=items
    )
    assert form.errors["file"] == ["Select a file"]


def test_an_office_file_that_unpacks_too_large_is_refused_beside_the_field(items):
    form = form_for(items, file=upload("letter.docx", office_bomb(unpacked=200 * 1024 * 1024)))
    assert not form.is_valid()
    assert form.errors["file"] == ["The selected file must be smaller than 50MB when opened"]
