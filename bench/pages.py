"""Every key page of every role: the busiest person of each role signs in, and each page
they may see is asked for with Django's test client (in the same process, DEBUG off), once
to warm up and then --runs times: its queries, median and 95th percentile, size, and its
median against the simplest signed-in page's (the fastest area home page), flagged OVER
beyond twice.

    .venv/bin/python bench/run.py --scale 0.01 --only pages

The pages come from the URLconf, so that a new page is not forgotten: every pattern
without an argument is tried for each person (those answering 200 are theirs), and the
named detail pages in DETAIL are given an object of that person's from the volume (the
placement of theirs with the longest history, its student and application, their setting's
register, the latest meeting, ...). Every pattern measured for nobody is listed with the
reason. The figures pages (`<key>` under each area's figures) are bench/figures.py's.
"""

import datetime as dt
import logging
from dataclasses import asdict, dataclass

from common import TARGET_RATIO, signed_in
from figures import Result, Target, measure

# Patterns never asked for here, and why.
SKIPPED_PREFIXES = {
    "sign-in/": "signing in and out",
    "sign-out/": "signing in and out",
    "signed-out/": "signing in and out",
    "admin/": "Django's admin",
}
FIGURES_PAGES = {
    "dashboards:casework_oversight",
    "dashboards:schools_oversight",
    "dashboards:providers_oversight",
}
# Query strings each page is also asked for with: the tabs of the placements lists, the
# morning and afternoon of whereabouts, a register's single day.
VARIANTS = {
    "placements:casework_list": ["", "?show=ending", "?show=overdue", "?show=ended"],
    "placements:schools_list": ["", "?show=ending", "?show=overdue", "?show=ended"],
    "placements:providers_list": ["", "?show=ending", "?show=overdue", "?show=ended"],
    "placements:casework_whereabouts": ["?session=am", "?session=pm"],
    "placements:schools_whereabouts": ["?session=am", "?session=pm"],
    "placements:schools_register": ["", "?day={day}"],
    "placements:providers_register": ["", "?day={day}"],
}


@dataclass
class Person:
    label: str
    role: str
    email: str
    organisation: str
    user: object = None
    subject: object = None  # the placement whose pages are asked for
    setting: object = None  # the setting whose register is asked for


def _walk(patterns, prefix="", namespace=""):
    from django.urls import URLPattern, URLResolver

    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            yield prefix + str(p.pattern), name, list(p.pattern.converters)


def url_patterns() -> list[tuple[str, str, list[str]]]:
    """Every URL pattern: its route, its name and its arguments."""
    from django.urls import get_resolver

    return list(_walk(get_resolver().url_patterns))


# --- Who ------------------------------------------------------------------------------------


def _ranked_organisations(kind: str, related: str) -> list:
    from django.db.models import Count

    from accounts.models import Organisation

    return list(
        Organisation.objects.filter(kind=kind).annotate(n=Count(related)).order_by("-n", "pk")
    )


def _ranked_users(role: str, related: str) -> list:
    from django.db.models import Count

    from accounts.models import User

    return list(
        User.objects.filter(memberships__role=role)
        .annotate(n=Count(related, distinct=True))
        .order_by("-n", "pk")
    )


def _with_objects(person: Person, scope, setting=None) -> Person:
    """The person's user, their placement with the longest history still open (the most
    marks and records) and the setting whose register they keep or see."""
    from django.utils import timezone

    from accounts.models import Role, User
    from placements.models import Placement

    person.user = User.objects.filter(email=person.email).first()
    if person.user is None:
        return person
    if person.role == Role.MONITORING_OFFICER:
        scope = {"monitoring_officer": person.user}
    person.subject = (
        Placement.objects.filter(
            ended_on__isnull=True, starts_on__lte=timezone.localdate(), **scope
        )
        .select_related("student", "application", "provider", "course", "home_school")
        .order_by("starts_on", "pk")
        .first()
    )
    person.setting = setting or (person.subject.provider if person.subject else None)
    return person


