"""The demo's people: the Coventry secondary schools, agencies, one demo user per role and
synthetic students with their carers. Safe to run again. Demo only (manage.py load_demo)."""

import datetime as dt
import random
from decimal import Decimal

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.gb import upn

from accounts.models import Organisation, OrganisationKind, Role, User
from accounts.services import membership_create
from lib.dates import academic_year_start
from programmes.models import AcademicYear, AgreementBand, Subscription
from students.models import CarePlan, Carer, Ethnicity, SenProvision, Sex, Student
from students.services import registration_first

K = OrganisationKind

# Coventry state-funded secondary schools (shared/reference/statutory.md §6.2).
SCHOOLS = [
    ("135335", "Grace Academy Coventry", "Wigston Road", "CV2 2RH"),
    ("136126", "Sidney Stringer Academy", "2 Primrose Hill Street", "CV1 5LY"),
    ("136963", "Finham Park School", "Green Lane", "CV3 6EA"),
    ("137209", "West Coventry Academy", "Tile Hill Lane", "CV4 9PW"),
    ("137225", "The Westwood Academy", "Mitchell Avenue, Canley", "CV4 8DY"),
    ("137272", "Blue Coat Church of England School and Music College", "Terry Road", "CV1 2BA"),
    ("138023", "Coundon Court", "Northbrook Road", "CV6 2AJ"),
    ("139292", "Caludon Castle School", "Axholme Road, Wyken", "CV2 5BD"),
    ("140248", "President Kennedy School Academy", "Rookery Lane", "CV6 4GL"),
    ("140366", "Ernesford Grange Community Academy", "Princethorpe Way", "CV3 2QD"),
    ("141992", "Cardinal Wiseman Catholic School", "Potters Green Road", "CV2 2AJ"),
    ("142339", "Barr's Hill School", "Radford Road", "CV1 4BU"),
    ("142960", "Lyng Hall School", "Blackberry Lane", "CV2 3JS"),
    ("145179", "Stoke Park School", "Dane Road", "CV2 4JW"),
    ("146436", "Foxford Community School", "Grange Road, Longford", "CV6 6BB"),
    ("147345", "Bishop Ullathorne Catholic School", "Leasowes Avenue", "CV3 6BH"),
    ("147346", "Cardinal Newman Catholic School", "Sandpits Lane, Keresley", "CV6 2FR"),
    ("148429", "Meadow Park School", "Abbey Road, Whitley", "CV3 4BD"),
]
# Schools in the demo that have not taken out the service level agreement.
UNSUBSCRIBED = {"142960", "145179"}
# A demo band of the agreement's price (the model file names none), and the school on it.
BAND_NAME = "Smaller schools (fewer than 800 pupils)"
BAND_SHARE = Decimal("0.75")
BANDED = "148429"  # Meadow Park School
# Who signed each school's agreement: invented names, the headteacher's or business manager's.
SIGNATORIES = [
    ("Dr Helen Okafor", "Headteacher"),
    ("Simon Demo-Baker", "School business manager"),
    ("Angela Demo-Rees", "Headteacher"),
    ("Kwame Demo-Mensah", "Director of finance and operations"),
    ("Lucy Demo-Fraser", "Headteacher"),
]

AGENCIES = ["Early Help", "Coventry Youth Justice Service", "Coventry Virtual School"]

SCHOOL_A, SCHOOL_B = "136963", "139292"  # Finham Park, Caludon Castle
PROVIDER_UKPRN = "19990001"  # a demo provider from the model file

