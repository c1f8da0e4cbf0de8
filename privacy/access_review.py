"""The termly access review: at the start of each term every organisation's administrator
(the CAP manager for the authority, and for an organisation with no administrator) is asked
to confirm its people. They are told when it opens and reminded before it is due; when it
is due, the people nobody confirmed are suspended (made inactive), and the administrator
can restore them from the review's page.

The scheduled job `run_access_reviews` (privacy/hooks.py) calls the three steps below each
working day; each is idempotent, so a missed day is caught up the next.
"""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from accounts.models import Membership, Organisation, OrganisationKind, Role, User
from accounts.rules import administered_organisation_ids, is_cap_manager
from accounts.services import administrator_emails
from audit.services import event_record
from lib.dates import add_working_days, working_days_before
from lib.errors import Refused
from privacy.models import AccessReview, Outcome, ReviewedPerson
from privacy.rules import check_can_review_access
from programmes.models import Term

# What an entry can be set to on the review's page.
DECIDED = {Outcome.CONFIRMED, Outcome.LEAVING}
# Who is still waiting for a decision: marked as left but still active counts, since the
# leaver has not been recorded.
UNSETTLED = (Outcome.PENDING, Outcome.LEAVING)


def term_on(day: dt.date) -> Term | None:
    """The term holding the day, if any."""
    return Term.objects.filter(starts_on__lte=day, ends_on__gte=day).order_by("-starts_on").first()


def reminder_on(review: AccessReview) -> dt.date:
    return working_days_before(review.due_on, settings.CAP_ACCESS_REVIEW_REMINDER_WORKING_DAYS)


# --- The scheduled steps ------------------------------------------------------------------


def access_reviews_open(*, today: dt.date) -> list[AccessReview]:
    """Open this term's review for every active organisation with active people that has
    none yet. Does nothing outside term time, or when every review is open."""
    term = term_on(today)
    if term is None:
        return []
    has_people = Membership.objects.filter(organisation=OuterRef("pk"), user__is_active=True)
    organisations = (
        Organisation.objects.filter(is_active=True)
        .filter(Exists(has_people))
        .exclude(Exists(AccessReview.objects.filter(organisation=OuterRef("pk"), term=term)))
        .order_by("pk")
    )
    return [access_review_open(organisation=o, term=term, today=today) for o in organisations]


@transaction.atomic
def access_review_open(*, organisation: Organisation, term: Term, today: dt.date) -> AccessReview:
    review = AccessReview.objects.create(
        organisation=organisation,
        term=term,
        opened_on=today,
        due_on=add_working_days(today, settings.CAP_ACCESS_REVIEW_WORKING_DAYS),
    )
    people = (
        User.objects.filter(is_active=True, memberships__organisation=organisation)
        .distinct()
        .values_list("pk", flat=True)
    )
    ReviewedPerson.objects.bulk_create(ReviewedPerson(review=review, user_id=pk) for pk in people)
    event_record(
        action="access_review.opened",
        obj=review,
        detail={"organisation": str(organisation.uuid), "people": len(people)},
    )
    transaction.on_commit(lambda: tell_reviewers.enqueue(review.pk, "opened"))
    return review


def access_reviews_remind(*, today: dt.date) -> int:
    """Remind the reviewers of each open review with people still to confirm, once, a few
    working days before it is due. Returns how many were reminded."""
    reminded = 0
    waiting = AccessReview.objects.filter(
        closed_at__isnull=True,
        reminded_at__isnull=True,
        due_on__gte=today,
        people__outcome__in=UNSETTLED,
        people__user__is_active=True,
    ).distinct()
    for review in waiting:
        if reminder_on(review) > today:
            continue
        with transaction.atomic():
            if AccessReview.objects.filter(pk=review.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            ):
                event_record(action="access_review.reminded", obj=review)
                transaction.on_commit(lambda pk=review.pk: tell_reviewers.enqueue(pk, "reminder"))
                reminded += 1
    return reminded


def access_reviews_close_due(*, today: dt.date) -> int:
    """Close every review past its due date, suspending the people nobody confirmed.
    Returns how many people were suspended."""
    due = AccessReview.objects.filter(closed_at__isnull=True, due_on__lt=today).order_by("pk")
    return sum(access_review_close(review=review) for review in due)


@transaction.atomic
def access_review_close(*, review: AccessReview) -> int:
    """Suspend the active people of the review whom nobody confirmed, and close it. Someone
    already inactive (recorded as a leaver) is left as they are."""
    if not AccessReview.objects.filter(pk=review.pk, closed_at__isnull=True).update(
        closed_at=timezone.now()
    ):
        return 0  # another run closed it
    entries = list(
        review.people.filter(outcome__in=UNSETTLED, user__is_active=True)
        # The CAP manager is the last resort who restores everyone else: never locked out.
        .exclude(user__in=_cap_managers())
        .select_related("user")
    )
    for entry in entries:
        User.objects.filter(pk=entry.user_id).update(is_active=False)
        entry.outcome = Outcome.SUSPENDED
        entry.decided_at, entry.decided_by = timezone.now(), None
        entry.save(update_fields=["outcome", "decided_at", "decided_by"])
        event_record(
            action="user.suspended", obj=entry.user, detail={"access_review": str(review.uuid)}
        )
    event_record(action="access_review.closed", obj=review, detail={"suspended": len(entries)})
    if entries:
        transaction.on_commit(lambda: tell_reviewers.enqueue(review.pk, "suspended"))
    return len(entries)


