"""The multi-agency panel's termly oversight report: asked for by the CAP team, made in the
background from the figures pages' own tables with small numbers withheld, kept exactly as
made, e-mailed to the panel's members and read only by them and the CAP team."""

import datetime as dt
import hashlib
import io
import re
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Role
from accounts.rules import Area
from accounts.tests.factories import member
from applications.models import Application
from applications.workflow import Status
from audit.models import Event
from dashboards import selectors, services
from dashboards.models import PanelReport
from dashboards.pages import PAGES, pages_for
from dashboards.scope import Scope
from dashboards.selectors import TABLES_LEFT_OUT
from documents.storage import stored_read
from lib.errors import Refused
from panels.models import PanelMember
from programmes.models import AcademicYear, Panel, Programme, SeatPosition, Term, Tier
from students.tests.factories import StudentFactory

LONDON = timezone.get_fixed_timezone(0)  # GMT: 6 December is not in summer time
MADE = dt.datetime(2026, 12, 6, 9, 5, tzinfo=LONDON)
PAGE_LIST = reverse("dashboards:casework_panel_reports")


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Sunday 6 December 2026, 9:05am: the autumn term has begun, the spring term has not."""
    monkeypatch.setattr(timezone, "now", lambda: MADE)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


@pytest.fixture
def year(db):
    year = AcademicYear.objects.create(
        name="2026-27", starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2027, 8, 31)
    )
    Term.objects.create(
        year=year, name="Autumn", starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 12, 18)
    )
    Term.objects.create(
        year=year, name="Spring", starts_on=dt.date(2027, 1, 4), ends_on=dt.date(2027, 3, 26)
    )
    for number, name in [(1, "Universal"), (2, "Targeted"), (3, "Time-limited")]:
        Tier.objects.create(year=year, number=number, name=name)
    return year


@pytest.fixture
def autumn(year):
    return year.terms.get(name="Autumn")


def programme(year, key: str, tier: int) -> Programme:
    return Programme.objects.create(
        year=year,
        tier=year.tiers.get(number=tier),
        key=key,
        name=key.replace("-", " ").capitalize(),
        route="panel_then_multi_agency",
        min_weeks=1,
        max_weeks=39,
        registration="single",
        away_code="B",
    )


@pytest.fixture
def panels(cast, year):
    """The multi-agency panel: the chair, an agency member and a member who has left; and
    the headteachers' panel, with a member of its own."""
    multi = Panel.objects.create(year=year, key="multi-agency", name="Multi-agency panel")
    heads = Panel.objects.create(year=year, key="headteachers", name="Headteachers' panel")
    agency_member = member(cast.agency, Role.PANEL_MEMBER, full_name="Amy Agency")
    former = member(cast.agency, Role.PANEL_MEMBER, full_name="Fred Former")
    head = member(cast.school_b, Role.PANEL_MEMBER, full_name="Hana Head")
    PanelMember.objects.create(panel=multi, user=cast.chair, position=SeatPosition.CHAIR)
    PanelMember.objects.create(panel=multi, user=agency_member, represents=cast.agency)
    PanelMember.objects.create(panel=multi, user=former, is_active=False)
    PanelMember.objects.create(panel=heads, user=head, position=SeatPosition.CHAIR)
    return SimpleNamespace(
        multi=multi, heads=heads, agency_member=agency_member, former=former, head=head
    )


