"""The statements' pages: the authority's list, issuing a term's statements, one statement
and its correction, and the downloads; a school's and a provider's own statements; the
latest statement on their home pages. Each is tested for the roles that may and may not
open it, the wrong method, bad input and what it leaves behind."""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.tests.factories import SchoolFactory
from audit.models import Event
from finance import services
from finance.models import Party, Statement, StatementRun
from finance.tests.factories import make_course, make_tier1, make_year, placed, term
from placements.services import placement_exit
from programmes.models import Payment, Subscription, Term


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def year(db):
    return make_year()


@pytest.fixture
def autumn(year):
    return term(year, "Autumn term")


@pytest.fixture
def scenario(cast, year):
    """School A subscribes (£12,000.00) and has two placements at Provider P: one of
    £1,200.00 ended after 4 of 11 weeks (£436.36), and one of £900.00 past its one
    paid-for Tier 1 place (£250.00 more)."""
    programme = make_tier1(year)
    Subscription.objects.create(
        school=cast.school_a,
        year=year,
        tier1_placements=1,
        price_pence=1_200_000,
        signed_on=dt.date(2025, 9, 15),
        signed_by="Dr Helen Okafor, headteacher",
    )
    first = placed(
        course=make_course(programme, cast.provider, fee="1200.00"),
        school=cast.school_a,
        by=cast.officer,
        starts_on=dt.date(2025, 9, 8),
        planned_end_on=dt.date(2025, 11, 28),
    )
    placement_exit(
        placement=first,
        ended_on=dt.date(2025, 10, 3),
        outcome="returned",
        detail="",
        version=first.version,
        by=cast.officer,
    )
    second = placed(
        course=make_course(programme, cast.provider, fee="900.00", title="Catering"),
        school=cast.school_a,
        by=cast.officer,
        starts_on=dt.date(2025, 11, 3),
        planned_end_on=dt.date(2026, 2, 13),
    )
    return first, second


@pytest.fixture
def issued(cast, autumn, scenario):
    """School A's and Provider P's autumn statements."""
    school = services.statement_issue(
        organisation=cast.school_a, party=Party.SCHOOL, term=autumn, by=cast.finance
    )
    provider = services.statement_issue(
        organisation=cast.provider, party=Party.PROVIDER, term=autumn, by=cast.finance
    )
    return school, provider


