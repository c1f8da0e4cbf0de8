"""The service level agreement as a priced subscription: the year's price, its bands and each
school's subscription, set by the CAP manager or a finance officer, every change audited
with its old and new amounts; and the pages they do it on."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import SchoolFactory
from audit.models import Event
from finance import selectors, services
from finance.models import LineKind, Party, Statement
from finance.tests.factories import make_year, term
from lib.errors import Refused
from programmes.models import AcademicYear, AgreementBand, Payment, Subscription

ALLOWED = ["manager", "finance"]
REFUSED = ["officer", "alice", "provider_staff", "monitoring", "chair", "outsider"]


@pytest.fixture
def year(db):
    year = make_year()
    year.agreement_price_pence = 1_200_000
    year.agreement_includes = ["15 paid-for Tier 1 placements", "Unlimited Tier 2"]
    year.save()
    return year


@pytest.fixture
def band(year):
    return AgreementBand.objects.create(year=year, name="Small schools", price_pence=900_000)


def save(cast, year, school=None, by=None, **answers):
    """School A's subscription with its own price of £12,000.00, unless told otherwise."""
    return services.subscription_save(
        school=school or cast.school_a,
        year=year,
        **{
            "band": None,
            "price_pence": 1_200_000,
            "signed_on": dt.date(2025, 9, 15),
            "signed_by": "Dr Helen Okafor, headteacher",
            "tier1_placements": None,
            "by": by or cast.manager,
            **answers,
        },
    )


def events(action: str) -> list[dict]:
    return [e.detail for e in Event.objects.filter(action=action).order_by("pk")]


# --- Services -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ALLOWED)
def test_the_year_s_price_is_set_and_audited_with_the_old_and_new_amounts(cast, year, who):
    services.agreement_price_set(year=year, price_pence=1_250_050, by=getattr(cast, who))
    year.refresh_from_db()
    assert year.agreement_price_pence == 1_250_050
    [detail] = events("agreement.price_set")
    assert detail == {"previous_pence": 1_200_000, "price_pence": 1_250_050}


def test_setting_the_same_price_again_records_nothing(cast, year):
    services.agreement_price_set(year=year, price_pence=1_200_000, by=cast.manager)
    assert not events("agreement.price_set")


def test_a_price_below_nothing_is_refused(cast, year):
    with pytest.raises(Refused) as refused:
        services.agreement_price_set(year=year, price_pence=-1, by=cast.manager)
    assert refused.value.field == "price"
    with pytest.raises(Refused):
        services.agreement_band_add(year=year, name="Odd", price_pence=-100, by=cast.manager)


@pytest.mark.parametrize("who", REFUSED)
def test_nobody_else_changes_the_agreement_s_prices(cast, year, band, who):
    person = getattr(cast, who)
    with pytest.raises(PermissionDenied):
        services.agreement_price_set(year=year, price_pence=1, by=person)
    with pytest.raises(PermissionDenied):
        services.agreement_band_add(year=year, name="Large", price_pence=1, by=person)
    with pytest.raises(PermissionDenied):
        services.agreement_band_change(band=band, name="Large", price_pence=1, by=person)
    with pytest.raises(PermissionDenied):
        services.agreement_band_remove(band=band, by=person)
    with pytest.raises(PermissionDenied):
        save(cast, year, by=person)
    year.refresh_from_db()
    assert year.agreement_price_pence == 1_200_000
    assert list(AgreementBand.objects.values_list("name", flat=True)) == ["Small schools"]
    assert not Subscription.objects.exists()
    assert not Event.objects.exists()


def test_a_band_is_added_after_the_others_and_audited(cast, year, band):
    large = services.agreement_band_add(
        year=year, name="  Large schools ", price_pence=1_500_000, by=cast.finance
    )
    assert (large.name, large.price_pence, large.order) == ("Large schools", 1_500_000, 1)
    [detail] = events("agreement_band.added")
    assert detail == {
        "year": "2025-26",
        "name": "Large schools",
        "previous_pence": None,
        "price_pence": 1_500_000,
    }


