import pytest
from cryptography.fernet import Fernet


@pytest.fixture(autouse=True)
def document_root(settings, tmp_path):
    """Every test stores its documents in its own folder, under its own key, never in the
    project."""
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    settings.CAP_DOCUMENT_KEYS = [Fernet.generate_key().decode()]
    settings.CAP_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
    return settings.CAP_DOCUMENT_ROOT
