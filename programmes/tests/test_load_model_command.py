"""`manage.py load_model --check`: a pipeline can stop on the problems it prints."""

import os
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parent / "data"
REFERENCE = Path(__file__).parents[1] / "data" / "coventry-2025-26.yaml"
ROOT = Path(__file__).parents[2]


def check(path: Path) -> subprocess.CompletedProcess:
    # The command as a pipeline runs it, for its exit status. --check reads the file only,
    # so no database is needed.
    return subprocess.run(  # noqa: S603 (our own command, arguments from the test)
        [sys.executable, "manage.py", "load_model", str(path), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        # The test run's environment (config/testenv.py), so the same settings load.
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings"},
        check=False,
    )


def test_a_file_with_problems_exits_non_zero_and_says_what_they_are():
    result = check(REFERENCE)
    assert result.returncode == 1
    assert "does not match its weekday" in result.stderr
    assert "problems: load it with --flagged" in result.stderr


def test_a_sound_file_exits_zero():
    result = check(DATA / "small.yaml")
    assert result.returncode == 0, result.stderr
    assert "has no problems" in result.stdout