def people(log, extra: int = 0) -> tuple[list[Person], list[str]]:
    """The busiest person of each role in the volume, and the roles it has nobody for;
    with `extra`, that many more people (the next schools, providers and officers by size),
    for the load's different users."""
    from volume import EMAIL_DOMAIN, FINANCE_EMAIL, MANAGER_EMAIL, PANEL_EMAIL, SAFEGUARDING_EMAIL

    from accounts.models import Membership, OrganisationKind, Role

    K = OrganisationKind
    schools = _ranked_organisations(K.SCHOOL, "placements_commissioned")
    providers = _ranked_organisations(K.TRAINING_PROVIDER, "placements_provided")
    academy = _ranked_organisations(K.AP_ACADEMY, "placements_provided")[0]
    officers = _ranked_users(Role.CAP_OFFICER, "assigned_applications")
    monitors = _ranked_users(Role.MONITORING_OFFICER, "placements_monitored")
    la = "the local authority"

    def school_person(n: int) -> Person:
        s = schools[n]
        person = Person(
            "School coordinator" + (f" {n + 1}" if n else ""),
            Role.REFERRER,
            f"school{s.pk}@{EMAIL_DOMAIN}",
            f"{s.name} ({s.n:,} placements)",
        )
        return _with_objects(person, {"home_school": s})

    def provider_person(n: int) -> Person:
        p = providers[n]
        person = Person(
            "Provider course leader" + (f" {n + 1}" if n else ""),
            Role.PROVIDER_STAFF,
            f"setting{p.pk}@{EMAIL_DOMAIN}",
            f"{p.name} ({p.n:,} placements)",
        )
        return _with_objects(person, {"provider": p}, p)

    def officer_person(n: int) -> Person:
        return _with_objects(
            Person(
                "CAP officer" + (f" {n + 1}" if n else ""),
                Role.CAP_OFFICER,
                officers[n].email,
                f"{la} ({officers[n].n:,} applications)",
            ),
            {},
        )

    def monitor_person(n: int) -> Person:
        return _with_objects(
            Person(
                "Monitoring officer" + (f" {n + 1}" if n else ""),
                Role.MONITORING_OFFICER,
                monitors[n].email,
                f"{la} ({monitors[n].n:,} placements)",
            ),
            {},
        )

    school, provider = schools[0], providers[0]
    found = [
        _with_objects(Person("CAP manager", Role.CAP_MANAGER, MANAGER_EMAIL, la), {}),
        officer_person(0),
        monitor_person(0),
        _with_objects(Person("CAP safeguarding lead", Role.DSL, SAFEGUARDING_EMAIL, la), {}),
        _with_objects(Person("Finance officer", Role.FINANCE_OFFICER, FINANCE_EMAIL, la), {}),
        _with_objects(Person("Panel member", Role.PANEL_MEMBER, PANEL_EMAIL, "every panel"), {}),
        school_person(0),
        _with_objects(
            Person("School DSL", Role.DSL, f"dsl{school.pk}@{EMAIL_DOMAIN}", school.name),
            {"home_school": school},
        ),
        provider_person(0),
        _with_objects(
            Person("Provider DSL", Role.DSL, f"dsl{provider.pk}@{EMAIL_DOMAIN}", provider.name),
            {"provider": provider},
            provider,
        ),
        _with_objects(
            Person(
                "AP academy course leader",
                Role.PROVIDER_STAFF,
                f"setting{academy.pk}@{EMAIL_DOMAIN}",
                f"{academy.name} ({academy.n:,} placements)",
            ),
            {"provider": academy},
            academy,
        ),
    ]
    makers = [(school_person, schools), (provider_person, providers)]
    makers += [(officer_person, officers), (monitor_person, monitors)]
    n = 1
    while extra > 0 and any(n < len(items) for _, items in makers):
        for make, items in makers:
            if extra > 0 and n < len(items):
                found.append(make(n))
                extra -= 1
        n += 1
    covered = {p.role for p in found if p.user is not None}
    in_volume = set(Membership.objects.values_list("role", flat=True).distinct())
    missing = [
        f"{Role(r).label}: {'nobody in the volume' if r not in in_volume else 'not chosen'}"
        for r in Role.values
        if r not in covered
    ]
    found = [p for p in found if p.user is not None]
    log(f"People: {', '.join(p.label for p in found)}; none for {len(missing)} roles")
    return found, missing


# --- Which pages ----------------------------------------------------------------------------


