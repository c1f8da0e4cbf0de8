"""Who may read a document.

A document belongs to no domain, so this app cannot know who may read one: the domain
that linked it does. Each such app registers a reader rule at start-up (in its
AppConfig.ready), and a document is readable by a user when any registered rule says so.
A document no rule claims is readable by nobody.
"""

from collections.abc import Callable

import rules
from django.core.exceptions import PermissionDenied

from accounts.models import User
from documents.models import Document

# fn(user, document) -> True to let the user read it; False or None when the rule does
# not grant it (None: the document is not this domain's).
Reader = Callable[[User, Document], bool | None]

_readers: list[Reader] = []


def register_reader(reader: Reader) -> Reader:
    """Add a domain's rule; usable as a decorator. Registering twice has no effect."""
    if reader not in _readers:
        _readers.append(reader)
    return reader


def readers() -> tuple[Reader, ...]:
    return tuple(_readers)


@rules.predicate
def can_view_document(user: User, document: Document) -> bool:
    return any(reader(user, document) for reader in _readers)


def check_can_view_document(user: User, document: Document) -> None:
    if not can_view_document(user, document):
        raise PermissionDenied("This document is not yours to see.")
