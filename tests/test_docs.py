"""docs/permissions.md names every access rule under its domain, and no rule that is gone.

A rule is a public top-level `can_*` or `check_can_*` function (or alias) in a domain's
`rules.py`, or a permission that module registers with `rules.add_perm`. A permission is
named in the page as itself (`accounts.use_admin`) or by a pattern
(`programmes.<verb>_<model>`).
"""

import ast
import importlib
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import rules.permissions
from django.apps import apps
from django.conf import settings

DOC = Path(settings.BASE_DIR) / "docs" / "permissions.md"

# Each domain with a rules module, and the heading of its section in docs/permissions.md.
SECTIONS = {
    "accounts": "People, organisations and the admin",
    "programmes": "The model of support",
    "scheduling": "Scheduled jobs",
    "students": "Students",
    "documents": "Documents",
    "applications": "Applications",
    "panels": "Panels",
    "quality": "Provider quality assurance and the course directory",
    "placements": "Placements",
    "safeguarding": "Safeguarding concerns",
    "dashboards": "Figures",
    "finance": "Money",
    "entitlements": "Service level agreement entitlements",
    "privacy": "Data protection",
    "school_reviews": "School review meetings",
    "events": "Network and training events",
}

RULE_NAME = re.compile(r"(?:check_)?can_\w+")
CODE = re.compile(r"`([^`\n]+)`")
PLACEHOLDER = re.compile(r"<[^<>`]+>")


def rules_modules() -> dict[str, ModuleType]:
    """The rules module of every CAP app that has one, by app label."""
    found = {}
    for config in apps.get_app_configs():
        if not Path(config.path).is_relative_to(settings.BASE_DIR):
            continue
        if importlib.util.find_spec(f"{config.name}.rules") is not None:
            found[config.label] = importlib.import_module(f"{config.name}.rules")
    return found


def _top_level_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _add_perm_patterns(tree: ast.Module) -> list[re.Pattern]:
    """What each rules.add_perm(...) call in the module registers, as a pattern: an
    f-string's {…} parts match any word."""
    patterns = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add_perm"
            and node.args
        ):
            continue
        name = node.args[0]
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            patterns.append(re.compile(re.escape(name.value)))
        elif isinstance(name, ast.JoinedStr):
            parts = [
                re.escape(part.value) if isinstance(part, ast.Constant) else r"\w+"
                for part in name.values
            ]
            patterns.append(re.compile("".join(parts)))
    return patterns


def rules_by_domain() -> dict[str, set[str]]:
    """Every rule name and registered permission, by the app whose rules module has it."""
    registered = set(rules.permissions.permissions)
    found: dict[str, set[str]] = {}
    for label, module in rules_modules().items():
        tree = ast.parse(Path(module.__file__).read_text())
        names = {
            name
            for name in _top_level_names(tree)
            if RULE_NAME.fullmatch(name) and callable(getattr(module, name, None))
        }
        patterns = _add_perm_patterns(tree)
        perms = {p for p in registered if any(pattern.fullmatch(p) for pattern in patterns)}
        found[label] = names | perms
    # A permission registered anywhere else must still be explained.
    elsewhere = registered - set().union(*found.values())
    if elsewhere:
        found["(registered outside a rules module)"] = elsewhere
    return found


def sections(text: str) -> dict[str, str]:
    """The page's `## ` sections by heading, each with its text."""
    found, heading, lines = {}, "", []
    for line in text.splitlines():
        if line.startswith("## "):
            found[heading] = "\n".join(lines)
            heading, lines = line[3:].strip(), []
        else:
            lines.append(line)
    found[heading] = "\n".join(lines)
    return found


def _named_in(name: str, text: str) -> bool:
    for code in CODE.findall(text):
        if "." not in name and name in RULE_NAME.findall(code):
            return True
        if code == name:
            return True
        if PLACEHOLDER.search(code):
            pattern = r"[a-z0-9_]+".join(re.escape(p) for p in PLACEHOLDER.split(code))
            if re.fullmatch(pattern, name):
                return True
    return False


def missing_from(text: str, found: dict[str, set[str]]) -> list[str]:
    """Each rule the page does not name in its domain's section."""
    by_heading = sections(text)
    problems = []
    for label, names in sorted(found.items()):
        heading = SECTIONS.get(label)
        where = by_heading.get(heading, "") if heading else text
        for name in sorted(names):
            if not _named_in(name, where):
                place = f"section “{heading}”" if heading else "anywhere"
                problems.append(f"{name} ({label}) is not named in {place}")
    return problems


def stale_in(text: str, found: dict[str, set[str]]) -> list[str]:
    """Each `can_…` name in the page that no rules module defines."""
    defined = set().union(*found.values())
    named = {name for code in CODE.findall(text) for name in RULE_NAME.findall(code)}
    return sorted(f"{name} is named but no rules module defines it" for name in named - defined)


def test_every_domain_with_rules_has_a_section():
    assert set(rules_modules()) == set(SECTIONS), "Add the app and its section to SECTIONS"
    headings = set(sections(DOC.read_text()))
    assert not set(SECTIONS.values()) - headings


def test_the_permissions_page_names_every_rule_under_its_domain():
    problems = missing_from(DOC.read_text(), rules_by_domain())
    assert not problems, "docs/permissions.md:\n" + "\n".join(problems)


def test_the_permissions_page_names_no_rule_that_is_gone():
    problems = stale_in(DOC.read_text(), rules_by_domain())
    assert not problems, "docs/permissions.md:\n" + "\n".join(problems)


def test_the_check_finds_a_missing_a_misplaced_and_a_stale_rule():
    found = rules_by_domain()
    assert "can_raise_concern" in found["safeguarding"]
    assert "accounts.use_admin" in found["accounts"]
    assert "programmes.change_course" in found["programmes"]
    text = DOC.read_text()
    without = text.replace("`can_raise_concern`", "can_raise_concern")
    assert "can_raise_concern (safeguarding) is not named" in " ".join(missing_from(without, found))
    misplaced = text.replace("`can_view_student`", "the student rule") + (
        "\n## Elsewhere\n\n`can_view_student`\n"
    )
    assert "can_view_student (students) is not named" in " ".join(missing_from(misplaced, found))
    no_pattern = text.replace("`programmes.<verb>_<model>`", "the model's permissions")
    assert "programmes.change_course (programmes)" in " ".join(missing_from(no_pattern, found))
    stale = text + "\n`can_fly_to_the_moon`\n"
    assert stale_in(stale, found) == ["can_fly_to_the_moon is named but no rules module defines it"]
