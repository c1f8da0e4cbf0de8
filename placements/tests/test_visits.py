"""Monitoring officers' visits: planning and recording them (services and pages), who sees
what of them, the caseload and the overdue visits on the casework home page."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.leavers import leaver_record
from audit.models import Event
from lib.errors import Conflict, Refused
from placements.models import Visit, VisitStatus
from placements.services_visits import visit_plan, visit_record, visit_record_missed
from placements.tests.factories import at, make_placement

D = dt.date
TODAY = D(2026, 2, 2)  # a Monday in the first half of the spring term
THURSDAY = D(2026, 2, 5)


@pytest.fixture
def now(clock):
    return clock(at(TODAY, 10))


@pytest.fixture
def monitored(cast, programme, now):
    """Ten weeks from Monday 12 January, across the February half term, monitored by the
    cast's monitoring officer."""
    return make_placement(
        programme=programme,
        provider=cast.provider,
        school=cast.school_a,
        by=cast.officer,
        weeks=10,
        monitoring_officer=cast.monitoring,
    )


def plan(cast, placement, kind="setting", on=THURSDAY, by=None):
    return visit_plan(
        placement=placement,
        kind=kind,
        planned_on=on,
        planned_time=dt.time(9, 30),
        officer=cast.monitoring,
        by=by or cast.monitoring,
    )


def record(cast, visit, on=TODAY, **changes):
    fields = {
        "happened_on": on,
        "seen": "The student and the setting's lead",
        "findings": "Settled, on time every day",
        "next_steps": "Agree a reading target",
        "next_steps_owner": "The setting's lead",
        "next_steps_due_on": D(2026, 2, 27),
        "version": visit.version,
        "by": cast.monitoring,
        **changes,
    }
    return visit_record(visit=visit, **fields)


# --- Services ---------------------------------------------------------------------------


def test_a_visit_is_planned_then_recorded_with_an_event_each_time(cast, monitored):
    visit = plan(cast, monitored)
    assert visit.status == VisitStatus.PLANNED
    assert Event.objects.filter(action="visit.planned", object_id=str(visit.uuid)).exists()
    visit = record(cast, visit)
    assert visit.status == VisitStatus.HAPPENED
    assert visit.happened_on == TODAY and visit.recorded_by == cast.monitoring
    assert visit.next_steps_owner == "The setting's lead"
    event = Event.objects.get(action="visit.happened", object_id=str(visit.uuid))
    assert event.detail == {"placement": str(monitored.uuid), "from": "planned", "to": "happened"}
    assert "Settled" not in str(event.detail)  # no findings in the audit trail


def test_a_recorded_visit_is_not_recorded_again(cast, monitored):
    visit = record(cast, plan(cast, monitored))
    with pytest.raises(Refused, match="already been recorded"):
        visit_record_missed(
            visit=visit, reason="student_absent", note="", version=visit.version, by=cast.officer
        )


def test_a_visit_recorded_by_someone_else_meanwhile_is_a_conflict(cast, monitored):
    visit = plan(cast, monitored)
    stale = visit.version
    Visit.objects.filter(pk=visit.pk).update(version=stale + 1)
    with pytest.raises(Conflict):
        record(cast, visit, version=stale)
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.PLANNED


def test_a_visit_that_did_not_happen_says_why(cast, monitored):
    visit = plan(cast, monitored, kind="home")
    with pytest.raises(Refused) as refused:
        visit_record_missed(visit=visit, reason="other", note=" ", version=1, by=cast.officer)
    assert refused.value.field == "note"
    visit = visit_record_missed(
        visit=visit, reason="no_access", note="", version=1, by=cast.officer
    )
    assert visit.status == VisitStatus.DID_NOT_HAPPEN and visit.missed_reason == "no_access"
    assert Event.objects.filter(action="visit.did_not_happen").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"on": D(2026, 2, 1)}, "planned_on"),  # yesterday
        ({"on": D(2026, 3, 23)}, "planned_on"),  # after the placement's last day
        ({"kind": "party"}, "kind"),
    ],
)
def test_the_service_refuses_a_bad_plan(cast, monitored, changes, field):
    with pytest.raises(Refused) as refused:
        plan(cast, monitored, **changes)
    assert refused.value.field == field
    assert not Visit.objects.exists()


