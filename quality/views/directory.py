"""The course directory for school (and CAP) staff: search, a course's page, and a new
application for the course in one step."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Organisation
from accounts.rules import Area, can_enter_area, organisations_in_area
from accounts.views import area_required
from applications import journey
from applications import services as application_services
from lib.forms import posted
from quality import directory, selectors
from quality.forms import ApplyForm, DirectoryFilterForm
from quality.models import ProviderRecord
from quality.rules import check_can_view_directory
from students.models import Student
from students.rules import students_visible_to

PAGE_SIZE = 20
SAFEGUARDING_CONFIRMATION = "school-safeguarding-letter"


def _directory_user(view):
    """Signed-in school and CAP staff only: anyone else signed in is refused (403)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        check_can_view_directory(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def get_directory_course(course_uuid):
    """A course in the directory now, or 404: a course whose provider is not approved is
    not shown, whether or not it exists."""
    course = directory.directory_courses().filter(uuid=course_uuid).first()
    if course is None:
        raise Http404
    return course


@_directory_user
@require_GET
def search(request):
    programmes = list(directory.directory_programmes())
    # Which providers are approved is worked out once, over every provider's evidence, and
    # the courses' count and page ask for the ids found rather than work it out again.
    providers = list(
        Organisation.objects.filter(pk__in=directory.approved_providers()).order_by("name")
    )
    form = DirectoryFilterForm(
        request.GET or None,
        programmes=programmes,
        providers=providers,
        levels=directory.levels(),
    )
    filters = form.filters() if request.GET else directory.Filters()
    courses = directory.course_search(filters, approved=[p.pk for p in providers])
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/directory.html",
        {
            "form": form,
            "page": page,
            "courses": [(c, directory.key_stages_of(c)) for c in page.object_list],
            "filtered": any(request.GET.get(name) for name in form.fields),
            "can_apply": can_enter_area(request.user, Area.SCHOOLS),
        },
    )


@_directory_user
@require_GET
def course(request, course_uuid):
    course = get_directory_course(course_uuid)
    record = ProviderRecord.objects.filter(organisation=course.provider).first()
    standing = selectors.standings([record])[record.pk]
    # What KCSIE asks schools to obtain before placing a pupil: the provider's written
    # confirmation that safeguarding checks have been carried out on its staff.
    confirmation = next(
        (
            state.current
            for area in standing.areas
            for state in area.items
            if state.item.key == SAFEGUARDING_CONFIRMATION
        ),
        None,
    )
    return render(
        request,
        "quality/course.html",
        {
            "course": course,
            "record": record,
            "standing": standing,
            "confirmation": confirmation,
            "sites": list(record.sites.all()),
            "key_stages": directory.key_stages_of(course),
            "can_apply": can_enter_area(request.user, Area.SCHOOLS),
        },
    )


def _students_for(user):
    schools = organisations_in_area(user, Area.SCHOOLS)
    return students_visible_to(user, Student.objects.filter(home_school__in=schools)).order_by(
        "legal_last_name", "legal_first_name", "upn"
    )


@area_required(Area.SCHOOLS)
@require_http_methods(["GET", "POST"])
def apply(request, course_uuid):
    """Start a draft application with the course's programme and the course already
    chosen, for one of the school's students, and continue from the page after the
    course."""
    course = get_directory_course(course_uuid)
    form = ApplyForm(posted(request), students=_students_for(request.user))
    if request.method == "POST" and form.is_valid():
        student = form.cleaned_data["student"]
        application = application_services.application_start(student=student, by=request.user)
        application = application_services.application_save_page(
            application=application,
            answers={"programme": course.programme},
            version=application.version,
            by=request.user,
        )
        application = application_services.application_save_page(
            application=application,
            answers={"course": course},
            version=application.version,
            by=request.user,
        )
        following = journey.next_page(application, "course")
        messages.success(
            request, f"Application started for {course.title} with {course.provider.name}"
        )
        return redirect("applications:page", application.uuid, following.slug)
    return render(request, "quality/apply.html", {"course": course, "form": form})
