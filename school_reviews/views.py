"""The school review meetings' pages: the CAP team's list of a term's schools and the
pages that prepare and record a meeting (/casework/school-reviews/), and the school's own
shared meetings (/schools/school-reviews/). Whoever may not see a meeting is answered 404,
whether or not it exists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import SCHOOL_KINDS, Organisation, User
from accounts.rules import school_ids
from lib.errors import Conflict, Refused
from lib.forms import changed, posted
from programmes.models import Term
from school_reviews import forms, selectors, services
from school_reviews.models import Action, AgendaItem, ReviewMeeting
from school_reviews.rules import (
    can_mark_school_review_action,
    can_record_school_review,
    can_view_school_review,
    school_reviews_shared_with,
)

PAGE_SIZE = selectors.PAGE_SIZE


def _meetings() -> object:
    return ReviewMeeting.objects.select_related("school", "term__year", "shared_by")


def get_meeting_to_record(user, meeting_uuid) -> ReviewMeeting:
    """The meeting for the CAP team's pages, or 404 for anyone else."""
    if not can_record_school_review(user):
        raise Http404
    meeting = _meetings().filter(uuid=meeting_uuid).first()
    if meeting is None:
        raise Http404
    return meeting


def get_meeting_for_school(user, meeting_uuid) -> ReviewMeeting:
    """A meeting shared with one of the user's schools, or 404."""
    meeting = school_reviews_shared_with(user, _meetings()).filter(uuid=meeting_uuid).first()
    if meeting is None or not can_view_school_review(user, meeting):
        raise Http404
    return meeting


def _refused(form, refused: Refused) -> None:
    field = refused.field if refused.field in form.fields else None
    form.add_error(field, str(refused))


# --- The CAP team ---------------------------------------------------------------------------


@login_required
@require_GET
def casework_list(request):
    if not can_record_school_review(request.user):
        raise Http404
    today = timezone.localdate()
    term = selectors.term_on(today)
    if "term" in request.GET:
        term = Term.objects.select_related("year").filter(pk=_number(request.GET["term"])).first()
        if term is None:
            raise Http404
    context = {"term": term, "today": today}
    if term is not None:
        schools = selectors.schools_for_term(term)
        paginator = Paginator(schools, PAGE_SIZE)
        context |= {
            "page": paginator.get_page(request.GET.get("page")),
            "terms": selectors.terms_to_choose(term),
            "summary": selectors.term_summary(term, today=today),
        }
    return render(request, "school_reviews/casework_list.html", context)


def _number(text: str) -> int:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else 0


@login_required
@require_http_methods(["GET", "POST"])
def prepare(request, school_uuid, term_id):
    if not can_record_school_review(request.user):
        raise Http404
    school = get_object_or_404(Organisation, uuid=school_uuid, kind__in=SCHOOL_KINDS)
    term = get_object_or_404(Term.objects.select_related("year"), pk=term_id)
    existing = ReviewMeeting.objects.filter(school=school, term=term).first()
    if existing is not None:
        return redirect("school_reviews:casework_detail", existing.uuid)
    form = forms.MeetingForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_prepare(
                school=school, term=term, by=request.user, **form.cleaned_data
            )
        except Refused as refused:
            _refused(form, refused)
        else:
            messages.success(request, "Meeting prepared and its agenda taken")
            return redirect("school_reviews:casework_detail", meeting.uuid)
    students = selectors.agenda_placements(school=school, term=term).count()
    return render(
        request,
        "school_reviews/prepare.html",
        {"school": school, "term": term, "form": form, "students": students},
    )


def _detail_context(request, meeting: ReviewMeeting, *, area: str) -> dict:
    today = timezone.localdate()
    items = selectors.items_of(meeting)
    paginator = Paginator(items, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    actions = selectors.actions_of(meeting)
    for action in actions:
        action.overdue = not action.is_done and action.due_on < today
        action.can_mark = can_mark_school_review_action(request.user, action)
    return {
        "meeting": meeting,
        "page": page,
        "actions": actions,
        "overdue_count": sum(1 for a in actions if a.overdue),
        "area": area,
        "today": today,
        "can_record": area == "casework",
        "can_refresh": area == "casework" and today <= meeting.held_on,
        "placement_url": "placements:casework_detail"
        if area == "casework"
        else "placements:schools_detail",
        "agenda_limit": selectors.AGENDA_LIMIT,
    }


@login_required
@require_GET
def casework_detail(request, meeting_uuid):
    meeting = get_meeting_to_record(request.user, meeting_uuid)
    context = _detail_context(request, meeting, area="casework")
    context["confirm_form"] = forms.ConfirmForm(initial={"version": meeting.version})
    return render(request, "school_reviews/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, meeting_uuid):
    meeting = get_meeting_to_record(request.user, meeting_uuid)
    initial = {
        "held_on": meeting.held_on,
        "starts_at": meeting.starts_at,
        "place": meeting.place,
        "attendees": meeting.attendees,
        "version": meeting.version,
    }
    form = forms.MeetingEditForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, by=request.user, **form.cleaned_data)
        except Conflict:
            meeting.refresh_from_db()
            form = form.changed_meanwhile(version=meeting.version, noun="meeting")
        except Refused as refused:
            _refused(form, refused)
        else:
            messages.success(request, "Meeting details saved")
            return redirect("school_reviews:casework_detail", meeting.uuid)
    return render(
        request,
        "school_reviews/form.html",
        {
            "meeting": meeting,
            "form": form,
            "title": "Change the meeting's details",
            "button": "Save",
        },
    )


def _confirmed(request, meeting: ReviewMeeting, service, done: str):
    form = forms.ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "This page is out of date: reload it and try again")
        return redirect("school_reviews:casework_detail", meeting.uuid)
    try:
        service(meeting=meeting, version=form.cleaned_data["version"], by=request.user)
    except Conflict:
        messages.error(request, changed("meeting"))
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return redirect("school_reviews:casework_detail", meeting.uuid)


