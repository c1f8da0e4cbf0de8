"""Who comes first where places are short: one order for every list that hands out something
scarce (a meeting's agenda when it has more items than it can hear, a cohort's waiting list).

The rule is the authority's: on a programme that gives subscribing schools priority
(Programme.subscriber_priority: Coventry's Tier 2, Insight and Flourish, "priority over
schools who do not have the SLA"), an application from a school with the service level
agreement for the programme's year comes first; then, and everywhere else, the earliest
referred (submitted) first; then the older record. Which programmes give priority is the
model's data, never a tier number in code.

The rule is written twice, and a test holds the two to each other: once in Python for one
application or a list in hand (`standing`, `in_order`), once in SQL for a queryset that
stays a page at a time (`with_priority`, `priority_order`), with one EXISTS on the
subscriptions per query, never a query per row.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import BooleanField, Case, Exists, F, OuterRef, QuerySet, Value, When
from django.utils import timezone

from lib.dates import long_date
from programmes.models import AcademicYear, Programme, Subscription

# The annotation with_priority adds: true when the application comes first by priority.
ANNOTATION = "sla_priority"

T = TypeVar("T")


def gives_priority(programme: Programme | None) -> bool:
    return programme is not None and programme.subscriber_priority


@dataclass(frozen=True)
class Standing:
    """Where an application stands in a queue for something scarce, and why."""

    priority: bool  # first by the agreement
    referred_at: dt.datetime | None  # when the school submitted it
    pk: int  # the tie-breaker: the older record first

    def key(self) -> tuple:
        # Not yet referred (never in a real queue) sorts last; then the older record.
        return (not self.priority, self.referred_at is None, self.referred_at or 0, self.pk)


def standing(*, programme: Programme | None, subscribed: bool, referred_at, pk: int) -> Standing:
    """An application's standing: `subscribed` is whether its school has the agreement for
    the programme's year."""
    return Standing(
        priority=gives_priority(programme) and subscribed, referred_at=referred_at, pk=pk
    )


def in_order(things: Iterable[T], standing_of: Callable[[T], Standing]) -> list[T]:
    """The things in the order places go: `standing_of(thing)` gives each one's Standing."""
    return sorted(things, key=lambda thing: standing_of(thing).key())


def year_words(year: AcademicYear) -> str:
    return f"{year.starts_on.year} to {year.ends_on.year}"


def reasons(application, *, priority: bool) -> list[str]:
    """Why the application stands where it does, in words, for the CAP team and the panel:
    the agreement, where it gives priority, and the day it was referred. The caller has
    selected the school and the programme's year."""
    words = []
    if priority:
        words.append(
            f"Priority: {application.school.name} has the service level agreement for "
            f"{year_words(application.programme.year)}"
        )
    if application.submitted_at is not None:
        words.append(
            f"Referred {long_date(timezone.localdate(application.submitted_at), weekday=False)}"
        )
    return words


def _path(to_application: str, field: str) -> str:
    return f"{to_application}__{field}" if to_application else field


def with_priority(queryset: QuerySet, *, to_application: str = "") -> QuerySet:
    """The queryset with ANNOTATION: whether the application (the rows themselves, or the
    one reached by `to_application`, such as "application" from an agenda item) comes first
    by the agreement."""
    subscribed = Subscription.objects.filter(
        school=OuterRef(_path(to_application, "school")),
        year=OuterRef(_path(to_application, "programme__year")),
    )
    return queryset.annotate(
        **{
            ANNOTATION: Case(
                When(
                    **{_path(to_application, "programme__subscriber_priority"): True},
                    then=Exists(subscribed),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        }
    )


def priority_order(*, to_application: str = "") -> list:
    """The ORDER BY of a queryset with_priority: the same order as Standing.key."""
    return [
        F(ANNOTATION).desc(),
        F(_path(to_application, "submitted_at")).asc(nulls_last=True),
        _path(to_application, "id"),
    ]


def by_priority(queryset: QuerySet, *, to_application: str = "") -> QuerySet:
    """The queryset annotated and in the order places go."""
    return with_priority(queryset, to_application=to_application).order_by(
        *priority_order(to_application=to_application)
    )
