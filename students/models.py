"""The student record: identity, home school, needs and circumstances, Early Help, and
the parents and carers CAP may contact."""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from accounts.models import Organisation
from lib import dates, upn


def validate_upn(value: str) -> None:
    error = upn.upn_error(value)
    if error:
        raise ValidationError(error)
    if value != upn.normalise(value).upper():
        # Stored one way only, so that the same UPN cannot be held twice.
        raise ValidationError("Write the UPN in capital letters without spaces")


class Sex(models.TextChoices):
    """The census codes (statutory.md §3.4)."""

    FEMALE = "F", "Female"
    MALE = "M", "Male"
    UNKNOWN = "U", "Unknown"


class Ethnicity(models.TextChoices):
    """The CBDS main ethnicity codes (statutory.md §3.4)."""

    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy or Roma"
    WOTH = "WOTH", "Any other White background"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Black Caribbean"
    BAFR = "BAFR", "Black African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class SenProvision(models.TextChoices):
    """The census SEN provision codes (statutory.md §3.4)."""

    NONE = "N", "No special educational needs"
    SEN_SUPPORT = "K", "SEN support"
    EHC_PLAN = "E", "Education, health and care (EHC) plan"


class CarePlan(models.TextChoices):
    NONE = "none", "No plan"
    CHILD_IN_NEED = "child_in_need", "Child in need plan"
    CHILD_PROTECTION = "child_protection", "Child protection plan"


class Student(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    upn = models.CharField("UPN", max_length=13, validators=[validate_upn], unique=True)
    legal_first_name = models.CharField(max_length=100)
    legal_last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    home_school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="students")

    # Needs and circumstances
    sen_provision = models.CharField(
        "SEN provision", max_length=1, choices=SenProvision.choices, default=SenProvision.NONE
    )
    free_school_meals = models.BooleanField("Eligible for free school meals", default=False)
    looked_after = models.BooleanField("Looked after (known to the Virtual School)", default=False)
    care_plan = models.CharField(
        "Child protection or child in need plan",
        max_length=20,
        choices=CarePlan.choices,
        default=CarePlan.NONE,
    )
    youth_justice = models.BooleanField("Involved with Youth Justice", default=False)

    # Early Help: the steps a tier may require before a referral (applications.checks).
    early_help_offer_made = models.BooleanField("Early Help offer made", default=False)
    early_help_consent_gained = models.BooleanField("Consent gained", default=False)
    early_help_recorded_on_ehm = models.BooleanField(
        "Recorded on the Early Help Module (EHM)", default=False
    )
    early_help_assessment_and_plan = models.BooleanField(
        "Early Help assessment and plan in place", default=False
    )

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        indexes = [
            models.Index(fields=["home_school", "legal_last_name"]),
            # Retention finds the few students whose record ends by a day (privacy.retention).
            models.Index(fields=["date_of_birth"], name="student_date_of_birth"),
        ]

    def __str__(self) -> str:
        return f"{self.known_as} {self.legal_last_name}"

    @property
    def known_as(self) -> str:
        return self.preferred_name or self.legal_first_name

    @property
    def legal_name(self) -> str:
        return f"{self.legal_first_name} {self.legal_last_name}"

    @property
    def upn_is_temporary(self) -> bool:
        return upn.is_temporary(self.upn)

    @property
    def has_ehc_plan(self) -> bool:
        return self.sen_provision == SenProvision.EHC_PLAN

    @property
    def has_care_plan(self) -> bool:
        return self.care_plan != CarePlan.NONE

    def year_group(self, on: dt.date | None = None) -> int:
        """The national curriculum year group in the academic year holding `on` (today
        unless given)."""
        on = on or timezone.localdate()
        return dates.year_group(self.date_of_birth, dates.academic_year_start(on))


