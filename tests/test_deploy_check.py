"""`manage.py check --deploy` finds nothing to warn about with the production settings
docs/how-to/deploy.md gives (the README points there). Settings are read from the
environment when Django starts, so the check runs in a process of its own with that
environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

# The settings table of docs/how-to/deploy.md, with example values. DEBUG, CAP_DEMO_MODE and
# SECURE_COOKIES are left unset in production (off, off and on); they are set here because a
# developer's checkout has a .env with the demo's settings, which fills in whatever the
# environment leaves unset.
PRODUCTION = {
    "DEBUG": "false",
    "CAP_DEMO_MODE": "false",
    "SECURE_COOKIES": "true",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "cap.example.gov.uk",
    "CSRF_TRUSTED_ORIGINS": "https://cap.example.gov.uk",
    "CAP_BASE_URL": "https://cap.example.gov.uk",
    "DATABASE_URL": "postgres://cap_app:secret@db.internal:5432/cap?connect_timeout=5",
    "CAP_DOCUMENT_KEYS": "ySZnSuCxJZTgxR8Anc6xloFTv_s_oJTni8GQy4Iy0uM=",
    "CAP_STORAGE": "s3",
    "CAP_S3_BUCKET": "cap-documents",
    "CAP_S3_REGION": "eu-west-2",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "DEFAULT_FROM_EMAIL": "cap@example.gov.uk",
    "CAP_TEAM_EMAIL": "cap-team@example.gov.uk",
    "CAP_CONTACT_EMAIL": "cap@example.gov.uk",
    "CAP_CONTACT_PHONE": "024 7683 0000",
    "CAP_DPO_EMAIL": "data.protection@example.gov.uk",
    "CAP_DPO_ADDRESS": "Data Protection Officer, Council House, Coventry CV1 5RR",
    "CAP_ICO_REGISTRATION": "Z1234567",
    "BEHIND_TLS_PROXY": "true",
    "TRUSTED_PROXY_COUNT": "1",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
}


def check_deploy(*unset: str, **overrides: str) -> subprocess.CompletedProcess:
    """The deploy check with the production settings, less those named in `unset`."""
    production = {key: value for key, value in PRODUCTION.items() if key not in unset}
    env = {"PATH": os.environ.get("PATH", ""), **production, **overrides}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_deploy_check_is_clean_with_the_production_settings():
    result = check_deploy()
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_it_would_warn_if_a_production_setting_were_missing():
    """The check is really looking: without HTTPS redirects it complains."""
    result = check_deploy(SECURE_SSL_REDIRECT="false")
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


def test_it_warns_while_the_privacy_notice_shows_example_details():
    """The authority's details on the privacy notice and contact page (the about app) must
    be its own: left unset, each still has the example the demo shows."""
    result = check_deploy("CAP_DPO_EMAIL")
    output = result.stderr + result.stdout
    assert result.returncode != 0
    assert "about.W001" in output
    assert "CAP_DPO_EMAIL" in output
    assert "CAP_CONTACT_PHONE" not in output


def test_it_refuses_demo_mode():
    """Demo mode no longer needs DEBUG: it will not start on a real host name, and the
    deploy check refuses it even on this machine's."""
    result = check_deploy(CAP_DEMO_MODE="true")
    assert result.returncode != 0
    assert "CAP_DEMO_MODE lists the demo users" in result.stderr + result.stdout
    result = check_deploy(CAP_DEMO_MODE="true", ALLOWED_HOSTS="127.0.0.1")
    assert result.returncode != 0
    assert "demo.E001" in result.stderr + result.stdout