def test_a_band_s_name_is_needed_and_unique_in_its_year(cast, year, band):
    with pytest.raises(Refused) as refused:
        services.agreement_band_add(year=year, name=" ", price_pence=1, by=cast.manager)
    assert (refused.value.field, str(refused.value)) == ("name", "Enter the band’s name")
    with pytest.raises(Refused) as refused:
        services.agreement_band_add(year=year, name="SMALL SCHOOLS", price_pence=1, by=cast.manager)
    assert str(refused.value) == "2025-26 already has a band called SMALL SCHOOLS"
    # Another year may use the name.
    other = AcademicYear.objects.create(
        name="2026-27", starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2027, 8, 31)
    )
    services.agreement_band_add(year=other, name="Small schools", price_pence=1, by=cast.manager)
    # A band keeps its own name when it changes.
    services.agreement_band_change(
        band=band, name="Small schools", price_pence=950_000, by=cast.manager
    )


def test_a_band_s_new_price_is_its_schools_price_too(cast, year, band):
    in_band = save(cast, year, band=band)
    own = save(cast, year, school=cast.school_b, price_pence=1_100_000)
    services.agreement_band_change(
        band=band, name="Smaller schools", price_pence=950_000, by=cast.finance
    )
    in_band.refresh_from_db()
    own.refresh_from_db()
    assert (in_band.price_pence, own.price_pence) == (950_000, 1_100_000)
    [detail] = events("agreement_band.changed")
    assert detail == {
        "year": "2025-26",
        "previous_name": "Small schools",
        "name": "Smaller schools",
        "previous_pence": 900_000,
        "price_pence": 950_000,
        "subscriptions": 1,
    }
    assert events("subscription.changed") == [
        {
            "school": str(cast.school_a.uuid),
            "year": "2025-26",
            "previous_pence": 900_000,
            "price_pence": 950_000,
        }
    ]


def test_a_band_is_removed_only_when_no_school_subscribes_in_it(cast, year, band):
    subscription = save(cast, year, band=band)
    with pytest.raises(Refused) as refused:
        services.agreement_band_remove(band=band, by=cast.manager)
    assert str(refused.value) == (
        "1 school subscribes in Small schools: give them another band or their own price first"
    )
    assert AgreementBand.objects.filter(pk=band.pk).exists()
    save(cast, year, band=None, price_pence=subscription.price_pence)
    services.agreement_band_remove(band=band, by=cast.manager)
    assert not AgreementBand.objects.filter(pk=band.pk).exists()
    [detail] = events("agreement_band.removed")
    assert detail == {
        "year": "2025-26",
        "name": "Small schools",
        "previous_pence": 900_000,
        "price_pence": None,
    }


def test_a_subscription_in_a_band_pays_the_band_s_price(cast, year, band):
    subscription = save(cast, year, band=band, price_pence=1)
    assert (subscription.band, subscription.price_pence) == (band, 900_000)


@pytest.mark.parametrize("who", ALLOWED)
def test_a_subscription_is_made_then_changed_and_each_is_audited(cast, year, who):
    by = getattr(cast, who)
    subscription = save(cast, year, by=by)
    assert subscription.tier1_placements == 15  # the year's
    assert subscription.signed_by == "Dr Helen Okafor, headteacher"
    again = save(cast, year, by=by, price_pence=1_000_000, tier1_placements=10)
    assert again.pk == subscription.pk
    assert Subscription.objects.get().price_pence == 1_000_000
    assert Subscription.objects.get().tier1_placements == 10
    school = str(cast.school_a.uuid)
    assert events("subscription.added") == [
        {"school": school, "year": "2025-26", "previous_pence": None, "price_pence": 1_200_000}
    ]
    assert events("subscription.changed") == [
        {"school": school, "year": "2025-26", "previous_pence": 1_200_000, "price_pence": 1_000_000}
    ]
    # Saving it unchanged records nothing more.
    save(cast, year, by=by, price_pence=1_000_000, tier1_placements=10)
    assert Event.objects.filter(action__startswith="subscription.").count() == 2


