"""The model-file reader: one test for each kind of inconsistency it must catch."""

import datetime as dt
from pathlib import Path

import pytest

from programmes.modelfile import read_model

SMALL = (Path(__file__).parent / "data" / "small.yaml").read_text()
REFERENCE = Path(__file__).parents[1] / "data" / "coventry-2025-26.yaml"


def problems_after(old: str, new: str) -> list:
    assert old in SMALL, f"the test's text {old!r} is not in small.yaml"
    _, problems = read_model(SMALL.replace(old, new, 1))
    return problems


def line_of(text: str) -> int:
    return SMALL[: SMALL.index(text)].count("\n") + 1


def only(problems, *, fatal: bool):
    assert len(problems) == 1, [str(p) for p in problems]
    assert problems[0].fatal is fatal
    return problems[0]


def test_the_small_model_is_consistent():
    plan, problems = read_model(SMALL)
    assert problems == []
    assert [p.key for p in plan.programmes.values()] == ["taster", "reset"]
    # Each calendar row makes a meeting for each panel on the route of what it considers.
    assert sorted(m.panel.key for m, _ in plan.meetings) == [
        "decision",
        "decision",
        "review",
        "review",
    ]


def test_it_reports_a_weekday_that_does_not_match_its_date():
    problem = only(
        problems_after("Tuesday 30 September 2025", "Monday 30 September 2025"), fatal=False
    )
    assert problem.line == line_of("panel_date: Tuesday 30 September 2025")
    assert "30 September 2025 is a Tuesday" in problem.message
    assert "Did you mean Monday 29 September 2025?" in problem.message


def test_it_suggests_the_right_year_for_a_date_in_the_wrong_year():
    problems = problems_after("Wednesday 3 December 2025", "Wednesday 3 December 2024")
    messages = " ".join(p.message for p in problems)
    assert "3 December 2024 is a Tuesday" in messages
    assert "Did you mean Wednesday 3 December 2025?" in messages
    assert "outside the academic year 2025-26" in messages
    assert all(not p.fatal for p in problems)


def test_it_reports_a_date_outside_the_academic_year():
    problem = only(
        problems_after("Wednesday 17 September 2025", "Wednesday 27 August 2025"), fatal=False
    )
    assert problem.message == (
        "The referral deadline, Wednesday 27 August 2025, is outside the academic year 2025-26 "
        "(1 September 2025 to 31 August 2026)."
    )


def test_it_reports_a_deadline_after_its_meeting():
    problem = only(
        problems_after("Wednesday 17 September 2025", "Wednesday 1 October 2025"), fatal=False
    )
    assert "is not before the meeting on Tuesday 30 September 2025" in problem.message


def test_it_reports_a_meeting_on_a_bank_holiday():
    problems = problems_after(
        "panel_date: Tuesday 16 December 2025", "panel_date: Friday 26 December 2025"
    )
    assert any("is a bank holiday (Boxing Day)" in p.message for p in problems)


def test_it_reports_a_deadline_on_a_weekend():
    problem = only(
        problems_after("Wednesday 3 December 2025", "Saturday 6 December 2025"), fatal=False
    )
    assert "falls on a weekend" in problem.message


def test_it_reports_a_meeting_with_no_date():
    text = SMALL.replace("panel_date: Tuesday 16 December 2025", "panel_date: NA").replace(
        "    decided_at: Tuesday 16 December 2025\n", ""
    )
    _, problems = read_model(text)
    problem = only(problems, fatal=False)
    assert problem.message == "No meeting date is given for this referral deadline."


def test_it_stops_on_a_cohort_decided_at_a_meeting_that_is_not_in_the_calendar():
    problems = problems_after("panel_date: Tuesday 16 December 2025", "panel_date: NA")
    assert any(
        p.fatal
        and "no meeting in the calendar on Tuesday 16 December 2025 decides Reset" in p.message
        for p in problems
    )