SCHOOL_TOTAL = "£13,586.36"  # £436.36 + £900.00 + £250.00 + £12,000.00


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- The authority's list -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "finance"])
def test_the_cap_manager_and_finance_see_a_terms_statements(client, cast, autumn, issued, who):
    school, provider = issued
    client.force_login(getattr(cast, who))
    response = client.get(reverse("finance:statements"), {"term": autumn.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert school.number in page and provider.number in page
    assert "School A (school)" in page and "Provider P (provider)" in page
    assert SCHOOL_TOTAL in page
    assert timezone.localdate().strftime("%-d %B %Y").lstrip("0") in page
    assert "2 statements" in page
    assert "Issue the statements for the Autumn term 2025-26" in page


def test_the_list_opens_on_the_term_that_ended_last(client, cast, year):
    client.force_login(cast.finance)
    response = client.get(reverse("finance:statements"))
    # Every 2025-26 term has ended (the tests run after July 2026).
    assert response.context["term"] == term(year, "Summer term")
    assert "No statements have been issued for the Summer term 2025-26." in (
        response.content.decode()
    )


def test_the_list_shows_only_schools_for_the_term_that_ended_last(client, cast, year, issued):
    client.force_login(cast.finance)
    response = client.get(reverse("finance:statements"), {"party": "school"})
    assert response.context["term"] == term(year, "Summer term")
    assert response.context["party"] == "school"


def test_the_list_shows_schools_or_providers(client, cast, autumn, issued):
    school, provider = issued
    client.force_login(cast.finance)
    response = client.get(reverse("finance:statements"), {"term": autumn.pk, "party": "provider"})
    page = response.content.decode()
    assert provider.number in page and school.number not in page
    assert "1 statement to providers" in page


@pytest.mark.parametrize("query", [{"term": "nonsense"}, {"term": "999999"}, {"party": "x"}])
def test_a_bad_filter_is_an_error_beside_the_field_not_a_crash(client, cast, year, query):
    client.force_login(cast.finance)
    response = client.get(reverse("finance:statements"), query)
    assert response.status_code == 200
    assert response.context["filter_form"].errors
    assert "govuk-error-message" in response.content.decode()


def test_a_term_not_yet_ended_offers_no_button(client, cast, year):
    later = Term.objects.create(
        year=year, name="Later", starts_on=dt.date(2026, 11, 2), ends_on=dt.date(2099, 12, 18)
    )
    client.force_login(cast.finance)
    page = client.get(reverse("finance:statements"), {"term": later.pk}).content.decode()
    assert "Issue the statements" not in page
    assert "has not ended yet" in page


def make_statements(schools: list, autumn, by) -> None:
    for school in schools:
        Statement.objects.create(
            number=f"CAP-2025-26-{school.pk:05d}",
            organisation=school,
            party=Party.SCHOOL,
            term=autumn,
            payment=Payment.AUTHORITY_PAYS,
            total_pence=100,
            issued_at=timezone.now(),
            issued_by=by,
        )


def test_the_list_s_queries_do_not_grow_with_its_statements(client, cast, autumn, issued):
    client.force_login(cast.finance)
    services.statement_correct(statement=issued[0], reason="A fee was wrong", by=cast.finance)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("finance:statements"), {"term": autumn.pk}).status_code == 200
        return len(queries)

    small = count()
    make_statements(SchoolFactory.create_batch(30), autumn, cast.finance)
    assert count() == small


def test_the_list_is_paged_by_fifty(client, cast, autumn):
    make_statements(SchoolFactory.create_batch(51), autumn, cast.finance)
    client.force_login(cast.finance)
    first = client.get(reverse("finance:statements"), {"term": autumn.pk})
    assert len(first.context["page"].object_list) == 50
    assert f"?term={autumn.pk}&amp;page=2" in first.content.decode()  # the filter kept
    second = client.get(reverse("finance:statements"), {"term": autumn.pk, "page": 2})
    assert len(second.context["page"].object_list) == 1


# --- Issuing a term's statements ----------------------------------------------------------------


def test_issuing_queues_the_term_s_statements_which_are_made_and_e_mailed(
    client, cast, autumn, scenario, django_capture_on_commit_callbacks
):
    client.force_login(cast.finance)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("finance:statements_run"), {"term": autumn.pk})
    assert response.status_code == 302
    assert response.url == f"{reverse('finance:statements')}?term={autumn.pk}"
    run = StatementRun.objects.get()
    assert (run.term, run.requested_by, run.total) == (autumn, cast.finance, 2)
    assert run.finished_at is not None
    assert set(Statement.objects.values_list("organisation__name", "party")) == {
        ("School A", Party.SCHOOL),
        ("Provider P", Party.PROVIDER),
    }
    assert {tuple(m.to) for m in mail.outbox} == {
        tuple(sorted([cast.alice.email, cast.headteacher.email])),
        (cast.provider_staff.email,),
    }
    page = client.get(response.url).content.decode()
    assert "2 statements queued for the Autumn term 2025-26" in page
    assert "has finished: 2 of 2 statements made" in page


def test_issuing_again_says_there_is_nothing_left_to_issue(
    client, cast, autumn, issued, django_capture_on_commit_callbacks
):
    client.force_login(cast.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("finance:statements_run"), {"term": autumn.pk}, follow=True)
    assert "No statements to issue for the Autumn term 2025-26" in response.content.decode()
    assert Statement.objects.count() == 2
    assert not mail.outbox


