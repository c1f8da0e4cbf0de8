"""The people pages: who has which role, giving and removing roles, and inviting people.

They are the CAP manager's (everyone), each organisation's administrator's (their
organisation's people) and the authority's safeguarding lead's (the authority's people, for
the safeguarding lead role). What each may do is in accounts/rules.py; the services ask the
same rules, so nothing here is the only guard."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import services
from accounts.forms import InviteForm, OrganisationChoiceForm, PeopleSearchForm, RoleForm
from accounts.models import Invitation, Membership, User
from accounts.rules import (
    can_end_membership,
    can_invite_person,
    can_manage_people,
    can_record_leaver,
    can_resend_invitation,
    can_reset_second_factor,
    grant_organisations,
    is_cap_manager,
    people_visible_to,
)

PEOPLE_PER_PAGE = 50


def people_required(view):
    """The people pages are a whole area: others are refused before any view code runs."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not can_manage_people(request.user):
            raise PermissionDenied("This part of CAP is for the people who give roles.")
        return view(request, *args, **kwargs)

    return wrapped


def _shown_memberships(actor: User) -> QuerySet[Membership]:
    """The roles the actor sees: all for the CAP manager; for others, those at the
    organisations where they give roles (not the person's roles elsewhere)."""
    memberships = Membership.objects.select_related("organisation")
    if is_cap_manager(actor):
        return memberships
    return memberships.filter(organisation__in=grant_organisations(actor))


def _person_for(request, person_uuid) -> User:
    """The person, if the actor may see them; otherwise 404, as if there were no such
    person."""
    person = people_visible_to(request.user, User.objects.filter(uuid=person_uuid)).first()
    if person is None:
        raise Http404
    return person


def _pending_invitation(person: User) -> Invitation | None:
    return (
        Invitation.objects.filter(user=person, used_at__isnull=True, replaced_at__isnull=True)
        .select_related("organisation", "invited_by")
        .first()
    )


def _organisation_step(request):
    """Where the role is to be given: from ?organisation=<uuid> or a posted field, or the
    actor's only organisation. Returns (organisation, form to choose one)."""
    choices = grant_organisations(request.user)
    chosen = request.POST.get("organisation") or request.GET.get("organisation")
    query = request.GET.get("q", "")
    if chosen:
        form = OrganisationChoiceForm({"organisation": chosen}, actor=request.user, query=query)
        if form.is_valid():
            return form.cleaned_data["organisation"], None
        return None, form
    only = list(choices[:2])
    if len(only) == 1:
        return only[0], None
    return None, OrganisationChoiceForm(actor=request.user, query=query)


@people_required
@require_GET
def people(request):
    """Everyone the actor gives roles to, 50 a page, found by name or e-mail address."""
    query = request.GET.get("q", "").strip()[:100]
    found = people_visible_to(request.user, User.objects.all())
    if query:
        found = found.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    found = found.order_by("full_name", "pk").prefetch_related(
        Prefetch("memberships", queryset=_shown_memberships(request.user), to_attr="shown_roles")
    )
    page_obj = Paginator(found, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/people/list.html",
        {
            "page": page_obj,
            "query": query,
            "search": PeopleSearchForm({"q": query}),
            "may_invite": can_invite_person(request.user),
        },
    )


@people_required
@require_GET
def person(request, person_uuid):
    subject = _person_for(request, person_uuid)
    roles = list(_shown_memberships(request.user).filter(user=subject))
    for membership in roles:
        membership.may_end = can_end_membership(request.user, membership)
    invitation = _pending_invitation(subject)
    return render(
        request,
        "accounts/people/person.html",
        {
            "person": subject,
            "roles": roles,
            "may_give": subject.pk != request.user.pk and subject.is_active,
            "invitation": invitation,
            "may_resend": invitation is not None
            and can_resend_invitation(request.user, invitation),
            "now": timezone.now(),
            "user_is_manager": is_cap_manager(request.user),
            "may_record_leaver": subject.is_active and can_record_leaver(request.user, subject),
            "may_reset_second_factor": subject.is_active
            and can_reset_second_factor(request.user, subject),
        },
    )


