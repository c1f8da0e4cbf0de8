"""Given the demo, when every demo user's pages are opened in a real browser, then none
scrolls sideways at 1280px or at 320px wide, and axe-core finds nothing; and each demo
user's menu fits on one line at 1280px.

The pages are those tests/test_crawl.py's crawl reaches from each demo user's home page
(tests/crawl.py, shared). To keep the run bounded, each URL pattern is opened once, as the
first demo user whose crawl reaches it (DEMO_USERS' order): a pattern's page is built by one
template whatever the data, so one instance shows its layout.
"""

import time

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from demo.people import demo_email
from tests.crawl import Crawl, demo_roles, load_demo

WIDTHS = (1280, 320)
HEIGHT = 900

# Demo users whose menu takes more than one line at 1280px: the CAP manager's eleven items.
# Schools' menus fit (dashboards/context_processors.py).
KNOWN_MENU_WRAPS = {"manager"}


@pytest.fixture
def demo(transactional_db, settings):
    settings.CAP_DEMO_MODE = True
    load_demo()


def _signed_in(journey, live_server, user: User) -> Client:
    """A test client signed in as `user` (second factor passed), and the browser sharing
    its session."""
    client = Client()
    client.force_login(user)
    journey.page.context.clear_cookies()
    journey.page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return client


def _menu_rows(page) -> int:
    """How many lines the service menu takes beyond one (0 when it fits on one)."""
    return page.evaluate(
        "() => new Set([...document.querySelectorAll('.govuk-service-navigation__item')]"
        ".map(item => item.getBoundingClientRect().top)).size - 1"
    )


def _sideways(page) -> int:
    """How many pixels wider than the window the page is (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )


@pytest.mark.browser
def test_no_page_scrolls_sideways_or_fails_axe_for_any_demo_user(demo, journey, live_server):
    started = time.monotonic()
    page = journey.page
    seen: set[str] = set()
    problems: list[str] = []
    checked = 0
    for email_name, role in demo_roles():
        who = f"{email_name} ({role})"
        user = User.objects.get(email=demo_email(email_name))
        client = _signed_in(journey, live_server, user)
        page.set_viewport_size({"width": 1280, "height": HEIGHT})
        page.goto(live_server.url + "/")
        if (rows := _menu_rows(page)) and email_name not in KNOWN_MENU_WRAPS:
            problems.append(f"{who}: the menu takes {rows + 1} lines at 1280px")
        for pattern, path in Crawl(client, per_pattern=1).run("/").one_of_each_pattern().items():
            if pattern in seen:
                continue
            seen.add(pattern)
            url_name = pattern.split(" ")[0]
            response = page.goto(live_server.url + path)
            if response.status != 200:
                problems.append(f"{who} {path}: answered {response.status}")
                continue
            for width in WIDTHS:  # the same page, narrowed: no need to load it again
                page.set_viewport_size({"width": width, "height": HEIGHT})
                checked += 1
                where = f"{who} {path} ({url_name}) at {width}px"
                if wider := _sideways(page):
                    problems.append(f"{where}: {wider}px wider than the window")
                try:
                    journey.check()
                except AssertionError as error:
                    problems.append(f"{where}: {str(error).splitlines()[0][:400]}")
                journey.errors.clear()
    took = time.monotonic() - started
    print(f"\n{len(seen)} URL patterns, {checked} page widths checked in {took:.0f}s")
    assert problems == [], "\n".join(problems)