@pytest.fixture
def referrals(cast, year):
    """Tier 2: 3 referrals submitted in November (under the threshold of 5). Tier 3: 6
    submitted in October. Tier 1: 2 in November, which the report leaves out."""
    made = []
    for key, tier, count, day in [
        ("refocus", 2, 3, dt.date(2026, 11, 3)),
        ("flourish", 3, 6, dt.date(2026, 10, 6)),
        ("work-based-learning", 1, 2, dt.date(2026, 11, 4)),
    ]:
        chosen = programme(year, key, tier)
        for _ in range(count):
            application = Application.objects.create(
                student=StudentFactory(
                    home_school=cast.school_a,
                    legal_first_name="Zebedee",
                    legal_last_name="Quartermaine",
                ),
                school=cast.school_a,
                programme=chosen,
                created_by=cast.alice,
                status=Status.SUBMITTED,
                submitted_at=at(day),
            )
            Application.objects.filter(pk=application.pk).update(created_at=at(day, 9))
            made.append(application)
    return made


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def ask(client, user, panel, term, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(PAGE_LIST, {"panel": panel.pk, "term": term.pk})


@pytest.fixture
def made(client, cast, panels, autumn, referrals, django_capture_on_commit_callbacks, mailoutbox):
    response = ask(client, cast.officer, panels.multi, autumn, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    client.logout()
    return PanelReport.objects.get()


# --- Making the report ----------------------------------------------------------------------


def test_the_report_is_made_published_and_kept_from_the_figures_pages(made, panels):
    assert made.made_at == MADE
    assert made.published_at == MADE
    assert made.failed == ""
    pdf = stored_read(made.stored_name)
    assert hashlib.sha256(pdf).hexdigest() == made.sha256
    assert len(pdf) == made.size
    text = flat(text_of(pdf))
    assert "Multi-agency panel: oversight report" in text
    assert "Autumn 2026-27" in text
    assert "The term from 1 September 2026 to 18 December 2026." in text
    assert "Made on 6 December 2026 at 9:05am." in text
    assert "Tier 2: Targeted" in text
    assert "Tier 3: Time-limited" in text
    assert "Referrals by month" in text
    # Providers' compliance is the CAP team's business, not the panel's.
    assert "Provider compliance" not in text
    assert list(
        Event.objects.filter(object_id=str(made.uuid))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["panel_report.requested", "panel_report.made", "panel_report.published"]


def test_a_count_under_the_threshold_is_withheld_and_its_summary_with_it(made):
    text = flat(text_of(stored_read(made.stored_name)))
    tier_2, tier_3 = text.split("Tier 3: Time-limited")[-2:]
    # Tier 2: 3 drafts started and 3 submitted in November, under 5: the month is withheld
    # whole (Tier 1's 2 in November would make 5, shown, if they were counted).
    assert "November 2026 c c c c c" in tier_2
    assert "3 referrals were submitted" not in tier_2
    assert "Some of these figures are under 5 and are shown as “c”" in tier_2
    # Tier 3: 6 started and submitted in October, shown with the summary.
    assert "October 2026 6 6 0 0 0" in tier_3
    assert "6 referrals were submitted; the most in October 2026 (6)." in tier_3


def test_every_table_of_every_page_the_panel_oversees_is_in_the_report(made, cast, autumn):
    """The report is made from the registered pages' own Table functions, whatever
    pages are registered; compliance and the census lists are left out."""
    text = flat(text_of(stored_read(made.stored_name)))
    scope = Scope(
        area=Area.CASEWORK,
        user=cast.officer,
        year=autumn.year,
        term=autumn,
        tier=autumn.year.tiers.get(number=2),
    )
    overseen = [p for p in pages_for(Area.CASEWORK) if p.key not in ("compliance", "census")]
    assert overseen and len(overseen) < len(pages_for(Area.CASEWORK))
    for page in overseen:
        assert flat(page.title) in text
        for table in page.tables(scope):
            # A table naming applications stays out: members see figures, not cases.
            assert (flat(table.caption) in text) == (table.key not in TABLES_LEFT_OUT)
    for key in ("compliance", "census"):
        if key in PAGES:
            assert PAGES[key].title not in text


def test_the_pdf_is_tagged_for_screen_readers(made):
    reader = PdfReader(io.BytesIO(stored_read(made.stored_name)))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"


def test_the_charts_are_drawn_in_the_services_colours():
    from dashboards import report

    table = report.Table(
        "k",
        "Referrals",
        [report.Column("Month", report.LABEL), report.Column("Submitted")],
        [["October", 6]],
        chart="bar",
    )
    chart = str(selectors._chart_for_pdf(table, "<style>.x{}</style>"))
    assert chart.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert chart.index("<style>.x{}</style>") < chart.index("<g")


# --- Kept as made ---------------------------------------------------------------------------


def test_a_made_report_is_not_made_again(
    client, cast, made, panels, autumn, django_capture_on_commit_callbacks, mailoutbox
):
    before = stored_read(made.stored_name)
    mailoutbox.clear()

    response = ask(client, cast.manager, panels.multi, autumn, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert response.context["form"].errors["term"] == [
        "The Multi-agency panel's report for Autumn 2026-27 was made on 6 December 2026 at "
        "9:05am. A report is kept as it was made and is not made again: you can download it "
        "below."
    ]
    assert 'id="id_term-error"' in response.content.decode()
    assert PanelReport.objects.count() == 1
    assert stored_read(made.stored_name) == before
    assert mailoutbox == []


def test_making_a_made_report_again_in_the_background_keeps_it(made):
    before = (made.stored_name, made.sha256)

    report = services.panel_report_make(report_id=made.pk)

    assert (report.stored_name, report.sha256) == before


def test_of_two_requests_made_at_once_the_first_made_is_kept(cast, panels, autumn, settings):
    first, second = (
        PanelReport.objects.create(
            panel=panels.multi, term=autumn, requested_by=cast.officer, requested_at=MADE
        )
        for _ in range(2)
    )

    services.panel_report_make(report_id=first.pk)
    services.panel_report_make(report_id=second.pk)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.made_at == MADE
    assert (second.made_at, second.stored_name) == (None, "")
    assert second.failed == "Made already by another request."
    # The second one's PDF is not left behind.
    assert [p.name for p in settings.CAP_DOCUMENT_ROOT.rglob("*") if p.is_file()] == [
        first.stored_name.split("/")[-1]
    ]


def test_a_report_being_made_is_not_asked_for_twice(
    client, cast, panels, autumn, django_capture_on_commit_callbacks
):
    client.force_login(cast.officer)
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not run yet
        client.post(PAGE_LIST, {"panel": panels.multi.pk, "term": autumn.pk})

    response = client.post(PAGE_LIST, {"panel": panels.multi.pk, "term": autumn.pk})

    assert "is being made. It will be listed below when it is ready." in response.content.decode()
    assert PanelReport.objects.count() == 1


def test_a_report_lost_for_an_hour_can_be_asked_for_again(cast, panels, autumn):
    lost = PanelReport.objects.create(
        panel=panels.multi,
        term=autumn,
        requested_by=cast.officer,
        requested_at=MADE - dt.timedelta(hours=2),
    )

    again = services.panel_report_request(panel=panels.multi, term=autumn, by=cast.officer)

    lost.refresh_from_db()
    assert lost.failed.startswith("Not made within an hour")
    assert again.is_pending


def test_a_report_that_cannot_be_made_says_so_and_can_be_asked_for_again(
    client, cast, panels, autumn, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    def broken(*args, **kwargs):
        raise OSError("no fonts")

    monkeypatch.setattr(services, "render_pdf", broken)
    ask(client, cast.officer, panels.multi, autumn, django_capture_on_commit_callbacks)
    failed = PanelReport.objects.get()
    assert failed.made_at is None
    assert failed.failed == "The PDF could not be made (OSError). Ask for it again."
    assert mailoutbox == []
    assert "Not made" in client.get(PAGE_LIST).content.decode()

    monkeypatch.undo()
    monkeypatch.setattr(timezone, "now", lambda: MADE)
    ask(client, cast.officer, panels.multi, autumn, django_capture_on_commit_callbacks)
    assert PanelReport.objects.filter(made_at__isnull=False).count() == 1


# --- The panel's members --------------------------------------------------------------------


def test_the_panels_active_members_are_emailed_a_link_naming_no_student(made, cast, panels):
    from django.core import mail

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.chair.email, panels.agency_member.email]
    )
    url = reverse("dashboards:panel_report_download", args=[made.uuid])
    for message in mail.outbox:
        assert len(message.to) == 1
        assert message.subject == (
            "The Multi-agency panel's oversight report for Autumn 2026-27 is ready"
        )
        assert url in message.body
        for words in ("Zebedee", "Quartermaine", "Student"):
            assert words not in message.body + message.subject


def test_a_member_lists_and_downloads_their_panels_reports(client, cast, made, panels):
    PanelReport.objects.create(  # another panel's: not theirs
        panel=panels.heads,
        term=made.term,
        requested_by=cast.officer,
        requested_at=MADE,
        made_at=MADE,
        published_at=MADE,
        stored_name="x",
    )
    client.force_login(cast.chair)

    listing = client.get(reverse("dashboards:panels_reports"))
    home = client.get(reverse("dashboards:panels"))
    response = client.get(reverse("dashboards:panel_report_download", args=[made.uuid]))

    assert listing.status_code == 200
    assert [r.pk for r in listing.context["listing"]] == [made.pk]
    assert "6 December 2026 at 9:05am" in listing.content.decode()
    assert reverse("dashboards:panels_reports") in home.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == stored_read(made.stored_name)
    assert (
        'filename="oversight-report-multi-agency-autumn-2026-27.pdf"'
        in (response["Content-Disposition"])
    )
    assert Event.objects.filter(
        action="panel_report.downloaded", actor=cast.chair, object_id=str(made.uuid)
    ).exists()


def test_a_report_no_key_opens_answers_a_page_not_an_error(client, cast, made, settings):
    settings.CAP_DOCUMENT_KEYS = [Fernet.generate_key().decode()]
    client.force_login(cast.officer)
    response = client.get(reverse("dashboards:panel_report_download", args=[made.uuid]))
    assert response.status_code == 410
    assert "This file cannot be opened" in response.content.decode()
    assert Event.objects.filter(action="document.unreadable").exists()


def test_the_cap_team_downloads_every_report(client, cast, made):
    for user in (cast.officer, cast.manager):
        client.force_login(user)
        response = client.get(reverse("dashboards:panel_report_download", args=[made.uuid]))
        assert response.status_code == 200


def test_a_report_not_yet_published_is_not_listed_for_members(client, cast, panels, autumn):
    PanelReport.objects.create(
        panel=panels.multi, term=autumn, requested_by=cast.officer, requested_at=MADE
    )
    client.force_login(cast.chair)

    response = client.get(reverse("dashboards:panels_reports"))

    assert list(response.context["listing"]) == []
    assert "There are no reports for your panels yet." in response.content.decode()


# --- Refused --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who",
    ["alice", "headteacher", "provider_staff", "monitoring", "safeguarding", "agency_worker"],
)
def test_those_not_on_the_panel_or_the_cap_team_get_404_for_a_report(client, cast, made, who):
    client.force_login(getattr(cast, who))

    response = client.get(reverse("dashboards:panel_report_download", args=[made.uuid]))

    assert response.status_code == 404


@pytest.mark.parametrize("which", ["former", "head"])
def test_a_former_member_and_a_member_of_another_panel_get_404(client, made, panels, which):
    client.force_login(getattr(panels, which))

    response = client.get(reverse("dashboards:panel_report_download", args=[made.uuid]))

    assert response.status_code == 404


def test_a_member_of_another_panel_lists_none_of_it(client, made, panels):
    client.force_login(panels.head)

    response = client.get(reverse("dashboards:panels_reports"))

    assert list(response.context["listing"]) == []


def test_someone_signed_out_is_sent_to_sign_in(client, made):
    response = client.get(reverse("dashboards:panel_report_download", args=[made.uuid]))

    assert response.status_code == 302


def test_a_monitoring_officer_may_not_ask_for_a_report(client, cast, panels, autumn):
    client.force_login(cast.monitoring)

    assert client.get(PAGE_LIST).status_code == 404
    assert client.post(PAGE_LIST, {"panel": panels.multi.pk, "term": autumn.pk}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.panel_report_request(panel=panels.multi, term=autumn, by=cast.monitoring)
    assert not PanelReport.objects.exists()


@pytest.mark.parametrize("who", ["alice", "provider_staff", "chair"])
def test_those_outside_casework_may_not_open_the_cap_teams_list(client, cast, panels, who):
    client.force_login(getattr(cast, who))

    assert client.get(PAGE_LIST).status_code == 403


def test_the_members_list_is_for_the_panels_area(client, cast):
    client.force_login(cast.officer)

    assert client.get(reverse("dashboards:panels_reports")).status_code == 403


def test_the_request_is_post_only_with_its_token(client, cast, panels, autumn):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.officer)

    assert strict.post(PAGE_LIST, {"panel": panels.multi.pk, "term": autumn.pk}).status_code == 403
    client.force_login(cast.officer)
    assert client.put(PAGE_LIST).status_code == 405
    assert not PanelReport.objects.exists()


# --- The form -------------------------------------------------------------------------------


def test_the_form_offers_the_years_panels_and_the_terms_begun(client, cast, panels, autumn):
    client.force_login(cast.officer)

    response = client.get(PAGE_LIST)

    form = response.context["form"]
    assert [p.name for p in form.fields["panel"].queryset] == [
        "Headteachers' panel",
        "Multi-agency panel",
    ]
    assert [str(t) for t in form.fields["term"].queryset] == ["Autumn 2026-27"]
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    assert "No report has been asked for yet." in response.content.decode()


def test_the_form_says_what_is_missing_beside_each_field(client, cast, panels, year):
    client.force_login(cast.officer)
    spring = year.terms.get(name="Spring")

    empty = client.post(PAGE_LIST, {})
    not_begun = client.post(PAGE_LIST, {"panel": panels.multi.pk, "term": spring.pk})

    assert empty.status_code == 200
    html = flat(empty.content.decode())
    assert 'id="id_panel-error"' in html and "Choose the panel" in html
    assert 'id="id_term-error"' in html and "Choose the term" in html
    assert "There is a problem" in html
    assert not_begun.context["form"].errors == {"term": ["Choose the term"]}
    assert not PanelReport.objects.exists()


def test_a_term_of_another_year_is_refused(cast, panels):
    other = AcademicYear.objects.create(
        name="2025-26", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2026, 8, 31)
    )
    term = Term.objects.create(
        year=other, name="Summer", starts_on=dt.date(2026, 4, 13), ends_on=dt.date(2026, 7, 22)
    )

    with pytest.raises(Refused) as refused:
        services.panel_report_request(panel=panels.multi, term=term, by=cast.officer)

    assert refused.value.field == "term"


def test_the_cap_teams_list_is_newest_first_and_paged(client, cast, panels, autumn):
    for minutes in range(30):
        PanelReport.objects.create(
            panel=panels.heads,
            term=autumn,
            requested_by=cast.officer,
            requested_at=MADE - dt.timedelta(minutes=minutes),
            failed="Broken",
        )
    client.force_login(cast.officer)

    first = client.get(PAGE_LIST)
    second = client.get(PAGE_LIST, {"page": 2})

    assert len(first.context["listing"]) == 25
    assert first.context["listing"][0].requested_at == MADE
    assert len(second.context["listing"]) == 5
    assert "Page 1 of 2" in first.content.decode()
