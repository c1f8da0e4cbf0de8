"""The CAP manager's secondary population upload and threshold pages."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import SchoolFactory
from audit.models import Event
from dashboards import population, selectors
from dashboards.models import OversightSettings, PopulationCount, PopulationUpload
from programmes.models import AcademicYear

POPULATION = "/casework/figures/population/"
SETTINGS = "/casework/figures/settings/"
REFUSED = [
    "officer",
    "monitoring",
    "safeguarding",
    "alice",
    "headteacher",
    "provider_staff",
    "academy_staff",
    "chair",
    "agency_worker",
    "outsider",
]


@pytest.fixture
def years(db):
    last = AcademicYear.objects.create(
        name="2024-25", starts_on=dt.date(2024, 9, 1), ends_on=dt.date(2025, 8, 31)
    )
    this = AcademicYear.objects.create(
        name="2025-26", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2026, 8, 31)
    )
    return last, this


def csv_file(text: str, name: str = "census.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def post(client, year, text, name="census.csv"):
    return client.post(POPULATION, {"year": year.name, "file": csv_file(text, name)})


def problems(response) -> list[str]:
    """The rows-with-problems table, as 'Row N: what' lines."""
    page = response.content.decode()
    found = re.findall(
        r'<th scope="row" class="govuk-table__header">(Row \d+)</th>\s*'
        r'<td class="govuk-table__cell">([^<]*)</td>',
        page,
    )
    return [f"{row}: {what}" for row, what in found]


def test_urls_are_where_the_lead_includes_them():
    assert reverse("oversight_admin:population") == POPULATION
    assert reverse("oversight_admin:settings") == SETTINGS


# --- Who may -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", REFUSED)
@pytest.mark.parametrize("url", [POPULATION, SETTINGS, "/casework/figures/population/example.csv"])
def test_everyone_but_the_cap_manager_is_told_the_pages_do_not_exist(client, cast, who, url):
    client.force_login(getattr(cast, who))
    assert client.get(url).status_code == 404
    assert client.post(url, {"suppress_below": "2"}).status_code == 404
    assert not OversightSettings.objects.exists()


def test_someone_signed_out_is_asked_to_sign_in(client, db):
    response = client.get(POPULATION)
    assert response.status_code == 302 and "next=" in response.url


def test_other_methods_are_refused(client, cast):
    client.force_login(cast.manager)
    assert client.put(POPULATION).status_code == 405
    assert client.delete(SETTINGS).status_code == 405
    assert client.post("/casework/figures/population/example.csv").status_code == 405


# --- The upload ------------------------------------------------------------------------------


def test_the_page_documents_the_columns_with_an_example(client, cast, years):
    client.force_login(cast.manager)
    page = client.get(POPULATION).content.decode()
    for column in population.COLUMNS:
        assert f"<code>{column}</code>" in page
    assert "<code>free_school_meals</code>" in page and "<code>WBRI</code>" in page
    assert "No population counts are loaded yet" in page
    example = client.get(reverse("oversight_admin:population_example"))
    assert example["Content-Type"].startswith("text/csv")
    lines = example.content.decode().splitlines()
    assert lines[0] == "school_urn,characteristic,value,count"
    assert lines[1] == "100001,sex,F,412"
    # The example file loads, once its URN is a school's.
    SchoolFactory(urn="100001")
    response = post(client, years[1], example.content.decode())
    assert response.status_code == 302
    assert PopulationCount.objects.count() == 5


def test_a_good_file_loads_the_counts_and_is_audited(client, cast, years):
    this = years[1]
    client.force_login(cast.manager)
    a, b = cast.school_a.urn, cast.school_b.urn
    text = (
        "School_URN,Characteristic,Value,Count\r\n"
        f"{a},sex,F,412\r\n"
        f"{a},Sex,male,430\r\n"  # A label or any case will do.
        f"{a},ethnicity,White British,510\r\n"
        f"{a},free_school_meals,yes,198\r\n"
        f"{a},looked after,No,800\r\n"
        f"{a},care_plan,child_in_need,12\r\n"
        f"{a},sen_provision,E,40\r\n"
        "\r\n"  # A blank line is skipped.
        f"{b},year_group,Year 7,170\r\n"
        f"{b},year_group,11,0\r\n"
    )
    response = post(client, this, text)
    assert response.status_code == 302 and response.url == POPULATION
    loaded = {
        (c.school.urn, c.characteristic, c.value): c.count
        for c in PopulationCount.objects.filter(year=this)
    }
    assert loaded == {
        (a, "sex", "F"): 412,
        (a, "sex", "M"): 430,
        (a, "ethnicity", "WBRI"): 510,
        (a, "free_school_meals", "yes"): 198,
        (a, "looked_after", "no"): 800,
        (a, "care_plan", "child_in_need"): 12,
        (a, "sen_provision", "E"): 40,
        (b, "year_group", "7"): 170,
        (b, "year_group", "11"): 0,
    }
    upload = PopulationUpload.objects.get()
    assert (upload.year, upload.filename, upload.rows, upload.schools, upload.uploaded_by) == (
        this,
        "census.csv",
        9,
        2,
        cast.manager,
    )
    event = Event.objects.get(action="oversight.population_loaded")
    assert event.actor == cast.manager
    assert event.object_id == str(upload.uuid)
    # Counts only: no file name, no school, nothing about a person.
    assert event.detail == {"year": "2025-26", "rows": 9, "schools": 2, "replaced": 0}
    page = client.get(POPULATION).content.decode()
    assert "Population counts for 2025-26 loaded: 9 counts for 2 schools" in page
    assert "census.csv" in page and "Mandy Manager" in page


def test_a_good_file_replaces_the_year_s_counts_for_the_schools_it_names_only(client, cast, years):
    last, this = years
    client.force_login(cast.manager)
    a, b = cast.school_a.urn, cast.school_b.urn
    assert (
        post(
            client,
            this,
            f"school_urn,characteristic,value,count\n{a},sex,F,1\n{a},sex,M,2\n{b},sex,F,3\n",
        ).status_code
        == 302
    )
    assert (
        post(client, last, f"school_urn,characteristic,value,count\n{a},sex,F,4\n").status_code
        == 302
    )
    # This year's again, for School A only, with other counts.
    assert (
        post(
            client,
            this,
            f"school_urn,characteristic,value,count\n{a},sex,F,10\n{a},ethnicity,WBRI,9\n",
        ).status_code
        == 302
    )
    loaded = {
        (c.year.name, c.school.urn, c.characteristic, c.value): c.count
        for c in PopulationCount.objects.all()
    }
    assert loaded == {
        ("2025-26", a, "sex", "F"): 10,
        ("2025-26", a, "ethnicity", "WBRI"): 9,  # A's boys are gone with the old file.
        ("2025-26", b, "sex", "F"): 3,  # B is not in the file: kept.
        ("2024-25", a, "sex", "F"): 4,  # Another year: kept.
    }
    assert (
        Event.objects.filter(action="oversight.population_loaded").first().detail["replaced"] == 2
    )
    page = client.get(POPULATION).content.decode()
    assert re.search(r"2025-26</th>\s*<td[^>]*>2</td>\s*<td[^>]*>3</td>", page)
    # Each year as its latest upload recorded it, the newest year first.
    assert re.search(r"2024-25</th>\s*<td[^>]*>1</td>\s*<td[^>]*>1</td>", page)
    assert page.index("2025-26</th>") < page.index("2024-25</th>")
    assert [
        (u.year.name, u.year_schools, u.year_counts) for u in PopulationUpload.objects.all()
    ] == [("2025-26", 2, 3), ("2024-25", 1, 1), ("2025-26", 2, 3)]


def test_the_population_page_takes_the_same_queries_for_few_or_many_counts(client, cast, years):
    last, this = years
    client.force_login(cast.manager)
    a, b = cast.school_a.urn, cast.school_b.urn

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(POPULATION).status_code == 200
        # The year's totals are read from its latest upload, never counted from its rows.
        assert not [q for q in context.captured_queries if "populationcount" in q["sql"]]
        return len(context)

    post(client, this, f"school_urn,characteristic,value,count\n{a},sex,F,1\n")
    few = queries()
    rows = "".join(f"{s},sex,{v},{n}\n" for s in (a, b) for n, v in enumerate("FMU", 1))
    for year in (this, last, this):
        post(client, year, "school_urn,characteristic,value,count\n" + rows)
    assert queries() == few
    page = client.get(POPULATION).content.decode()
    assert re.search(r"2025-26</th>\s*<td[^>]*>2</td>\s*<td[^>]*>6</td>", page)


def test_every_bad_row_is_reported_and_nothing_is_loaded(client, cast, years):
    this = years[1]
    client.force_login(cast.manager)
    a = cast.school_a.urn
    assert (
        post(client, this, f"school_urn,characteristic,value,count\n{a},sex,F,7\n").status_code
        == 302
    )
    text = (
        "school_urn,characteristic,value,count\n"
        f"{a},sex,F,412\n"  # row 2: good
        "999999,sex,M,3\n"  # row 3: no such school
        f"{a},religion,C,3\n"  # row 4: no such characteristic
        f"{a},sex,X,3\n"  # row 5: no such value
        f"{a},ethnicity,WBRI,-1\n"  # row 6: negative
        f"{a},ethnicity,BCRB,1.5\n"  # row 7: not whole
        f"{a},ethnicity,APKN,ten\n"  # row 8: not a number
        f"{a},Sex,female,2\n"  # row 9: repeats row 2
        ",,,\n"  # row 10: blank, skipped
        f"{cast.provider.ukprn},year_group,12,\n"  # row 11: three things wrong
        f"{a},year_group,7,200000\n"  # row 12: too big
    )
    response = post(client, this, text)
    assert response.status_code == 200
    assert problems(response) == [
        "Row 3: There is no school with URN 999999 in CAP",
        "Row 4: “religion” is not a characteristic: use one of sex, ethnicity, "
        "sen_provision, free_school_meals, looked_after, care_plan, year_group",
        "Row 5: “X” is not a value of sex: use one of F, M, U",
        "Row 6: The count “-1” must be a whole number, 0 or more",
        "Row 7: The count “1.5” must be a whole number, 0 or more",
        "Row 8: The count “ten” must be a whole number, 0 or more",
        f"Row 9: It repeats row 2 ({a}, sex, F)",
        f"Row 11: There is no school with URN {cast.provider.ukprn} in CAP; “12” is not a value "
        "of year_group: use one of 7, 8, 9, 10, 11; enter the count",
        "Row 12: The count 200000 is too big: it must be under 100,000",
    ]
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The file has 9 rows with problems, listed below" in page
    assert 'href="#id_file"' in page
    # The year chosen is still chosen.
    assert '<option value="2025-26" selected>' in page
    # Nothing changed: the earlier count stands, and no upload or event was recorded.
    assert list(PopulationCount.objects.values_list("value", "count")) == [("F", 7)]
    assert PopulationUpload.objects.count() == 1
    assert Event.objects.filter(action="oversight.population_loaded").count() == 1


def test_the_year_chosen_is_kept_when_the_file_is_wrong(client, cast, years):
    last = years[0]
    client.force_login(cast.manager)
    response = client.post(POPULATION, {"year": last.name})
    page = response.content.decode()
    assert "Select a CSV file" in page
    assert '<option value="2024-25" selected>' in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "urn,characteristic,value,count\n1,sex,F,1\n",
            "The first row must name the columns school_urn, characteristic, value, count: it has "
            "no school_urn column",
        ),
        (
            "school_urn,characteristic\n1,sex\n",
            "The first row must name the columns school_urn, characteristic, value, count: it has "
            "no value or count column",
        ),
        ("school_urn,characteristic,value,count\n\n", "The file has no rows of counts"),
        ("\n\n", "The file is empty"),
        ("PK\x03\x04\x00\x00binary", "The file must be a CSV file"),
    ],
)
def test_a_file_that_is_not_a_population_csv_is_refused(client, cast, years, content, message):
    client.force_login(cast.manager)
    response = post(client, years[1], content)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not PopulationUpload.objects.exists()


def test_an_unknown_year_is_refused(client, cast, years):
    client.force_login(cast.manager)
    response = client.post(
        POPULATION, {"year": "1999-00", "file": csv_file("school_urn,characteristic,value,count\n")}
    )
    assert "Select the academic year from the list" in response.content.decode()


def test_a_windows_spreadsheet_s_csv_loads(client, cast, years):
    client.force_login(cast.manager)
    text = f"\ufeffschool_urn,characteristic,value,count\r\n{cast.school_a.urn},sex,F,3\r\n"
    response = client.post(
        POPULATION,
        {"year": "2025-26", "file": SimpleUploadedFile("c.csv", text.encode("utf-8"))},
    )
    assert response.status_code == 302
    assert PopulationCount.objects.get().count == 3


# --- The threshold ---------------------------------------------------------------------------


def test_the_manager_sets_the_threshold_and_it_is_audited(client, cast):
    client.force_login(cast.manager)
    page = client.get(SETTINGS).content.decode()
    assert 'name="suppress_below"' in page and 'value="5"' in page
    response = client.post(SETTINGS, {"suppress_below": "7"})
    assert response.status_code == 302 and response.url == SETTINGS
    assert selectors.threshold() == 7
    assert OversightSettings.objects.get().updated_by == cast.manager
    event = Event.objects.get(action="oversight.threshold_set")
    assert event.actor == cast.manager and event.detail == {"from": 5, "to": 7}
    page = client.get(SETTINGS).content.decode()
    assert "numbers below 7 are now withheld" in page and 'value="7"' in page
    client.post(SETTINGS, {"suppress_below": "1"})
    assert selectors.threshold() == 1
    assert OversightSettings.objects.count() == 1
    assert Event.objects.filter(action="oversight.threshold_set").first().detail == {
        "from": 7,
        "to": 1,
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter the number below which counts are withheld"),
        ("0", "Enter a whole number from 1 to 20"),
        ("21", "Enter a whole number from 1 to 20"),
        ("2.5", "Enter a whole number from 1 to 20"),
        ("five", "Enter a whole number from 1 to 20"),
    ],
)
def test_a_threshold_out_of_range_is_an_error_beside_the_field(client, cast, value, message):
    client.force_login(cast.manager)
    response = client.post(SETTINGS, {"suppress_below": value})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<a href="#id_suppress_below">{message}</a>' in page
    assert (
        'id="id_suppress_below-error"' in page
        and message in page.split("id_suppress_below-error")[1]
    )
    assert f'value="{value}"' in page or value == ""
    assert not OversightSettings.objects.exists()
    assert not Event.objects.filter(action="oversight.threshold_set").exists()
