import datetime as dt

import factory
from stdnum.gb import upn

from accounts.tests.factories import SchoolFactory
from students.models import (
    CarePlan,
    Carer,
    EnrolmentStatus,
    Ethnicity,
    SchoolRegistration,
    SenProvision,
    Sex,
    Student,
)

# Before any clock a test sets: the student is on roll whatever day the test is about.
REGISTERED_FROM = dt.date(2020, 9, 1)


def _upn(n: int) -> str:
    body = f"3319999{25:02d}{n % 1000:03d}"
    return upn.calc_check_digit(body) + body


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student
        skip_postgeneration_save = True

    upn = factory.Sequence(_upn)
    legal_first_name = factory.Sequence(lambda n: f"Student{n}")
    legal_last_name = "Example"
    date_of_birth = dt.date(2012, 3, 4)
    sex = factory.Iterator([Sex.FEMALE, Sex.MALE])
    ethnicity = Ethnicity.WBRI
    sen_provision = SenProvision.NONE
    care_plan = CarePlan.NONE
    home_school = factory.SubFactory(SchoolFactory)

    @factory.post_generation
    def registered_from(student, create, extracted, **kwargs):
        """On the home school's roll, single-registered, from a day before any test's clock
        (or from the day given)."""
        if create:
            SchoolRegistration.objects.create(
                student=student,
                school=student.home_school,
                status=EnrolmentStatus.SINGLE,
                starts_on=extracted or REGISTERED_FROM,
            )


class CarerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carer

    student = factory.SubFactory(StudentFactory)
    name = factory.Sequence(lambda n: f"Carer {n}")
    relationship = "Mother"
    phone = "01632 960 001"
    email = factory.Sequence(lambda n: f"carer{n}@example.org")
    has_parental_responsibility = True
    lives_with_student = True
    consent_to_contact = True


def student_form_data(**changes) -> dict:
    """What a person types into the student form, for a valid new student."""
    return {
        "upn": "H801200001001",
        "legal_first_name": "Sam",
        "legal_last_name": "Smith",
        "preferred_name": "Sammy",
        "date_of_birth_day": "4",
        "date_of_birth_month": "3",
        "date_of_birth_year": "2012",
        "sex": "F",
        "ethnicity": "BCRB",
        "sen_provision": "K",
        "care_plan": "child_in_need",
        "circumstances": ["free_school_meals", "youth_justice"],
        "early_help": ["early_help_offer_made", "early_help_consent_gained"],
        **changes,
    }


def carer_form_data(**changes) -> dict:
    return {
        "name": "Pat Parent",
        "relationship": "Father",
        "phone": "07700 900 982",
        "email": "pat@example.org",
        "flags": ["has_parental_responsibility", "consent_to_contact"],
        **changes,
    }
