import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import Event
from students import services
from students.models import Carer, Student
from students.tests.factories import CarerFactory, StudentFactory


def fields(**changes) -> dict:
    return {
        "upn": "H801200001001",
        "legal_first_name": "Sam",
        "legal_last_name": "Smith",
        "preferred_name": "",
        "date_of_birth": dt.date(2012, 3, 4),
        "sex": "F",
        "ethnicity": "WBRI",
        "sen_provision": "K",
        "care_plan": "none",
        "free_school_meals": True,
        "looked_after": False,
        "youth_justice": False,
        "early_help_offer_made": True,
        "early_help_consent_gained": False,
        "early_help_recorded_on_ehm": False,
        "early_help_assessment_and_plan": False,
        **changes,
    }


def events(action: str) -> list[Event]:
    return list(Event.objects.filter(action=action))


def test_a_school_adds_its_own_student_and_the_event_names_no_one(cast):
    student = services.student_create(school=cast.school_a, by=cast.alice, **fields())
    assert student.home_school == cast.school_a
    assert student.free_school_meals and student.early_help_offer_made
    [event] = events("student.created")
    assert event.actor == cast.alice and event.object_id == str(student.uuid)
    assert event.detail["school"] == str(cast.school_a.uuid)
    assert "Sam" not in str(event.detail) and "Smith" not in str(event.detail)


def test_a_new_student_is_single_registered_at_the_school_from_today(cast):
    student = services.student_create(school=cast.school_a, by=cast.alice, **fields())
    [registration] = student.registrations.all()
    assert (registration.school, registration.status) == (cast.school_a, "C")
    assert (registration.starts_on, registration.ends_on) == (timezone.localdate(), None)


def test_a_move_is_refused_on_or_before_the_day_the_student_joined(cast):
    student = services.student_create(school=cast.school_a, by=cast.alice, **fields())
    today = timezone.localdate()
    assert services.move_refusal(student=student, to=cast.school_b, on=today) == (
        "The move must be after the student joined their school's roll, on "
        f"{today.day} {today:%B} {today.year}"
    )
    assert services.move_refusal(student=student, to=cast.school_a, on=today).startswith(
        "The student is already"
    )
    tomorrow = today + dt.timedelta(days=1)
    assert services.move_refusal(student=student, to=cast.school_b, on=tomorrow) is None


def test_a_temporary_upn_is_recorded_as_such(cast):
    services.student_create(school=cast.school_a, by=cast.alice, **fields(upn="G80120000101A"))
    assert events("student.created")[0].detail["temporary_upn"] is True


def test_a_school_cannot_add_a_student_to_another_school(cast):
    with pytest.raises(PermissionDenied):
        services.student_create(school=cast.school_b, by=cast.alice, **fields())
    assert not Student.objects.exists()


def test_a_upn_held_anywhere_is_refused_without_saying_whose_it_is(cast):
    StudentFactory(upn="H801200001001", home_school=cast.school_b, legal_first_name="Bea")
    with pytest.raises(services.DuplicateUPN) as error:
        services.student_create(school=cast.school_a, by=cast.alice, **fields())
    message = str(error.value)
    assert "already on CAP's records" in message and "contact the CAP team" in message
    assert "Bea" not in message and "School B" not in message
    assert Student.objects.count() == 1 and not events("student.created")


def test_the_same_names_and_date_of_birth_at_the_same_school_is_a_likely_duplicate(cast):
    existing = StudentFactory(
        home_school=cast.school_a,
        legal_first_name="SAM",
        legal_last_name="smith",
        date_of_birth=dt.date(2012, 3, 4),
    )
    with pytest.raises(services.LikelyDuplicate) as error:
        services.student_create(school=cast.school_a, by=cast.alice, **fields())
    assert error.value.existing == existing
    assert Student.objects.count() == 1


def test_a_likely_duplicate_can_be_confirmed_as_a_different_student(cast):
    existing = StudentFactory(
        home_school=cast.school_a,
        legal_first_name="Sam",
        legal_last_name="Smith",
        date_of_birth=dt.date(2012, 3, 4),
    )
    student = services.student_create(
        school=cast.school_a, by=cast.alice, confirm_not_duplicate=True, **fields()
    )
    assert student.pk != existing.pk
    assert events("student.created")[0].detail["confirmed_not_duplicate_of"] == str(existing.uuid)