# (e-mail name, full name, job title, organisation, role)
DEMO_USERS = [
    ("coordinator", "Priya Shah", "CAP coordinator", SCHOOL_A, Role.REFERRER),
    ("coordinator.b", "Tom Hughes", "SENCo", SCHOOL_B, Role.REFERRER),
    ("headteacher", "Dr Helen Okafor", "Headteacher", SCHOOL_A, Role.HEADTEACHER),
    ("school.dsl", "Mark Evans", "Designated safeguarding lead", SCHOOL_A, Role.DSL),
    ("officer", "Aisha Begum", "CAP officer", "la", Role.CAP_OFFICER),
    (
        "monitoring",
        "Gareth Jones",
        "Personalised Learning and Outreach Officer",
        "la",
        Role.MONITORING_OFFICER,
    ),
    ("manager", "Rachel Turner", "CAP manager", "la", Role.CAP_MANAGER),
    ("safeguarding", "Joanne Price", "CAP safeguarding lead", "la", Role.DSL),
    ("panel.chair", "David Clarke", "LA officer, panel chair", "la", Role.PANEL_MEMBER),
    ("panel.vice", "Lauren Bell", "LA officer, panel vice chair", "la", Role.PANEL_MEMBER),
    ("panel.member", "Nadia Ali", "Early Help manager, panel member", "agency", Role.PANEL_MEMBER),
    ("panel.head", "Paul Reid", "Headteacher, panel member", SCHOOL_B, Role.PANEL_MEMBER),
    ("provider", "Kelly Morgan", "Course leader", "provider", Role.PROVIDER_STAFF),
    ("academy", "Imran Hussain", "Refocus lead", "academy", Role.PROVIDER_STAFF),
    ("early.help", "Sophie Wright", "Early Help worker", "agency", Role.AGENCY_PROFESSIONAL),
    ("finance", "Chris Patel", "Finance officer", "la", Role.FINANCE_OFFICER),
]

FIRST_NAMES = [
    "Alex",
    "Jordan",
    "Casey",
    "Riley",
    "Morgan",
    "Taylor",
    "Jamie",
    "Charlie",
    "Reece",
    "Kai",
    "Leah",
    "Maya",
    "Ibrahim",
    "Zara",
    "Tyler",
    "Amelia",
    "Noah",
    "Ruby",
    "Harvey",
    "Aleena",
]
LAST_NAMES = [
    "Demo-Adams",
    "Demo-Brown",
    "Demo-Carter",
    "Demo-Davies",
    "Demo-Edwards",
    "Demo-Fisher",
    "Demo-Green",
    "Demo-Hall",
    "Demo-Iqbal",
    "Demo-Khan",
]


CARER_FIRST_NAMES = {
    "female": ["Sarah", "Michelle", "Nadia", "Gemma", "Farah", "Lisa", "Agnieszka", "Grace"],
    "male": ["Daniel", "Mohammed", "Lee", "Paul", "Tomasz", "Wayne", "Emeka", "Gurpreet"],
}
MALE_RELATIONSHIPS = {"Father", "Stepfather", "Grandfather"}
# Coventry-like proportions, roughly: synthetic, not statistics.
ETHNICITY_WEIGHTS = {
    Ethnicity.WBRI: 50,
    Ethnicity.WOTH: 8,
    Ethnicity.WROM: 2,
    Ethnicity.MWBC: 5,
    Ethnicity.MOTH: 3,
    Ethnicity.AIND: 7,
    Ethnicity.APKN: 5,
    Ethnicity.ABAN: 2,
    Ethnicity.BAFR: 8,
    Ethnicity.BCRB: 3,
    Ethnicity.OOTH: 3,
    Ethnicity.NOBT: 3,
    Ethnicity.REFU: 1,
}


def synthetic_upn(school_index: int, serial: int) -> str:
    """A UPN that passes the check-letter rule but is plainly synthetic: establishment
    numbers 99xx are not used by Coventry's secondary schools."""
    body = f"331{99:02d}{school_index:02d}25{serial:03d}"
    return upn.calc_check_digit(body) + body


def demo_email(name: str) -> str:
    """The address of the demo user called `name` in DEMO_USERS, e.g. "officer"."""
    return f"{name}@{settings.CAP_DEMO_EMAIL_DOMAIN}"


def demo_user(name: str) -> User:
    return User.objects.get(email=demo_email(name))