def test_a_subscription_may_wait_to_be_signed(cast, year):
    subscription = save(cast, year, signed_on=None, signed_by="")
    assert subscription.signed_on is None


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        (
            {"signed_on": "tomorrow"},
            "signed_on",
            "The date it was signed must be today or in the past",
        ),
        ({"signed_by": "  "}, "signed_by", "Enter who signed the agreement for the school"),
        ({"signed_on": None}, "signed_on", "Enter the date the agreement was signed"),
        ({"price_pence": None}, "price", "Enter the price"),
        ({"price_pence": -5}, "price", "The price must be £0.00 or more"),
        (
            {"tier1_placements": -1},
            "tier1_placements",
            "The number of Tier 1 placements must be 0 or more",
        ),
    ],
)
def test_a_subscription_with_a_mistake_is_refused_beside_its_field(
    cast, year, answers, field, message
):
    if answers.get("signed_on") == "tomorrow":
        answers["signed_on"] = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(Refused) as refused:
        save(cast, year, **answers)
    assert (refused.value.field, str(refused.value)) == (field, message)
    assert not Subscription.objects.exists()


def test_only_a_school_subscribes_with_a_band_of_its_year(cast, year, band):
    with pytest.raises(Refused) as refused:
        save(cast, year, school=cast.provider)
    assert str(refused.value) == "Provider P is not a school: only schools subscribe"
    save(cast, year, school=cast.academy)  # the AP academy is a school too
    other = AcademicYear.objects.create(
        name="2026-27", starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2027, 8, 31)
    )
    with pytest.raises(Refused) as refused:
        save(cast, other, band=band)
    assert (refused.value.field, str(refused.value)) == ("band", "Choose a band of 2026-27")


def test_a_price_changed_after_it_was_charged_comes_out_on_the_next_statement(cast, year):
    save(cast, year)
    autumn = services.statement_issue(
        organisation=cast.school_a, party=Party.SCHOOL, term=term(year, "Autumn term"), by=None
    )
    assert autumn.lines.get(kind=LineKind.AGREEMENT).amount_pence == 1_200_000
    assert selectors.agreement_charged_pence(cast.school_a, year) == 1_200_000
    save(cast, year, price_pence=1_000_000)
    spring = selectors.statement_draft(cast.school_a, Party.SCHOOL, term(year, "Spring term"))
    [line] = [line for line in spring.lines if line["kind"] == LineKind.AGREEMENT]
    assert (line["due_pence"], line["before_pence"], line["amount_pence"]) == (
        1_000_000,
        1_200_000,
        -200_000,
    )


def test_the_terms_without_statements_are_those_ended_in_the_last_year(cast, year):
    autumn, spring, summer = (term(year, n) for n in ("Autumn term", "Spring term", "Summer term"))
    on = dt.date(2026, 4, 20)
    assert selectors.terms_without_statements(on) == [autumn, spring]
    save(cast, year)
    services.statement_issue(organisation=cast.school_a, party=Party.SCHOOL, term=autumn, by=None)
    assert selectors.terms_without_statements(on) == [spring]
    # A run that found nothing to say has done the term's statements too.
    services.statement_run_start(term=spring, by=cast.finance)
    assert selectors.terms_without_statements(on) == [spring]  # the school's is still to do
    assert selectors.terms_without_statements(dt.date(2027, 12, 1)) == []
    assert summer not in selectors.terms_without_statements(on)
    # Once the summer's statements are out, the spring's can no longer be made.
    Statement.objects.create(
        number="CAP-2025-26-09999",
        organisation=cast.provider,
        party=Party.PROVIDER,
        term=summer,
        payment=Payment.AUTHORITY_PAYS,
        total_pence=0,
        issued_at=timezone.now(),
    )
    assert selectors.terms_without_statements(dt.date(2026, 8, 1)) == []


# --- Pages --------------------------------------------------------------------------------

