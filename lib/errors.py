"""The refusals every domain's services raise, and every view answers the same way."""


class Refused(Exception):
    """What was asked cannot be done now; the message says why, in words for the person
    who asked. `field` names the form field the message belongs beside, if any."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class Conflict(Refused):
    """Someone else changed the record since this person loaded it."""
