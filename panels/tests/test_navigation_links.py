"""Links to the panels' pages are offered only to who may open them (lib.nav): the CAP
officers who run the panels, and a meeting's page also to who sits on its panel."""

from django.urls import reverse
from django.utils import timezone

from panels import services
from panels.models import OutcomeNotice
from panels.tests.conftest import DAY, at_panel, decide, everyone_present


def test_the_meeting_date_on_an_application_links_only_for_who_may_open_it(
    client, cast, panels, programmes
):
    application = at_panel(cast, programmes["flourish"])
    meeting = application.agenda_items.get().meeting
    url = reverse("casework:application", args=[application.uuid])
    meeting_url = reverse("casework_meetings:meeting", args=[meeting.uuid])
    client.force_login(cast.officer)
    assert meeting_url in client.get(url).content.decode()
    for refused in (cast.monitoring, cast.safeguarding):
        client.force_login(refused)
        page = client.get(url).content.decode()
        assert meeting_url not in page
        assert "On the agenda of the" in page  # the date is still said
        assert client.get(meeting_url).status_code == 404


def test_an_outcome_notice_leads_back_to_panels_only_for_who_runs_them(
    client, cast, panels, programmes
):
    application = at_panel(cast, programmes["flourish"])
    meeting = panels.rap.meetings.today
    everyone_present(meeting, cast.officer)
    services.pack_publish(meeting=meeting, by=cast.officer)
    decide(application, cast.chair)
    notice = OutcomeNotice.objects.get()
    OutcomeNotice.objects.filter(pk=notice.pk).update(due_on=timezone.localdate() - DAY)
    url = reverse("casework_meetings:notice", args=[notice.uuid])
    meetings = reverse("casework_meetings:meetings")
    client.force_login(cast.officer)
    assert "Back to panels" in client.get(url).content.decode()
    assert f'href="{meetings}"' in client.get(reverse("casework:queue")).content.decode()
    client.force_login(cast.monitoring)
    page = client.get(url).content.decode()
    assert "Back to panels" not in page
    assert "Back to the application" in page
    # The queue's overdue banner lists the notice but not the meetings page it cannot open.
    queue = client.get(reverse("casework:queue")).content.decode()
    assert application.reference in queue
    assert f'href="{meetings}"' not in queue
    assert client.get(meetings).status_code == 404
