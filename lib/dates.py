"""Dates in the English school calendar: working days, year groups, written dates.
No domain knowledge here."""

import datetime as dt
import re
from functools import cache

import holidays
from django.utils import timezone
from govuk_bank_holidays.bank_holidays import BankHolidays

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_WRITTEN = re.compile(
    r"^\s*(?:(?P<weekday>[A-Za-z]+)\s+)?(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]+)\s+(?P<year>\d{4})\s*$"
)


@cache
def _bank_holidays() -> BankHolidays:
    # The package carries its data; using it offline keeps start-up free of network calls.
    return BankHolidays(use_cached_holidays=True)


@cache
def bundled_bank_holidays_end() -> dt.date:
    """The last day the bundled bank holiday data covers: the end of the last year it has.

    The bundled data (govuk-bank-holidays, from GOV.UK) holds the dates as announced, one-off
    holidays included, a couple of years ahead. Beyond it the dates are worked out by rule."""
    holidays_ = _bank_holidays().get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    return dt.date(max(h["date"] for h in holidays_).year, 12, 31)


def bank_holidays_by_rule_from(today: dt.date) -> dt.date | None:
    """The first day whose bank holidays CAP will work out by rule rather than read from the
    bundled data, when that day is within a year of `today`; None while it is further off.
    A year is the notice the CAP manager gets to update the package (a one-off bank holiday,
    such as a coronation's, is only in the announced data)."""
    first_by_rule = bundled_bank_holidays_end() + dt.timedelta(days=1)
    return first_by_rule if first_by_rule - today <= dt.timedelta(days=366) else None


@cache
def _bank_holidays_in(year: int) -> dict[dt.date, str]:
    """England and Wales bank holidays in `year` by date: from the bundled data while it
    lasts, then computed by rule (the `holidays` package: Easter, the May and August
    Mondays, Christmas and New Year with their substitute days)."""
    if year <= bundled_bank_holidays_end().year:
        return {
            h["date"]: h["title"]
            for h in _bank_holidays().get_holidays(
                division=BankHolidays.ENGLAND_AND_WALES, year=year
            )
        }
    return bank_holidays_by_rule(year)


def bank_holidays_by_rule(year: int) -> dict[dt.date, str]:
    """England and Wales bank holidays in `year` as the rules make them, without one-off
    holidays: on weekdays only (the `holidays` package also names a weekend Christmas Day,
    which is not a working day anyway)."""
    by_rule = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return {day: name for day, name in sorted(by_rule.items()) if day.weekday() < 5}


def bank_holiday_name(day: dt.date) -> str | None:
    return _bank_holidays_in(day.year).get(day)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and bank_holiday_name(day) is None


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The date `count` working days after `day` (England and Wales)."""
    while count > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """The working days after `start`, up to and including `end` (England and Wales)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count


def working_days_before(day: dt.date, count: int) -> dt.date:
    """The `count`th working day before `day`, not counting `day` itself."""
    while count > 0:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def long_date(day: dt.date, *, weekday: bool = True) -> str:
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text


class WrittenDate:
    """A date as a person wrote it, such as "Wednesday 17 September 2025".

    It keeps the weekday the writer gave, so a reader can check it against the date."""

    def __init__(self, text: str):
        match = _WRITTEN.match(text)
        if not match:
            raise ValueError(f"{text!r} is not a date written like Wednesday 17 September 2025")
        month_name = match["month"].capitalize()
        if month_name not in MONTHS:
            raise ValueError(f"{match['month']!r} is not a month")
        try:
            self.date = dt.date(int(match["year"]), MONTHS.index(month_name) + 1, int(match["day"]))
        except ValueError:
            raise ValueError(f"{text!r} is not a real date") from None
        self.weekday = match["weekday"].capitalize() if match["weekday"] else None
        if self.weekday is not None and self.weekday not in WEEKDAYS:
            raise ValueError(f"{match['weekday']!r} is not a day of the week")
        self.text = text.strip()

    @property
    def weekday_matches(self) -> bool:
        return self.weekday is None or WEEKDAYS[self.date.weekday()] == self.weekday


def academic_year_start(day: dt.date) -> int:
    """The calendar year in which the academic year holding `day` began (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def year_group(date_of_birth: dt.date, academic_year_starting: int) -> int:
    """National curriculum year group in the academic year that starts on 1 September of
    `academic_year_starting`. Children born from September to August share a year; Year 1
    is the year in which they turn six."""
    return academic_year_starting - academic_year_start(date_of_birth) - 5


def monday_nearest(day: dt.date) -> dt.date:
    """The Monday nearest `day`: back to its own week's Monday from Monday to Thursday,
    on to the next Monday from Friday to Sunday."""
    if day.weekday() >= 4:
        return day + dt.timedelta(days=7 - day.weekday())
    return day - dt.timedelta(days=day.weekday())


def time_of_day(moment: dt.datetime | dt.time) -> str:
    """A time the GOV.UK way: "9am", "1:25pm", "midday", "midnight"."""
    if moment.minute == 0 and moment.hour in (0, 12):
        return "midday" if moment.hour == 12 else "midnight"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def moment_words(moment: dt.datetime) -> str:
    """A moment the GOV.UK way, in the service's time zone: "6 December 2026 at 9:05am"."""
    local = timezone.localtime(moment)
    return f"{long_date(local.date(), weekday=False)} at {time_of_day(local)}"


def duration_words(seconds: int) -> str:
    """A length of time as people say it: "12 hours", "30 minutes", "1 minute", "45
    seconds". Whole hours or minutes where it divides evenly, else the largest unit it fills,
    rounded down."""
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and (seconds % size == 0 or unit == "minute"):
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


def age_words(since: dt.datetime, now: dt.datetime) -> str:
    """How long something has waited, as a home page says it: in working days once a working
    day has passed ("2 working days"), in hours until then ("3 hours", "less than an
    hour")."""
    days = working_days_between(timezone.localtime(since).date(), timezone.localtime(now).date())
    if days:
        return f"{days} working day{'' if days == 1 else 's'}"
    hours = max(0, int((now - since).total_seconds() // 3600))
    if not hours:
        return "less than an hour"
    return f"{hours} hour{'' if hours == 1 else 's'}"
