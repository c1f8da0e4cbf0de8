"""The access review's pages: an administrator's (or the CAP manager's) review of their
organisation's people, and the CAP manager's overview of every organisation's review."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.rules import Area, people_leavable_by
from accounts.views import area_required
from lib.errors import Refused
from privacy import access_review as reviews
from privacy.models import AccessReview, Outcome, ReviewedPerson
from privacy.rules import (
    access_reviews_for,
    can_open_access_reviews,
    can_view_access_review_overview,
)

PER_PAGE = 50
RADIOS = "govuk-radios--small govuk-radios--inline"


def _check_opens(user) -> None:
    if not can_open_access_reviews(user):
        raise PermissionDenied("The access review is for organisations' administrators.")


def _review_for(user, review_uuid) -> AccessReview:
    """The review, if the user confirms its people; 404 for another organisation's."""
    _check_opens(user)
    review = (
        access_reviews_for(user)
        .filter(uuid=review_uuid)
        .select_related("organisation", "term__year")
        .first()
    )
    if review is None:
        raise Http404("No such review")
    return review


class ReviewForm(forms.Form):
    """One question for each person still to be answered for: do they still work here?"""

    def __init__(self, *args, entries: list[ReviewedPerson], **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = entries
        for entry in entries:
            self.fields[f"person_{entry.user.uuid.hex}"] = forms.ChoiceField(
                label=f"Does {entry.user.full_name} still work here?",
                choices=[(Outcome.CONFIRMED, "Yes, confirm"), (Outcome.LEAVING, "No, has left")],
                widget=forms.RadioSelect(attrs={"class": RADIOS}),
                required=False,
                initial=entry.outcome if entry.outcome != Outcome.PENDING else None,
            )

    def rows(self):
        return [(entry, self[f"person_{entry.user.uuid.hex}"]) for entry in self.entries]

    def decisions(self) -> dict[int, str]:
        return {
            entry.pk: self.cleaned_data[f"person_{entry.user.uuid.hex}"]
            for entry in self.entries
            if self.cleaned_data.get(f"person_{entry.user.uuid.hex}")
        }


@login_required
@require_GET
def access_reviews(request):
    """The reviews the user confirms people in: straight to it when there is one."""
    _check_opens(request.user)
    mine = list(reviews.reviews_current(access_reviews_for(request.user)))
    if len(mine) == 1:
        return redirect("privacy:access_review", mine[0].uuid)
    return render(request, "privacy/access_reviews.html", {"reviews": mine})


@login_required
@require_http_methods(["GET", "POST"])
def access_review(request, review_uuid):
    review = _review_for(request.user, review_uuid)
    people = reviews.review_people(review)
    answerable = [
        e
        for e in people
        if e.user.is_active
        and e.user_id != request.user.pk
        and e.outcome in (Outcome.PENDING, Outcome.LEAVING, Outcome.CONFIRMED)
    ]
    is_open = review.closed_at is None
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        entries=answerable if is_open else [],
    )
    if request.method == "POST" and form.is_valid():
        self_entry = next((e for e in people if e.user_id == request.user.pk), None)
        self_confirmed = self_entry is not None and self_entry.outcome != Outcome.CONFIRMED
        try:
            counts = reviews.access_review_confirm(
                review=review, decisions=form.decisions(), by=request.user
            )
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            confirmed, leaving = counts[Outcome.CONFIRMED], counts[Outcome.LEAVING]
            counted = f"{confirmed} {'person' if confirmed == 1 else 'people'} confirmed"
            if self_confirmed:
                counted += " (you among them)"
            messages.success(request, f"{counted}, {leaving} marked as left.")
            return redirect("privacy:access_review", review.uuid)
    leavable = set(
        people_leavable_by(request.user)
        .filter(pk__in=[e.user_id for e in people])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "privacy/access_review.html",
        {
            "review": review,
            "form": form,
            "is_open": is_open,
            "self_entry": next((e for e in people if e.user_id == request.user.pk), None),
            "leaving": [e for e in people if e.outcome == Outcome.LEAVING and e.user.is_active],
            "leavable": leavable,
            "suspended": [e for e in people if e.outcome == Outcome.SUSPENDED],
            "others": [
                e
                for e in people
                if e not in answerable
                and e.user_id != request.user.pk
                and e.outcome != Outcome.SUSPENDED
            ],
            "waiting": sum(1 for e in people if e.outcome == Outcome.PENDING and e.user.is_active),
        },
    )


@login_required
@require_POST
def access_review_restore(request, review_uuid, user_uuid):
    review = _review_for(request.user, review_uuid)
    entry = review.people.select_related("user").filter(user__uuid=user_uuid).first()
    if entry is None:
        raise Http404("No such person")
    try:
        reviews.access_review_restore(entry=entry, by=request.user)
    except Refused as refusal:
        messages.info(request, str(refusal))
    else:
        messages.success(request, f"{entry.user.full_name} has been restored.")
    return redirect("privacy:access_review", review.uuid)


@area_required(Area.CASEWORK)
@require_GET
def access_review_overview(request):
    """Every organisation's review of the latest term, with how far each has got."""
    if not can_view_access_review_overview(request.user):
        raise Http404("No such page")
    listing = Paginator(reviews.reviews_current(AccessReview.objects.all()), PER_PAGE).get_page(
        request.GET.get("page")
    )
    opens = set(
        access_reviews_for(request.user)
        .filter(pk__in=[r.pk for r in listing])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "privacy/access_review_overview.html",
        {"page": listing, "opens": opens},
    )