def test_it_reports_a_cohort_outside_its_term():
    problems = problems_after(
        "    ends: Friday 19 December 2025\n    weeks: 10",
        "    ends: Friday 9 January 2026\n    weeks: 10",
    )
    assert any("is not inside one term" in p.message for p in problems)


def test_it_reports_a_cohort_whose_dates_do_not_span_its_weeks():
    problem = only(
        problems_after("ends: Friday 20 March 2026", "ends: Friday 27 March 2026"), fatal=False
    )
    assert "said to run 10 weeks, but its dates span 11 school weeks" in problem.message


def test_it_flags_a_cohort_ended_in_calendar_weeks_and_says_when_its_school_weeks_end():
    # Ten calendar weeks from 6 October 2025 end on 12 December: nine school weeks.
    problem = only(
        problems_after(
            "    ends: Friday 19 December 2025\n    weeks: 10",
            "    ends: Friday 12 December 2025\n    weeks: 10",
        ),
        fatal=False,
    )
    assert problem.where == "cohorts row 1 (reset Cohort 1)"
    assert problem.line == line_of("  - programme: reset\n    name: Cohort 1")
    assert problem.message == (
        "The cohort is said to run 10 weeks, but its dates span 9 school weeks (half terms "
        "and holidays are not school weeks). 10 school weeks from Monday 6 October 2025 end "
        "on Friday 19 December 2025."
    )


def test_it_flags_a_cohort_ending_before_the_last_school_day_of_its_last_week():
    problem = only(
        problems_after(
            "    ends: Friday 19 December 2025\n    weeks: 10",
            "    ends: Wednesday 17 December 2025\n    weeks: 10",
        ),
        fatal=False,
    )
    assert problem.message == (
        "The cohort is said to end on Wednesday 17 December 2025, but 10 school weeks from "
        "Monday 6 October 2025 end on Friday 19 December 2025, the last school day of its "
        "last week."
    )


def test_the_document_s_cohorts_agree_with_their_school_weeks():
    plan, _ = read_model(REFERENCE.read_text())
    refocus = [c for c in plan.cohorts if c.programme.key == "refocus"]
    assert [(c.name, c.starts_on, c.ends_on, c.weeks, c.flags) for c in refocus] == [
        ("Cohort 1", dt.date(2025, 10, 6), dt.date(2025, 12, 19), 10, []),
        ("Cohort 2", dt.date(2026, 1, 12), dt.date(2026, 3, 27), 10, []),
        ("Cohort 3", dt.date(2026, 4, 27), dt.date(2026, 7, 10), 10, []),
    ]


def test_it_leaves_half_term_out_of_a_cohort_s_weeks():
    # Cohort 1 spans 11 calendar weeks with the October half term: 10 school weeks.
    _, problems = read_model(SMALL)
    assert problems == []


def test_it_reports_a_cohort_starting_before_the_meeting_that_fills_it():
    problems = problems_after("Monday 6 October 2025", "Monday 29 September 2025")
    assert any(
        "starts on Monday 29 September 2025, before the meeting that decides it" in p.message
        for p in problems
    )


def test_it_reports_cohort_places_that_do_not_add_up_to_the_year():
    problem = only(problems_after("per_year: 20", "per_year: 75"), fatal=False)
    assert "Its cohorts offer 20 places, but it has 75 a year" in problem.message


def test_it_reports_a_route_that_needs_a_panel_the_programme_does_not_name():
    problems = problems_after(
        "panels: {review: review, decision: decision}", "panels: {review: review}"
    )
    messages = [p.message for p in problems]
    assert any("needs a panel for its decision step, but none is named" in m for m in messages)


def test_it_reports_a_panel_named_for_a_step_the_route_does_not_have():
    problems = problems_after(
        "route: provider\n", "route: provider\n    panels: {review: review}\n"
    )
    assert any("has no review step" in p.message for p in problems)


def test_it_reports_questions_for_a_panel_not_on_the_route():
    problem = only(problems_after("considered_by: none", "considered_by: review"), fatal=False)
    assert "questions are for the Review Panel, which is not on its route" in problem.message