def load_demo_organisations() -> dict[str, Organisation]:
    """The council, the schools and the agencies, with the model's demo provider and
    academy, keyed as DEMO_USERS names them ("la", "provider", "academy", "agency" or a
    school's URN)."""
    la, _ = Organisation.objects.get_or_create(
        kind=K.LOCAL_AUTHORITY,
        name=settings.CAP_AUTHORITY_NAME,
        defaults={
            "address": "One Friargate, Coventry",
            "postcode": "CV1 2GN",
            "telephone": "024 7697 2062",
        },
    )
    schools = {}
    for urn, name, address, postcode in SCHOOLS:
        schools[urn], _ = Organisation.objects.get_or_create(
            urn=urn,
            defaults={"kind": K.SCHOOL, "name": name, "address": address, "postcode": postcode},
        )
    agencies = [
        Organisation.objects.get_or_create(kind=K.AGENCY, name=name)[0] for name in AGENCIES
    ]
    provider = Organisation.objects.filter(ukprn=PROVIDER_UKPRN).first()
    academy = Organisation.objects.filter(kind=K.AP_ACADEMY).first()
    if provider is None or academy is None:
        raise CommandError("Load the model of support first (manage.py load_model).")
    return {
        "la": la,
        "provider": provider,
        "academy": academy,
        "agency": agencies[0],
        **schools,
    }


def load_demo_users(*, organisations: dict[str, Organisation]) -> None:
    for email_name, full_name, job_title, org_key, role in DEMO_USERS:
        user = User.objects.filter(email=demo_email(email_name)).first()
        if user is None:
            user = User.objects.create_user(
                demo_email(email_name),
                settings.CAP_DEMO_PASSWORD,
                full_name=full_name,
                job_title=job_title,
            )
        membership_create(user=user, organisation=organisations[org_key], role=role, by=None)
        load_demo_authenticator(user)


def load_demo_authenticator(user: User) -> None:
    """Every demo user's authenticator app holds the one demo secret, which the sign-in page
    shows in demo mode, so a tester can enter the code like anyone else."""
    TOTPDevice.objects.update_or_create(
        user=user,
        name="Demo authenticator app",
        defaults={"key": settings.CAP_DEMO_TOTP_KEY, "confirmed": True},
    )


def load_demo_subscriptions(*, schools: dict[str, Organisation]) -> None:
    """Every school but two subscribes each year, at the year's price (one school on a
    smaller school's band), signed before the year starts; a year whose signing date is
    still to come is not signed yet."""
    today = timezone.localdate()
    for year in AcademicYear.objects.all():
        band = None
        if year.agreement_price_pence:
            band, _ = AgreementBand.objects.get_or_create(
                year=year,
                name=BAND_NAME,
                defaults={"price_pence": int(year.agreement_price_pence * BAND_SHARE)},
            )
        signed_on = year.starts_on - dt.timedelta(days=70)
        for index, (urn, school) in enumerate(schools.items()):
            if urn in UNSUBSCRIBED:
                continue
            banded = band if urn == BANDED else None
            name, role = SIGNATORIES[0 if urn == SCHOOL_A else 1 + index % 4]
            terms = {
                "band": banded,
                "price_pence": banded.price_pence if banded else year.agreement_price_pence,
                **(
                    {"signed_on": signed_on, "signed_by": f"{name}, {role}"}
                    if signed_on <= today
                    else {}
                ),
            }
            subscription, made = Subscription.objects.get_or_create(
                year=year,
                school=school,
                defaults={"tier1_placements": year.sla_tier1_placements, **terms},
            )
            if made:
                continue
            # Made by a demo from before agreements had prices, or before its signing date.
            missing = {}
            if not subscription.price_pence and subscription.band_id is None:
                missing |= {"band": terms["band"], "price_pence": terms["price_pence"]}
            if subscription.signed_on is None and "signed_on" in terms:
                missing |= {"signed_on": terms["signed_on"], "signed_by": terms["signed_by"]}
            if missing:
                Subscription.objects.filter(pk=subscription.pk).update(**missing)


