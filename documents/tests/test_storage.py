import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.files.base import ContentFile
from django.core.management import call_command

from documents.storage import EncryptedStorage, document_storage, new_stored_name
from documents.tests.factories import PDF, stored_document, stored_files


def storage(root, *keys):
    return EncryptedStorage(keys=keys, location=root)


def test_a_pdf_is_stored_encrypted_and_reads_back(tmp_path):
    key = Fernet.generate_key()
    name = storage(tmp_path, key).save(new_stored_name(), ContentFile(PDF))
    (on_disk,) = stored_files(tmp_path)
    assert b"%PDF" not in on_disk.read_bytes()
    with storage(tmp_path, key).open(name) as f:
        assert f.read() == PDF


def test_files_are_named_by_a_random_uuid_in_a_private_folder(tmp_path):
    key = Fernet.generate_key()
    names = {storage(tmp_path, key).save(new_stored_name(), ContentFile(PDF)) for _ in range(3)}
    assert len(names) == 3
    for name in names:
        folder, _, file = name.partition("/")
        assert len(file) == 32 and file.startswith(folder)
    (on_disk, *_) = stored_files(tmp_path)
    assert on_disk.stat().st_mode & 0o077 == 0


def test_after_a_key_rotation_old_files_still_open_and_new_ones_use_the_new_key(tmp_path):
    old, new = Fernet.generate_key(), Fernet.generate_key()
    before = storage(tmp_path, old).save(new_stored_name(), ContentFile(PDF))
    rotated = storage(tmp_path, new, old)
    after = rotated.save(new_stored_name(), ContentFile(PDF))

    assert rotated.open(before).read() == PDF
    assert rotated.open(after).read() == PDF
    with pytest.raises(InvalidToken):
        storage(tmp_path, old).open(after)


def test_rotating_a_file_lets_the_old_key_be_dropped(tmp_path):
    old, new = Fernet.generate_key(), Fernet.generate_key()
    name = storage(tmp_path, old).save(new_stored_name(), ContentFile(PDF))

    storage(tmp_path, new, old).rotate(name)

    assert storage(tmp_path, new).open(name).read() == PDF
    with pytest.raises(InvalidToken):
        storage(tmp_path, old).open(name)


def test_a_stored_file_has_no_url(tmp_path, settings):
    settings.MEDIA_URL = "/media/"
    s = storage(tmp_path, Fernet.generate_key())
    name = s.save(new_stored_name(), ContentFile(PDF))
    with pytest.raises(ValueError, match="not reachable by a URL"):
        s.url(name)


def test_the_rotate_command_re_encrypts_every_document_with_the_newest_key(cast, settings):
    (old,) = settings.CAP_DOCUMENT_KEYS
    document = stored_document(by=cast.alice)
    new = Fernet.generate_key().decode()
    settings.CAP_DOCUMENT_KEYS = [new, old]

    call_command("rotate_document_keys", stdout=io.StringIO())

    settings.CAP_DOCUMENT_KEYS = [new]
    assert document_storage().open(document.stored_name).read() == PDF