@pytest.mark.parametrize(
    "difference",
    [
        {"date_of_birth": dt.date(2012, 3, 5)},
        {"legal_first_name": "Samuel"},
        {"legal_last_name": "Smyth"},
    ],
)
def test_a_different_name_or_date_of_birth_is_not_a_duplicate(cast, difference):
    StudentFactory(
        home_school=cast.school_a,
        legal_first_name="Sam",
        legal_last_name="Smith",
        date_of_birth=dt.date(2012, 3, 4),
    )
    services.student_create(school=cast.school_a, by=cast.alice, **fields(**difference))
    assert Student.objects.count() == 2


def test_the_same_name_at_another_school_is_not_a_duplicate(cast):
    StudentFactory(
        home_school=cast.school_b,
        legal_first_name="Sam",
        legal_last_name="Smith",
        date_of_birth=dt.date(2012, 3, 4),
    )
    services.student_create(school=cast.school_a, by=cast.alice, **fields())
    assert Student.objects.count() == 2


def test_a_field_that_is_not_the_schools_to_set_is_refused(cast):
    with pytest.raises(TypeError, match="home_school"):
        services.student_create(
            school=cast.school_a, by=cast.alice, **fields(home_school=cast.school_b)
        )


def test_a_change_records_the_fields_changed_but_not_their_values(cast):
    student = StudentFactory(home_school=cast.school_a, looked_after=False)
    services.student_update(
        student=student, by=cast.alice, looked_after=True, legal_last_name="Newname"
    )
    student.refresh_from_db()
    assert student.looked_after and student.legal_last_name == "Newname"
    [event] = events("student.changed")
    assert event.detail["fields"] == ["legal_last_name", "looked_after"]
    assert "Newname" not in str(event.detail)


def test_a_change_that_changes_nothing_records_nothing(cast):
    student = StudentFactory(home_school=cast.school_a)
    services.student_update(student=student, by=cast.alice, upn=student.upn)
    assert not events("student.changed")


def test_a_upn_cannot_be_changed_to_one_already_held(cast):
    StudentFactory(upn="H801200001001", home_school=cast.school_b)
    student = StudentFactory(home_school=cast.school_a)
    with pytest.raises(services.DuplicateUPN):
        services.student_update(student=student, by=cast.alice, upn="H801200001001")


def test_another_school_cannot_change_a_student(cast):
    student = StudentFactory(home_school=cast.school_a)
    with pytest.raises(PermissionDenied):
        services.student_update(student=student, by=cast.bob, looked_after=True)
    with pytest.raises(PermissionDenied):
        services.student_update(student=student, by=cast.officer, looked_after=True)


def test_carers_are_added_changed_and_removed_with_an_event_each(cast):
    student = StudentFactory(home_school=cast.school_a)
    carer = services.carer_add(
        student=student,
        by=cast.alice,
        name="Pat Parent",
        relationship="Father",
        phone="01632 960 001",
        email="",
        has_parental_responsibility=True,
        lives_with_student=True,
        consent_to_contact=False,
    )
    services.carer_update(carer=carer, by=cast.alice, consent_to_contact=True)
    carer.refresh_from_db()
    assert carer.consent_to_contact
    services.carer_remove(carer=carer, by=cast.alice)
    assert not Carer.objects.exists()
    actions = [e.action for e in Event.objects.order_by("id")]
    assert actions == ["student.carer_added", "student.carer_changed", "student.carer_removed"]
    assert all(
        e.object_id == str(student.uuid) and e.detail["carer"] == str(carer.uuid)
        for e in Event.objects.all()
    )
    assert "Pat" not in str([e.detail for e in Event.objects.all()])


def test_another_school_cannot_touch_a_students_carers(cast):
    carer = CarerFactory(student__home_school=cast.school_a)
    with pytest.raises(PermissionDenied):
        services.carer_add(student=carer.student, by=cast.bob, name="X", relationship="Aunt")
    with pytest.raises(PermissionDenied):
        services.carer_update(carer=carer, by=cast.bob, name="X")
    with pytest.raises(PermissionDenied):
        services.carer_remove(carer=carer, by=cast.bob)
    assert Carer.objects.count() == 1