def test_it_reports_a_panel_programme_that_no_meeting_considers():
    text = SMALL.replace("considers: [reset]", "considers: []")
    for decided in ("Tuesday 30 September 2025", "Tuesday 16 December 2025"):
        text = text.replace(f"    decided_at: {decided}\n", "")
    _, problems = read_model(text)
    messages = sorted(p.message for p in problems if p.where == "programme reset")
    assert messages == [
        "No meeting of the Decision Panel in the calendar considers it.",
        "No meeting of the Review Panel in the calendar considers it.",
    ]


def test_it_reports_a_dual_registration_with_the_wrong_home_school_code():
    problem = only(problems_after("away_code: D", "away_code: B"), fatal=False)
    assert "coded D at the home school, not B" in problem.message


def test_it_reports_year_groups_outside_secondary():
    problem = only(
        problems_after("year_groups: [7, 8, 9, 10, 11]", "year_groups: [5, 6, 7]"), fatal=False
    )
    assert "Years 7 to 11" in problem.message


def test_it_reports_overlapping_terms():
    problems = problems_after("starts: Monday 5 January 2026", "starts: Monday 15 December 2025")
    assert any("overlaps" in p.message for p in problems)


def test_it_reports_a_half_term_outside_its_term():
    problems = problems_after(
        "[Monday 27 October 2025, Friday 31 October 2025]",
        "[Monday 22 December 2025, Friday 26 December 2025]",
    )
    assert any("half term is not inside the term" in p.message for p in problems)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    days_per_week: 4\n",
            "    days_per_week: 4\n    colour: blue\n",
            "is not a field this file has",
        ),
        ("Monday 6 October 2025", "6th October 2025", "is not a date written like"),
        ("Monday 6 October 2025", "Monday 31 September 2025", "is not a real date"),
        ("considers: [reset]", "considers: [refocus]", "'refocus' is not a programme"),
        ("tier: 3", "tier: 2", "there is no Tier 2"),
        ("route: provider", "route: by-post", "'by-post' is not one of"),
        ('ukprn: "19990001"', 'ukprn: "1234"', "Enter a UKPRN of 8 digits"),
        (
            "    weeks: 6\n    days_per_week: 1\n    year_groups: [10, 11]",
            "    weeks: 20\n    days_per_week: 1\n    year_groups: [10, 11]",
            "20 weeks is outside Taster's 6 to 12 weeks",
        ),
        ("considers: [reset]", "considers: [taster]", "Taster goes to no panel"),
        ("name: 2025-26", "name: 2025-27", "does not name two consecutive years"),
    ],
)
def test_it_stops_on_problems_with_the_file_itself(old, new, expected):
    problems = problems_after(old, new)
    assert any(p.fatal and expected in p.message for p in problems), [str(p) for p in problems]


def test_it_names_the_line_of_an_unknown_field():
    text = SMALL.replace("    days_per_week: 4\n", "    days_per_week: 4\n    colour: blue\n")
    _, problems = read_model(text)
    (problem,) = problems
    assert problem.line == text[: text.index("colour: blue")].count("\n") + 1
    assert problem.where == "programmes row 2, colour"


def test_it_reports_yaml_that_cannot_be_read():
    _, problems = read_model("year: [unclosed\n")
    assert problems[0].fatal and "not valid YAML" in problems[0].message


