"""The audit trail's search page and its CSV export (casework): the CAP manager's, and the
authority's safeguarding lead's for safeguarding's events. Every search and export is
itself audited."""

import itertools
from collections.abc import Iterator

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET

from accounts.rules import Area, is_cap_manager
from accounts.views import area_required
from audit.models import Event
from audit.services import event_record
from lib import dates
from lib.spreadsheets import csv_chunks, safe_cell
from privacy import audit_search
from privacy.forms_audit import AuditSearchForm
from privacy.rules import can_search_audit

PER_PAGE = 50
# An export holds at most this many events, newest first: a narrower filter gets the rest.
MOST_EXPORTED = 100_000
CHUNK = 2000
# The search counts at most this many events: past it, the heading says "More than", and a
# narrower filter pages through the rest (no count over millions of events for a heading).
MOST_COUNTED = 10_000


class _CountedToMost(Paginator):
    """A paginator whose count stops at MOST_COUNTED (`capped` says whether there were more
    events than that)."""

    capped = False

    @cached_property
    def count(self) -> int:
        found = self.object_list[: MOST_COUNTED + 1].count()
        self.capped = found > MOST_COUNTED
        return min(found, MOST_COUNTED)


def _search(request) -> tuple[AuditSearchForm, QuerySet[Event] | None]:
    if not can_search_audit(request.user):
        raise Http404("No such page")
    form = AuditSearchForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, None
    filters = form.filters() if form.is_bound else audit_search.Filters()
    student = form.resolved_student if form.is_bound else None
    events = audit_search.events_found(request.user, filters, student)
    form.detail = audit_search.filters_detail(filters, student)
    return form, events


def _rows(page) -> list[dict]:
    return [
        {
            "when": dates.moment_words(event.occurred_at),
            "who": (event.actor.full_name or event.actor.email) if event.actor_id else "CAP itself",
            "what": audit_search.action_words(event.action),
            "action": event.action,
            "record": audit_search.record_words(event.object_type) if event.object_type else "",
            "record_id": event.object_id,
        }
        for event in page
    ]


@area_required(Area.CASEWORK)
@require_GET
def audit_trail(request):
    form, events = _search(request)
    listing, rows = None, []
    if events is not None:
        listing = _CountedToMost(events, PER_PAGE).get_page(request.GET.get("page"))
        rows = _rows(listing)  # read before the search's own event is recorded
        event_record(actor=request.user, action="audit.searched", detail=form.detail)
    return render(
        request,
        "privacy/audit/search.html",
        {
            "form": form,
            "listing": listing,
            "rows": rows,
            "safeguarding_only": not is_cap_manager(request.user),
            "most_exported": MOST_EXPORTED,
            "most_counted": MOST_COUNTED,
        },
    )


COLUMNS = [
    "When",
    "Who",
    "Their e-mail address",
    "What they did",
    "Action",
    "Record",
    "Record's identifier",
]


def _rows_of(chunk) -> list[list]:
    return [
        [
            timezone.localtime(occurred_at).isoformat(timespec="seconds"),
            safe_cell(full_name) if actor_id else "CAP itself",
            safe_cell(email) if actor_id else "",
            audit_search.action_words(action),
            action,
            audit_search.record_words(object_type) if object_type else "",
            object_id,
        ]
        for occurred_at, actor_id, full_name, email, action, object_type, object_id in chunk
    ]


def _lines(events: QuerySet[Event]) -> Iterator[str]:
    """The CSV, CHUNK events at a time from one cursor (a server-side one on PostgreSQL),
    read as values rather than objects: memory holds one chunk, however many events."""
    values = (
        events[:MOST_EXPORTED]
        .values_list(
            "occurred_at",
            "actor_id",
            "actor__full_name",
            "actor__email",
            "action",
            "object_type",
            "object_id",
        )
        .iterator(chunk_size=CHUNK)
    )
    chunks = iter(lambda: list(itertools.islice(values, CHUNK)), [])
    return csv_chunks(COLUMNS, (_rows_of(chunk) for chunk in chunks))


@area_required(Area.CASEWORK)
@require_GET
def audit_export(request):
    """The filtered events as CSV, newest first, streamed a chunk at a time."""
    form, events = _search(request)
    if events is None:
        raise Http404("Correct the search first")
    event_record(actor=request.user, action="audit.exported", detail=form.detail)
    response = StreamingHttpResponse(_lines(events), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="cap-audit-trail-{stamp}.csv"'
    return response
