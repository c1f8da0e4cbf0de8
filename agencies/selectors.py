"""Reads for the agency pages, each scoped to what the user may see: a professional sees
only the students they have an open link to, and of them only the plans, reviews and
placement summary; never a concern, a register or a visit."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import User
from placements.models import Placement, Review, ReviewEntry, SupportPlan
from students.models import AgencyLink, Student
from students.rules import can_link_agency, can_view_student, open_link, open_links_of


def get_link_for_professional(user: User, student_uuid: UUID | str) -> AgencyLink:
    """The user's open link to the student, or 404: a student they are not linked to, or
    no longer, is one they cannot tell exists."""
    student = Student.objects.select_related("home_school").filter(uuid=student_uuid).first()
    link = open_link(user, student) if student is not None else None
    if link is None:
        raise Http404("No student found")
    link.student = student
    return link


def get_review_for_professional(
    user: User, student_uuid: UUID | str, review_uuid: UUID | str
) -> Review:
    """One of the linked student's reviews, or 404."""
    link = get_link_for_professional(user, student_uuid)
    review = (
        Review.objects.select_related("placement__programme", "placement__provider")
        .filter(uuid=review_uuid, placement__student=link.student)
        .first()
    )
    if review is None:
        raise Http404("No review found")
    review.placement.student = link.student
    return review


def get_student_to_link(user: User, student_uuid: UUID | str) -> Student:
    """The student whose links the user keeps: 404 for a student they may not see, 403 for
    one they see but may not link (a monitoring officer, the safeguarding lead)."""
    student = Student.objects.select_related("home_school").filter(uuid=student_uuid).first()
    if student is None or not (can_view_student(user, student) or can_link_agency(user, student)):
        raise Http404("No student found")
    if not can_link_agency(user, student):
        raise PermissionDenied("Only the student's school or a CAP officer links an agency.")
    return student


def get_link_to_end(user: User, link_uuid: UUID | str) -> AgencyLink:
    link = (
        AgencyLink.objects.select_related("student__home_school", "professional", "agency")
        .filter(uuid=link_uuid)
        .first()
    )
    if link is None:
        raise Http404("No link found")
    get_student_to_link(user, link.student.uuid)
    if link.ended_at is not None:
        raise Http404("No link found")
    return link


def links_of(student: Student) -> list[AgencyLink]:
    """Every link of the student, open ones first. A student has a handful."""
    return list(
        AgencyLink.objects.filter(student=student)
        .select_related("professional", "agency", "created_by")
        .order_by(F("ended_at").desc(nulls_first=True), "-created_at", "-pk")
    )


def open_link_count(student: Student) -> int:
    return AgencyLink.objects.filter(student=student, ended_at__isnull=True).count()


def _new_since(model, *, path: str) -> Subquery:
    """How many of the linked student's records of `model` were added since the
    professional last opened the student's page (or since the link was made)."""
    records = (
        model.objects.filter(
            **{path: OuterRef("student_id")},
            recorded_at__gt=Coalesce(OuterRef("last_seen_at"), OuterRef("created_at")),
        )
        .order_by()
        .values(path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(records, output_field=IntegerField()), 0)


def linked_students_for(user: User) -> QuerySet[AgencyLink]:
    """The professional's open links with their students and what is new for each: new
    plans, new reviews and new notes or actions on reviews. One query a page."""
    return (
        open_links_of(user)
        .select_related("student__home_school", "agency")
        .annotate(
            new_plans=_new_since(SupportPlan, path="placement__student"),
            new_reviews=_new_since(Review, path="placement__student"),
            new_entries=_new_since(ReviewEntry, path="review__placement__student"),
        )
        .order_by("student__legal_last_name", "student__legal_first_name", "pk")
    )


def with_news(links: QuerySet[AgencyLink]) -> int:
    """How many of the links (from linked_students_for) have something new."""
    return (
        links.order_by()
        .filter(Q(new_plans__gt=0) | Q(new_reviews__gt=0) | Q(new_entries__gt=0))
        .count()
    )


def record_for(student: Student) -> list[Placement]:
    """The student's placements, latest first, each with its phases, plans and reviews and
    the reviews' notes and actions: five queries, whatever their number."""
    return list(
        Placement.objects.filter(student=student)
        .select_related("programme", "provider", "course")
        .prefetch_related(
            "phases",
            Prefetch("plans", queryset=SupportPlan.objects.order_by("-starts_on", "-id")),
            Prefetch(
                "reviews",
                queryset=Review.objects.order_by("-held_on", "-id").prefetch_related(
                    Prefetch(
                        "entries",
                        queryset=ReviewEntry.objects.select_related("recorded_by", "recorded_for"),
                    )
                ),
            ),
        )
        .order_by("-starts_on", "-id")
    )