def test_the_reference_file_has_exactly_its_real_problems():
    _, problems = read_model(REFERENCE.read_text())
    found = sorted((p.where, p.message.split(":")[0].split(",")[0]) for p in problems)
    assert all(not p.fatal for p in problems)
    assert found == sorted(
        [
            # "Tuesday 22 October 2025" is a Wednesday.
            ("calendar row 2, panel_date", "'Tuesday 22 October 2025' does not match its weekday"),
            # "Wednesday 14 January 2025": a Tuesday, and a year early.
            (
                "calendar row 5, referral_deadline",
                "'Wednesday 14 January 2025' does not match its weekday",
            ),
            ("calendar row 5", "The referral deadline"),
            # "Wednesday 14 June 2026" is a Sunday, and the row gives no panel date.
            (
                "calendar row 10, referral_deadline",
                "'Wednesday 14 June 2026' does not match its weekday",
            ),
            ("calendar row 10", "The referral deadline"),
            ("calendar row 10", "No meeting date is given for this referral deadline."),
            # Supported Transfer's questions are said to be the Multi-Agency Panel's.
            (
                "programme supported-transfer",
                "Its referral questions are for the CAP Multi-Agency Panel",
            ),
            # Focus 11 is decided by panels, but no calendar row considers it.
            (
                "programme focus-11",
                "No meeting of the CAP Multi-Agency Panel in the calendar considers it.",
            ),
            (
                "programme focus-11",
                "No meeting of the CAP Review and Authorisation Panel in the calendar "
                "considers it.",
            ),
        ]
    )
    messages = " ".join(p.message for p in problems)
    assert "Did you mean Wednesday 14 January 2026?" in messages
    assert "Did you mean Tuesday 21 October 2025?" in messages
    assert "outside the academic year 2025-26" in messages
    assert "falls on a weekend" in messages


def test_the_problems_quoted_in_the_docs_are_the_loader_s_own():
    docs = (Path(__file__).parents[2] / "docs" / "model-of-support.md").read_text()
    _, problems = read_model(REFERENCE.read_text())
    for p in problems:
        line = f"programmes/data/coventry-2025-26.yaml:{p.line}: problem: {p.where}: {p.message}"
        assert line in docs, "docs/model-of-support.md is stale: paste `load_model --check`"


# --- the service level agreement and charging ---------------------------------------------

AGREEMENT = """
agreement:
  price: 9000.10
  bands:
    - {name: Fewer than 600 pupils, price: 7500.00}
    - {name: 600 pupils or more, price: 12000}
  includes:
    - 15 paid-for quality-assured Tier 1 placements a year (course fees still apply)
    - a SEMHL practitioner in school half a day a week
charging:
  payment: schools_pay_providers
  early_exit: in_full
  rounding: penny_down
  withdrawn_before_start: fixed
  withdrawal_charge: 50.00
  over_allowance_charge: 0.1
  agreement_charged_in: Spring term
"""


def problems_with_agreement(old: str, new: str) -> tuple[list, str]:
    """The problems once the agreement text above is changed, and the whole text."""
    assert old in AGREEMENT, f"the test's text {old!r} is not in AGREEMENT"
    text = SMALL + AGREEMENT.replace(old, new, 1)
    _, problems = read_model(text)
    return problems, text


def test_it_reads_the_agreement_and_charging_rules_as_whole_pence():
    plan, problems = read_model(SMALL + AGREEMENT)
    assert problems == []
    assert plan.year.agreement_price_pence == 900010
    assert [(b.name, b.price_pence, b.order) for b in plan.bands] == [
        ("Fewer than 600 pupils", 750000, 0),
        ("600 pupils or more", 1200000, 1),
    ]
    assert plan.year.agreement_includes[1] == "a SEMHL practitioner in school half a day a week"
    rules = plan.charging
    assert (rules.payment, rules.early_exit, rules.rounding, rules.withdrawn_before_start) == (
        "schools_pay_providers",
        "in_full",
        "penny_down",
        "fixed",
    )
    assert (rules.withdrawal_charge_pence, rules.over_allowance_charge_pence) == (5000, 10)
    # Spring term is the second term of the year.
    assert rules.agreement_charged_in == 2


def test_a_file_without_the_sections_gets_the_default_charging_rules():
    plan, problems = read_model(SMALL)
    assert problems == []
    assert plan.year.agreement_price_pence == 0
    assert plan.year.agreement_includes == []
    assert plan.bands == []
    rules = plan.charging
    assert (
        rules.payment,
        rules.early_exit,
        rules.rounding,
        rules.withdrawn_before_start,
        rules.withdrawal_charge_pence,
        rules.over_allowance_charge_pence,
        rules.agreement_charged_in,
    ) == ("authority_pays_providers", "weeks_delivered", "nearest_penny", "nothing", 0, 0, 1)