def test_a_term_not_ended_is_refused_with_the_reason_on_the_page(client, cast, year):
    later = Term.objects.create(
        year=year, name="Later", starts_on=dt.date(2026, 11, 2), ends_on=dt.date(2099, 12, 18)
    )
    client.force_login(cast.finance)
    response = client.post(reverse("finance:statements_run"), {"term": later.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "has not ended yet" in page
    assert not StatementRun.objects.exists()


def test_issuing_an_unknown_term_is_an_error_not_a_crash(client, cast, year):
    client.force_login(cast.finance)
    response = client.post(reverse("finance:statements_run"), {"term": "999999"})
    assert response.status_code == 200
    assert "That term no longer exists" in response.content.decode()
    assert not StatementRun.objects.exists()


@pytest.mark.parametrize("name", ["finance:statements_run"])
def test_issuing_is_post_only(client, cast, year, name):
    client.force_login(cast.finance)
    assert client.get(reverse(name)).status_code == 405


# --- One statement ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "finance"])
def test_a_statement_shows_its_lines_and_how_it_is_paid(client, cast, issued, who):
    school, _ = issued
    client.force_login(getattr(cast, who))
    response = client.get(reverse("finance:statement", args=[school.uuid]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Statement {school.number}" in page
    assert "Autumn term 2025-26, 2 September 2025 to 19 December 2025" in page
    assert "by Fran Finance" in page
    assert "The authority pays providers and recharges schools" in page
    assert "4 of 11" in page and "£436.36" in page and "£250.00" in page
    assert "8 September 2025 to 3 October 2025" in page
    assert SCHOOL_TOTAL in page
    assert "Correct this statement" in page


def test_a_credit_has_a_minus_sign_and_fees_paid_directly_are_marked(
    client, cast, year, autumn, scenario
):
    year.charging.payment = Payment.SCHOOLS_PAY
    year.charging.save()
    services.statement_issue(
        organisation=cast.school_a, party=Party.SCHOOL, term=autumn, by=cast.finance
    )
    fee = scenario[1].application.fee
    services.fee_change(
        fee=fee, amount_pence=80000, reason="Discount", version=fee.version, by=cast.finance
    )
    spring = services.statement_issue(
        organisation=cast.school_a,
        party=Party.SCHOOL,
        term=term(year, "Spring term"),
        by=cast.finance,
    )
    client.force_login(cast.finance)
    page = client.get(reverse("finance:statement", args=[spring.uuid])).content.decode()
    assert "\u2212£100.00" in page
    assert "Paid to the provider directly" in page
    assert "Schools pay providers directly" in page


def test_only_the_latest_statement_offers_a_correction(client, cast, year, issued):
    school, _ = issued
    correction = services.statement_correct(
        statement=school, reason="A fee was wrong", by=cast.finance
    )
    client.force_login(cast.finance)
    old = client.get(reverse("finance:statement", args=[school.uuid])).content.decode()
    assert "Correct this statement" not in old
    assert "This statement has been corrected" in old
    assert reverse("finance:statement", args=[correction.uuid]) in old
    new = client.get(reverse("finance:statement", args=[correction.uuid])).content.decode()
    assert "Correct this statement" in new
    old_url = reverse("finance:statement", args=[school.uuid])
    assert f'Statement <a class="govuk-link" href="{old_url}">{school.number}</a>' in new
    assert "A fee was wrong" in new


def test_a_correction_is_issued_audited_and_e_mailed(
    client, cast, issued, django_capture_on_commit_callbacks
):
    school, _ = issued
    client.force_login(cast.finance)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("finance:statement_correct", args=[school.uuid]),
            {"reason": "The catering fee was agreed at £850.00"},
        )
    correction = Statement.objects.get(corrects=school)
    assert response.status_code == 302
    assert response.url == reverse("finance:statement", args=[correction.uuid])
    assert correction.reason == "The catering fee was agreed at £850.00"
    assert Event.objects.filter(action="statement.corrected", object_id=correction.uuid).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == sorted([cast.alice.email, cast.headteacher.email])
    assert f"corrects statement {school.number}" in mail.outbox[0].subject


def test_a_correction_needs_a_reason_given_beside_the_field(client, cast, issued):
    school, _ = issued
    client.force_login(cast.finance)
    url = reverse("finance:statement_correct", args=[school.uuid])
    response = client.post(url, {"reason": " "})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_reason-error"' in page
    assert "Enter why the statement is being corrected" in page
    assert not Statement.objects.filter(corrects=school).exists()


def test_a_correction_refused_keeps_what_was_typed(client, cast, issued):
    school, _ = issued
    services.statement_correct(statement=school, reason="First", by=cast.manager)
    client.force_login(cast.finance)
    response = client.post(
        reverse("finance:statement_correct", args=[school.uuid]), {"reason": "A second go"}
    )
    page = response.content.decode()
    assert "has already been corrected" in page
    assert "A second go</textarea>" in page
    assert Statement.objects.filter(corrects__isnull=False).count() == 1


def test_correcting_is_post_only(client, cast, issued):
    client.force_login(cast.finance)
    url = reverse("finance:statement_correct", args=[issued[0].uuid])
    assert client.get(url).status_code == 405


def test_the_statement_page_s_queries_do_not_grow_with_its_lines(
    client, cast, year, autumn, scenario
):
    client.force_login(cast.finance)
    small = services.statement_issue(
        organisation=cast.provider, party=Party.PROVIDER, term=autumn, by=cast.finance
    )
    programme = scenario[0].programme
    course = make_course(programme, cast.academy, fee="300.00", title="Joinery")
    for _ in range(8):
        placed(
            course=course,
            school=cast.school_b,
            by=cast.officer,
            starts_on=dt.date(2025, 9, 8),
            planned_end_on=dt.date(2025, 11, 28),
        )
    big = services.statement_issue(
        organisation=cast.academy, party=Party.PROVIDER, term=autumn, by=cast.finance
    )
    assert big.lines.count() == 8 > small.lines.count()

    def count(statement) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("finance:statement", args=[statement.uuid]))
            assert response.status_code == 200
        return len(queries)

    assert count(big) == count(small)


# --- Downloads ------------------------------------------------------------------------------------


def test_the_pdf_is_a_tagged_statement_the_same_each_time_and_audited(client, cast, issued):
    school, _ = issued
    client.force_login(cast.finance)
    response = client.get(reverse("finance:statement_pdf", args=[school.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="statement-{school.number}.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    text = text_of(response.content)
    assert f"Statement {school.number}" in text
    assert "School A" in text and SCHOOL_TOTAL in text
    assert "Coventry City Council pays the providers" in text
    again = client.get(reverse("finance:statement_pdf", args=[school.uuid]))
    assert again.content == response.content
    downloads = Event.objects.filter(action="statement.downloaded", object_id=school.uuid)
    assert downloads.count() == 2
    assert downloads.first().detail == {"number": school.number, "format": "pdf"}
    assert downloads.first().actor == cast.finance


def test_the_csv_has_a_heading_then_a_row_a_line_with_plain_amounts(client, cast, issued):
    school, _ = issued
    client.force_login(cast.manager)
    response = client.get(reverse("finance:statement_csv", args=[school.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="statement-{school.number}.csv"' in response["Content-Disposition"]
    rows = rows_of(response)
    assert rows[0] == ["Statement", school.number]
    assert rows[1] == ["School", "School A"]
    assert rows[2] == ["Term", "Autumn term 2025-26 (2 September 2025 to 19 December 2025)"]
    assert rows[3][0] == "Issued"
    header = rows.index(
        [
            "Line",
            "Description",
            "Starts",
            "Ends",
            "Weeks delivered",
            "Weeks planned",
            "Fee",
            "Due in all",
            "Charged before",
            "This statement",
            "In the total",
        ]
    )
    lines = rows[header + 1 : -1]
    assert lines[0][2:10] == [
        "8 September 2025",
        "3 October 2025",
        "4",
        "11",
        "1200.00",
        "436.36",
        "0.00",
        "436.36",
    ]
    assert rows[-1][0] == "Total" and rows[-1][9] == "13586.36"
    assert Event.objects.filter(action="statement.downloaded", detail__format="csv").exists()


def test_the_csv_never_opens_a_name_as_a_formula(client, cast, autumn, scenario):
    cast.school_a.name = "=HYPERLINK(1)"
    cast.school_a.save()
    statement = services.statement_issue(
        organisation=cast.school_a, party=Party.SCHOOL, term=autumn, by=cast.finance
    )
    client.force_login(cast.finance)
    rows = rows_of(client.get(reverse("finance:statement_csv", args=[statement.uuid])))
    assert rows[1] == ["School", "'=HYPERLINK(1)"]


# --- Who may open the authority's pages ---------------------------------------------------------


def authority_urls(statement) -> list[tuple[str, str]]:
    return [
        ("get", reverse("finance:statements")),
        ("post", reverse("finance:statements_run")),
        ("get", reverse("finance:statement", args=[statement.uuid])),
        ("post", reverse("finance:statement_correct", args=[statement.uuid])),
        ("get", reverse("finance:statement_pdf", args=[statement.uuid])),
        ("get", reverse("finance:statement_csv", args=[statement.uuid])),
    ]


@pytest.mark.parametrize(
    "who", ["officer", "monitoring", "alice", "headteacher", "provider_staff", "outsider"]
)
def test_the_authority_s_pages_are_refused_to_everyone_else(client, cast, issued, who):
    client.force_login(getattr(cast, who))
    for method, url in authority_urls(issued[0]):
        assert getattr(client, method)(url, {"term": issued[0].term_id}).status_code == 403, url
    assert not StatementRun.objects.exists()
    assert Statement.objects.count() == 2
    assert not Event.objects.filter(action="statement.downloaded").exists()


def test_the_authority_s_pages_send_a_stranger_to_sign_in(client, issued):
    for method, url in authority_urls(issued[0]):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and reverse("accounts:sign_in") in response.url


def test_an_unknown_statement_is_not_found(client, cast, year):
    client.force_login(cast.finance)
    unknown = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    for name in ["finance:statement", "finance:statement_pdf", "finance:statement_csv"]:
        assert client.get(reverse(name, args=[unknown])).status_code == 404


# --- A school's and a provider's own statements -------------------------------------------------


def own_urls(area: str, statement) -> list[str]:
    return [
        reverse(f"finance:{area}_statement", args=[statement.uuid]),
        reverse(f"finance:{area}_statement_pdf", args=[statement.uuid]),
        reverse(f"finance:{area}_statement_csv", args=[statement.uuid]),
    ]


@pytest.mark.parametrize("who", ["alice", "headteacher"])
def test_a_school_s_coordinators_and_head_read_its_statements(client, cast, issued, who):
    school, provider = issued
    client.force_login(getattr(cast, who))
    listing = client.get(reverse("finance:schools_statements"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert school.number in page and provider.number not in page
    assert reverse("finance:schools_statement", args=[school.uuid]) in page
    detail = client.get(reverse("finance:schools_statement", args=[school.uuid]))
    page = detail.content.decode()
    assert detail.status_code == 200 and SCHOOL_TOTAL in page
    # The school's page links only to the school's own pages.
    assert reverse("finance:schools_statement_pdf", args=[school.uuid]) in page
    assert "/finance/" not in page and "Correct this statement" not in page
    pdf = client.get(reverse("finance:schools_statement_pdf", args=[school.uuid]))
    assert pdf.content.startswith(b"%PDF")
    csv_ = client.get(reverse("finance:schools_statement_csv", args=[school.uuid]))
    assert rows_of(csv_)[0] == ["Statement", school.number]
    downloads = Event.objects.filter(action="statement.downloaded", actor=getattr(cast, who))
    assert downloads.count() == 2


def test_a_provider_s_staff_read_its_statements(client, cast, issued):
    school, provider = issued
    client.force_login(cast.provider_staff)
    page = client.get(reverse("finance:providers_statements")).content.decode()
    assert provider.number in page and school.number not in page
    for url in own_urls("providers", provider):
        assert client.get(url).status_code == 200, url
    # A school's statement is not the provider's, even by its address.
    for url in own_urls("providers", school):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", ["bob", "school_dsl"])
def test_another_school_and_the_school_s_dsl_find_nothing(client, cast, issued, who):
    school, _ = issued
    client.force_login(getattr(cast, who))
    page = client.get(reverse("finance:schools_statements")).content.decode()
    assert school.number not in page and "You have no statements yet" in page
    for url in own_urls("schools", school):
        assert client.get(url).status_code == 404, url
    assert not Event.objects.filter(action="statement.downloaded").exists()


def test_a_school_statement_is_not_opened_from_the_providers_pages(client, cast, issued):
    client.force_login(cast.academy_staff)
    for url in own_urls("providers", issued[0]) + own_urls("providers", issued[1]):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", ["officer", "monitoring", "manager", "finance", "outsider"])
def test_people_outside_the_schools_and_providers_areas_are_refused_them(client, cast, issued, who):
    """The area is checked before any view code runs: 403, as for every page of an area
    a person's roles do not open (docs/permissions.md)."""
    school, provider = issued
    client.force_login(getattr(cast, who))
    urls = [reverse("finance:schools_statements"), reverse("finance:providers_statements")]
    urls += own_urls("schools", school) + own_urls("providers", provider)
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_the_own_pages_are_get_only(client, cast, issued):
    client.force_login(cast.alice)
    for url in [reverse("finance:schools_statements"), *own_urls("schools", issued[0])]:
        assert client.post(url).status_code == 405, url


def test_a_school_s_list_s_queries_do_not_grow_with_its_statements(client, cast, year, issued):
    client.force_login(cast.alice)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("finance:schools_statements")).status_code == 200
        return len(queries)

    small = count()
    services.statement_correct(statement=issued[0], reason="A fee was wrong", by=cast.finance)
    for name in ["Spring term", "Summer term"]:
        Statement.objects.create(
            number=f"CAP-2025-26-9{name[:2]}",
            organisation=cast.school_a,
            party=Party.SCHOOL,
            term=term(year, name),
            payment=Payment.AUTHORITY_PAYS,
            total_pence=0,
            issued_at=timezone.now(),
        )
    assert Statement.objects.filter(organisation=cast.school_a).count() == 4
    assert count() == small


# --- The home pages ------------------------------------------------------------------------------


def test_the_school_s_home_page_shows_its_latest_statement(client, cast, issued):
    school, _ = issued
    client.force_login(cast.alice)
    page = client.get(reverse("dashboards:schools")).content.decode()
    assert "Statements" in page
    assert school.number in page and "Autumn term 2025-26" in page and SCHOOL_TOTAL in page
    assert reverse("finance:schools_statements") in page


def test_the_provider_s_home_page_shows_its_latest_statement(client, cast, issued):
    _, provider = issued
    client.force_login(cast.provider_staff)
    page = client.get(reverse("dashboards:providers")).content.decode()
    assert provider.number in page
    assert reverse("finance:providers_statements") in page


def test_home_pages_say_nothing_of_statements_to_those_who_do_not_read_them(
    client, cast, year, issued
):
    client.force_login(cast.school_dsl)
    page = client.get(reverse("dashboards:schools")).content.decode()
    assert issued[0].number not in page
    assert reverse("finance:schools_statements") not in page


def test_home_pages_say_nothing_before_the_first_statement(client, cast, year):
    client.force_login(cast.alice)
    page = client.get(reverse("dashboards:schools")).content.decode()
    assert reverse("finance:schools_statements") not in page
