"""Loaded by pytest as a plugin (-p config.testenv) before Django starts: the environment
values a test run needs, unless the caller has set them."""

import os

os.environ.setdefault("SECRET_KEY", "insecure-key-for-tests-only")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("CAP_DEMO_MODE", "0")
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)
# A Fernet key for tests only; production sets its own keys.
os.environ.setdefault("CAP_DOCUMENT_KEYS", "ySZnSuCxJZTgxR8Anc6xloFTv_s_oJTni8GQy4Iy0uM=")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
# Playwright's sync API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The words check on every page, e-mail and PDF the tests make (lib.words, conftest.py).
os.environ.setdefault("CAP_WORDS_CHECK", "1")
