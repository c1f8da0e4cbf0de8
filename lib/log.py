"""Logging that never writes personal data.

CAP's own log calls pass identifiers only. An exception's message is another matter: it is
written by whatever raised it, and may quote a name, an address or a row ("duplicate key
(email)=(…)"). So the log keeps where an exception happened (each frame's file, line and
function) and what kind it was, and drops its message. The message is still in the
traceback a developer sees when running tests or the code locally.
"""

import logging
import traceback


def exception_without_message(exc_info) -> str:
    """The traceback's frames and the exception's class, for it and each exception it was
    raised from or during, without any message."""
    lines: list[str] = []
    error = exc_info[1]
    seen: set[int] = set()
    chain: list[BaseException] = []
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        chain.append(error)
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    for position, error in enumerate(reversed(chain)):
        if position:
            lines.append("The exception above led to this one:")
        lines.append("Traceback (most recent call last):")
        for frame in traceback.extract_tb(error.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        kind = type(error)
        lines.append(f"{kind.__module__}.{kind.__qualname__} (message left out of the log)")
    return "\n".join(lines)


class Formatter(logging.Formatter):
    """The standard formatter, with exceptions written without their messages."""

    def formatException(self, ei) -> str:
        return exception_without_message(ei)