def _cap_managers() -> QuerySet[Membership]:
    return Membership.objects.filter(
        organisation__kind=OrganisationKind.LOCAL_AUTHORITY, role=Role.CAP_MANAGER
    ).values("user_id")


# --- What the reviewer does ----------------------------------------------------------------


@transaction.atomic
def access_review_confirm(
    *, review: AccessReview, decisions: dict[int, str], by: User
) -> dict[str, int]:
    """Record the reviewer's answer for each person (by entry id): confirmed, or marked as
    left (their leaver is then recorded on the leaver page). The reviewer's own entry is
    confirmed by their completing the review. Refused once the review has closed."""
    check_can_review_access(by, review)
    if review.closed_at is not None:
        raise Refused("This review has closed: restore anyone suspended instead")
    now = timezone.now()
    counts = {Outcome.CONFIRMED.value: 0, Outcome.LEAVING.value: 0}
    entries = review.people.filter(
        outcome__in=(*UNSETTLED, Outcome.CONFIRMED), user__is_active=True
    )
    for entry in entries:
        outcome = Outcome.CONFIRMED if entry.user_id == by.pk else decisions.get(entry.pk)
        if outcome not in DECIDED or outcome == entry.outcome:
            continue
        ReviewedPerson.objects.filter(pk=entry.pk).update(
            outcome=outcome, decided_at=now, decided_by=by
        )
        counts[outcome] += 1
    event_record(actor=by, action="access_review.answered", obj=review, detail=counts)
    return counts


@transaction.atomic
def access_review_restore(*, entry: ReviewedPerson, by: User) -> ReviewedPerson:
    """Make active again a person the review suspended. The account is the person's, not
    the organisation's: while they still hold a role at this organisation, an administrator
    restores them only when every role they hold is at an organisation they review; anyone
    else is restored by the CAP manager, from any organisation's review."""
    if not is_cap_manager(by):
        check_can_review_access(by, entry.review)
    if entry.outcome != Outcome.SUSPENDED:
        raise Refused("Only someone the review suspended can be restored here")
    roles = Membership.objects.filter(user_id=entry.user_id)
    if not roles.filter(organisation_id=entry.review.organisation_id).exists():
        raise Refused("They no longer have a role here, so they are not restored here")
    if (
        not is_cap_manager(by)
        and roles.exclude(organisation_id__in=administered_organisation_ids(by)).exists()
    ):
        raise Refused("They also work elsewhere: ask the CAP manager to restore them")
    User.objects.filter(pk=entry.user_id).update(is_active=True)
    ReviewedPerson.objects.filter(pk=entry.pk).update(
        outcome=Outcome.RESTORED, decided_at=timezone.now(), decided_by=by
    )
    event_record(
        actor=by,
        action="user.restored",
        obj=entry.user,
        detail={"access_review": str(entry.review.uuid)},
    )
    entry.refresh_from_db()
    return entry


# --- Reads -------------------------------------------------------------------------------


def review_people(review: AccessReview) -> list[ReviewedPerson]:
    """The review's people with their roles at the organisation, in two queries."""
    roles_here = Membership.objects.filter(organisation_id=review.organisation_id).order_by("role")
    return list(
        review.people.select_related("user").prefetch_related(
            Prefetch("user__memberships", queryset=roles_here, to_attr="roles_here")
        )
    )


def _with_counts(reviews: QuerySet[AccessReview]) -> QuerySet[AccessReview]:
    return reviews.select_related("organisation", "term__year").annotate(
        people_count=Count("people"),
        confirmed_count=Count(
            "people", filter=Q(people__outcome__in=(Outcome.CONFIRMED, Outcome.RESTORED))
        ),
        waiting_count=Count(
            "people",
            filter=Q(people__outcome__in=UNSETTLED, people__user__is_active=True),
        ),
        suspended_count=Count("people", filter=Q(people__outcome=Outcome.SUSPENDED)),
    )


def reviews_current(reviews: QuerySet[AccessReview]) -> QuerySet[AccessReview]:
    """The reviews of the latest term that has any, with their counts."""
    latest = reviews.order_by("-term__starts_on").values_list("term_id", flat=True).first()
    return _with_counts(reviews.filter(term_id=latest)).order_by("organisation__name", "pk")


def reviewer_emails(review: AccessReview) -> list[str]:
    """The organisation's active administrators; the CAP managers for the authority and for
    an organisation with none."""
    authorities = Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY, is_active=True)
    return administrator_emails(review.organisation) or sorted(
        {email for authority in authorities for email in administrator_emails(authority)}
    )


SUBJECTS = {
    "opened": "Confirm who still works for {organisation} in CAP by {due}",
    "reminder": "Reminder: confirm who still works for {organisation} in CAP by {due}",
    "suspended": "CAP accounts at {organisation} have been suspended",
}


@task()
def tell_reviewers(review_id: int, what: str) -> None:
    """The notice, the reminder or the news of suspensions: names the organisation and
    counts people, nothing about any student."""
    review = _with_counts(AccessReview.objects.filter(pk=review_id)).get()
    recipients = reviewer_emails(review)
    if not recipients:
        return
    due = f"{review.due_on.day} {review.due_on:%B %Y}"
    send_mail(
        subject=SUBJECTS[what].format(organisation=review.organisation.name, due=due),
        message=render_to_string(
            "privacy/email/access_review.txt",
            {
                "review": review,
                "what": what,
                "due": due,
                "url": settings.CAP_BASE_URL + reverse("privacy:access_review", args=[review.uuid]),
                "service_name": settings.CAP_SERVICE_NAME,
            },
        ),
        from_email=None,
        recipient_list=recipients,
    )
