import datetime as dt

import pytest
from django.template import Context, Template

from lib.dates import time_of_day
from lib.words import count, html_problems, plural, text_problems, visible_text, with_article


@pytest.mark.parametrize(
    "text",
    [
        "Headteachers&#x27; Supported Transfer Panel",
        "Tom &amp; Jerry",
        "Born 2026-12-01",
        "Submitted 2026-12-01T09:05:00",
        "Raised at 1:25a.m..",
        "Read at 1:44:49a.m.",
        "Raised 13:25",
        "The panel meets at 12pm",
        "1 packs",
        "You have 1 questions to answer",
        "(1 interviews)",
        "Add a assessment",
        "A assessment was added",
        "the the panel",
        "a a",
        "Every mark settings have recorded",
        "Every students",
    ],
)
def test_the_check_finds_what_a_reader_trips_over(text):
    assert text_problems(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Headteachers' Supported Transfer Panel",
        "Tom & Jerry",
        "Born 1 December 2026",
        "Wednesday 2 December 2026 at 1:25pm",
        "At 9am, at midday and at midnight",
        "1 pack, 2 packs, 1 class, 1 status, 1 analysis",
        "Year 1 students, Tier 1 programmes, Key stage 1 results, step 1 of 3",
        "£1 grants, 21 packs, 1.5 hours, 0.1 sessions",
        "Add an assessment, a unit, a one-off payment, a user, a European school, a UPN",
        "Every mark that settings have recorded; every two weeks; each of them",
        "Every student's plan; every day",
        "Each code works once; each student gets a place; each census collects",
        "2 were taken and 1 was not; setting it to 1 withholds nothing",
        "Reference CAP-2026-00123",
        "report-2026-12-01.csv",
    ],
)
def test_the_check_passes_good_words(text):
    assert text_problems(text) == []


def test_the_check_reads_pages_as_they_show_not_their_markup():
    page = """<html><head><title>Outcome</title><style>p{}</style></head><body>
    <p>Headteachers&#x27; panel on <time datetime="2026-12-01">1 December 2026</time></p>
    <input type="hidden" name="day" value="2026-12-01">
    <script>const when = "2026-12-01";</script>
    <textarea name="note">typed 2026-12-01</textarea>
    <table><tr><td>a</td><td>a</td></tr></table>
    <p>You have <strong>1</strong>
       packs</p></body></html>"""
    assert visible_text(page).splitlines()[:2] == [
        "Outcome",
        "Headteachers' panel on 1 December 2026",
    ]
    assert html_problems(page) == ["plural after 1: 'have 1 packs'"]


def test_the_check_finds_an_entity_escaped_twice():
    assert html_problems("<p>Headteachers&amp;#x27; panel</p>") == [
        "HTML entity shown as text: '&#x27;'"
    ]


def test_the_check_reads_what_is_heard_too():
    assert html_problems('<img alt="1 packs"><button aria-label="Add a assessment">+</button>')


@pytest.mark.parametrize(
    ("number", "noun", "words"),
    [
        (1, "pack", "1 pack"),
        (2, "pack", "2 packs"),
        (0, "question", "0 questions"),
        (2, "child", "2 children"),
        (1, "child", "1 child"),
        (3, "person", "3 people"),
        (2, "entry", "2 entries"),
        (2, "day", "2 days"),
        (2, "class", "2 classes"),
        (2, "safeguarding concern", "2 safeguarding concerns"),
        (2, "cactus,cacti", "2 cacti"),
        (1234, "student", "1,234 students"),
    ],
)
def test_count_says_the_number_with_its_noun(number, noun, words):
    assert count(number, noun) == words


def test_plural_keeps_a_capital():
    assert plural("Child") == "Children"


@pytest.mark.parametrize(
    ("noun", "words"),
    [
        ("assessment", "an assessment"),
        ("target", "a target"),
        ("review of a target", "a review of a target"),
        ("unit", "a unit"),
        ("one-off", "a one-off"),
        ("hour", "an hour"),
    ],
)
def test_with_article_says_a_or_an_as_the_word_sounds(noun, words):
    assert with_article(noun) == words


def test_the_template_filters():
    rendered = Template(
        '{% load words moments %}{{ n|count:"pack" }}; {{ m|count:"interview" }}; '
        "Add {{ kind|article }}; {{ day|day }}; {{ t|clock }}; {{ noon|clock }}"
    ).render(
        Context(
            {
                "n": 1,
                "m": 3,
                "kind": "assessment",
                "day": dt.date(2026, 12, 1),
                "t": dt.time(13, 25),
                "noon": dt.time(12, 0),
            }
        )
    )
    assert rendered == "1 pack; 3 interviews; Add an assessment; 1 December 2026; 1:25pm; midday"


def test_midday_and_midnight_are_written_as_words():
    assert time_of_day(dt.time(12, 0)) == "midday"
    assert time_of_day(dt.time(0, 0)) == "midnight"
    assert time_of_day(dt.time(0, 30)) == "12:30am"
    assert time_of_day(dt.time(9, 0)) == "9am"