LIST = reverse("finance:subscriptions")


def pages(year, band, school) -> list[str]:
    return [
        LIST,
        reverse("finance:agreement_price", args=[year.uuid]),
        reverse("finance:agreement_band_add", args=[year.uuid]),
        reverse("finance:agreement_band_change", args=[band.uuid]),
        reverse("finance:agreement_band_remove", args=[band.uuid]),
        reverse("finance:subscription", args=[year.uuid, school.uuid]),
    ]


@pytest.mark.parametrize("who", ALLOWED)
def test_the_money_managers_open_every_subscription_page(client, cast, year, band, who):
    client.force_login(getattr(cast, who))
    for url in pages(year, band, cast.school_a):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'aria-current="page">Subscriptions</a>' in response.content.decode()


@pytest.mark.parametrize("who", REFUSED)
def test_everyone_else_is_refused_every_subscription_page(client, cast, year, band, who):
    client.force_login(getattr(cast, who))
    for url in pages(year, band, cast.school_a):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"price": "1", "name": "X"}).status_code == 403, url
    assert AgreementBand.objects.get() == band
    assert not Subscription.objects.exists()
    assert not Event.objects.exists()


def test_a_visitor_who_has_not_signed_in_is_sent_to_sign_in(client, year):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))


def test_a_finance_officer_is_refused_casework(client, cast, year):
    client.force_login(cast.finance)
    assert client.get(reverse("dashboards:casework")).status_code == 403
    assert client.get(reverse("casework:queue")).status_code == 403
    assert client.get(reverse("placements:casework_list")).status_code == 403


def test_the_pages_answer_only_their_methods(client, cast, year, band):
    client.force_login(cast.manager)
    assert client.post(LIST).status_code == 405
    for url in pages(year, band, cast.school_a)[1:]:
        assert client.put(url).status_code == 405, url
        assert client.delete(url).status_code == 405, url
    assert AgreementBand.objects.filter(pk=band.pk).exists()


def test_an_unknown_year_band_or_school_is_not_found(client, cast, year, band):
    client.force_login(cast.finance)
    unknown = uuid.uuid4()
    assert client.get(f"{LIST}?year={unknown}").status_code == 404
    assert client.get(f"{LIST}?year=2025-26").status_code == 404
    for url in [
        reverse("finance:agreement_price", args=[unknown]),
        reverse("finance:agreement_band_add", args=[unknown]),
        reverse("finance:agreement_band_change", args=[unknown]),
        reverse("finance:agreement_band_remove", args=[unknown]),
        reverse("finance:subscription", args=[unknown, cast.school_a.uuid]),
        reverse("finance:subscription", args=[year.uuid, unknown]),
        # A provider is not a school: it has no subscription page.
        reverse("finance:subscription", args=[year.uuid, cast.provider.uuid]),
    ]:
        assert client.get(url).status_code == 404, url


def test_the_list_shows_the_year_s_agreement_bands_and_each_school(client, cast, year, band):
    save(cast, year, band=band)
    client.force_login(cast.finance)
    page = client.get(LIST).content.decode()
    assert "Subscriptions 2025-26" in page
    assert "£12,000.00 a year" in page
    assert "<li>15 paid-for Tier 1 placements</li>" in page
    assert "Small schools" in page and "£9,000.00" in page
    assert "1 school, £9,000.00 in all" in page
    assert "15 September 2025 by Dr Helen Okafor, headteacher" in page
    assert "Not subscribed" in page  # School B, and the AP academy
    assert reverse("finance:subscription", args=[year.uuid, cast.school_b.uuid]) in page
    assert "Provider P" not in page
    assert "the school’s next statement in the same year carries the difference" in page
    # A band a school subscribes in offers no removal.
    assert reverse("finance:agreement_band_remove", args=[band.uuid]) not in page


