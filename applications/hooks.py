"""What applications registers with the apps below it at start-up (ApplicationsConfig.ready):
its part of a student's page."""

from django.template.loader import render_to_string

from applications.selectors import applications_for
from lib.sections import section


@section("students:detail")
def student_applications(request, student) -> str:
    """The student's applications that the user may see."""
    applications = list(applications_for(request.user).filter(student=student))
    if not applications:
        return ""
    return render_to_string(
        "applications/_student_applications.html", {"applications": applications}, request
    )
