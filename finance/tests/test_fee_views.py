"""The fee on the case pages (the school's, the CAP team's and the provider's), the budget
holder's agreement, and the authority's fees pages: the list and changing a fee."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ProviderFactory, member
from applications.models import Application
from applications.workflow import Status
from audit.models import Event
from finance import services
from finance.models import Fee, FeeChange
from finance.tests.factories import make_course, make_tier1, make_year
from finance.tests.test_fees import agree, course, held, offer  # noqa: F401 - fixtures
from programmes.models import AcademicYear
from students.tests.factories import StudentFactory

TODAY = timezone.localdate


def error_beside(page: str, field: str) -> str:
    """The error message shown beside the field, without its hidden "Error:" prefix."""
    found = re.search(rf'<p class="govuk-error-message" id="id_{field}-error">(.*?)</p>', page)
    assert found, f"no error beside {field}"
    return found.group(1).split("</span>", 1)[1].strip()


def gov_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@pytest.fixture
def offered(cast, held) -> Application:  # noqa: F811
    """The provider has offered a place on a £1,234.50 course; nobody has agreed the fee."""
    return offer(held, cast)


def fee_of(application) -> Fee:
    return Fee.objects.get(application=application)


def school_page(client, user, application) -> str:
    client.force_login(user)
    response = client.get(reverse("applications:detail", args=[application.uuid]))
    assert response.status_code == 200
    return response.content.decode()


def case_page(client, user, application) -> str:
    client.force_login(user)
    response = client.get(reverse("casework:application", args=[application.uuid]))
    assert response.status_code == 200
    return response.content.decode()


# --- The school's application page ---------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "headteacher"])
def test_the_school_sees_the_fee_and_that_its_budget_holder_must_agree_it(
    client, cast, offered, who
):
    page = school_page(client, getattr(cast, who), offered)
    assert "£1,234.50" in page and "Motor vehicle, Provider P" in page
    assert "CAP cannot confirm the start until your budget holder agrees the fee" in page
    assert "Not yet agreed" in page
    assert reverse("finance:schools_fee_agree", args=[offered.uuid]) in page


def test_the_school_s_dsl_does_not_see_the_fee(client, cast, offered):
    page = school_page(client, cast.school_dsl, offered)
    assert "£1,234.50" not in page
    assert reverse("finance:schools_fee_agree", args=[offered.uuid]) not in page


def test_there_is_no_fee_section_before_the_provider_offers_a_place(client, cast, held):  # noqa: F811
    page = school_page(client, cast.alice, held)
    assert "Budget holder" not in page and "£1,234.50" not in page


def test_once_agreed_the_school_sees_who_agreed_and_that_nothing_waits(client, cast, offered):
    agree(offered, cast.alice)
    page = school_page(client, cast.alice, offered)
    document = offered.documents.first()
    assert f"Agreed by Sam Budget, School business manager, on {gov_date(TODAY())}" in page
    assert document.filename in page
    assert "Nothing about the fee is waiting for you." in page
    assert "CAP cannot confirm the start" not in page
    assert reverse("finance:schools_fee_agree", args=[offered.uuid]) not in page


# --- Recording the agreement -----------------------------------------------------------------


def agreement(application, **changes) -> dict:
    fee = fee_of(application)
    on = changes.pop("on", TODAY())
    return {
        "agreed_by": "Sam Budget",
        "agreed_by_role": "School business manager",
        "agreed_on_day": str(on.day),
        "agreed_on_month": str(on.month),
        "agreed_on_year": str(on.year),
        "document": str(application.documents.first().document.uuid),
        "version": str(fee.version),
        **changes,
    }


def schools_agree_url(application) -> str:
    return reverse("finance:schools_fee_agree", args=[application.uuid])


def casework_agree_url(application) -> str:
    return reverse("finance:casework_fee_agree", args=[application.uuid])


def test_the_agreement_form_offers_the_application_s_documents(client, cast, offered):
    client.force_login(cast.alice)
    page = client.get(schools_agree_url(offered)).content.decode()
    assert "£1,234.50" in page
    for document in offered.documents.all():
        assert f'value="{document.document.uuid}"' in page
    assert "The signed agreement is not in CAP" in page
    assert "Documents cannot be added to an application once it has been sent" in page


@pytest.mark.parametrize("who", ["alice", "headteacher"])
def test_the_school_records_its_budget_holder_s_agreement(client, cast, offered, who):
    client.force_login(getattr(cast, who))
    response = client.post(schools_agree_url(offered), agreement(offered), follow=True)
    assert response.redirect_chain[-1][0] == reverse("applications:detail", args=[offered.uuid])
    assert "agreement to the fee of £1,234.50 is recorded" in response.content.decode()
    fee = fee_of(offered)
    assert (fee.agreed_by, fee.agreed_by_role, fee.agreed_on) == (
        "Sam Budget",
        "School business manager",
        TODAY(),
    )
    assert fee.agreement_document == offered.documents.first()
    assert fee.agreement_recorded_by == getattr(cast, who)
    assert Event.objects.filter(action="fee.agreed", object_id=str(fee.uuid)).exists()


def test_an_agreement_not_in_cap_is_recorded_without_a_document(client, cast, offered):
    client.force_login(cast.alice)
    client.post(schools_agree_url(offered), agreement(offered, document="none"))
    fee = fee_of(offered)
    assert fee.agreed and fee.agreement_document is None
    assert "Not in CAP" in school_page(client, cast.alice, offered)


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"agreed_by": " "}, "agreed_by", "Enter the budget holder&#x27;s name"),
        ({"agreed_by_role": ""}, "agreed_by_role", "Enter the budget holder&#x27;s role"),
        ({"agreed_on_day": "32"}, "agreed_on", "the day must be a number from 1 to 31"),
        (
            {"on": TODAY() + dt.timedelta(days=2)},
            "agreed_on",
            "The date of the agreement must be today or in the past",
        ),
        ({"document": ""}, "document", "Choose the signed agreement, or say that it is not in CAP"),
        ({"document": "not-a-document"}, "document", "Choose one of this application&#x27;s"),
    ],
)
def test_a_bad_agreement_is_refused_beside_its_field_and_keeps_what_was_typed(
    client, cast, offered, changes, field, message
):
    client.force_login(cast.alice)
    data = agreement(offered, **changes)
    response = client.post(schools_agree_url(offered), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in error_beside(page, field)
    assert "There is a problem" in page
    assert 'value="School business manager"' in page or field == "agreed_by_role"
    assert not fee_of(offered).agreed


def test_an_agreement_someone_else_recorded_first_is_not_overwritten(client, cast, offered):
    client.force_login(cast.alice)
    data = agreement(offered, agreed_by="Pat Purse")
    fee = fee_of(offered)
    services.fee_change(
        fee=fee, amount_pence=100000, reason="Shorter course", version=fee.version, by=cast.finance
    )
    response = client.post(schools_agree_url(offered), data)
    page = response.content.decode()
    assert "Someone else changed this fee while you were looking at it" in page
    assert 'value="Pat Purse"' in page
    assert not fee_of(offered).agreed
    # Sent again, at the version the page now carries, it goes through.
    again = re.search(r'name="version" value="(\d+)"', page).group(1)
    client.post(schools_agree_url(offered), {**data, "version": again})
    assert fee_of(offered).agreed_by == "Pat Purse"


def test_an_agreed_fee_has_nothing_to_record(client, cast, offered):
    agree(offered, cast.alice)
    client.force_login(cast.alice)
    response = client.get(schools_agree_url(offered), follow=True)
    assert response.redirect_chain[-1][0] == reverse("applications:detail", args=[offered.uuid])
    assert "There is no agreement to record" in response.content.decode()


@pytest.mark.parametrize("who", ["bob", "school_dsl"])
def test_a_school_user_who_may_not_see_the_fee_gets_not_found(client, cast, offered, who):
    client.force_login(getattr(cast, who))
    assert client.get(schools_agree_url(offered)).status_code == 404
    assert client.post(schools_agree_url(offered), agreement(offered)).status_code == 404
    assert not fee_of(offered).agreed


def test_there_is_nothing_to_agree_before_the_offer(client, cast, held):  # noqa: F811
    client.force_login(cast.alice)
    assert client.get(schools_agree_url(held)).status_code == 404


@pytest.mark.parametrize("who", ["officer", "provider_staff", "finance", "chair", "outsider"])
def test_only_the_school_opens_the_school_s_agreement_page(client, cast, offered, who):
    client.force_login(getattr(cast, who))
    assert client.get(schools_agree_url(offered)).status_code == 403


def test_the_agreement_pages_take_only_get_and_post(client, cast, offered):
    client.force_login(cast.alice)
    assert client.put(schools_agree_url(offered)).status_code == 405
    client.force_login(cast.officer)
    assert client.delete(casework_agree_url(offered)).status_code == 405


def test_signed_out_people_are_sent_to_sign_in(client, offered):
    response = client.get(schools_agree_url(offered))
    assert response.status_code == 302 and "sign-in" in response["Location"]


# --- The CAP team's application page -------------------------------------------------------


def test_the_cap_officer_sees_the_fee_and_records_the_agreement_for_the_school(
    client, cast, offered
):
    page = case_page(client, cast.officer, offered)
    assert "£1,234.50" in page and "Not yet agreed" in page
    assert "You cannot confirm the start until the school" in page
    assert casework_agree_url(offered) in page
    assert "Change the fee" not in page
    response = client.post(casework_agree_url(offered), agreement(offered), follow=True)
    assert response.redirect_chain[-1][0] == reverse("casework:application", args=[offered.uuid])
    assert fee_of(offered).agreement_recorded_by == cast.officer
    page = response.content.decode()
    assert f"Agreed by Sam Budget, School business manager, on {gov_date(TODAY())}" in page
    assert casework_agree_url(offered) not in page


def test_the_cap_manager_may_also_change_the_fee(client, cast, offered):
    page = case_page(client, cast.manager, offered)
    assert reverse("finance:fee_change", args=[fee_of(offered).uuid]) in page
    assert casework_agree_url(offered) in page


def test_the_case_page_lists_the_fee_s_changes(client, cast, offered):
    fee = fee_of(offered)
    services.fee_change(
        fee=fee, amount_pence=100000, reason="Shorter course", version=fee.version, by=cast.finance
    )
    page = case_page(client, cast.officer, offered)
    assert "1 change to the fee" in page
    assert "£1,234.50 to £1,000.00" in page and "Shorter course" in page
    assert "Fran Finance" in page and gov_date(TODAY()) in page


def test_the_monitoring_officer_sees_the_fee_but_does_not_record_the_agreement(
    client, cast, offered
):
    page = case_page(client, cast.monitoring, offered)
    assert "£1,234.50" in page
    assert casework_agree_url(offered) not in page
    assert client.get(casework_agree_url(offered)).status_code == 403
    assert client.post(casework_agree_url(offered), agreement(offered)).status_code == 403
    assert not fee_of(offered).agreed


@pytest.mark.parametrize("who", ["alice", "chair", "finance", "outsider"])
def test_only_cap_opens_the_cap_team_s_agreement_page(client, cast, offered, who):
    client.force_login(getattr(cast, who))
    assert client.get(casework_agree_url(offered)).status_code == 403


def test_the_cap_team_s_agreement_page_keeps_bad_input(client, cast, offered):
    client.force_login(cast.officer)
    response = client.post(casework_agree_url(offered), agreement(offered, agreed_on_year="26"))
    page = response.content.decode()
    assert "the year must have 4 numbers" in error_beside(page, "agreed_on")
    assert 'value="Sam Budget"' in page


# --- The provider's pack page --------------------------------------------------------------


def test_the_provider_sees_the_fee_of_the_place_it_offered(client, cast, offered):
    client.force_login(cast.provider_staff)
    page = client.get(reverse("providers:pack", args=[offered.uuid])).content.decode()
    assert "Fee for this place" in page and "£1,234.50" in page
    assert "budget holder" not in page.lower()


def test_another_provider_sees_neither_the_pack_nor_its_fee(client, cast, offered):
    client.force_login(member(ProviderFactory(), "provider_staff"))
    assert client.get(reverse("providers:pack", args=[offered.uuid])).status_code == 404


# --- The authority's list of fees ----------------------------------------------------------


@pytest.fixture
def year(db):
    return make_year()


def offered_places(cast, year, count: int, *, school=None, with_course=True) -> list[Fee]:
    """Places offered with a fee; without a course, as on a panel route."""
    programme = make_tier1(year) if not year.programmes.exists() else year.programmes.first()
    on_course = (
        (programme.courses.first() or make_course(programme, cast.provider))
        if with_course
        else None
    )
    fees = []
    for _ in range(count):
        application = Application.objects.create(
            student=StudentFactory(home_school=school or cast.school_a),
            school=school or cast.school_a,
            programme=programme,
            course=on_course,
            created_by=cast.alice,
            status=Status.PROVIDER_ACCEPTED,
        )
        fees.append(
            Fee.objects.create(application=application, amount_pence=120000, set_at=timezone.now())
        )
    return fees


def fees_page(client, user, **params) -> str:
    client.force_login(user)
    response = client.get(reverse("finance:fees"), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["finance", "manager"])
def test_the_fees_list_shows_each_place_by_reference_only(client, cast, year, who):
    fee = offered_places(cast, year, 1)[0]
    page = fees_page(client, getattr(cast, who))
    application = fee.application
    assert "Fees 2025-26" in page and "1 fee" in page
    assert application.reference in page and reverse("finance:fee_change", args=[fee.uuid]) in page
    assert "School A" in page and "Motor vehicle" in page and "Provider P" in page
    assert "£1,200.00" in page and "Not agreed" in page
    # The finance officer sees no student records.
    student = application.student
    assert student.legal_last_name not in page and student.upn not in page


@pytest.mark.parametrize("who", ["officer", "monitoring", "chair", "alice", "provider_staff"])
def test_the_fees_list_is_only_for_those_who_manage_money(client, cast, year, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("finance:fees")).status_code == 403
    client.force_login(cast.outsider)
    assert client.get(reverse("finance:fees")).status_code == 403


def test_the_fees_list_is_filtered_by_school_and_change(client, cast, year):
    a, changed = offered_places(cast, year, 2)
    b = offered_places(cast, year, 1, school=cast.school_b)[0]
    services.fee_change(
        fee=changed, amount_pence=1000, reason="Cheaper", version=changed.version, by=cast.finance
    )
    page = fees_page(client, cast.finance, school="school b")  # all or part of its name
    assert b.application.reference in page and a.application.reference not in page
    assert '<input type="text" name="school"' in page and "All schools" not in page
    page = fees_page(client, cast.finance, changed="1")
    assert "1 fee" in page and changed.application.reference in page
    assert a.application.reference not in page
    page = fees_page(client, cast.finance, year="2025-26", school=cast.school_b.name, changed=1)
    assert "No fees in 2025-26 match these filters." in page


def test_a_bad_filter_is_shown_beside_it_and_the_others_still_apply(client, cast, year):
    offered_places(cast, year, 1)
    page = fees_page(client, cast.finance, school="School", year="1999-00")
    assert error_beside(page, "year") == "Select an academic year from the list"
    assert "1 fee" in page  # the year falls back to the current one, the school still applies
    page = fees_page(client, cast.finance, school="Nonsense", year="1999-00")
    assert "No fees in 2025-26 match these filters." in page


def test_a_fee_keeps_its_place_s_year_for_the_list(client, cast, year):
    """The list reads the year kept on the fee (one index at national volume); it is the
    year of the place's programme when the fee is made."""
    fee = offered_places(cast, year, 1)[0]
    fee.refresh_from_db()
    assert fee.year == fee.application.programme.year
    other = AcademicYear.objects.create(
        name="2024-25", starts_on=dt.date(2024, 9, 1), ends_on=dt.date(2025, 8, 31)
    )
    assert "No places have been offered in 2024-25" in fees_page(
        client, cast.finance, year=other.name
    )


