"""What the about pages show, read from where it is kept: the retention schedule
(privacy/retention.toml), the settings that name the cookies CAP sets, the authority's
details (settings) and the accessibility statement's file."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.utils.module_loading import import_string

from lib.dates import duration_words
from privacy.retention import Entry, schedule

# --- The privacy notice: how long each kind of record is kept ------------------------------


@dataclass(frozen=True)
class Kept:
    what: str
    applies_to: str
    how_long: str


def _ordinal(number: int) -> str:
    if 11 <= number % 100 <= 13:
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _years(count: int) -> str:
    return f"{count} year{'' if count == 1 else 's'}"


# What happens when the period ends, by the schedule's action.
_ENDINGS = {
    "delete": "then deleted",
    "anonymise": (
        "then anonymised: kept for the service's figures with nothing that identifies the student"
    ),
    "review": "then reviewed by the authority, which decides whether it must be kept longer",
}


def how_long(entry: Entry) -> str:
    """The period of one kind of record, in words, from its clock, years and action."""
    if entry.clock == "student_record":
        if entry.action == "delete":
            return "As long as the student's record, then deleted with it"
        return "As long as the student's record, " + _ENDINGS[entry.action]
    if entry.clock == "date_of_birth":
        start = f"Until the student's {_ordinal(entry.years)} birthday"
    elif entry.clock == "last_change":
        start = f"{_years(entry.years)} after it was last changed"
    else:  # occurred_at
        start = f"{_years(entry.years)} after it happened"
    return f"{start}, {_ENDINGS[entry.action]}"


def retention_rows() -> list[Kept]:
    """Every kind of record in the retention schedule, in its order there."""
    return [
        Kept(what=entry.what, applies_to=entry.applies_to, how_long=how_long(entry))
        for entry in schedule().entries.values()
    ]


def retention_reviewed_on():
    return schedule().reviewed_on


# --- The cookies page ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    expires: str


WHEN_BROWSER_CLOSES = "When you close your browser"


def _lasts(seconds: int) -> str:
    """A cookie's life as people say it: "52 weeks", "2 days", else hours or minutes."""
    for unit, size in (("week", 7 * 24 * 3600), ("day", 24 * 3600)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return duration_words(seconds)


def cookies() -> list[Cookie]:
    """The cookies CAP sets, named as the settings name them. Each is strictly necessary:
    none tracks anyone, none is read by another site. Sign-in throttling (django-axes) and
    the second factor (django-otp) keep what they need on the server, in the session."""
    found = [
        Cookie(
            name=settings.SESSION_COOKIE_NAME,
            purpose=(
                "Keeps you signed in as you move from page to page. The service signs you "
                f"out after {duration_words(settings.SESSION_COOKIE_AGE)} without using it"
            ),
            expires=(
                WHEN_BROWSER_CLOSES
                if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
                else _lasts(settings.SESSION_COOKIE_AGE)
            ),
        )
    ]
    if not settings.CSRF_USE_SESSIONS:
        found.append(
            Cookie(
                name=settings.CSRF_COOKIE_NAME,
                purpose="Stops other websites sending forms to this service in your name",
                expires=_lasts(settings.CSRF_COOKIE_AGE)
                if settings.CSRF_COOKIE_AGE
                else WHEN_BROWSER_CLOSES,
            )
        )
    storage = import_string(settings.MESSAGE_STORAGE)
    if issubclass(storage, CookieStorage | FallbackStorage):
        found.append(
            Cookie(
                name=CookieStorage.cookie_name,
                purpose=(
                    "Carries a message such as “Application submitted” to the next page you "
                    "see; it is removed once shown"
                ),
                expires=WHEN_BROWSER_CLOSES,
            )
        )
    return found


# --- The authority's details -----------------------------------------------------------------


def contact() -> dict:
    """How to reach the CAP team, and the authority's data protection details."""
    return {
        "email": settings.CAP_CONTACT_EMAIL,
        "phone": settings.CAP_CONTACT_PHONE,
        "hours": settings.CAP_CONTACT_HOURS,
        "address": settings.CAP_CONTACT_ADDRESS,
        "controller": settings.CAP_DATA_CONTROLLER,
        "ico_registration": settings.CAP_ICO_REGISTRATION,
        "dpo_email": settings.CAP_DPO_EMAIL,
        "dpo_address": settings.CAP_DPO_ADDRESS,
        # Any detail still the example the demo runs with (the deploy check warns too).
        "examples": any(
            getattr(settings, name) == example
            for name, example in settings.CAP_AUTHORITY_DETAIL_EXAMPLES.items()
        ),
    }
