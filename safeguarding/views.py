"""Safeguarding pages, in their own namespace (/safeguarding/). Every concern is fetched
through a getter that answers 404 unless the user may see it (safeguarding.selectors), so
whoever must see nothing gets the same answer whether a concern exists or not. Every read
of a concern's content is audited. Nothing here edits or deletes: each step adds an entry.
Pages are never cached by the browser."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.rules import is_dsl
from accounts.views import second_factor_recent
from lib.forms import posted
from lib.pdf import render_pdf
from safeguarding import selectors, services
from safeguarding.forms import ActionForm, CloseForm, ConcernForm, UpdateForm

PAGE_SIZE = 50


@login_required
@second_factor_recent
@never_cache
@require_GET
def queue(request):
    """The DSL's queue: concerns they may see, those waiting for acknowledgement first."""
    if not is_dsl(request.user):
        return redirect("safeguarding:raised")
    page = Paginator(selectors.queue_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.queue_rows(request.user, page.object_list)
    return render(request, "safeguarding/queue.html", {"page": page})


@login_required
@never_cache
@require_GET
def raised(request):
    page = Paginator(selectors.raised_by(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "safeguarding/raised.html", {"page": page})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def raise_concern(request, student_uuid):
    student = selectors.get_student_to_raise_for(request.user, student_uuid)
    placements = list(selectors.placements_to_raise_on(request.user, student))
    must_choose = selectors.must_choose_placement(request.user, student)
    if must_choose and not placements:
        raise Http404
    form = ConcernForm(
        posted(request),
        placements=placements,
        must_choose=must_choose,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern = services.concern_raise(
                student=student,
                placement=data["placement"],
                category=data["category"],
                happened_on=data["happened_on"],
                account=data["account"],
                injuries=data["injuries"],
                immediate_actions=data["immediate_actions"],
                urgent=data["urgent"],
                by=request.user,
            )
        except services.Refused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("safeguarding:receipt", concern.uuid)
    return render(request, "safeguarding/raise.html", {"form": form, "student": student})


@login_required
@never_cache
@require_GET
def receipt(request, concern_uuid):
    """What the person who raised a concern sees of it: that they raised it."""
    concern = selectors.get_receipt_for_user(request.user, concern_uuid)
    return render(request, "safeguarding/receipt.html", {"concern": concern})


def _concern_page(request, concern, template: str, **context):
    return render(request, template, {"concern": concern, "student": concern.student, **context})


@login_required
@second_factor_recent
@never_cache
@require_GET
def concern(request, concern_uuid):
    concern = selectors.get_concern_for_user(request.user, concern_uuid)
    services.concerns_read_record(concerns=[concern], by=request.user, via="concern")
    return _concern_page(
        request,
        concern,
        "safeguarding/concern.html",
        entries=selectors.entries_of(concern),
        readers=selectors.readers_of(concern)[:200],
    )


@login_required
@second_factor_recent
@require_POST
def acknowledge(request, concern_uuid):
    concern = selectors.get_concern_for_user(request.user, concern_uuid)
    try:
        services.concern_acknowledge(concern=concern, by=request.user)
    except services.Refused as refused:
        messages.error(request, str(refused))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, f"You have acknowledged concern {concern.reference}")
    return redirect("safeguarding:concern", concern.uuid)


def _entry_view(
    request, concern_uuid, *, form_class, template, run, done, heading, button, **form_kwargs_for
):
    concern = selectors.get_concern_for_user(request.user, concern_uuid)
    kwargs = {name: make(concern) for name, make in form_kwargs_for.items()}
    form = form_class(posted(request), **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            run(concern, form.cleaned_data, request.user)
        except services.Refused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, done.format(reference=concern.reference))
            return redirect("safeguarding:concern", concern.uuid)
    return _concern_page(request, concern, template, form=form, heading=heading, button=button)


@login_required
@second_factor_recent
@never_cache
@require_http_methods(["GET", "POST"])
def add_update(request, concern_uuid):
    return _entry_view(
        request,
        concern_uuid,
        form_class=UpdateForm,
        template="safeguarding/update.html",
        heading="Add an update or a correction",
        button="Add it",
        run=lambda concern, data, by: services.concern_add_update(
            concern=concern,
            text=data["text"],
            correction=data["correction"],
            corrects=data["corrected_entry"],
            by=by,
        ),
        done="Your entry has been added to concern {reference}",
        entries=selectors.entries_of,
    )


@login_required
@second_factor_recent
@never_cache
@require_http_methods(["GET", "POST"])
def record_action(request, concern_uuid):
    return _entry_view(
        request,
        concern_uuid,
        form_class=ActionForm,
        template="safeguarding/action.html",
        heading="Record an action",
        button="Record the action",
        run=lambda concern, data, by: services.concern_record_action(
            concern=concern,
            action=data["action"],
            taken_on=data["taken_on"],
            text=data["text"],
            by=by,
        ),
        done="The action has been recorded on concern {reference}",
    )


@login_required
@second_factor_recent
@never_cache
@require_http_methods(["GET", "POST"])
def close(request, concern_uuid):
    return _entry_view(
        request,
        concern_uuid,
        form_class=CloseForm,
        template="safeguarding/close.html",
        heading="Record the outcome and close",
        button="Close the concern",
        run=lambda concern, data, by: services.concern_close(
            concern=concern, outcome=data["outcome"], text=data["text"], by=by
        ),
        done="Concern {reference} has been closed",
    )


@login_required
@second_factor_recent
@never_cache
@require_GET
def chronology(request, student_uuid):
    student = selectors.get_student_for_chronology(request.user, student_uuid)
    concerns, items = selectors.chronology_of(request.user, student)
    services.concerns_read_record(concerns=concerns, by=request.user, via="chronology")
    return render(
        request,
        "safeguarding/chronology.html",
        {"student": student, "concerns": concerns, "items": items},
    )


@login_required
@second_factor_recent
@never_cache
@require_GET
def chronology_pdf(request, student_uuid):
    """The chronology as a PDF for a child-protection conference. Generating it is audited
    as a read of each concern in it."""
    student = selectors.get_student_for_chronology(request.user, student_uuid)
    concerns, items = selectors.chronology_of(request.user, student)
    pdf = render_pdf(
        "safeguarding/chronology_pdf.html",
        {
            "student": student,
            "concerns": concerns,
            "items": items,
            "generated_at": timezone.now(),
            "generated_by": request.user,
        },
        request=request,
    )
    services.chronology_pdf_record(student=student, concerns=concerns, by=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="safeguarding-chronology-{timezone.localdate():%Y-%m-%d}.pdf"'
    )
    return response
