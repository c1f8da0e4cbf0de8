"""Demo quality assurance: a record, sites, a DSL, evidence, a termly review and site visits
for every demo provider. Most are approved; one has evidence about to expire (approved with
conditions); Sherbourne Valley Motor Skills' public liability insurance has expired, so it
is suspended, its courses leave the directory, and the demo has an application waiting for
its pack to be sent there. Safe to run again. Demo only."""

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import PROVIDER_KINDS, Organisation, OrganisationKind, User
from applications import services as application_services
from applications.models import Application
from demo.applications import demo_submit
from demo.people import SCHOOL_B, demo_user
from documents.storage import document_storage, new_stored_name
from programmes.models import Course
from programmes.selectors import year_current
from quality import services
from quality.models import (
    ComplianceArea,
    ContactKind,
    DfeRegistration,
    Evidence,
    EvidenceItem,
    EvidenceKind,
    EvidenceStatus,
    Rating,
    SettingType,
    Visit,
)
from students.models import Student

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LAPSED_UKPRN = "19990002"  # Sherbourne Valley Motor Skills: insurance expired
LAPSED_ITEM = "public-liability-insurance"
EXPIRING_UKPRN = "19990003"  # Quinton Park Hair and Beauty: DSL training about to expire
EXPIRING_ITEM = "dsl-training"
WAITING_UKPRN = "19990001"  # Canalside Construction Skills: a new policy waiting for CAP
WAITING_ITEM = "safeguarding-policy"
CONFIRMATIONS = {
    "scr-confirmation": (
        "Every member of staff working with students has an enhanced DBS check with a barred "
        "list check, recorded on the single central record."
    ),
    "school-safeguarding-letter": (
        "We confirm that we have carried out on everyone working with your students the "
        "safeguarding checks a school would carry out on its own staff, and that we will tell "
        "you of any change that might put a student at risk."
    ),
    "attendance-procedure": (
        "Attendance is taken at the start of every morning and afternoon session and absences "
        "are reported to the school and to CAP by 10am."
    ),
    "gems-declaration": "We meet the council's GEMS requirements, reviewed this year.",
}
DSL_NAMES = ["Sam Demo-Patel", "Chris Demo-Walsh", "Jo Demo-Okoro", "Alex Demo-Nowak"]


def load_demo_quality() -> int:
    """Records and evidence for every provider without a record. Returns how many."""
    services.framework_load()
    officer = demo_user("officer")
    providers = Organisation.objects.filter(
        kind__in=PROVIDER_KINDS, provider_record__isnull=True
    ).order_by("name")
    items = list(EvidenceItem.objects.select_related("area"))
    areas = list(ComplianceArea.objects.all())
    today = timezone.localdate()
    count = 0
    for index, organisation in enumerate(providers):
        with transaction.atomic():
            _provider(organisation, index, items=items, areas=areas, officer=officer, today=today)
        count += 1
    return count