def test_the_fees_list_is_paged(client, cast, year):
    offered_places(cast, year, 51)
    page = fees_page(client, cast.finance)
    assert "51 fees, page 1 of 2" in page
    assert "51 fees, page 2 of 2" in fees_page(client, cast.finance, page=2)


def test_the_fees_list_takes_the_same_queries_at_any_size(client, cast, year):
    client.force_login(cast.finance)
    client.get(reverse("finance:fees"))  # settings and session warmed

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("finance:fees")).status_code == 200
        return len(captured)

    offered_places(cast, year, 2)
    offered_places(cast, year, 1, with_course=False)
    few = queries()
    offered_places(cast, year, 6, with_course=False)
    fees = offered_places(cast, year, 12, school=cast.school_b)
    for fee in fees[:5]:
        services.fee_change(
            fee=fee, amount_pence=1, reason="Cheaper", version=fee.version, by=cast.finance
        )
    assert queries() == few


def test_with_no_years_the_list_says_so(client, cast):
    assert "There are no academic years yet" in fees_page(client, cast.finance)


def test_the_fees_list_takes_only_get(client, cast):
    client.force_login(cast.finance)
    assert client.post(reverse("finance:fees")).status_code == 405


# --- Changing a fee ------------------------------------------------------------------------


def change_url(fee) -> str:
    return reverse("finance:fee_change", args=[fee.uuid])