@people_required
@require_http_methods(["GET", "POST"])
def person_role_add(request, person_uuid):
    subject = _person_for(request, person_uuid)
    if subject.pk == request.user.pk:
        raise PermissionDenied("Nobody can give themselves a role. Ask someone else to.")
    organisation, choose = _organisation_step(request)
    if organisation is None:
        return render(
            request,
            "accounts/people/organisation_choose.html",
            {"form": choose, "person": subject, "heading": f"Give {subject.full_name} a role"},
        )
    form = RoleForm(
        request.POST if request.method == "POST" else None,
        actor=request.user,
        organisation=organisation,
        person=subject,
    )
    if request.method == "POST" and form.is_valid():
        membership = services.membership_create(
            user=subject,
            organisation=organisation,
            role=form.cleaned_data["role"],
            by=request.user,
        )
        messages.success(request, f"{subject.full_name} is now {_role_words(membership)}")
        return redirect("accounts:person", person_uuid=subject.uuid)
    return render(
        request,
        "accounts/people/role_add.html",
        {
            "form": form,
            "person": subject,
            "organisation": organisation,
            "several": grant_organisations(request.user).count() > 1,
        },
    )


def _role_words(membership: Membership) -> str:
    return f"{membership.get_role_display().lower()} at {membership.organisation.name}"


@people_required
@require_http_methods(["GET", "POST"])
def person_role_remove(request, person_uuid, membership_uuid):
    subject = _person_for(request, person_uuid)
    membership = _shown_memberships(request.user).filter(user=subject, uuid=membership_uuid).first()
    if membership is None:
        raise Http404
    if not can_end_membership(request.user, membership):
        raise PermissionDenied("You cannot remove this role.")
    if request.method == "POST":
        services.membership_end(membership=membership, by=request.user)
        messages.success(request, f"{subject.full_name} is no longer {_role_words(membership)}")
        return redirect("accounts:person", person_uuid=subject.uuid)
    return render(
        request,
        "accounts/people/role_remove.html",
        {"person": subject, "membership": membership},
    )


@people_required
@require_http_methods(["GET", "POST"])
def person_invite(request):
    organisation, choose = _organisation_step(request)
    if organisation is None:
        return render(
            request,
            "accounts/people/organisation_choose.html",
            {"form": choose, "heading": "Invite a person"},
        )
    form = InviteForm(
        request.POST if request.method == "POST" else None,
        actor=request.user,
        organisation=organisation,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invited, invitation = services.person_invite(
            email=data["email"],
            full_name=data["full_name"],
            job_title=data["job_title"],
            organisation=organisation,
            role=data["role"],
            by=request.user,
        )
        if invitation is not None:
            messages.success(request, f"Invitation sent to {invited.email}")
        else:
            messages.success(
                request,
                f"{invited.full_name} already has an account: they have been given the role "
                "and told by e-mail",
            )
        return redirect("accounts:person", person_uuid=invited.uuid)
    return render(
        request,
        "accounts/people/invite.html",
        {
            "form": form,
            "organisation": organisation,
            "several": grant_organisations(request.user).count() > 1,
            "invitation_hours": settings.CAP_INVITATION_HOURS,
        },
    )


@people_required
@require_POST
def person_invitation_resend(request, person_uuid):
    subject = _person_for(request, person_uuid)
    invitation = _pending_invitation(subject)
    if invitation is None:
        raise Http404
    if not can_resend_invitation(request.user, invitation):
        raise PermissionDenied("You cannot send this invitation again.")
    services.invitation_resend(invitation=invitation, by=request.user)
    messages.success(
        request, f"A new link has been sent to {subject.email}. The old one no longer works"
    )
    return redirect("accounts:person", person_uuid=subject.uuid)