def _detail_args(person: Person, params: list[str], objects: dict) -> list | None:
    """The arguments of a detail page for this person, or None when the volume has none."""
    s = person.subject
    values = {
        "student_uuid": s.student.uuid if s else None,
        "application_uuid": s.application.uuid if s else None,
        "placement_uuid": s.uuid if s else None,
        "setting_uuid": person.setting.uuid if person.setting else None,
        "week": objects["week"],
        "meeting_uuid": objects["meeting"].uuid if objects["meeting"] else None,
        "record_uuid": objects["record"].get(person.setting.pk if person.setting else None),
        "course_uuid": s.course.uuid if s and s.course else None,
        "concern_uuid": objects["concern"].get(person.label),
        "notice_uuid": objects["notice"].get(s.application_id if s else None),
        "year_name": objects["year"].name,
        "year_uuid": objects["year"].uuid,
        "school_uuid": s.home_school.uuid if s else None,
        "organisation_uuid": s.home_school.uuid if s else None,
    }
    args = [values.get(p) for p in params]
    return None if any(a is None for a in args) else args


# Detail pages: one of each kind, with an object of the person's.
DETAIL = {
    "students:detail",
    "applications:detail",
    "casework:application",
    "providers:pack",
    "placements:casework_detail",
    "placements:schools_detail",
    "placements:providers_detail",
    "placements:schools_register",
    "placements:providers_register",
    "casework_meetings:meeting",
    "casework_meetings:pack",
    "panels:meeting",
    "panels:pack",
    "quality:provider",
    "quality:compliance",
    "quality:course",
    "safeguarding:concern",
    "safeguarding:chronology",
    "casework_meetings:notice",
    "programmes:model_year",
    "finance:subscription",
    "finance:organisation_codes",
    "quality:feed_service",
}


def shared_objects(people_: list[Person]) -> dict:
    """Objects the detail pages need beyond each person's placement."""
    from django.db.models import Count
    from django.utils import timezone

    from panels.models import OutcomeNotice
    from placements.models import Mark
    from programmes.models import Meeting
    from programmes.selectors import year_current
    from quality.models import ProviderRecord
    from safeguarding.models import Concern

    today = timezone.localdate()
    latest = (
        Mark.objects.filter(date__lt=today).order_by("-date").values_list("date", flat=True)
    ).first() or today
    meeting = (
        Meeting.objects.filter(date__lt=today)
        .annotate(n=Count("items"))
        .order_by("-date", "-n")
        .first()
    )
    settings_ = {p.setting.pk for p in people_ if p.setting}
    records = dict(
        ProviderRecord.objects.filter(organisation_id__in=settings_).values_list(
            "organisation_id", "uuid"
        )
    )
    concerns = {}
    for person in people_:
        if person.role != "dsl":
            continue
        found = Concern.objects.order_by("-raised_at")
        if person.label == "School DSL" and person.subject:
            found = found.filter(student__home_school=person.subject.home_school_id)
        elif person.label == "Provider DSL" and person.setting:
            found = found.filter(placement__provider=person.setting)
        concern = found.first()
        if concern:
            concerns[person.label] = concern.uuid
    apps = {p.subject.application_id for p in people_ if p.subject}
    notices = dict(
        OutcomeNotice.objects.filter(application_id__in=apps).values_list("application_id", "uuid")
    )
    return {
        "day": latest,
        "week": (latest - dt.timedelta(days=latest.weekday())).isoformat(),
        "meeting": meeting,
        "record": records,
        "concern": concerns,
        "notice": notices,
        "year": year_current(),
    }


def targets_for(person: Person, patterns, objects: dict) -> list[Target]:
    from django.urls import reverse

    found = []
    for route, name, params in patterns:
        if not name or any(route.startswith(p) for p in SKIPPED_PREFIXES):
            continue
        if route.endswith(".pdf") or name in FIGURES_PAGES:
            continue
        if params:
            if name not in DETAIL:
                continue
            args = _detail_args(person, params, objects)
            if args is None:
                continue
        else:
            args = []
        url = reverse(name, args=args)
        for variant in VARIANTS.get(name, [""]):
            query = variant.format(day=objects["day"].isoformat())
            found.append(Target(name + query, person.label, "page", "", url + query))
    return found


# --- Measuring ------------------------------------------------------------------------------


