"""The encrypted store, on this machine's disk and in an S3 bucket alike (each_store runs a
test on both)."""

import io
import runpy
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command

import lib.env
from documents.storage import (
    EncryptedStorage,
    document_storage,
    is_stored_name,
    new_stored_name,
    stored_save,
)
from documents.tests.factories import PDF, stored_document

SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings.py"


def storage(*keys):
    return EncryptedStorage(keys=keys, inner=storages["documents"])


def test_a_pdf_is_stored_encrypted_and_reads_back(each_store):
    key = Fernet.generate_key()
    name = storage(key).save(new_stored_name(), ContentFile(PDF))

    (kept,) = each_store.objects().values()
    assert b"%PDF" not in kept
    assert Fernet(key).decrypt(kept) == PDF
    with storage(key).open(name) as f:
        assert f.read() == PDF


def test_files_are_named_by_a_random_uuid_in_a_private_folder(each_store):
    key = Fernet.generate_key()
    names = {storage(key).save(new_stored_name(), ContentFile(PDF)) for _ in range(3)}
    assert len(names) == 3
    assert set(each_store.objects()) == names
    for name in names:
        folder, _, file = name.partition("/")
        assert len(file) == 32 and file.startswith(folder)
    if each_store.kind == "local":
        for path in each_store.root.rglob("*"):
            mode = path.stat().st_mode & 0o777
            assert mode == (0o700 if path.is_dir() else 0o600)


def test_after_a_key_rotation_old_files_still_open_and_new_ones_use_the_new_key(each_store):
    old, new = Fernet.generate_key(), Fernet.generate_key()
    before = storage(old).save(new_stored_name(), ContentFile(PDF))
    rotated = storage(new, old)
    after = rotated.save(new_stored_name(), ContentFile(PDF))

    assert rotated.open(before).read() == PDF
    assert rotated.open(after).read() == PDF
    with pytest.raises(InvalidToken):
        storage(old).open(after)


def test_rotating_a_file_rewrites_it_under_its_name_so_the_old_key_can_be_dropped(each_store):
    old, new = Fernet.generate_key(), Fernet.generate_key()
    name = storage(old).save(new_stored_name(), ContentFile(PDF))

    assert storage(new, old).rotate(name) is True

    assert list(each_store.objects()) == [name]
    assert storage(new).open(name).read() == PDF
    with pytest.raises(InvalidToken):
        storage(old).open(name)
    assert storage(new, old).rotate(name) is False, "already under the newest key"


def test_a_stored_file_has_no_url_from_either_store(each_store, settings):
    settings.MEDIA_URL = "/media/"
    s = storage(Fernet.generate_key())
    name = s.save(new_stored_name(), ContentFile(PDF))
    with pytest.raises(ValueError, match="not reachable by a URL"):
        s.url(name)
    # Nor from the store beneath: no presigned S3 URL can be made that skips the access check.
    with pytest.raises(ValueError, match="not reachable by a URL"):
        storages["documents"].url(name)


def test_a_replaced_pdf_is_removed_from_the_store(each_store):
    first = stored_save(b"%PDF-1.4 first")
    second = stored_save(b"%PDF-1.4 second", replacing=first)
    assert list(each_store.objects()) == [second]


def test_the_rotate_command_re_encrypts_every_stored_file_with_the_newest_key(
    cast, settings, each_store
):
    """Documents and the PDFs CAP made alike: after it, the old key can go."""
    (old,) = settings.CAP_DOCUMENT_KEYS
    document = stored_document(by=cast.alice)
    report = stored_save(b"%PDF-1.4 a termly report")
    new = Fernet.generate_key().decode()
    settings.CAP_DOCUMENT_KEYS = [new, old]

    out = io.StringIO()
    call_command("rotate_document_keys", stdout=out)
    assert "Re-encrypted 2 files with the newest key; 0 files already had it." in out.getvalue()

    settings.CAP_DOCUMENT_KEYS = [new]
    assert document_storage().open(document.stored_name).read() == PDF
    assert document_storage().open(report).read() == b"%PDF-1.4 a termly report"
    for kept in each_store.objects().values():
        assert Fernet(new).decrypt(kept)

    out = io.StringIO()
    call_command("rotate_document_keys", stdout=out)
    assert "Re-encrypted 0 files with the newest key; 2 files already had it." in out.getvalue()