class Carer(models.Model):
    """A parent or carer of a student."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="carers")
    name = models.CharField(max_length=150)
    relationship = models.CharField("Relationship to the student", max_length=100)
    phone = models.CharField("Telephone number", max_length=30, blank=True)
    email = models.EmailField("E-mail address", blank=True)
    has_parental_responsibility = models.BooleanField("Has parental responsibility", default=False)
    lives_with_student = models.BooleanField("Lives with the student", default=False)
    consent_to_contact = models.BooleanField("Consents to CAP contacting them", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class EnrolmentStatus(models.TextChoices):
    """The school census enrolment status (statutory.md §1.4, §3.4): one school holds a
    student's single registration, or two hold it as main and subsidiary."""

    SINGLE = "C", "Single registration"
    MAIN = "M", "Main (dual registration)"
    SUBSIDIARY = "S", "Subsidiary (dual registration)"


# The statuses that make a school the student's own: it keeps the record and acts on it.
ON_ROLL = (EnrolmentStatus.SINGLE, EnrolmentStatus.MAIN)


class SchoolRegistration(models.Model):
    """A student on a school's admission register with one enrolment status, from a day to
    a day (the last day, inclusive; open while the registration goes on). A change of status
    ends one registration and opens the next, so the census status on any date is read
    from here. Written only by students.services, for the services that change where a
    student is registered (a placement with dual registration, a managed move)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="registrations")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="registrations")
    status = models.CharField("Enrolment status", max_length=1, choices=EnrolmentStatus.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="school_registration_ends_on_or_after_start",
            ),
            # One school at a time holds the student on roll with no end in sight.
            models.UniqueConstraint(
                fields=["student"],
                condition=models.Q(ends_on__isnull=True, status__in=["C", "M"]),
                name="school_registration_one_open_on_roll",
            ),
        ]
        indexes = [models.Index(fields=["school", "student"], name="registration_school")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} from {self.starts_on}"

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


# --- Agency professionals linked to a student ---------------------------------------------


class ConsentMethod(models.TextChoices):
    """How the parent or carer gave their consent to the link."""

    IN_WRITING = "in_writing", "In writing, on a signed form or letter"
    EMAIL = "email", "By e-mail"
    PHONE = "phone", "By telephone"
    IN_PERSON = "in_person", "In person, at a meeting"


class AgencyLinkEnd(models.TextChoices):
    """Why a link ended."""

    PLACEMENT_ENDED = "placement_ended", "The student's placement ended"
    NO_LONGER_INVOLVED = "no_longer_involved", "The professional no longer works with the student"
    CONSENT_WITHDRAWN = "consent_withdrawn", "The parent or carer withdrew their consent"
    MADE_IN_ERROR = "made_in_error", "The link was made in error"


class AgencyLink(models.Model):
    """An agency professional (Early Help, Youth Justice, the Virtual School…) working with
    a student, made by the student's school or a CAP officer with a parent's or carer's
    consent. While it lasts the professional reads the student's plans, reviews and
    placement summary, adds to reviews and may raise a safeguarding concern (students.rules
    says who). It ends when the student's last open placement ends, or when the school or
    CAP removes it; an ended link is kept as the record of who saw what and why."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="agency_links")
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agency_links"
    )
    agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    consent_given_by = models.CharField(
        "Who gave consent", max_length=150, help_text="Their name and relationship."
    )
    consent_given_on = models.DateField("Date consent was given")
    consent_method = models.CharField(
        "How consent was given", max_length=15, choices=ConsentMethod.choices
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # What is new for the professional: records added since they last opened the page.
    last_seen_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.CharField(max_length=20, choices=AgencyLinkEnd.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open link per professional and student.
            models.UniqueConstraint(
                fields=["student", "professional"],
                condition=models.Q(ended_at__isnull=True),
                name="agency_link_one_open",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True) | ~models.Q(end_reason=""),
                name="agency_link_ended_has_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["professional", "student"],
                condition=models.Q(ended_at__isnull=True),
                name="agency_link_open",
            )
        ]

    def __str__(self) -> str:
        return f"Agency link {str(self.uuid)[:8]}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None