def change(client, fee, **data):
    return client.post(
        change_url(fee), {"amount": "1000", "reason": "Shorter course", "version": "1", **data}
    )


@pytest.mark.parametrize("who", ["finance", "manager"])
def test_the_fee_s_page_shows_it_and_its_history(client, cast, offered, who):
    fee = fee_of(offered)
    services.fee_change(
        fee=fee, amount_pence=100000, reason="Shorter course", version=fee.version, by=cast.manager
    )
    client.force_login(getattr(cast, who))
    page = client.get(change_url(fee)).content.decode()
    assert f"Fee for {offered.reference}" in page and "£1,000.00" in page
    assert "£1,234.50 to £1,000.00" in page and "Mandy Manager" in page
    assert '<div class="govuk-input__prefix" aria-hidden="true">£</div>' in page
    assert offered.student.legal_last_name not in page
    # A link to the case only for someone who may open it.
    case = reverse("casework:application", args=[offered.uuid])
    assert (case in page) == (who == "manager")


def test_a_fee_is_changed_with_its_reason(client, cast, offered):
    fee = fee_of(offered)
    client.force_login(cast.finance)
    response = client.post(
        change_url(fee),
        {"amount": "£1,000", "reason": "Shorter course", "version": fee.version},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == change_url(fee)
    assert "has changed from £1,234.50 to £1,000.00" in response.content.decode()
    fee.refresh_from_db()
    assert fee.amount_pence == 100000
    change_row = FeeChange.objects.get(fee=fee)
    assert (change_row.previous_pence, change_row.reason, change_row.changed_by) == (
        123450,
        "Shorter course",
        cast.finance,
    )
    assert Event.objects.filter(action="fee.changed", object_id=str(fee.uuid)).exists()


def test_a_fee_raised_before_the_start_goes_back_to_the_school_to_agree(
    client, cast, offered, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    agree(offered, cast.alice)
    fee = fee_of(offered)
    client.force_login(cast.finance)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            change_url(fee),
            {"amount": "1500", "reason": "A second unit", "version": fee.version},
        )
    assert not fee_of(offered).agreed
    [message] = mail.outbox
    assert message.to == [cast.alice.email] and offered.reference in message.subject
    assert "from £1,234.50 to £1,500.00" in message.body
    assert reverse("applications:detail", args=[offered.uuid]) in message.body
    assert offered.student.legal_last_name not in message.subject + message.body
    # A fee lowered keeps the agreement, and nobody is asked again.
    agree(offered, cast.alice)
    fee = fee_of(offered)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            change_url(fee), {"amount": "1400", "reason": "Discount", "version": fee.version}
        )
    assert fee_of(offered).agreed and mail.outbox == []


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"amount": "12.345"},
            "amount",
            "Enter the new fee in pounds and pence, like 9000 or 9000.50",
        ),
        (
            {"amount": "twelve"},
            "amount",
            "Enter the new fee in pounds and pence, like 9000 or 9000.50",
        ),
        ({"amount": ""}, "amount", "Enter the new fee"),
        ({"amount": "-5"}, "amount", "The new fee must be £0.00 or more"),
        ({"amount": "1000000"}, "amount", "The new fee must be £999,999.99 or less"),
        ({"amount": "1234.50"}, "amount", "The fee is already £1,234.50"),
        ({"reason": "  "}, "reason", "Enter why the fee is changing"),
    ],
)
def test_a_bad_change_is_refused_beside_its_field_and_keeps_what_was_typed(
    client, cast, offered, data, field, message
):
    fee = fee_of(offered)
    client.force_login(cast.finance)
    response = change(client, fee, **data)
    assert response.status_code == 200
    page = response.content.decode()
    assert error_beside(page, field) == message
    if field == "reason":
        assert 'value="1000"' in page
    else:
        assert "Shorter course" in page
        assert f'value="{data["amount"]}"' in page or not data["amount"]
    assert fee_of(offered).amount_pence == 123450
    assert not FeeChange.objects.exists()


def test_a_fee_someone_else_changed_meanwhile_is_not_overwritten(client, cast, offered):
    fee = fee_of(offered)
    services.fee_change(
        fee=fee, amount_pence=110000, reason="First", version=fee.version, by=cast.manager
    )
    client.force_login(cast.finance)
    page = change(client, fee, amount="900", version="1").content.decode()
    assert "Someone else changed this fee while you were looking at it" in page
    assert 'value="900"' in page
    assert fee_of(offered).amount_pence == 110000


@pytest.mark.parametrize("who", ["officer", "monitoring", "alice", "provider_staff", "chair"])
def test_only_those_who_manage_money_change_a_fee(client, cast, offered, who):
    fee = fee_of(offered)
    client.force_login(getattr(cast, who))
    assert client.get(change_url(fee)).status_code == 403
    assert change(client, fee).status_code == 403
    assert fee_of(offered).amount_pence == 123450


def test_an_unknown_fee_is_not_found_and_the_page_takes_only_get_and_post(client, cast, offered):
    client.force_login(cast.finance)
    assert client.get(reverse("finance:fee_change", args=[offered.uuid])).status_code == 404
    assert client.put(change_url(fee_of(offered))).status_code == 405