def test_a_withdrawal_charge_of_nothing_may_be_written_without_a_fixed_charge():
    text = SMALL + AGREEMENT.replace(
        "withdrawn_before_start: fixed", "withdrawn_before_start: nothing"
    )
    plan, problems = read_model(text.replace("withdrawal_charge: 50.00", "withdrawal_charge: 0.00"))
    assert problems == []
    assert plan.charging.withdrawal_charge_pence == 0


# Each change to AGREEMENT, where the problem is reported and what it says; the problem is
# on the line of the change.
BAD_MONEY = [
    ("price: 9000.10", "price: -5.00", "agreement, price", "should be an amount in pounds"),
    ("price: 9000.10", "price: 12.345", "agreement, price", "not '12.345'"),
    ("price: 9000.10", "price: 9000.100", "agreement, price", "at most two decimal places"),
    ("price: 9000.10", "price: twelve thousand", "agreement, price", "not 'twelve thousand'"),
    ("price: 9000.10", "price: yes", "agreement, price", "not 'yes'"),
    ("price: 9000.10", "price: [9000]", "agreement, price", "not [9000]"),
    ("price: 7500.00}", "price: -1}", "agreement bands row 1, price", "should be an amount"),
    (
        "over_allowance_charge: 0.1",
        "over_allowance_charge: 1.005",
        "charging, over_allowance_charge",
        "at most two decimal places",
    ),
    (
        "withdrawal_charge: 50.00",
        "withdrawal_charge: fifty",
        "charging, withdrawal_charge",
        "should be an amount in pounds",
    ),
]
BAD_SHAPE = [
    (
        "{name: 600 pupils or more, price: 12000}",
        "{name: Fewer than 600 pupils, price: 12000}",
        "agreement bands row 2",
        "the band 'Fewer than 600 pupils' is given twice",
    ),
    (
        "{name: 600 pupils or more, price: 12000}",
        "{name: 600 pupils or more}",
        "agreement bands row 2",
        "has no price",
    ),
    # Both keys replaced are optional.
    ("price: 9000.10", "colour: blue", "agreement, colour", "is not a field this file has"),
    ("rounding: penny_down", "discount: 10", "charging, discount", "is not a field this file has"),
    (
        "payment: schools_pay_providers",
        "payment: by_cheque",
        "charging, payment",
        "'by_cheque' is not one of: authority_pays_providers, schools_pay_providers",
    ),
    ("early_exit: in_full", "early_exit: half", "charging, early_exit", "is not one of"),
    ("rounding: penny_down", "rounding: pound_up", "charging, rounding", "is not one of"),
    (
        "withdrawn_before_start: fixed",
        "withdrawn_before_start: sometimes",
        "charging, withdrawn_before_start",
        "is not one of",
    ),
    (
        "agreement_charged_in: Spring term",
        "agreement_charged_in: Winter term",
        "charging, agreement_charged_in",
        "'Winter term' is not a term in this file (Autumn term, Spring term)",
    ),
]


@pytest.mark.parametrize(("old", "new", "where", "expected"), BAD_MONEY + BAD_SHAPE)
def test_it_stops_on_a_bad_agreement_or_charging_rule_at_its_line(old, new, where, expected):
    problems, text = problems_with_agreement(old, new)
    problem = only(problems, fatal=True)
    assert problem.where == where
    assert problem.line == text[: text.index(new)].count("\n") + 1
    assert expected in problem.message


def test_it_stops_on_a_withdrawal_charge_without_a_fixed_charge():
    problems, text = problems_with_agreement(
        "withdrawn_before_start: fixed", "withdrawn_before_start: nothing"
    )
    problem = only(problems, fatal=True)
    assert problem.where == "charging, withdrawal_charge"
    assert problem.message == "is only for withdrawn_before_start: fixed."
    assert problem.line == text[: text.index("withdrawal_charge: 50.00")].count("\n") + 1