@login_required
@require_POST
def refresh(request, meeting_uuid):
    meeting = get_meeting_to_record(request.user, meeting_uuid)
    return _confirmed(request, meeting, services.agenda_refresh, "Agenda taken again")


@login_required
@require_POST
def share(request, meeting_uuid):
    meeting = get_meeting_to_record(request.user, meeting_uuid)
    return _confirmed(
        request, meeting, services.meeting_share, f"Meeting shared with {meeting.school.name}"
    )


@login_required
@require_http_methods(["GET", "POST"])
def minutes(request, meeting_uuid):
    meeting = get_meeting_to_record(request.user, meeting_uuid)
    form = forms.MinutesForm(
        posted(request), initial={"minutes": meeting.minutes, "version": meeting.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_record(meeting=meeting, by=request.user, **form.cleaned_data)
        except Conflict:
            meeting.refresh_from_db()
            form = form.changed_meanwhile(version=meeting.version, noun="meeting")
        else:
            messages.success(request, "Minutes saved")
            return redirect("school_reviews:casework_detail", meeting.uuid)
    return render(
        request,
        "school_reviews/form.html",
        {"meeting": meeting, "form": form, "title": "Record the minutes", "button": "Save"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_notes(request, meeting_uuid, item_uuid):
    meeting = get_meeting_to_record(request.user, meeting_uuid)
    item = (
        AgendaItem.objects.select_related("placement__student")
        .filter(meeting=meeting, uuid=item_uuid)
        .first()
    )
    if item is None:
        raise Http404
    item.meeting = meeting
    form = forms.NotesForm(
        posted(request), initial={"notes": item.notes, "version": meeting.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.item_notes_record(item=item, by=request.user, **form.cleaned_data)
        except Conflict:
            meeting.refresh_from_db()
            form = form.changed_meanwhile(version=meeting.version, noun="meeting")
        else:
            messages.success(request, "Minutes about the student saved")
            return redirect("school_reviews:casework_detail", meeting.uuid)
    student = item.placement.student
    return render(
        request,
        "school_reviews/form.html",
        {
            "meeting": meeting,
            "form": form,
            "title": f"Minutes about {student.known_as} {student.legal_last_name}",
            "button": "Save",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request, meeting_uuid):
    meeting = get_meeting_to_record(request.user, meeting_uuid)
    people = selectors.people_for_actions(meeting)
    form = forms.ActionForm(posted(request), people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        owner = organisation = None
        if data["owner_ids"]:
            owner = User.objects.get(pk=data["owner_ids"][0])
            organisation = Organisation.objects.get(pk=data["owner_ids"][1])
        try:
            services.action_add(
                meeting=meeting,
                text=data["text"],
                due_on=data["due_on"],
                owner=owner,
                owner_organisation=organisation,
                owner_name=data["owner_name"] if owner is None else "",
                owner_organisation_name=data["owner_organisation_name"] if owner is None else "",
                by=request.user,
            )
        except Refused as refused:
            _refused(form, refused)
        else:
            messages.success(request, "Action added")
            return redirect("school_reviews:casework_detail", meeting.uuid)
    return render(
        request,
        "school_reviews/form.html",
        {"meeting": meeting, "form": form, "title": "Add an action", "button": "Add the action"},
    )


# --- Both: marking an action done ------------------------------------------------------------


@login_required
@require_POST
def action_mark(request, action_uuid):
    """The CAP team marks any action; the school's staff those of their school, on a shared
    meeting (another action of a meeting they see is refused, 403, by the service). Back to
    the meeting's page of the person's area."""
    action = Action.objects.select_related("meeting__school").filter(uuid=action_uuid).first()
    if action is None or not can_view_school_review(request.user, action.meeting):
        raise Http404
    done = request.POST.get("done") == "yes"
    services.action_mark(action=action, done=done, by=request.user)
    messages.success(request, f"Action marked as {'done' if done else 'not done'}")
    if can_record_school_review(request.user):
        return redirect("school_reviews:casework_detail", action.meeting.uuid)
    return redirect("school_reviews:schools_detail", action.meeting.uuid)


# --- The school ------------------------------------------------------------------------------


@login_required
@require_GET
def schools_list(request):
    if not school_ids(request.user):
        raise Http404
    meetings = school_reviews_shared_with(request.user, _meetings()).order_by(
        "-held_on", "school__name", "pk"
    )
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "school_reviews/schools_list.html",
        {"page": page, "today": timezone.localdate()},
    )


@login_required
@require_GET
def schools_detail(request, meeting_uuid):
    meeting = get_meeting_for_school(request.user, meeting_uuid)
    return render(
        request, "school_reviews/detail.html", _detail_context(request, meeting, area="schools")
    )
