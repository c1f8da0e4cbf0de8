"""A breadth-first crawl of every page a signed-in person can reach from their home page,
with Django's test client: the links each page offers, and what their targets answer.

Shared by tests/test_crawl.py (no link answers 403, 404 or 500) and
tests/browser/test_crawl.py (one page of each URL pattern, in a real browser). It stays fast
and does not grow with the data: at most `per_pattern` addresses of each URL pattern (the
resolved route and view name) are visited; links beyond that are not followed.
"""

import io
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.core.management import call_command
from django.urls import Resolver404, resolve

from demo.people import DEMO_USERS

MODEL_FILE = "programmes/data/coventry-2025-26.yaml"

# Not followed: signing out ends the crawl's session; the admin is Django's own pages, for
# which the menu's link is checked but nothing inside it.
SKIPPED_VIEWS = {"accounts:sign_out"}
NOT_FOLLOWED_NAMESPACES = {"admin"}
BROKEN = {403, 404, 500}


def load_demo() -> None:
    """The demo as `make run` loads it (tests/browser/test_every_role.py's `demo`)."""
    call_command("load_model", MODEL_FILE, flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


def demo_roles() -> list[tuple[str, str]]:
    """(e-mail name, role) of each demo user."""
    return [(u[0], str(u[4])) for u in DEMO_USERS]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif (
            tag == "form"
            and (attrs.get("method") or "get").lower() == "get"
            and attrs.get("action")
        ):
            self.links.append(attrs["action"])


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def pattern_of(path: str) -> str | None:
    """The URL pattern a path answers to ("view name route"), or None when none does."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return f"{match.view_name} {match.route}"


@dataclass
class Crawl:
    """The pages one person reached, and the links among them that answer 403/404/500."""

    client: object
    per_pattern: int = 3
    status: dict[str, int] = field(default_factory=dict)
    # path → the pages that link to it, in the order found
    referrers: dict[str, list[str]] = field(default_factory=dict)
    # pattern → the HTML pages of it that answered 200, in the order visited
    patterns: dict[str, list[str]] = field(default_factory=dict)

    def run(self, start: str = "/") -> "Crawl":
        queue = deque([start])
        queued = {start}
        counts: dict[str | None, int] = {}
        while queue:
            path = queue.popleft()
            response = self.client.get(path)
            self.status[path] = response.status_code
            pattern = pattern_of(urlsplit(path).path)
            if pattern and _is_html_page(response):
                self.patterns.setdefault(pattern, []).append(path)
            for link in self._links(path, response):
                self.referrers.setdefault(link, [])
                if path not in self.referrers[link]:
                    self.referrers[link].append(path)
                if link in queued:
                    continue
                link_pattern = pattern_of(urlsplit(link).path)
                if counts.get(link_pattern, 0) >= self.per_pattern:
                    continue
                counts[link_pattern] = counts.get(link_pattern, 0) + 1
                queued.add(link)
                if self._follows(link):
                    queue.append(link)
                else:  # checked, not crawled into
                    self.status[link] = self.client.get(link).status_code
        return self

    def _links(self, path: str, response) -> list[str]:
        if response.status_code in (301, 302, 303, 307, 308):
            return [urldefrag(response["Location"]).url]
        if not _is_html_page(response):
            return []
        found = []
        for href in links_of(response.content.decode()):
            url = urldefrag(href).url
            if not url.startswith("/") or url.startswith(("//", "/static/")):
                continue
            try:
                match = resolve(urlsplit(url).path)
            except Resolver404:
                found.append(url)
                continue
            if match.view_name not in SKIPPED_VIEWS:
                found.append(url)
        return found

    @staticmethod
    def _follows(link: str) -> bool:
        try:
            match = resolve(urlsplit(link).path)
        except Resolver404:
            return True
        return not set(match.namespaces) & NOT_FOLLOWED_NAMESPACES

    def broken(self) -> list[tuple[str, str, int]]:
        """(page, link, status) for every link whose target answered 403, 404 or 500."""
        return [
            (page, link, self.status[link])
            for link, pages in self.referrers.items()
            if self.status.get(link) in BROKEN
            for page in pages
        ]

    def one_of_each_pattern(self) -> dict[str, str]:
        """pattern → the first page of it visited (an HTML page that answered 200)."""
        return {pattern: paths[0] for pattern, paths in self.patterns.items()}


def _is_html_page(response) -> bool:
    return response.status_code == 200 and "text/html" in response.get("Content-Type", "")
