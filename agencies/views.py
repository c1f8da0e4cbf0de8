"""The agency pages. The professional's (the Agency area): a linked student's plans,
reviews and placement summary, every read audited, and the notes and actions they add to
a review. The school's and CAP officers': the student's links, linking a professional and
ending a link. Each view fetches through an access-checked getter (404 for a student the
user may not see), validates a form and calls one service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.rules import Area
from accounts.views import area_required
from agencies import selectors, services
from agencies.forms import AgencyLinkEndForm, AgencyLinkForm, ReviewActionForm, ReviewNoteForm
from lib.errors import Refused
from lib.forms import posted
from lib.sections import sections_for
from placements import services_reviews
from students import services as student_services

# --- The professional's pages -------------------------------------------------------------


@area_required(Area.AGENCIES)
@never_cache
@require_GET
def student(request, student_uuid):
    link = selectors.get_link_for_professional(request.user, student_uuid)
    student_services.agency_student_read(link=link, by=request.user)
    return render(
        request,
        "agencies/student.html",
        {
            "link": link,
            "student": link.student,
            "placements": selectors.record_for(link.student),
            "actions": sections_for("students:actions", request, link.student),
        },
    )


def _add_to_review(request, student_uuid, review_uuid, *, form_class, add, what, done):
    review = selectors.get_review_for_professional(request.user, student_uuid, review_uuid)
    form = form_class(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            add(review=review, by=request.user, **form.cleaned_data)
        except Refused as refused:
            form.add_error(refused.field, str(refused))
        else:
            messages.success(request, done)
            return redirect("agencies:student", review.placement.student.uuid)
    return render(
        request,
        "agencies/review_entry_form.html",
        {"form": form, "review": review, "student": review.placement.student, "what": what},
    )


@area_required(Area.AGENCIES)
@require_http_methods(["GET", "POST"])
def review_note_add(request, student_uuid, review_uuid):
    return _add_to_review(
        request,
        student_uuid,
        review_uuid,
        form_class=ReviewNoteForm,
        add=services_reviews.review_note_add,
        what="note",
        done="Your note has been added to the review",
    )


@area_required(Area.AGENCIES)
@require_http_methods(["GET", "POST"])
def review_action_add(request, student_uuid, review_uuid):
    return _add_to_review(
        request,
        student_uuid,
        review_uuid,
        form_class=ReviewActionForm,
        add=services_reviews.review_action_add,
        what="action",
        done="Your action has been added to the review",
    )


# --- The school's and CAP officers' pages -------------------------------------------------


@login_required
@require_GET
def links(request, student_uuid):
    student = selectors.get_student_to_link(request.user, student_uuid)
    return render(
        request,
        "agencies/links.html",
        {"student": student, "links": selectors.links_of(student)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def link_add(request, student_uuid):
    student = selectors.get_student_to_link(request.user, student_uuid)
    form = AgencyLinkForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link = services.agency_link_make(
                student=student,
                professional_email=data["professional_email"],
                consent_given_by=data["consent_given_by"],
                consent_given_on=data["consent_given_on"],
                consent_method=data["consent_method"],
                by=request.user,
            )
        except Refused as refused:
            form.add_error(refused.field, str(refused))
        else:
            messages.success(request, f"{link.professional.full_name} has been linked to {student}")
            return redirect("agencies:links", student.uuid)
    return render(request, "agencies/link_form.html", {"form": form, "student": student})


@login_required
@require_http_methods(["GET", "POST"])
def link_end(request, link_uuid):
    link = selectors.get_link_to_end(request.user, link_uuid)
    form = AgencyLinkEndForm(posted(request))
    if request.method == "POST" and form.is_valid():
        student_services.agency_link_end(
            link=link, reason=form.cleaned_data["reason"], by=request.user
        )
        messages.success(request, f"{link.professional.full_name} is no longer linked")
        return redirect("agencies:links", link.student.uuid)
    return render(
        request, "agencies/link_end.html", {"form": form, "link": link, "student": link.student}
    )
