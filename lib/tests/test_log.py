import logging
import sys

from django.conf import settings

from lib.log import Formatter


def _raise_with_a_name():
    try:
        {}["key"]
    except KeyError as error:
        raise ValueError("Duplicate e-mail ada.lovelace@example.org for Ada Lovelace") from error


def _logged(formatter: logging.Formatter) -> str:
    record = None
    try:
        _raise_with_a_name()
    except ValueError:
        record = logging.LogRecord(
            "cap",
            logging.ERROR,
            __file__,
            1,
            "Job %s failed",
            ("reports",),
            sys.exc_info(),
        )
    return formatter.format(record)


def test_an_exception_is_logged_with_where_and_what_kind_but_not_its_message():
    written = _logged(Formatter())

    assert "Job reports failed" in written
    assert "in _raise_with_a_name" in written
    assert "builtins.ValueError" in written
    assert "builtins.KeyError" in written  # the exception it was raised from
    assert "Lovelace" not in written
    assert "example.org" not in written


def test_the_standard_formatter_would_have_logged_the_message():
    # What the project's formatter prevents: the default one writes the message.
    assert "Lovelace" in _logged(logging.Formatter())


def test_every_handler_and_djangos_own_logs_use_the_formatter():
    logging_ = settings.LOGGING
    formatters = {name: spec["()"] for name, spec in logging_["formatters"].items()}

    assert all(
        formatters[h["formatter"]] == "lib.log.Formatter" for h in logging_["handlers"].values()
    )
    assert logging_["loggers"]["django"]["propagate"] is False
    assert set(logging_["loggers"]["django"]["handlers"]) <= set(logging_["handlers"])
