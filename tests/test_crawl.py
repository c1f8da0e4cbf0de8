"""Given the demo, when every demo user follows every link from their home page, then no
link answers 403, 404 or a server error: navigation offers only what the rules let the
person open (docs/permissions.md, "Navigation")."""

import time

import pytest

from accounts.models import User
from demo.people import demo_email
from tests.crawl import Crawl, demo_roles, load_demo

# Well under the two minutes the crawl may take on SQLite for every role.
PER_PATTERN = 3


@pytest.mark.django_db
def test_no_link_any_demo_user_is_offered_is_refused_or_missing(client, settings, capsys):
    settings.CAP_DEMO_MODE = True
    load_demo()
    started = time.monotonic()
    broken, pages = [], 0
    for email_name, role in demo_roles():
        client.logout()
        client.force_login(User.objects.get(email=demo_email(email_name)))
        crawl = Crawl(client, per_pattern=PER_PATTERN).run("/")
        pages += len(crawl.status)
        broken += [(f"{email_name} ({role})", *found) for found in crawl.broken()]
    took = time.monotonic() - started
    with capsys.disabled():
        print(f"\ncrawled {pages} pages for {len(demo_roles())} demo users in {took:.0f}s")
    assert broken == [], summary(broken)


def summary(broken: list[tuple[str, str, str, int]]) -> str:
    """One line per person and broken link, with the first pages that offer it."""
    pages: dict[tuple[str, str, int], list[str]] = {}
    for who, page_, link, code in broken:
        pages.setdefault((who, link, code), []).append(page_)
    return "Links that answer 403, 404 or 500:\n" + "\n".join(
        f"{who}: {link} ({code}) on {', '.join(on[:3])}"
        + (f" and {len(on) - 3} more" if len(on) > 3 else "")
        for (who, link, code), on in pages.items()
    )