def test_the_list_shows_another_year_when_asked(client, cast, year):
    other = AcademicYear.objects.create(
        name="2024-25", starts_on=dt.date(2024, 9, 1), ends_on=dt.date(2025, 8, 31)
    )
    client.force_login(cast.manager)
    page = client.get(LIST).content.decode()
    assert "Subscriptions 2025-26" in page and f"?year={other.uuid}" in page
    page = client.get(f"{LIST}?year={other.uuid}").content.decode()
    assert "Subscriptions 2024-25" in page and "None yet" in page and "Not set" in page


def test_the_list_says_so_when_there_is_no_year(client, cast):
    client.force_login(cast.manager)
    assert "There is no academic year in CAP yet" in client.get(LIST).content.decode()


def test_the_list_is_paged_fifty_schools_at_a_time(client, cast, year):
    SchoolFactory.create_batch(60)
    client.force_login(cast.manager)
    page = client.get(LIST).content.decode()
    assert "Showing 1 to 50 of 63 schools" in page
    assert '"?page=2"' in page
    page = client.get(f"{LIST}?year={year.uuid}").content.decode()
    assert f"?year={year.uuid}&amp;page=2" in page  # the year kept
    page = client.get(f"{LIST}?year={year.uuid}&page=2").content.decode()
    assert "Showing 51 to 63 of 63 schools" in page


def test_the_list_takes_the_same_queries_at_any_size(client, cast, year, band):
    client.force_login(cast.finance)
    client.get(LIST)  # sessions and settings warmed

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    save(cast, year, band=band)
    few = queries()
    for school in SchoolFactory.create_batch(12):
        save(cast, year, school=school, band=band if school.pk % 2 else None)
    AgreementBand.objects.create(year=year, name="Large schools", price_pence=1)
    assert queries() == few


