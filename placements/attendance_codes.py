"""The national attendance codes in force from 19 August 2024 (statutory.md §1.2), as the
data migration 0003 loaded them. The migration keeps its own frozen copy; a test checks the
two agree. attendance_codes_ensure puts them back where a test database was flushed (a
browser test empties every table) or a database was made without migrations."""

from django.db import transaction

ATTENDING = "Attending the school"
ELSEWHERE = "Attending a place other than the school"
LEAVE = "Absent – leave of absence"
OTHER_AUTH = "Absent – other authorised reasons"
UNABLE = "Absent – unable to attend because of unavoidable cause"
UNAUTH = "Absent – unauthorised"
ADMIN = "Administrative"

# code, meaning, group, category, setting_records, session
CODES = [
    ("/", "Present at the start of the morning session", ATTENDING, "present", True, "am"),
    ("\\", "Present at the start of the afternoon session", ATTENDING, "present", True, "pm"),
    ("L", "Arrived late, before the register closed", ATTENDING, "present", True, ""),
    ("K", "Attending education arranged by the local authority", ELSEWHERE, "approved", False, ""),
    ("V", "Educational visit or trip", ELSEWHERE, "approved", True, ""),
    ("P", "Approved sporting activity", ELSEWHERE, "approved", True, ""),
    ("W", "Work experience", ELSEWHERE, "approved", True, ""),
    ("B", "Any other approved educational activity", ELSEWHERE, "approved", False, ""),
    ("D", "Dual registered: attending the other school", ELSEWHERE, "not_possible", False, ""),
    ("C1", "Leave for a regulated performance or employment abroad", LEAVE, "authorised", True, ""),
    ("M", "Leave for a medical or dental appointment", LEAVE, "authorised", True, ""),
    (
        "J1",
        "Leave for an interview for employment or a place at another school",
        LEAVE,
        "authorised",
        True,
        "",
    ),
    ("S", "Leave to study for a public examination", LEAVE, "authorised", True, ""),
    ("X", "Non-compulsory school age, not required to attend", LEAVE, "not_possible", True, ""),
    ("C2", "Leave: part-time timetable", LEAVE, "authorised", True, ""),
    ("C", "Leave for exceptional circumstances", LEAVE, "authorised", True, ""),
    ("T", "Parent travelling for occupational purposes", OTHER_AUTH, "authorised", True, ""),
    ("R", "Religious observance", OTHER_AUTH, "authorised", True, ""),
    ("I", "Illness (not a medical or dental appointment)", OTHER_AUTH, "authorised", True, ""),
    (
        "E",
        "Suspended or excluded, no alternative provision made",
        OTHER_AUTH,
        "authorised",
        True,
        "",
    ),
    ("Q", "Unable to attend: lack of access arrangements", UNABLE, "not_possible", True, ""),
    ("Y1", "Unable to attend: transport not available", UNABLE, "not_possible", True, ""),
    ("Y2", "Unable to attend: widespread disruption to travel", UNABLE, "not_possible", True, ""),
    ("Y3", "Unable to attend: part of the premises out of use", UNABLE, "not_possible", True, ""),
    ("Y4", "Unable to attend: whole site unexpectedly closed", UNABLE, "not_possible", True, ""),
    ("Y5", "Unable to attend: in criminal justice detention", UNABLE, "not_possible", True, ""),
    ("Y6", "Unable to attend: public health guidance or law", UNABLE, "not_possible", True, ""),
    ("Y7", "Unable to attend: any other unavoidable cause", UNABLE, "not_possible", True, ""),
    ("G", "Holiday not agreed", UNAUTH, "unauthorised", True, ""),
    ("N", "Reason for absence not yet established", UNAUTH, "unauthorised", True, ""),
    ("O", "Absent in other or unknown circumstances", UNAUTH, "unauthorised", True, ""),
    ("U", "Arrived after the register closed", UNAUTH, "unauthorised", True, ""),
    ("Z", "Prospective pupil not on the admission register", ADMIN, "not_possible", False, ""),
    ("#", "Planned whole or partial closure", ADMIN, "not_possible", False, ""),
]


@transaction.atomic
def attendance_codes_ensure() -> int:
    """Load any code that is missing; returns how many were added."""
    from placements.models import AttendanceCode

    have = set(AttendanceCode.objects.values_list("code", flat=True))
    missing = [
        AttendanceCode(
            code=code,
            meaning=meaning,
            group=group,
            category=category,
            setting_records=setting_records,
            session=session,
            order=order,
        )
        for order, (code, meaning, group, category, setting_records, session) in enumerate(CODES)
        if code not in have
    ]
    AttendanceCode.objects.bulk_create(missing)
    return len(missing)
