"""The CAP manager's page of scheduled jobs: what each does, when it runs next, and how its
last run went."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.rules import Area
from accounts.views import area_required
from scheduling.rules import can_view_scheduled_jobs
from scheduling.selectors import jobs_listed


@area_required(Area.CASEWORK)
@require_GET
def jobs(request):
    if not can_view_scheduled_jobs(request.user):
        raise Http404("No such page")
    return render(request, "scheduling/jobs.html", {"listings": jobs_listed()})