def test_it_asks_for_the_fixed_charge_of_a_withdrawal():
    problems, _ = problems_with_agreement("  withdrawal_charge: 50.00\n", "")
    problem = only(problems, fatal=True)
    assert problem.where == "charging"
    assert "has no withdrawal_charge" in problem.message


def test_the_reference_file_has_coventry_s_agreement_and_charging_rules():
    plan, _ = read_model(REFERENCE.read_text())
    year = plan.year
    assert year.agreement_price_pence == 1200000
    assert plan.bands == []
    assert year.sla_tier1_placements == 15
    assert (
        "15 paid-for quality-assured Tier 1 placements a year (course fees still apply)"
        in year.agreement_includes
    )
    assert "a SEMHL practitioner in school half a day a week" in year.agreement_includes
    rules = plan.charging
    assert (
        rules.payment,
        rules.early_exit,
        rules.rounding,
        rules.withdrawn_before_start,
        rules.withdrawal_charge_pence,
        rules.over_allowance_charge_pence,
        rules.agreement_charged_in,
    ) == ("authority_pays_providers", "weeks_delivered", "nearest_penny", "nothing", 0, 25000, 1)


# --- what the agreement gives beyond placements --------------------------------------------

BENEFITS = """
benefits:
  - key: practitioner
    name: SEMHL practitioner in school
    gives: A practitioner in school half a day per week.
    given_as: practitioner_weekly
    frequency: weekly
    length: half a day
  - key: mentor
    name: External mentor
    gives: A funded mentor for a student.
    given_as: person_for_student
    tiers: [3]
    condition: if appropriate
  - key: one-to-ones
    name: Collaborative leadership support
    gives: Confidential one-to-ones for the headteacher.
    given_as: one_to_ones
    confidential: yes
  - key: events
    name: Network and training events
    gives: Places at network and training events.
    given_as: event_places
"""


def problems_with_benefits(old: str, new: str) -> tuple[list, str]:
    assert old in BENEFITS, f"the test's text {old!r} is not in BENEFITS"
    text = SMALL + BENEFITS.replace(old, new, 1)
    _, problems = read_model(text)
    return problems, text


def test_it_reads_the_benefits_with_how_they_are_given():
    plan, problems = read_model(SMALL + BENEFITS)
    assert problems == []
    assert [
        (b.key, b.given_as, b.frequency, b.tiers, b.confidential, b.order) for b in plan.benefits
    ] == [
        ("practitioner", "practitioner_weekly", "weekly", [], False, 0),
        ("mentor", "person_for_student", "as_needed", [3], False, 1),
        ("one-to-ones", "one_to_ones", "as_needed", [], True, 2),
        ("events", "event_places", "as_needed", [], False, 3),
    ]
    practitioner, mentor, _, events = plan.benefits
    assert practitioner.length == "half a day" and practitioner.weekly
    assert mentor.condition == "if appropriate" and mentor.for_a_student
    assert not events.allocated


