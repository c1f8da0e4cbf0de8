"""Meetings and referral deadlines as iCalendar (RFC 5545), for calendar programs."""

import datetime as dt

from icalendar import Calendar, Event

PRODUCT = "-//CAP//Panel calendar//EN"


def ics(meetings) -> bytes:
    """One all-day event for each meeting, and one for its referral deadline."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "CAP panels")
    stamp = dt.datetime.now(dt.UTC)
    for meeting in meetings:
        calendar.add_component(
            _day(f"meeting-{meeting.uuid}", meeting.date, str(meeting.panel), stamp)
        )
        calendar.add_component(
            _day(
                f"deadline-{meeting.uuid}",
                meeting.referral_deadline,
                f"Referral deadline: {meeting}",
                stamp,
            )
        )
    return calendar.to_ical()


def _day(uid: str, day: dt.date, summary: str, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"{uid}@cap")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")
    return event