def measure_pages(args, log) -> dict:
    """Every person's pages: the table's rows, the simplest page, and what was not measured."""
    from django.urls import reverse

    from accounts.rules import areas_of

    # A refused page is logged as a warning with its traceback: expected here, so quiet.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    people_, missing_roles = people(log)
    patterns = url_patterns()
    objects = shared_objects(people_)
    results: list[Result] = []
    measured: set[str] = set()
    refused: dict[str, set[str]] = {}
    homes: list[Result] = []

    def said(result: Result) -> Result:
        flag = f"  {result.error}" if result.error else ""
        log(
            f"  {result.area:26} {result.page:48} {result.median_ms:8.1f} ms "
            f"p95 {result.p95_ms:8.1f} {result.queries:4} queries{flag}"
        )
        return result

    clients = {}
    for person in people_:
        client = signed_in(person.user)
        clients[person.label] = client
        areas = areas_of(person.user)
        log(f"{person.label} ({person.organisation}): areas {', '.join(areas)}")
        for area in areas:
            home = Target(
                f"dashboards:{area}", person.label, "page", "home", reverse(f"dashboards:{area}")
            )
            result, _ = measure(home, client, args.runs)
            homes.append(said(result))
        for target in targets_for(person, patterns, objects):
            if target.page.split("?")[0] in {h.page for h in homes if h.area == person.label}:
                continue
            result, _ = measure(target, client, args.runs)
            name = target.page.split("?")[0]
            if result.status != 200:
                # Not this person's page (403, 404, or a redirect elsewhere).
                refused.setdefault(name, set()).add(f"{person.label} {result.status or 'error'}")
                if result.status >= 500 or not result.status:
                    results.append(said(result))
                continue
            measured.add(name)
            results.append(said(result))
    # The home pages again, each keeping its faster run (a busy moment on the machine must
    # not set the target).
    log("Home pages again")
    for index, home in enumerate(homes):
        again, _ = measure(
            Target(home.page, home.area, "page", "home", home.url), clients[home.area], args.runs
        )
        if not again.error and (home.error or again.median_ms < home.median_ms):
            homes[index] = again
    ok_homes = [h for h in homes if not h.error]
    simplest = min(ok_homes, key=lambda r: r.median_ms)
    target_ms = round(simplest.median_ms * TARGET_RATIO, 1)
    everything = homes + results
    for r in everything:
        if not r.error:
            r.ratio = round(r.median_ms / simplest.median_ms, 1) if simplest.median_ms else 0
            r.over_target = r.median_ms > target_ms
    measured |= {h.page for h in homes}
    not_measured = []
    for route, name, params in patterns:
        if name in measured or route.startswith("admin/"):
            continue
        if any(route.startswith(p) for p in SKIPPED_PREFIXES):
            reason = SKIPPED_PREFIXES[next(p for p in SKIPPED_PREFIXES if route.startswith(p))]
        elif name in FIGURES_PAGES:
            reason = "a figures page: bench/figures.py"
        elif route.endswith(".pdf"):
            reason = "a PDF, made on request"
        elif params and name not in DETAIL:
            reason = f"needs {', '.join(params)}: a form or an object the volume lacks"
        elif name in refused:
            reason = "refused to everyone: " + ", ".join(sorted(refused[name]))
        elif params:
            reason = "no object of anyone's in the volume"
        else:
            reason = "answered no one"
        not_measured.append({"route": route, "name": name, "reason": reason})
    return {
        "people": [
            {"label": p.label, "role": p.role, "organisation": p.organisation} for p in people_
        ],
        "roles_without_anyone": missing_roles,
        "simplest": f"{simplest.area}, {simplest.page}",
        "simplest_ms": simplest.median_ms,
        "target_ms": target_ms,
        "results": [asdict(r) for r in everything],
        "not_measured": not_measured,
        "latest_day": objects["day"].isoformat(),
    }


def table(part: dict) -> list[str]:
    """The pages part as Markdown."""
    lines = [
        f"Simplest signed-in page: {part['simplest']}, {part['simplest_ms']:.1f} ms; "
        f"target {TARGET_RATIO:g}× = {part['target_ms']:.1f} ms.",
        "",
        "| person | page | queries | median ms | p95 ms | size KB | × simplest | target |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in part["results"]:
        if r["error"]:
            lines.append(f"| {r['area']} | `{r['page']}` | | | | | | ERROR {r['error']} |")
            continue
        lines.append(
            f"| {r['area']} | `{r['page']}` | {r['queries']} | {r['median_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['bytes'] / 1024:.1f} | {r['ratio']:.1f} | "
            f"{'OVER' if r['over_target'] else 'ok'} |"
        )
    over = [r for r in part["results"] if r["over_target"]]
    lines += ["", f"{len(over)} of {len(part['results'])} over twice the simplest page."]
    if part["roles_without_anyone"]:
        lines += ["", "Roles not measured: " + "; ".join(part["roles_without_anyone"]) + "."]
    lines += ["", "URL patterns not measured (besides Django's admin):", ""]
    lines += [f"- `{n['route']}` ({n['name']}): {n['reason']}" for n in part["not_measured"]]
    return lines
