"""What entitlements registers with the apps below it at start-up (EntitlementsConfig.ready):
a link to the CAP team's page on the casework home, and a link to each school's page of what
it has received on the schools home (dashboards renders the sections apps register,
lib.sections). Each shows only to those who may open what it links to."""

from django.template.loader import render_to_string

from accounts.models import Organisation
from accounts.rules import Area, school_ids
from entitlements.rules import can_manage_entitlements
from lib.sections import section
from programmes.selectors import year_current


@section(f"dashboards:{Area.CASEWORK}")
def casework_link(request, _) -> str:
    if not can_manage_entitlements(request.user):
        return ""
    return render_to_string("entitlements/_casework_home.html", {}, request)


@section(f"dashboards:{Area.SCHOOLS}")
def schools_links(request, _) -> str:
    ids = school_ids(request.user)
    if not ids:
        return ""
    return render_to_string(
        "entitlements/_schools_home.html",
        {
            "schools": Organisation.objects.filter(pk__in=ids).order_by("name"),
            "year": year_current(),
        },
        request,
    )
