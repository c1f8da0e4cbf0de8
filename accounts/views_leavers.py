"""The leaver page: the CAP manager, or an organisation's administrator for its own people,
records that a person has left, choosing who takes over each kind of their open work
(accounts/leavers.py)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.leavers import HeldWork, leaver_record, open_work_of
from accounts.models import User
from accounts.rules import can_open_leavers, people_leavable_by
from lib.errors import Refused


def _person_for(user: User, user_uuid) -> User:
    """The person, if `user` may record them as a leaver; 404 for anyone else, themselves
    and people of other organisations alike."""
    person = (
        people_leavable_by(user)
        .filter(uuid=user_uuid)
        .prefetch_related("memberships__organisation")
        .first()
    )
    if person is None:
        raise Http404("No such person")
    return person


class LeaverForm(forms.Form):
    """A select of who takes over each kind of open work that has someone to take it."""

    def __init__(self, *args, held: list[HeldWork], **kwargs):
        super().__init__(*args, **kwargs)
        self.held = held
        for item in held:
            if item.work.ends:
                continue
            self.fields[item.work.key] = forms.ChoiceField(
                label=f"Who takes over: {item.work.label.lower()}",
                choices=[("", "Choose someone")]
                + [(str(c.uuid), c.full_name or c.email) for c in item.candidates],
                error_messages={
                    "required": f"Choose who takes over: {item.work.label.lower()}",
                    "invalid_choice": "Choose someone from the list",
                },
            )

    def new_owners(self) -> dict[str, User]:
        by_uuid = {str(c.uuid): c for item in self.held for c in item.candidates}
        return {key: by_uuid[value] for key, value in self.cleaned_data.items()}


@login_required
@require_http_methods(["GET", "POST"])
def leaver(request, user_uuid):
    if not can_open_leavers(request.user):
        raise Http404("No such person")
    person = _person_for(request.user, user_uuid)
    held = open_work_of(person)
    form = LeaverForm(request.POST if request.method == "POST" else None, held=held)
    if request.method == "POST" and form.is_valid():
        try:
            leaver_record(person=person, new_owners=form.new_owners(), by=request.user)
        except Refused as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, str(refusal))
        except PermissionDenied:
            raise Http404("No such person") from None
        else:
            messages.success(request, f"{person.full_name} has been recorded as a leaver.")
            return redirect("accounts:people")
    unowned = [item for item in held if not item.work.ends and not item.candidates]
    return render(
        request,
        "accounts/leaver.html",
        {
            "person": person,
            "form": form,
            "held": held,
            "unowned": unowned,
        },
    )
