"""The student record in the School area. Each view fetches through an access-checked
getter (404 for a student the user may not see), validates a form and calls one service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.rules import Area, organisations_in_area
from accounts.views import area_required
from lib.sections import sections_for
from students import selectors, services
from students.forms import CarerForm, SearchForm, StudentForm
from students.rules import can_create_student, can_edit_student, check_can_edit_student

PAGE_SIZE = 50


@area_required(Area.SCHOOLS)
@require_GET
def student_list(request):
    search = SearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    page = Paginator(selectors.students_for(request.user, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    schools = organisations_in_area(request.user, Area.SCHOOLS)
    return render(
        request,
        "students/student_list.html",
        {
            "form": search,
            "query": query,
            "page": page,
            "show_school": len(schools) > 1,
        },
    )


@area_required(Area.SCHOOLS)
@require_http_methods(["GET", "POST"])
def student_create(request):
    schools = [
        s
        for s in organisations_in_area(request.user, Area.SCHOOLS)
        if can_create_student(request.user, s)
    ]
    if not schools:
        raise PermissionDenied("Only school staff can add students.")
    form = StudentForm(request.POST if request.method == "POST" else None, schools=schools)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            student = services.student_create(
                school=form.chosen_school,
                by=request.user,
                confirm_not_duplicate=form.cleaned_data["confirm_not_duplicate"],
                **form.student_fields(),
            )
        except services.DuplicateUPN as error:
            form.add_error("upn", str(error))
        except services.LikelyDuplicate as error:
            duplicate = error.existing
            form.add_error(
                "confirm_not_duplicate",
                "A student with the same name and date of birth is already on your school's "
                "records. Check it is not the same student, then select "
                "‘This is a different student’",
            )
        else:
            messages.success(request, f"{student} has been added")
            return redirect("students:detail", student.uuid)
    return render(
        request,
        "students/student_form.html",
        {"form": form, "duplicate": duplicate, "creating": True},
    )


@area_required(Area.SCHOOLS)
@require_GET
def student_detail(request, student_uuid):
    student = selectors.get_student_for_user(request.user, student_uuid)
    return render(
        request,
        "students/student_detail.html",
        {
            "student": student,
            "carers": selectors.carers_of(student),
            "registrations": selectors.registrations_of(student),
            "actions": sections_for("students:actions", request, student),
            "page_sections": sections_for("students:detail", request, student),
            "can_edit": can_edit_student(request.user, student),
        },
    )


@area_required(Area.SCHOOLS)
@require_http_methods(["GET", "POST"])
def student_change(request, student_uuid):
    student = selectors.get_student_for_user(request.user, student_uuid)
    check_can_edit_student(request.user, student)
    form = StudentForm(
        request.POST if request.method == "POST" else None, initial=StudentForm.initial_for(student)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.student_update(student=student, by=request.user, **form.student_fields())
        except services.DuplicateUPN as error:
            form.add_error("upn", str(error))
        else:
            messages.success(request, f"{student}’s details have been saved")
            return redirect("students:detail", student.uuid)
    return render(
        request,
        "students/student_form.html",
        {"form": form, "student": student, "creating": False},
    )


@area_required(Area.SCHOOLS)
@require_http_methods(["GET", "POST"])
def carer_add(request, student_uuid):
    student = selectors.get_student_for_user(request.user, student_uuid)
    check_can_edit_student(request.user, student)
    form = CarerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        carer = services.carer_add(student=student, by=request.user, **form.carer_fields())
        messages.success(request, f"{carer.name} has been added")
        return redirect("students:detail", student.uuid)
    return render(request, "students/carer_form.html", {"form": form, "student": student})


@area_required(Area.SCHOOLS)
@require_http_methods(["GET", "POST"])
def carer_change(request, student_uuid, carer_uuid):
    carer = selectors.get_carer_for_user(request.user, student_uuid, carer_uuid)
    student = carer.student
    check_can_edit_student(request.user, student)
    form = CarerForm(
        request.POST if request.method == "POST" else None, initial=CarerForm.initial_for(carer)
    )
    if request.method == "POST" and form.is_valid():
        services.carer_update(carer=carer, by=request.user, **form.carer_fields())
        messages.success(request, f"{carer.name}’s details have been saved")
        return redirect("students:detail", student.uuid)
    return render(
        request,
        "students/carer_form.html",
        {"form": form, "student": student, "carer": carer},
    )


@area_required(Area.SCHOOLS)
@require_POST
def carer_remove(request, student_uuid, carer_uuid):
    carer = selectors.get_carer_for_user(request.user, student_uuid, carer_uuid)
    student = carer.student
    check_can_edit_student(request.user, student)
    name = carer.name
    services.carer_remove(carer=carer, by=request.user)
    messages.success(request, f"{name} has been removed")
    return redirect("students:detail", student.uuid)
