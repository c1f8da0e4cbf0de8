"""Words as people read them: one plural helper, and the words check the test suite runs on
every page, e-mail and PDF it makes (a visible HTML entity, an ISO date, "1:25a.m.", "1
packs", "a a", "Add a assessment").

The check is a pure function of the text: `text_problems(text)` for plain text (an e-mail,
a PDF's text), `html_problems(html)` for a page, whose visible text it reads first. In the
test suite (CAP_WORDS_CHECK, set by config.testenv) `WordsCheckMiddleware` and lib.pdf
record what they find with `record`, and the root conftest.py fails the test that made it.
"""

import re
import threading
from html.parser import HTMLParser

# --- Plurals -----------------------------------------------------------------------------

IRREGULAR = {
    "child": "children",
    "person": "people",
    "analysis": "analyses",
    "criterion": "criteria",
    "datum": "data",
    "staff": "staff",
    "evidence": "evidence",
    "information": "information",
    "attendance": "attendance",
    "series": "series",
    "sheep": "sheep",
    "man": "men",
    "woman": "women",
}


def plural(noun: str) -> str:
    """The plural of an English noun: the irregular ones CAP uses, then the rules ("entry",
    "entries"; "class", "classes"; "day", "days"). For a phrase, the last word changes
    ("safeguarding concern", "safeguarding concerns")."""
    head, _, last = noun.rpartition(" ")
    prefix = f"{head} " if head else ""
    lower = last.lower()
    if lower in IRREGULAR:
        made = IRREGULAR[lower]
        return prefix + (made.capitalize() if last[:1].isupper() else made)
    if re.search(r"[^aeiou]y$", lower):
        return prefix + last[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", lower):
        return prefix + last + "es"
    return prefix + last + "s"


def count(number, noun: str) -> str:
    """ "1 pack", "2 packs", "0 children", "1,234 students". `noun` may give its plural
    after a comma when no rule makes it ("cactus,cacti")."""
    singular, _, given = noun.partition(",")
    shown = f"{number:,}" if isinstance(number, int) and not isinstance(number, bool) else number
    return f"{shown} {singular if number == 1 else (given or plural(singular))}"


def with_article(noun: str) -> str:
    """ "an assessment", "a unit", "a one-to-one session", "an hour": "a" or "an" as the
    word sounds (initialisms, read letter by letter, are left to "a": write them out)."""
    first = noun.split(" ", 1)[0]
    vowel_sound = (first[:1].lower() in "aeiou" and not _CONSONANT_SOUND.match(first)) or re.match(
        r"(hour|honest|honour|heir)", first, re.I
    )
    return f"{'an' if vowel_sound else 'a'} {noun}"


# --- The check ---------------------------------------------------------------------------

_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")
_ISO_DATE = re.compile(r"(?<![\w/.-])\d{4}-[01]\d-[0-3]\d(?![\d-])")
_AM_PM_DOTTED = re.compile(r"(?<![A-Za-z])[aApP]\.[mM]\.")
_SECONDS = re.compile(r"(?<![\d:])\d{1,2}:\d{2}:\d{2}(?![\d:])")
_TWENTY_FOUR_HOUR = re.compile(r"(?<![\d:.])(?:[01]?\d|2[0-3]):[0-5]\d(?![\d:]|\s?[aApP]\.?[mM])")
_TWELVE = re.compile(r"(?<![\d:])12(?:am|pm)\b")
# "1 packs": a plural after the number one. Not after a label ("Year 1 students", "Tier 1
# programmes"), and not a singular that ends in s ("1 class", "1 status", "1 analysis").
_ONE_PLURAL = re.compile(
    r"(?:^|(?<=[^\w£$.,:/-]))(?:(?P<label>[A-Za-z]+)[ \u00a0])?1[ \u00a0](?P<noun>[a-z]+s)\b(?!')",
    re.M,
)
_SINGULAR_S = re.compile(r"(ss|us|is|ics|news|series|species|means|ous|'s|gas|bus|yes|less)$")
LABELS = {
    "year",
    "years",
    "tier",
    "step",
    "stage",
    "question",
    "part",
    "term",
    "week",
    "level",
    "section",
    "page",
    "phase",
    "group",
    "version",
    "number",
    "no",
    "room",
    "item",
    "key",
    "session",
    "day",
    "lesson",
    "unit",
    "plan",
    "appendix",
    "annex",
    "table",
    "figure",
    "schedule",
    "panel",
    "meeting",
    "option",
    "round",
    "of",
}
# "Add a assessment": "a" before a vowel sound. Words that start with a vowel letter but a
# consonant sound are not flagged ("a one-off", "a unit", "a user", "a European").
_A_VOWEL = re.compile(r"(?:(?<=[^\w'.()\n-])a|^[Aa])[ \u00a0](?P<word>[aeiouAEIOU][\w-]*)", re.M)
_CONSONANT_SOUND = re.compile(r"^(one|once|uni|use|usu|uti|ura|ure|uro|eu|ewe|u-|ubi)", re.I)
_DOUBLED = re.compile(
    r"(?<![\w'-])(a|an|the|to|of|and|or|is|in|on|for|at|by|with|be|you|your|this|has|have)"
    r"[ \u00a0]+\1(?![\w'-])",
    re.I,
)
# "Every mark settings have recorded": every or each before a plural.
# Either the plural straight after ("every students") or a compound whose plural the verb
# agrees with ("Every mark settings have"); "each code works" is a singular and its verb.
_EVERY_PLURAL = re.compile(
    r"\b(?:[Ee]very|[Ee]ach)[ \u00a0](?:(?P<first>[a-z]+)[ \u00a0](?P<noun2>[a-z]+s)"
    r"(?=[ \u00a0](?:have|are|were|do|need|show)\b)|(?P<noun>[a-z]+s)\b(?!'))"
)
_NOT_AFTER_EVERY = {
    "few",
    "two",
    "three",
    "four",
    "five",
    "six",
    "other",
    "of",
    "time",
    "one",
    "is",
    "was",
    "has",
    "does",
    "needs",
    "gets",
    "goes",
    "comes",
    "takes",
    "makes",
    "shows",
    "says",
    "counts",
    "lists",
    "means",
    "starts",
    "ends",
    "stays",
    "keeps",
    "sees",
    "reads",
    "holds",
}


# Verbs that agree with "1" as a subject: "and 1 was", "setting it to 1 withholds nothing".
VERBS_AFTER_ONE = {
    "was",
    "has",
    "does",
    "goes",
    "gets",
    "gives",
    "holds",
    "keeps",
    "leaves",
    "makes",
    "matches",
    "means",
    "needs",
    "remains",
    "says",
    "shows",
    "stays",
    "takes",
    "withholds",
    "counts",
    "works",
}


def _one_plural(text: str):
    for match in _ONE_PLURAL.finditer(text):
        label, noun = match["label"], match["noun"]
        if label and label.lower() in LABELS:
            continue
        if _SINGULAR_S.search(noun) or noun in VERBS_AFTER_ONE:
            continue
        yield match.group(0).strip()


def _a_vowel(text: str):
    for match in _A_VOWEL.finditer(text):
        word = match["word"]
        if _CONSONANT_SOUND.match(word) or (word.isupper() and len(word) > 1):
            # An initialism is read by its letters: "a UPN" is right, so is "an EHCP";
            # neither is flagged.
            continue
        yield match.group(0)


def _every_plural(text: str):
    for match in _EVERY_PLURAL.finditer(text):
        first, noun = match["first"], match["noun"] or match["noun2"]
        if first in _NOT_AFTER_EVERY or noun in _NOT_AFTER_EVERY or _SINGULAR_S.search(noun):
            continue
        yield match.group(0)


def text_problems(text: str) -> list[str]:
    """What a reader would trip over in `text` (plain text, as shown), each as a short
    description quoting the words; an empty list when there is nothing."""
    text = text.replace("\u00a0", " ")
    found = []

    def add(kind, hits):
        found.extend(f"{kind}: {hit!r}" for hit in hits)

    add("HTML entity shown as text", (m.group(0) for m in _ENTITY.finditer(text)))
    add(
        'ISO date (write "1 December 2026")',
        (m.group(0) for m in _ISO_DATE.finditer(text)),
    )
    add('"a.m."/"p.m." (write "1:25pm")', (m.group(0) for m in _AM_PM_DOTTED.finditer(text)))
    add('time with seconds (write "1:25pm")', (m.group(0) for m in _SECONDS.finditer(text)))
    add(
        '24-hour time (write "1:25pm")',
        (m.group(0) for m in _TWENTY_FOUR_HOUR.finditer(text) if not _SECONDS.match(m.group(0))),
    )
    add('"12am"/"12pm" (write "midnight"/"midday")', (m.group(0) for m in _TWELVE.finditer(text)))
    add("plural after 1", _one_plural(text))
    add('"a" before a vowel sound', _a_vowel(text))
    add("word doubled", (m.group(0) for m in _DOUBLED.finditer(text)))
    add('plural after "every"/"each"', _every_plural(text))
    return found


_BLOCK = {
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "label",
    "legend",
    "li",
    "main",
    "nav",
    "ol",
    "option",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
    "title",
    "button",
    "input",
    "select",
    "textarea",
}
# Not read on the page: code, and what a person typed into a form (shown back as it was).
_HIDDEN = {"script", "style", "template", "textarea", "noscript", "svg"}
# Attributes a person reads or hears.
_READ_ATTRIBUTES = {"alt", "aria-label", "title", "placeholder"}


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN:
            self.hidden_depth += 1
        if tag in _BLOCK:
            self.parts.append("\n")
        for name, value in attrs:
            if name in _READ_ATTRIBUTES and value:
                self.parts.append(f"\n{value}\n")
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.parts.append(f"\n{dict(attrs).get('value') or ''}\n")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _HIDDEN:
            self.hidden_depth -= 1

    def handle_endtag(self, tag):
        if tag in _HIDDEN and self.hidden_depth:
            self.hidden_depth -= 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden_depth:
            # Line breaks in the markup are spaces on the page; blocks break lines.
            self.parts.append(re.sub(r"[ \t\r\n\f\v]+", " ", data))


def visible_text(html: str) -> str:
    """The text of a page as it reads: one line a block (paragraph, cell, item), spaces
    made single, scripts, styles and form fields' typed values left out."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    lines = (
        re.sub(r"[ \t\r\f\v\n]+", " ", line).strip() for line in "".join(parser.parts).split("\n")
    )
    return "\n".join(line for line in lines if line)


def html_problems(html: str) -> list[str]:
    return text_problems(visible_text(html))


# --- Recording, in the test suite --------------------------------------------------------

_lock = threading.Lock()
_recorded: list[str] = []


def record(where: str, problems: list[str]) -> None:
    """Keep the problems found in something made during a test, for the test to fail on."""
    if problems:
        with _lock:
            _recorded.extend(f"{where}: {problem}" for problem in problems)


def take_recorded() -> list[str]:
    """The problems recorded since the last call, forgotten as they are returned."""
    with _lock:
        taken = list(_recorded)
        _recorded.clear()
    return taken


class WordsCheckMiddleware:
    """The test suite's words check on every HTML page the service answers (added to
    MIDDLEWARE only when CAP_WORDS_CHECK is on, never in production)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html") and not getattr(response, "streaming", False):
            charset = getattr(response, "charset", None) or "utf-8"
            record(
                f"{request.method} {request.path}",
                html_problems(response.content.decode(charset, errors="replace")),
            )
        return response