def load_demo_students(*, schools: dict[str, Organisation]) -> None:
    """Ten synthetic students in each school, Years 7 to 11, with their carers."""
    rng = random.Random(2025)  # noqa: S311 - synthetic names, not security
    this_year = academic_year_start(timezone.localdate())
    for index, school in enumerate(schools.values(), start=1):
        for serial in range(1, 11):
            year_group = 7 + (serial % 5)
            # Born in the academic year (September to August) that puts them in
            # `year_group` now.
            born_in = this_year - year_group - 5
            month = rng.choice([9, 11, 1, 3, 6])
            student, _ = Student.objects.get_or_create(
                upn=synthetic_upn(index, serial),
                defaults={
                    "legal_first_name": rng.choice(FIRST_NAMES),
                    "legal_last_name": rng.choice(LAST_NAMES),
                    "date_of_birth": dt.date(
                        born_in if month >= 9 else born_in + 1, month, rng.randint(1, 28)
                    ),
                    "home_school": school,
                    **_needs(rng),
                },
            )
            # On the roll since the September they started Year 7.
            registration_first(student=student, starts_on=dt.date(this_year - year_group + 7, 9, 1))
            # Drawn whether or not they are saved, so every run makes the same choices.
            carers = _carers(rng, student)
            if not student.carers.exists():
                Carer.objects.bulk_create(carers)


def _needs(rng: random.Random) -> dict:
    """Plausible needs, circumstances and Early Help steps for one synthetic student."""
    offer = rng.random() < 0.6
    consent = offer and rng.random() < 0.7
    on_ehm = consent and rng.random() < 0.8
    return {
        "sex": rng.choices([Sex.MALE, Sex.FEMALE, Sex.UNKNOWN], weights=[60, 38, 2])[0],
        "ethnicity": rng.choices(list(ETHNICITY_WEIGHTS), weights=ETHNICITY_WEIGHTS.values())[0],
        "sen_provision": rng.choices(
            [SenProvision.NONE, SenProvision.SEN_SUPPORT, SenProvision.EHC_PLAN],
            weights=[45, 40, 15],
        )[0],
        "free_school_meals": rng.random() < 0.5,
        "looked_after": rng.random() < 0.08,
        "care_plan": rng.choices(
            [CarePlan.NONE, CarePlan.CHILD_IN_NEED, CarePlan.CHILD_PROTECTION],
            weights=[75, 17, 8],
        )[0],
        "youth_justice": rng.random() < 0.1,
        "early_help_offer_made": offer,
        "early_help_consent_gained": consent,
        "early_help_recorded_on_ehm": on_ehm,
        "early_help_assessment_and_plan": on_ehm and rng.random() < 0.6,
    }


def _carers(rng: random.Random, student: Student) -> list[Carer]:
    """One or two invented parents or carers, with numbers from Ofcom's drama range and
    e-mail addresses at a reserved domain."""
    if student.looked_after:
        relationships = ["Foster carer", "Mother"]
    else:
        main = rng.choice(["Mother", "Mother", "Father", "Grandmother"])
        other = rng.choice(
            [r for r in ("Father", "Stepfather", "Grandfather", "Aunt") if r != main]
        )
        relationships = [main, other]
    carers = []
    for number, relationship in enumerate(relationships[: rng.choice([1, 1, 2])]):
        first = rng.choice(
            CARER_FIRST_NAMES["male" if relationship in MALE_RELATIONSHIPS else "female"]
        )
        last = student.legal_last_name if relationship != "Foster carer" else rng.choice(LAST_NAMES)
        carers.append(
            Carer(
                student=student,
                name=f"{first} {last}",
                relationship=relationship,
                phone=f"07700 900{rng.randint(0, 999):03d}",
                email=f"{first.lower()}.{last.lower()}@example.com",
                has_parental_responsibility=relationship in {"Mother", "Father"},
                lives_with_student=number == 0,
                consent_to_contact=rng.random() < 0.85,
            )
        )
    return carers