def test_the_year_s_price_is_changed_on_its_page(client, cast, year):
    client.force_login(cast.finance)
    url = reverse("finance:agreement_price", args=[year.uuid])
    assert 'value="12000.00"' in client.get(url).content.decode()
    response = client.post(url, {"price": "£12,500.50"})
    assert response.url == f"{LIST}?year={year.uuid}"
    year.refresh_from_db()
    assert year.agreement_price_pence == 1_250_050
    page = client.get(response.url).content.decode()
    assert "The price of the agreement for 2025-26 has been saved" in page
    assert events("agreement.price_set") == [
        {"previous_pence": 1_200_000, "price_pence": 1_250_050}
    ]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the price"),
        ("twelve", "Enter the price in pounds and pence, like 9000 or 9000.50"),
        ("12.345", "Enter the price in pounds and pence, like 9000 or 9000.50"),
        ("-3", "The price must be £0.00 or more"),
    ],
)
def test_a_price_that_is_not_pounds_is_shown_beside_the_field(client, cast, year, typed, message):
    client.force_login(cast.manager)
    response = client.post(reverse("finance:agreement_price", args=[year.uuid]), {"price": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in page
    assert f'<a href="#id_price">{message}</a>' in page
    if typed:
        assert f'value="{typed}"' in page
    year.refresh_from_db()
    assert year.agreement_price_pence == 1_200_000
    assert not Event.objects.exists()


def test_a_band_is_added_changed_and_removed_on_its_pages(client, cast, year):
    client.force_login(cast.manager)
    response = client.post(
        reverse("finance:agreement_band_add", args=[year.uuid]),
        {"name": "Large schools", "price": "15000"},
    )
    assert response.url == f"{LIST}?year={year.uuid}"
    band = AgreementBand.objects.get()
    assert (band.name, band.price_pence) == ("Large schools", 1_500_000)
    assert "Large schools has been added" in client.get(response.url).content.decode()

    url = reverse("finance:agreement_band_change", args=[band.uuid])
    page = client.get(url).content.decode()
    assert 'value="Large schools"' in page and 'value="15000.00"' in page
    assert "No school subscribes in this band yet" in page
    client.post(url, {"name": "Larger schools", "price": "15500"})
    band.refresh_from_db()
    assert (band.name, band.price_pence) == ("Larger schools", 1_550_000)

    url = reverse("finance:agreement_band_remove", args=[band.uuid])
    assert "Remove Larger schools?" in client.get(url).content.decode()
    assert AgreementBand.objects.exists()  # not until the confirmation is sent
    response = client.post(url)
    assert response.url == f"{LIST}?year={year.uuid}"
    assert not AgreementBand.objects.exists()
    assert [e.action for e in Event.objects.order_by("pk")] == [
        "agreement_band.added",
        "agreement_band.changed",
        "agreement_band.removed",
    ]


def test_a_band_with_a_mistake_keeps_what_was_typed(client, cast, year, band):
    client.force_login(cast.manager)
    url = reverse("finance:agreement_band_add", args=[year.uuid])
    page = client.post(url, {"name": "small schools", "price": "8000"}).content.decode()
    assert "2025-26 already has a band called small schools" in page
    assert 'value="small schools"' in page and 'value="8000"' in page
    page = client.post(url, {"name": "", "price": "eight"}).content.decode()
    assert "Enter the band’s name" in page
    assert "Enter the price in pounds and pence" in page and 'value="eight"' in page
    assert AgreementBand.objects.count() == 1


def test_a_band_in_use_cannot_be_removed(client, cast, year, band):
    save(cast, year, band=band)
    save(cast, year, school=cast.school_b, band=band)
    client.force_login(cast.finance)
    url = reverse("finance:agreement_band_remove", args=[band.uuid])
    page = client.get(url).content.decode()
    assert "Small schools cannot be removed" in page
    assert "2 schools subscribe in this band" in page and "Remove band" not in page
    page = client.post(url).content.decode()
    assert "2 schools subscribe in Small schools: give them another band" in page
    assert AgreementBand.objects.filter(pk=band.pk).exists()
    assert not events("agreement_band.removed")
    page = client.get(reverse("finance:agreement_band_change", args=[band.uuid])).content.decode()
    assert "2 schools subscribe in this band and pay its price" in page
    assert url not in page


def answers(**changes) -> dict:
    return {
        "band": "own",
        "price": "11000",
        "signed_on_day": "15",
        "signed_on_month": "9",
        "signed_on_year": "2025",
        "signed_by": "Dr Helen Okafor, headteacher",
        "tier1_placements": "15",
        **changes,
    }


def test_a_school_s_subscription_is_added_on_its_page(client, cast, year, band):
    client.force_login(cast.finance)
    url = reverse("finance:subscription", args=[year.uuid, cast.school_b.uuid])
    page = client.get(url).content.decode()
    assert "Add a subscription for 2025-26" in page
    assert "Small schools: £9,000.00" in page and "Its own price" in page
    assert 'value="12000.00"' in page  # the year's price, to start from
    response = client.post(url, answers(tier1_placements=""))
    assert response.url == f"{LIST}?year={year.uuid}"
    subscription = Subscription.objects.get(school=cast.school_b)
    assert subscription.price_pence == 1_100_000
    assert subscription.band is None
    assert subscription.signed_on == dt.date(2025, 9, 15)
    assert subscription.tier1_placements == 15
    page = client.get(response.url).content.decode()
    assert "School B’s subscription for 2025-26 has been saved" in page
    assert events("subscription.added")[0]["price_pence"] == 1_100_000


def test_a_school_s_subscription_is_moved_into_a_band(client, cast, year, band):
    save(cast, year)
    client.force_login(cast.manager)
    url = reverse("finance:subscription", args=[year.uuid, cast.school_a.uuid])
    assert "Change the subscription for 2025-26" in client.get(url).content.decode()
    client.post(url, answers(band=str(band.uuid), price=""))
    subscription = Subscription.objects.get()
    assert (subscription.band, subscription.price_pence) == (band, 900_000)
    assert events("subscription.changed") == [
        {
            "school": str(cast.school_a.uuid),
            "year": "2025-26",
            "previous_pence": 1_200_000,
            "price_pence": 900_000,
        }
    ]


def test_the_subscription_page_says_what_was_charged_already(client, cast, year):
    save(cast, year)
    services.statement_issue(
        organisation=cast.school_a, party=Party.SCHOOL, term=term(year, "Autumn term"), by=None
    )
    client.force_login(cast.manager)
    page = client.get(
        reverse("finance:subscription", args=[year.uuid, cast.school_a.uuid])
    ).content.decode()
    assert "statements have charged £12,000.00 for the 2025-26 agreement" in page
    assert "its next statement in the 2025-26 year carries the difference" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"band": ""}, "band", "Select a band or the school’s own price"),
        ({"band": "gold"}, "band", "Select a band or the school’s own price"),
        ({"price": ""}, "price", "Enter the school’s own price"),
        ({"price": "1,1,1.1.1"}, "price", "Enter the school’s own price in pounds and pence"),
        ({"signed_on_month": "13"}, "signed_on", "the month must be a number from 1 to 12"),
        ({"signed_on_year": "3025"}, "signed_on", "must be today or in the past"),
        ({"signed_by": ""}, "signed_by", "Enter who signed the agreement for the school"),
        ({"tier1_placements": "lots"}, "tier1_placements", "must be a whole number, like 15"),
    ],
)
def test_a_subscription_with_a_mistake_is_shown_beside_the_field(
    client, cast, year, changes, field, message
):
    client.force_login(cast.manager)
    url = reverse("finance:subscription", args=[year.uuid, cast.school_a.uuid])
    sent = answers(**changes)
    response = client.post(url, sent)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'id="id_{field}-error"' in page
    # Nothing typed is lost.
    assert 'value="Dr Helen Okafor, headteacher"' in page or field == "signed_by"
    assert f'value="{sent["signed_on_year"]}"' in page
    assert not Subscription.objects.exists()
    assert not Event.objects.exists()