# Each change to BENEFITS, where the problem is reported, what it says, and the text whose
# line it is on (after the change).
BAD_BENEFITS = [
    ("tiers: [3]", "tiers: [2]", "benefit mentor, tiers", "there is no Tier 2", "tiers: [2]"),
    ("tiers: [3]", "tiers: three", "benefit mentor, tiers", "a list of whole numbers", "tiers: t"),
    (
        "given_as: person_for_student",
        "given_as: by_post",
        "benefit mentor, given_as",
        "'by_post' is not one of: practitioner_weekly",
        "given_as: by_post",
    ),
    (
        "key: mentor",
        "key: practitioner",
        "benefit practitioner",
        "the key is used twice.",
        "key: practitioner\n    name: External mentor",
    ),
    (
        "    frequency: weekly\n",
        "",
        "benefit practitioner, given_as",
        "a practitioner on a day each week needs frequency: weekly.",
        "given_as: practitioner_weekly",
    ),
    (
        "    condition: if appropriate\n",
        "    frequency: weekly\n",
        "benefit mentor, frequency",
        "only a practitioner on a day each week",
        "frequency: weekly\n  - key: one-to-ones",
    ),
    (
        "    given_as: event_places\n",
        "    given_as: event_places\n    frequency: as_needed\n",
        "benefit events, frequency",
        "places at events follow the events' own dates",
        "frequency: as_needed",
    ),
    (
        "    given_as: person_for_student\n",
        "    given_as: person_for_student\n    confidential: yes\n",
        "benefit mentor, confidential",
        "only one-to-one meetings with the headteacher",
        "confidential: yes",
    ),
    (
        "confidential: yes",
        "confidential: maybe",
        "benefit one-to-ones, confidential",
        "should be yes or no, not 'maybe'",
        "confidential: maybe",
    ),
    (
        "    length: half a day\n",
        "    colour: blue\n",
        "benefits row 1, colour",
        "is not a field this file has",
        "colour: blue",
    ),
]


@pytest.mark.parametrize(("old", "new", "where", "expected", "at"), BAD_BENEFITS)
def test_it_stops_on_a_bad_benefit_at_its_line(old, new, where, expected, at):
    problems, text = problems_with_benefits(old, new)
    problem = only(problems, fatal=True)
    assert problem.where == where
    assert expected in problem.message
    assert problem.line == text[: text.index(at)].count("\n") + 1


def test_it_asks_for_what_a_benefit_gives():
    problems, _ = problems_with_benefits("    gives: A funded mentor for a student.\n", "")
    problem = only(problems, fatal=True)
    assert (problem.where, problem.message) == ("benefits row 2", "has no gives.")


def test_the_reference_file_lists_the_agreement_s_benefits():
    plan, _ = read_model(REFERENCE.read_text())
    by_key = {b.key: b for b in plan.benefits}
    assert list(by_key) == [
        "semhl-practitioner",
        "yjs-mentor",
        "supporting-families-worker",
        "capa-outreach",
        "education-engagement",
        "collaborative-leadership",
        "when-the-adults-change",
        "network-and-training-events",
    ]
    assert by_key["semhl-practitioner"].weekly
    assert by_key["supporting-families-worker"].tiers == [3]
    assert [b.key for b in plan.benefits if b.confidential] == ["collaborative-leadership"]
    assert [b.key for b in plan.benefits if not b.allocated] == ["network-and-training-events"]


def test_a_cohort_spanning_one_school_week_reads_in_the_singular():
    problem = only(
        problems_after(
            "    ends: Friday 19 December 2025\n    weeks: 10",
            "    ends: Friday 10 October 2025\n    weeks: 10",
        ),
        fatal=False,
    )
    assert problem.message.startswith(
        "The cohort is said to run 10 weeks, but its dates span 1 school week (half terms"
    )


def test_it_reads_how_many_items_a_panel_s_meeting_can_hear():
    plan, problems = read_model(
        SMALL.replace(
            "    name: Review Panel\n", "    name: Review Panel\n    items_per_meeting: 12\n"
        )
    )
    assert problems == []
    assert plan.panels["review"].items_per_meeting == 12
    assert plan.panels["decision"].items_per_meeting is None


def test_it_stops_on_a_meeting_that_can_hear_no_items():
    problems = problems_after(
        "    name: Review Panel\n", "    name: Review Panel\n    items_per_meeting: 0\n"
    )
    assert any(
        p.fatal and "items_per_meeting" in p.where and "at least 1" in p.message for p in problems
    ), [str(p) for p in problems]


def test_it_reports_priority_on_a_programme_only_subscribers_may_use():
    problem = only(
        problems_after(
            "    subscription_required: yes\n",
            "    subscription_required: yes\n    subscriber_priority: yes\n",
        ),
        fatal=False,
    )
    assert "gives subscribing schools priority, but only subscribing schools may apply" in (
        problem.message
    )
