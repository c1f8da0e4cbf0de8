"""The oversight pages, each a list of tables a figures module makes from a Scope.

A figures module registers its pages with @page at import; dashboards.apps imports every
figures module at start-up. One view (dashboards.views.oversight) serves every page in
every area that may see it, with its filters, charts, tables and downloads.
"""

from collections.abc import Callable
from dataclasses import dataclass

from dashboards.report import Table
from dashboards.scope import Scope


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    areas: tuple[str, ...]
    tables: Callable[[Scope], list[Table]]
    intro: str = ""
    order: int = 0


PAGES: dict[str, Page] = {}


def page(key: str, title: str, *, areas: tuple[str, ...], intro: str = "", order: int = 0):
    """Register a function Scope -> list[Table] as the page `key`."""

    def register(tables: Callable[[Scope], list[Table]]):
        PAGES[key] = Page(key, title, areas, tables, intro, order)
        return tables

    return register


def pages_for(area: str) -> list[Page]:
    return sorted((p for p in PAGES.values() if area in p.areas), key=lambda p: p.order)
