"""A day's marks through the service: for the latest school day before today, every setting's
register as its course leader opens and saves it (placements.selectors.register for the day,
then placements.services.register_save with a code in every session the setting expects:
present for most, an absence or a late mark for some), timed as a whole, with each
register's queries; marks a second, and the time for 200,000 placements' day.

    .venv/bin/python bench/run.py --scale 0.01 --only marks

The volume has already marked that day, so its marks (and their history) are removed first
and the week's tallies recounted without them (register_save adds new marks to them), then
the marks are entered again here, with the service's clock at 4pm that day (inside the
day, so none is late). Each run therefore measures the same work.
"""

# ruff: noqa: S311 - random picks synthetic codes, not secrets

import datetime as dt
import random
import time

from common import Queries, median, percentile

NATIONAL_PLACEMENTS = 200_000
TARGET_SECONDS = 60  # a day's marks for 200,000 placements in under a minute
PRESENT = {"am": "/", "pm": "\\"}


def _codes() -> tuple[list[str], list[str]]:
    """The absences and the late mark a setting may record in any session."""
    from placements.models import AttendanceCode, Category

    usable = AttendanceCode.objects.filter(setting_records=True, session="")
    absent = [c.code for c in usable if c.category in Category.absent()]
    late = [c.code for c in usable if c.code == "L"]
    return absent, late


def measure_marks(args, meta: dict, log) -> dict:
    from django.db import connection, transaction
    from django.db.models import Q
    from django.utils import timezone
    from volume import EMAIL_DOMAIN

    from accounts.models import Organisation, User
    from placements import selectors, services
    from placements.models import Mark, MarkChange, Placement

    today = timezone.localdate()
    day = (
        Mark.objects.filter(date__lt=today).order_by("-date").values_list("date", flat=True)
    ).first()
    if day is None:
        raise SystemExit("The volume has no marks before today.")
    settings_ = list(
        Organisation.objects.filter(
            pk__in=selectors.open_between(Placement.objects.all(), day, day).values("provider_id")
        ).order_by("pk")
    )
    emails = {
        o.pk: [f"setting{o.pk}@{EMAIL_DOMAIN}", f"school{o.pk}@{EMAIL_DOMAIN}"] for o in settings_
    }
    users = {
        u.email: u
        for u in User.objects.filter(email__in=[e for pair in emails.values() for e in pair])
    }
    with transaction.atomic():
        changes = MarkChange.objects.filter(mark__date=day).delete()[0]
        removed = Mark.objects.filter(date=day).delete()[0]
    # The week's tallies without that day's marks, as register_save adds to them.
    services.tallies_rebuild(first=day, last=day)
    log(
        f"A day's marks for {day:%A %-d %B %Y} at {len(settings_):,} settings "
        f"(removed the volume's {removed:,} marks and {changes:,} changes of that day first)"
    )
    absent, late = _codes()
    rng = random.Random(15)
    now = timezone.make_aware(dt.datetime.combine(day, dt.time(16, 0)))
    registers = []
    refused = []
    began = time.perf_counter()
    for setting in settings_:
        by = next((users[e] for e in emails[setting.pk] if e in users), None)
        if by is None:
            refused.append(f"{setting.name}: nobody to record marks")
            continue
        queries = Queries()
        with connection.execute_wrapper(queries):
            started = time.perf_counter()
            # As the register page opens it a day at a time (placements.views.registers),
            # but every student of the setting on one form.
            calendar = selectors.calendar_for(day, day)
            placements = list(selectors.register_placements(setting=setting, first=day, last=day))
            rows = selectors.register(placements=placements, days=[day], calendar=calendar, now=now)
            entries = []
            for row in rows:
                for cell in row.cells:
                    if not (cell.expected and cell.can_mark):
                        continue
                    roll = rng.random()
                    code = (
                        PRESENT[cell.session]
                        if roll < 0.86 or not absent
                        else late[0]
                        if roll < 0.9 and late
                        else rng.choice(absent)
                    )
                    entries.append(
                        services.Entry(
                            placement=row.placement,
                            date=cell.date,
                            session=cell.session,
                            code=code,
                            shown=cell.recorded,
                        )
                    )
            saved = 0
            try:
                if entries:
                    saved = services.register_save(
                        entries=entries, calendar=calendar, by=by, now=now
                    )
            except services.RegisterRefused as error:
                refused.append(f"{setting.name}: {'; '.join(error.problems[:3])}")
            took = time.perf_counter() - started
        registers.append(
            {
                "setting": setting.name,
                "students": len(rows),
                "marks": saved,
                "queries": queries.count,
                "ms": round(took * 1000, 1),
            }
        )
    wall = time.perf_counter() - began
    marks = sum(r["marks"] for r in registers)
    students = sum(r["students"] for r in registers)
    open_that_day = (
        Placement.objects.filter(starts_on__lte=day)
        .filter(Q(ended_on__gte=day) | Q(ended_on__isnull=True, planned_end_on__gte=day))
        .count()
    )
    per_placement = wall / students if students else 0
    national = per_placement * NATIONAL_PLACEMENTS
    query_counts = sorted({r["queries"] for r in registers})
    biggest = max(registers, key=lambda r: r["students"]) if registers else {}
    result = {
        "day": day.isoformat(),
        "settings": len(registers),
        "placements_open": open_that_day,
        "students_in_registers": students,
        "marks": marks,
        "wall_s": round(wall, 2),
        "marks_per_s": round(marks / wall, 1) if wall else 0,
        "register_median_ms": round(median([r["ms"] for r in registers]), 1),
        "register_p95_ms": round(percentile([r["ms"] for r in registers], 0.95), 1),
        "queries_per_register": query_counts,
        "queries_median": median([r["queries"] for r in registers]),
        "largest_register": biggest,
        "refused": refused[:20],
        "national_placements": NATIONAL_PLACEMENTS,
        "national_s": round(national, 1),
        "target_s": TARGET_SECONDS,
        "within_target": national < TARGET_SECONDS,
        "registers": registers,
    }
    log(
        f"{marks:,} marks for {students:,} students in {len(registers):,} registers in "
        f"{wall:.1f} s ({result['marks_per_s']:,} marks a second); 200,000 placements: "
        f"about {national:.0f} s; queries per register {query_counts[:1]}..{query_counts[-1:]}"
    )
    return result


def table(part: dict) -> list[str]:
    r = part
    big = r["largest_register"]
    counts = r["queries_per_register"]
    lines = [
        "| | |",
        "| --- | --- |",
        f"| day | {r['day']} |",
        f"| registers saved | {r['settings']:,} (one a setting; {r['placements_open']:,} "
        f"placements open that day, {r['students_in_registers']:,} expected at their setting) |",
        f"| marks entered | {r['marks']:,} |",
        f"| wall time | {r['wall_s']:.1f} s ({r['marks_per_s']:,} marks a second) |",
        f"| a register, opened and saved | median {r['register_median_ms']:.0f} ms, "
        f"95th percentile {r['register_p95_ms']:.0f} ms |",
        f"| queries per register | {counts[0] if counts else 0} to {counts[-1] if counts else 0} "
        f"(median {r['queries_median']:g}); the largest register, {big.get('students', 0)} "
        f"students: {big.get('queries', 0)} queries, {big.get('ms', 0):.0f} ms |",
        f"| 200,000 placements' day | about {r['national_s']:.0f} s against {r['target_s']} s: "
        f"**{'within' if r['within_target'] else 'OVER'}** |",
    ]
    if r["refused"]:
        lines.append(f"| refused | {'; '.join(r['refused'])} |")
    return lines
