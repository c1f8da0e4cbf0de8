from django.conf import settings

from accounts.middleware import session_seconds_left
from lib.dates import duration_words


def session_timeout(request) -> dict:
    """What the time-out warning's script needs on a signed-in page (templates/base.html):
    the idle limit, how long before it to warn, and what is left of the absolute limit."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "session_timeout": {
            "idle_seconds": settings.SESSION_COOKIE_AGE,
            "warning_seconds": settings.CAP_SESSION_WARNING_SECONDS,
            "limit_seconds_left": session_seconds_left(request),
            "max_for": duration_words(settings.CAP_SESSION_MAX_AGE),
        }
    }