def test_the_service_refuses_a_visit_recorded_in_the_future(cast, monitored):
    visit = plan(cast, monitored)
    with pytest.raises(Refused) as refused:
        record(cast, visit, on=D(2026, 2, 3))
    assert refused.value.field == "happened_on"


def test_the_visiting_officer_must_be_in_the_cap_team(cast, monitored):
    with pytest.raises(Refused) as refused:
        visit_plan(
            placement=monitored,
            kind="setting",
            planned_on=TODAY,
            planned_time=None,
            officer=cast.provider_staff,
            by=cast.officer,
        )
    assert refused.value.field == "officer"


@pytest.mark.parametrize("who", ["provider_staff", "alice", "school_dsl", "safeguarding"])
def test_only_the_cap_team_plans_and_records_visits(cast, monitored, who):
    with pytest.raises(PermissionDenied):
        plan(cast, monitored, by=getattr(cast, who))
    visit = plan(cast, monitored)
    with pytest.raises(PermissionDenied):
        record(cast, visit, by=getattr(cast, who))


# --- Pages: plan and record -------------------------------------------------------------


def test_a_monitoring_officer_plans_and_records_a_visit_and_sees_it_on_the_placement(
    client, cast, monitored
):
    client.force_login(cast.monitoring)
    url = reverse("placements:visits_plan", args=[monitored.uuid])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "setting",
            "planned_on_day": "2",
            "planned_on_month": "2",
            "planned_on_year": "2026",
            "planned_time": "2:15pm",
            "officer": str(cast.monitoring.uuid),
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.planned_time == dt.time(14, 15) and visit.planned_by == cast.monitoring
    page = client.get(reverse("placements:casework_detail", args=[monitored.uuid])).content
    assert "Monday 2 February 2026 at 2:15pm" in page.decode()
    response = client.post(
        reverse("placements:visits_record", args=[visit.uuid]),
        {
            "version": "1",
            "happened_on_day": "2",
            "happened_on_month": "2",
            "happened_on_year": "2026",
            "seen": "The student",
            "findings": "Working well with the tutor",
            "next_steps": "",
            "next_steps_owner": "",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("placements:casework_detail", args=[monitored.uuid])).content
    assert "Working well with the tutor" in page.decode()
    assert Visit.objects.get().status == VisitStatus.HAPPENED


def test_a_plan_in_the_past_is_shown_beside_the_date_with_nothing_lost(client, cast, monitored):
    client.force_login(cast.monitoring)
    response = client.post(
        reverse("placements:visits_plan", args=[monitored.uuid]),
        {
            "kind": "home",
            "planned_on_day": "30",
            "planned_on_month": "1",
            "planned_on_year": "2026",
            "planned_time": "9:30am",
            "officer": str(cast.monitoring.uuid),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "govuk-error-summary" in page
    assert 'href="#id_planned_on_0">The date of the visit must be today or in the future' in page
    assert (
        '<p class="govuk-error-message" id="id_planned_on-error"><span class="govuk-visually-'
        'hidden">Error:</span> The date of the visit must be today or in the future' in page
    )
    assert 'value="9:30am"' in page and 'value="30"' in page
    assert response.context["form"]["kind"].value() == "home"
    assert not Visit.objects.exists()


def test_a_bad_time_is_shown_beside_the_time(client, cast, monitored):
    client.force_login(cast.monitoring)
    response = client.post(
        reverse("placements:visits_plan", args=[monitored.uuid]),
        {
            "kind": "setting",
            "planned_on_day": "5",
            "planned_on_month": "2",
            "planned_on_year": "2026",
            "planned_time": "25:00",
            "officer": str(cast.monitoring.uuid),
        },
    )
    assert "Enter the time like 9:30am or 2pm" in response.content.decode()
    assert 'value="25:00"' in response.content.decode()


def test_a_visit_recorded_in_the_future_is_shown_beside_the_date_with_nothing_lost(
    client, cast, monitored
):
    visit = plan(cast, monitored)
    client.force_login(cast.monitoring)
    response = client.post(
        reverse("placements:visits_record", args=[visit.uuid]),
        {
            "version": "1",
            "happened_on_day": "3",
            "happened_on_month": "2",
            "happened_on_year": "2026",
            "seen": "The student",
            "findings": "Typed at length",
            "next_steps": "",
            "next_steps_owner": "Jo",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in page
    assert "The date of the visit must be today or in the past" in page
    assert "Enter the next steps, or leave who and by when empty" in page
    assert "Typed at length" in page and 'value="Jo"' in page
    assert Visit.objects.get().status == VisitStatus.PLANNED


def test_a_missed_visit_without_a_reason_is_an_error(client, cast, monitored):
    visit = plan(cast, monitored)
    client.force_login(cast.officer)
    url = reverse("placements:visits_record_missed", args=[visit.uuid])
    response = client.post(url, {"version": "1", "note": "kept"})
    page = response.content.decode()
    assert "Select why the visit did not happen" in page and "kept" in page
    response = client.post(url, {"version": "1", "reason": "student_absent", "note": ""})
    assert response.status_code == 302
    assert Visit.objects.get().missed_reason == "student_absent"


def test_recording_a_visit_twice_goes_back_to_the_placement(client, cast, monitored):
    visit = record(cast, plan(cast, monitored))
    client.force_login(cast.officer)
    response = client.get(reverse("placements:visits_record", args=[visit.uuid]))
    assert response.status_code == 302


def test_the_forms_are_get_and_post_only(client, cast, monitored):
    client.force_login(cast.officer)
    url = reverse("placements:visits_plan", args=[monitored.uuid])
    assert client.put(url).status_code == 405
    assert client.post(reverse("placements:visits_caseload")).status_code == 405


@pytest.mark.parametrize("who", ["agency_worker", "chair", "finance", "provider_staff", "alice"])
def test_people_outside_the_cap_team_are_refused_at_its_door(client, cast, monitored, who):
    """Outside the casework area the area check answers first (403, as for every casework
    page); their own areas show no visit pages."""
    visit = plan(cast, monitored)
    client.force_login(getattr(cast, who))
    for url in (
        reverse("placements:visits_plan", args=[monitored.uuid]),
        reverse("placements:visits_record", args=[visit.uuid]),
        reverse("placements:visits_record_missed", args=[visit.uuid]),
        reverse("placements:visits_caseload"),
    ):
        assert client.get(url).status_code == 403
    assert not Visit.objects.exclude(pk=visit.pk).exists()


@pytest.mark.parametrize("who", ["safeguarding"])
def test_someone_in_casework_who_may_not_see_visits_gets_404(client, cast, monitored, who):
    visit = plan(cast, monitored)
    client.force_login(getattr(cast, who))
    for url in (
        reverse("placements:visits_plan", args=[monitored.uuid]),
        reverse("placements:visits_record", args=[visit.uuid]),
        reverse("placements:visits_record_missed", args=[visit.uuid]),
        reverse("placements:visits_caseload"),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "other", "note": "x", "version": "1"}).status_code in (
            404,
            405,
        )
    assert Visit.objects.get().status == VisitStatus.PLANNED


@pytest.mark.parametrize("who", ["agency_worker", "chair", "finance"])
def test_agency_panel_and_finance_see_no_placement_page_with_visits(client, cast, monitored, who):
    plan(cast, monitored)
    client.force_login(getattr(cast, who))
    for area in ("casework", "schools", "providers"):
        response = client.get(reverse(f"placements:{area}_detail", args=[monitored.uuid]))
        assert response.status_code in (403, 404)


def test_an_unknown_visit_is_404(client, cast, monitored):
    client.force_login(cast.officer)
    url = reverse("placements:visits_record", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404


# --- Who sees what on the placement's page ----------------------------------------------


@pytest.fixture
def three_visits(cast, monitored):
    setting = record(cast, plan(cast, monitored, "setting", TODAY), findings="SETTING FOUND")
    home = record(cast, plan(cast, monitored, "home", TODAY), findings="HOME FOUND")
    one = record(cast, plan(cast, monitored, "one_to_one", TODAY), findings="ONE FOUND")
    return setting, home, one


def page_of(client, user, area, placement):
    client.force_login(user)
    response = client.get(reverse(f"placements:{area}_detail", args=[placement.uuid]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_cap_team_reads_every_visit(client, cast, monitored, three_visits):
    for who in ("officer", "monitoring", "manager"):
        page = page_of(client, getattr(cast, who), "casework", monitored)
        assert all(f in page for f in ("SETTING FOUND", "HOME FOUND", "ONE FOUND"))


def test_the_home_school_reads_setting_and_one_to_one_findings_not_home_ones(
    client, cast, monitored, three_visits
):
    page = page_of(client, cast.alice, "schools", monitored)
    assert "SETTING FOUND" in page and "ONE FOUND" in page and "Agree a reading target" in page
    assert "HOME FOUND" not in page
    assert "Home visit" in page and "Shared with your school's designated safeguarding lead" in page


def test_the_home_schools_dsl_reads_home_visit_findings(client, cast, monitored, three_visits):
    page = page_of(client, cast.school_dsl, "schools", monitored)
    assert "HOME FOUND" in page and "SETTING FOUND" in page


def test_the_setting_sees_only_that_a_visit_at_the_setting_is_planned(
    client, cast, monitored, three_visits
):
    plan(cast, monitored, "setting", D(2026, 3, 4))
    page = page_of(client, cast.provider_staff, "providers", monitored)
    assert "Wednesday 4 March 2026 at 9:30am" in page
    assert "Visit at the setting" in page
    assert not any(f in page for f in ("SETTING FOUND", "HOME FOUND", "ONE FOUND"))
    assert "Home visit" not in page and "One-to-one session" not in page
    assert "Agree a reading target" not in page


def test_another_school_sees_nothing(client, cast, monitored, three_visits):
    client.force_login(cast.bob)
    assert (
        client.get(reverse("placements:schools_detail", args=[monitored.uuid])).status_code == 404
    )


def test_the_placement_page_shows_the_newest_visits_only(client, cast, monitored):
    for _ in range(22):
        plan(cast, monitored, on=D(2026, 2, 10))
    page = page_of(client, cast.officer, "casework", monitored)
    assert "Showing the 20 newest of 22 visits." in page


# --- The caseload -----------------------------------------------------------------------


def _caseload_of(cast, programme, n, clock):
    for i in range(n):
        placement = make_placement(
            programme=programme,
            provider=cast.provider,
            school=cast.school_a,
            by=cast.officer,
            weeks=10,
            monitoring_officer=cast.monitoring,
        )
        visit = plan(cast, placement, on=TODAY)
        if i % 2:
            record(cast, visit)


def test_the_caseload_shows_the_last_visit_and_the_next_due(client, cast, monitored, clock):
    record(cast, plan(cast, monitored))
    clock(at(D(2026, 2, 24), 10))
    plan(cast, monitored, "home", D(2026, 3, 2))
    client.force_login(cast.monitoring)
    response = client.get(reverse("placements:visits_caseload"))
    row = response.context["page"].object_list[0]
    assert row.last_visit_on == TODAY
    assert row.due.next_on == D(2026, 3, 20) and not row.due.is_overdue
    assert row.next_planned_on == D(2026, 3, 2)
    page = response.content.decode()
    assert "Your caseload" in page and "20 March 2026" in page and "2 February 2026" in page


def test_the_caseload_flags_an_overdue_visit(client, cast, monitored, clock):
    clock(at(D(2026, 2, 24), 10))
    client.force_login(cast.monitoring)
    page = client.get(reverse("placements:visits_caseload")).content.decode()
    assert "13 February 2026" in page and "Overdue" in page


def test_the_cap_team_sees_another_officers_caseload(client, cast, monitored):
    client.force_login(cast.officer)
    response = client.get(reverse("placements:visits_caseload"), {"officer": cast.monitoring.uuid})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1
    assert (
        client.get(reverse("placements:visits_caseload"), {"officer": "nonsense"}).status_code
        == 404
    )
    other = client.get(reverse("placements:visits_caseload"), {"officer": cast.alice.uuid})
    assert other.status_code == 404


def test_the_caseloads_queries_do_not_grow_with_it(client, cast, programme, now, clock):
    client.force_login(cast.monitoring)

    def count():
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("placements:visits_caseload"))
        assert response.status_code == 200
        return len(context.captured_queries), len(response.context["page"].object_list)

    _caseload_of(cast, programme, 2, clock)
    few, shown_few = count()
    _caseload_of(cast, programme, 6, clock)
    many, shown_many = count()
    assert (shown_few, shown_many) == (2, 8)
    assert few == many


# --- The casework home page -------------------------------------------------------------


def test_the_officers_home_page_lists_their_overdue_visits(client, cast, monitored, clock):
    late = plan(cast, monitored, "home", D(2026, 2, 10))
    clock(at(D(2026, 2, 24), 10))
    client.force_login(cast.monitoring)
    page = client.get(reverse("dashboards:casework")).content.decode()
    assert "Your visits" in page and "2 visits overdue" in page
    assert "visit at the setting due by 13 February 2026" in page
    assert "home visit planned for 10 February 2026, not recorded" in page
    assert reverse("placements:visits_record", args=[late.uuid]) in page
    assert reverse("placements:visits_caseload") in page


def test_the_home_page_says_when_nothing_is_overdue(client, cast, monitored):
    client.force_login(cast.monitoring)
    page = client.get(reverse("dashboards:casework")).content.decode()
    assert "No visits overdue." in page


@pytest.mark.parametrize("who", ["officer", "manager", "safeguarding"])
def test_others_home_pages_show_no_visits(client, cast, monitored, clock, who):
    clock(at(D(2026, 2, 24), 10))
    client.force_login(getattr(cast, who))
    page = client.get(reverse("dashboards:casework")).content.decode()
    assert "Your visits" not in page


def test_the_home_page_section_reads_a_fixed_number_of_queries(client, cast, programme, now, clock):
    def count():
        clock(at(D(2026, 2, 24), 10))
        client.force_login(cast.monitoring)
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("dashboards:casework"))
        assert response.status_code == 200
        clock(at(TODAY, 10))
        return len(context.captured_queries), response.content.decode()

    _caseload_of(cast, programme, 2, clock)
    few, page = count()
    # The placement whose planned visit was not recorded: its half with no visit, and the
    # planned visit itself.
    assert "2 visits overdue" in page
    _caseload_of(cast, programme, 7, clock)
    many, page = count()
    assert "10 visits overdue" in page and many == few


# --- When the officer leaves ------------------------------------------------------------


def test_a_leaving_officers_planned_visits_pass_to_who_takes_over(cast, monitored):
    planned = plan(cast, monitored)
    done = record(cast, plan(cast, monitored, on=TODAY))
    leaver_record(
        person=cast.monitoring,
        new_owners={"visits_planned": cast.officer, "placements_monitored": cast.officer},
        by=cast.manager,
    )
    planned.refresh_from_db()
    done.refresh_from_db()
    assert planned.officer == cast.officer and done.officer == cast.monitoring
    assert Event.objects.filter(action="visit.reassigned", object_id=str(planned.uuid)).exists()


@pytest.mark.parametrize("first", ["happened", "did_not_happen"])
@pytest.mark.parametrize("then", ["happened", "did_not_happen"])
def test_a_recorded_visit_takes_no_further_step(cast, monitored, first, then):
    visit = plan(cast, monitored, on=TODAY)
    if first == "happened":
        visit = record(cast, visit)
    else:
        visit = visit_record_missed(
            visit=visit, reason="cancelled_by_cap", note="", version=1, by=cast.officer
        )
    with pytest.raises(Refused, match="already been recorded"):
        if then == "happened":
            record(cast, visit)
        else:
            visit_record_missed(
                visit=visit,
                reason="student_absent",
                note="",
                version=visit.version,
                by=cast.officer,
            )
    visit.refresh_from_db()
    assert visit.status == first
    assert Event.objects.filter(action__startswith="visit.", object_id=str(visit.uuid)).count() == 2
