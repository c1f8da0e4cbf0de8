"""What subject access and the audit trail register with the apps below them at start-up
(PrivacyConfig.ready): links on the casework home (dashboards renders the sections apps
register, lib.sections) for those who may open them only, and the daily job that deletes
subject access zips kept past their time."""

import datetime as dt

from django.template.loader import render_to_string

from lib.sections import section
from privacy.rules import (
    can_decide_subject_access_safeguarding,
    can_manage_subject_access,
    can_search_audit,
)
from privacy.subject_access import requests_waiting_for_safeguarding
from scheduling.registry import Daily, Job, register


@section("dashboards:casework")
def data_protection_links(request, obj) -> str:
    user = request.user
    if not can_search_audit(user):
        return ""
    waiting = None
    if can_decide_subject_access_safeguarding(user):
        waiting = requests_waiting_for_safeguarding().count()
    return render_to_string(
        "privacy/_casework_home.html",
        {"subject_access": can_manage_subject_access(user), "safeguarding_waiting": waiting},
        request=request,
    )


register(
    Job(
        name="delete_expired_subject_access",
        description=(
            "Deletes the zip of each subject access request kept longer than "
            "CAP_SUBJECT_ACCESS_KEEP_DAYS after it was built."
        ),
        when=Daily(times=(dt.time(2, 30),), working_days=False),
        command="delete_expired_subject_access",
    )
)