# --- Navigation ---------------------------------------------------------------------------


def test_a_finance_officer_s_navigation_is_the_money_sections(client, cast, year):
    client.force_login(cast.finance)
    page = client.get(LIST).content.decode()
    for label in ("Finance", "Subscriptions", "Fees", "Statements", "Finance system"):
        assert 'class="govuk-service-navigation__link" href="' in page
        assert f">{label}</" in page, label
    assert 'href="/casework/"' not in page


def test_the_manager_reaches_money_from_casework(client, cast, year):
    client.force_login(cast.manager)
    page = client.get(reverse("dashboards:casework")).content.decode()
    assert f'href="{LIST}">Money</a>' in page
    client.force_login(cast.officer)
    page = client.get(reverse("dashboards:casework")).content.decode()
    assert ">Money<" not in page and LIST not in page


def test_the_price_box_does_not_count_when_a_band_is_chosen(client, cast, year, band):
    client.force_login(cast.manager)
    url = reverse("finance:subscription", args=[year.uuid, cast.school_a.uuid])
    response = client.post(url, answers(band=str(band.uuid), price="not a price"))
    assert response.status_code == 302
    assert Subscription.objects.get().price_pence == 900_000


def test_saving_a_school_returns_to_the_page_that_lists_it(client, cast, year):
    SchoolFactory.create_batch(60)  # "School 1" to "School 60" come before "School B"
    client.force_login(cast.finance)
    url = reverse("finance:subscription", args=[year.uuid, cast.school_b.uuid])
    response = client.post(url, answers())
    assert response.url == f"{LIST}?year={year.uuid}&page=2"
    assert "School B’s subscription" in client.get(response.url).content.decode()


def test_a_school_no_longer_active_is_listed_only_for_a_year_it_subscribed(cast, year):
    save(cast, year)
    cast.school_a.is_active = False
    cast.school_a.save()
    cast.school_b.is_active = False
    cast.school_b.save()
    listed = list(selectors.schools_for_subscriptions(year))
    assert listed == [cast.academy, cast.school_a]
    assert [s.price_pence for s in listed[1].year_subscriptions] == [1_200_000]
    assert listed[0].year_subscriptions == []
