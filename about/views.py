"""The pages anyone may open, signed in or not: the accessibility statement, the privacy
notice, cookies and contact. They read the statement's file, the retention schedule and
the settings; they change nothing."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from about import selectors
from about.accessibility import statement
from lib.dates import long_date


def _day(day) -> str:
    return long_date(day, weekday=False)


@require_safe
def accessibility(request):
    facts = statement()
    return render(
        request,
        "about/accessibility.html",
        {
            "statement": facts,
            "problems": [
                {"what": p.what, "criterion": p.criterion, "fix_by": _day(p.fix_by)}
                for p in facts.problems
            ],
            "prepared_on": _day(facts.prepared_on),
            "last_reviewed_on": _day(facts.last_reviewed_on),
            "last_tested_on": _day(facts.last_tested_on),
            "contact": selectors.contact(),
        },
    )


@require_safe
def privacy(request):
    return render(
        request,
        "about/privacy.html",
        {
            "kept": selectors.retention_rows(),
            "schedule_reviewed_on": _day(selectors.retention_reviewed_on()),
            "contact": selectors.contact(),
        },
    )


@require_safe
def cookies(request):
    return render(request, "about/cookies.html", {"cookies": selectors.cookies()})


@require_safe
def contact(request):
    return render(request, "about/contact.html", {"contact": selectors.contact()})