def _provider(organisation, index, *, items, areas, officer, today) -> None:
    academy = organisation.kind == OrganisationKind.AP_ACADEMY
    slug = slugify(organisation.name)[:30]
    record = services.provider_record_save(
        organisation=organisation,
        data={
            "setting_type": SettingType.AP_ACADEMY if academy else SettingType.TRAINING_PROVIDER,
            "dfe_registration": (
                DfeRegistration.STATE_FUNDED if academy else DfeRegistration.NOT_REQUIRED
            ),
            "description": (
                f"{organisation.name} works with Coventry schools to give young people "
                "practical, supervised learning in small groups."
            ),
            "email": f"enquiries@{slug}.example.org",
        },
        by=None,
    )
    if organisation.postcode:
        services.site_add(
            provider=record,
            data={
                "name": "Main site",
                "address": organisation.address.removesuffix(", Coventry"),
                "town": "Coventry",
                "postcode": organisation.postcode,
                "is_main": True,
            },
            by=None,
        )
    services.contact_add(
        provider=record,
        data={
            "kind": ContactKind.DSL,
            "name": DSL_NAMES[index % len(DSL_NAMES)],
            "job_title": "Designated safeguarding lead",
            "email": f"dsl@{slug}.example.org",
            "phone": f"024 7696 {index:04d}",
        },
        by=None,
    )
    storage = document_storage()
    rows = []
    for item in items:
        issued_on = today - dt.timedelta(days=200 - index * 3)
        expires_on = issued_on + dt.timedelta(days=365) if item.expires else None
        if organisation.ukprn == LAPSED_UKPRN and item.key == LAPSED_ITEM:
            issued_on, expires_on = today - dt.timedelta(days=368), today - dt.timedelta(days=3)
        if organisation.ukprn == EXPIRING_UKPRN and item.key == EXPIRING_ITEM:
            issued_on, expires_on = today - dt.timedelta(days=345), today + dt.timedelta(days=20)
        evidence = Evidence(
            provider=record,
            item=item,
            issued_on=issued_on,
            expires_on=expires_on,
            status=EvidenceStatus.APPROVED,
            submitted_by=None,
            decided_by=officer,
            decided_at=timezone.now(),
        )
        if item.kind == EvidenceKind.DOCUMENT:
            evidence.filename = f"{item.key}.pdf"
            evidence.content_type = "application/pdf"
            evidence.size = len(PDF)
            evidence.stored_name = storage.save(new_stored_name(), ContentFile(PDF))
        else:
            evidence.confirmation = CONFIRMATIONS[item.key]
        rows.append(evidence)
    Evidence.objects.bulk_create(rows)
    services.review_record(
        provider=record,
        held_on=today - dt.timedelta(days=40 + index),
        summary="Termly compliance review with the provider's manager and DSL.",
        ratings=dict.fromkeys(areas, (Rating.GREEN, "")),
        by=officer,
    )
    first_site = record.sites.first()
    visit = services.visit_schedule(
        provider=record,
        site=first_site,
        scheduled_on=today - dt.timedelta(days=60 + index),
        purpose="Annual site visit",
        by=officer,
    )
    Visit.objects.filter(pk=visit.pk).update(
        visited_on=visit.scheduled_on,
        findings="Safe, well-organised site; registers taken every session.",
        rating=Rating.GREEN,
        recorded_by=officer,
    )
    services.visit_schedule(
        provider=record,
        site=first_site,
        scheduled_on=today + dt.timedelta(days=21 + index),
        purpose="Termly visit to see a session",
        by=officer,
    )
    if organisation.ukprn == WAITING_UKPRN:
        staff = User.objects.filter(memberships__organisation=organisation, is_active=True).first()
        if staff is not None:
            services.evidence_submit(
                provider=record,
                item=next(i for i in items if i.key == WAITING_ITEM),
                issued_on=today - dt.timedelta(days=2),
                expires_on=today + dt.timedelta(days=363),
                file=SimpleUploadedFile("safeguarding-policy-2026.pdf", PDF, "application/pdf"),
                by=staff,
            )


def load_demo_lapsed_application() -> None:
    """An application accepted by CAP for a course at the provider whose insurance has
    expired: sending its pack shows the warning or the refusal."""
    year = year_current()
    course = (
        Course.objects.filter(programme__year=year, provider__ukprn=LAPSED_UKPRN)
        .order_by("title")
        .first()
    )
    if course is None or Application.objects.filter(course=course).exists():
        return
    referrer = demo_user("coordinator.b")
    officer = demo_user("officer")
    student = next(
        (
            s
            for s in Student.objects.filter(
                home_school__urn=SCHOOL_B, applications__isnull=True
            ).order_by("upn")
            if s.year_group() in course.year_groups
        ),
        None,
    )
    if student is None:
        return
    a = demo_submit(student=student, programme=course.programme, course=course, by=referrer)
    application_services.application_accept(application=a, version=a.version, by=officer)