def test_the_rotate_command_names_a_file_no_key_opens_and_fails(cast, settings, each_store):
    stored_document(by=cast.alice)
    lost = storage(Fernet.generate_key()).save(new_stored_name(), ContentFile(PDF))
    new = Fernet.generate_key().decode()
    settings.CAP_DOCUMENT_KEYS = [new, *settings.CAP_DOCUMENT_KEYS]

    err = io.StringIO()
    with pytest.raises(CommandError, match="1 file could not be read"):
        call_command("rotate_document_keys", stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == f"No key in CAP_DOCUMENT_KEYS opens {lost}.\n"


def test_the_rotate_command_leaves_alone_and_counts_what_cap_did_not_name(
    cast, settings, each_store
):
    """A temporary file a killed run left beside a document, and another service's objects
    in a shared bucket: no key opens them, yet they must not stop the rotation, nor be
    rewritten, nor be named in the output."""
    (old,) = settings.CAP_DOCUMENT_KEYS
    document = stored_document(by=cast.alice)
    folder = document.stored_name.partition("/")[0]
    inner = storages["documents"]
    foreign = {
        f"{folder}/.rotating-k2j4h1x9": b"half of a re-encrypted file",
        "backups/2026-12-01/nightly.tar": b"someone else's backup",
        "README.txt": b"not CAP's",
        f"{folder}/{'0' * 32}": b"32 hex digits in the wrong folder",
    }
    for name, data in foreign.items():
        assert inner.save(name, ContentFile(data)) == name
    new = Fernet.generate_key().decode()
    settings.CAP_DOCUMENT_KEYS = [new, old]

    out, err = io.StringIO(), io.StringIO()
    call_command("rotate_document_keys", stdout=out, stderr=err)

    assert out.getvalue() == (
        "Re-encrypted 1 file with the newest key; 0 files already had it.\n"
        "Left 4 files alone whose names CAP does not make (such as a temporary file of an "
        "interrupted run, or another service's objects in a shared bucket).\n"
    )
    assert err.getvalue() == ""
    kept = each_store.objects()
    assert {name: kept[name] for name in foreign} == foreign, "left exactly as they were"
    assert Fernet(new).decrypt(kept[document.stored_name]) == PDF


def test_only_the_names_cap_makes_are_taken_for_its_own():
    assert all(is_stored_name(new_stored_name()) for _ in range(50))
    name = new_stored_name()
    folder, _, file = name.partition("/")
    for other in (
        file,
        f"{folder}/.rotating-{file[:8]}",
        f"{folder}/{file}.tmp",
        f"{folder}/{file.upper()}",
        f"ff/{'0' * 32}",
        f"x/{name}",
        f"{name}/",
    ):
        assert not is_stored_name(other), other


def test_the_rotate_command_on_an_empty_local_store_has_nothing_to_do(settings, tmp_path):
    settings.CAP_DOCUMENT_ROOT = tmp_path / "never-used"
    out = io.StringIO()
    call_command("rotate_document_keys", stdout=out)
    assert "Re-encrypted 0 files" in out.getvalue()


# --- The setting that chooses the store ---------------------------------------------------


def settings_with(monkeypatch, **env) -> dict:
    """config/settings.py as it reads this environment (without the demo's .env file)."""
    monkeypatch.setattr(lib.env, "read_env_file", lambda path: None)
    for name in ("CAP_STORAGE", "CAP_S3_BUCKET", "CAP_S3_ENDPOINT_URL", "CAP_S3_REGION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_documents_are_kept_on_this_machine_unless_the_settings_say_otherwise(monkeypatch):
    chosen = settings_with(monkeypatch)
    assert chosen["CAP_STORAGE"] == "local"
    assert chosen["STORAGES"]["documents"] == {
        "BACKEND": "documents.storage.PrivateFileSystemStorage"
    }


def test_cap_storage_s3_keeps_documents_in_the_bucket_it_names(monkeypatch):
    chosen = settings_with(
        monkeypatch,
        CAP_STORAGE="s3",
        CAP_S3_BUCKET="coventry-cap",
        CAP_S3_ENDPOINT_URL="https://objects.example.invalid",
        CAP_S3_REGION="eu-west-2",
    )
    assert chosen["STORAGES"]["documents"] == {
        "BACKEND": "documents.s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": "coventry-cap",
            "endpoint_url": "https://objects.example.invalid",
            "region_name": "eu-west-2",
        },
    }
    assert settings_with(monkeypatch, CAP_STORAGE="s3", CAP_S3_BUCKET="b")["STORAGES"]["documents"][
        "OPTIONS"
    ] == {"bucket_name": "b", "endpoint_url": None, "region_name": None}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CAP_STORAGE": "s3"}, "Set the environment variable CAP_S3_BUCKET"),
        ({"CAP_STORAGE": "ftp"}, "CAP_STORAGE must be one of local, s3, not 'ftp'"),
    ],
)
def test_a_store_that_cannot_be_used_stops_the_service(monkeypatch, env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        settings_with(monkeypatch, **env)
