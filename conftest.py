"""Shared test fixtures: a small named cast of users (STYLE.md rule 15)."""

from types import SimpleNamespace

import pytest

from accounts.models import OrganisationKind, Role
from accounts.tests.factories import (
    LocalAuthorityFactory,
    OrganisationFactory,
    ProviderFactory,
    SchoolFactory,
    UserFactory,
    member,
)


@pytest.fixture(autouse=True)
def document_root(settings, tmp_path):
    """Uploaded documents go to a folder of the test's own, never into the project."""
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"


@pytest.fixture
def transactional_db(transactional_db, django_db_blocker):
    """Browser tests need a flushed database between tests. Django flushes SQLite with
    DELETE, which the append-only triggers of the audit, safeguarding and finance tables refuse, so
    they are lifted for the flush only; the tests of the triggers put them back first."""
    from django.db import connection

    from audit import db as audit_db
    from finance import db as finance_db
    from safeguarding import db as safeguarding_db

    guards = (audit_db, safeguarding_db, finance_db)
    for guard in guards:
        guard.install_guards(connection)
    yield
    if connection.vendor == "sqlite":
        for guard in guards:
            guard.drop_guards(connection)


@pytest.fixture
def cast(db):
    """Alice refers from school A; Bob from school B must see nothing of A's."""
    la = LocalAuthorityFactory()
    school_a = SchoolFactory(name="School A")
    school_b = SchoolFactory(name="School B")
    provider = ProviderFactory(name="Provider P")
    academy = OrganisationFactory(name="AP Academy", kind=OrganisationKind.AP_ACADEMY)
    agency = OrganisationFactory(name="Early Help")
    return SimpleNamespace(
        la=la,
        school_a=school_a,
        school_b=school_b,
        provider=provider,
        academy=academy,
        agency=agency,
        alice=member(school_a, Role.REFERRER, full_name="Alice Referrer"),
        bob=member(school_b, Role.REFERRER, full_name="Bob Referrer"),
        headteacher=member(school_a, Role.HEADTEACHER),
        school_dsl=member(school_a, Role.DSL),
        officer=member(la, Role.CAP_OFFICER, full_name="Olive Officer"),
        monitoring=member(la, Role.MONITORING_OFFICER),
        manager=member(la, Role.CAP_MANAGER, full_name="Mandy Manager"),
        finance=member(la, Role.FINANCE_OFFICER, full_name="Fran Finance"),
        safeguarding=member(la, Role.DSL),
        chair=member(la, Role.PANEL_MEMBER),
        provider_staff=member(provider, Role.PROVIDER_STAFF),
        academy_staff=member(academy, Role.PROVIDER_STAFF),
        agency_worker=member(agency, Role.AGENCY_PROFESSIONAL),
        outsider=UserFactory(full_name="Oscar Outsider"),
    )
