import pytest
from django.core.exceptions import ImproperlyConfigured

from lib.env import env_bool, env_int, env_list, env_str


def test_a_required_value_that_is_missing_stops_the_service(monkeypatch):
    monkeypatch.delenv("CAP_TEST_VALUE", raising=False)
    with pytest.raises(ImproperlyConfigured, match="Set the environment variable CAP_TEST_VALUE"):
        env_str("CAP_TEST_VALUE")
    assert env_str("CAP_TEST_VALUE", "fallback") == "fallback"


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("yes", True), ("off", False), ("", False)]
)
def test_booleans_are_read_plainly(monkeypatch, raw, value):
    monkeypatch.setenv("CAP_TEST_VALUE", raw)
    assert env_bool("CAP_TEST_VALUE", default=not value) is value


@pytest.mark.parametrize(("reader", "raw"), [(env_bool, "maybe"), (env_int, "ten")])
def test_a_value_that_cannot_be_read_stops_the_service(monkeypatch, reader, raw):
    monkeypatch.setenv("CAP_TEST_VALUE", raw)
    with pytest.raises(ImproperlyConfigured, match="CAP_TEST_VALUE"):
        reader("CAP_TEST_VALUE", 0)


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("CAP_TEST_VALUE", "a.example, b.example,")
    assert env_list("CAP_TEST_VALUE", []) == ["a.example", "b.example"]


def test_a_local_env_file_gives_defaults_that_the_environment_overrides(monkeypatch, tmp_path):
    from lib.env import read_env_file

    path = tmp_path / ".env"
    path.write_text("# the demo's settings\nCAP_TEST_A=from-file\nCAP_TEST_B=from-file\n\n")
    monkeypatch.delenv("CAP_TEST_A", raising=False)
    monkeypatch.setenv("CAP_TEST_B", "from-environment")
    read_env_file(path)
    assert env_str("CAP_TEST_A") == "from-file"
    assert env_str("CAP_TEST_B") == "from-environment"
    monkeypatch.delenv("CAP_TEST_A")
    read_env_file(tmp_path / "missing")  # no file: nothing happens
    assert env_str("CAP_TEST_A", "unset") == "unset"


def test_a_choice_is_one_of_those_allowed(monkeypatch):
    from lib.env import env_choice

    monkeypatch.delenv("CAP_TEST_VALUE", raising=False)
    assert env_choice("CAP_TEST_VALUE", ("local", "s3"), "local") == "local"
    monkeypatch.setenv("CAP_TEST_VALUE", " S3 ")
    assert env_choice("CAP_TEST_VALUE", ("local", "s3"), "local") == "s3"
    monkeypatch.setenv("CAP_TEST_VALUE", "ftp")
    with pytest.raises(ImproperlyConfigured, match="one of local, s3, not 'ftp'"):
        env_choice("CAP_TEST_VALUE", ("local", "s3"), "local")
