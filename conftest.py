"""Shared test fixtures: a small named cast of users (STYLE.md rule 15), the stores
documents are kept in, and sign-in with a second factor for the test client."""

import os
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core import mail
from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import OrganisationKind, Role
from accounts.services import VERIFIED_AT_SESSION_KEY
from accounts.tests.factories import (
    LocalAuthorityFactory,
    OrganisationFactory,
    ProviderFactory,
    SchoolFactory,
    UserFactory,
    member,
)
from accounts.tests.second_factor import authenticator
from lib import words


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    # What an earlier test's server thread wrote after that test ended is not this test's.
    words.take_recorded()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """The words check (lib.words): the test fails on a visible HTML entity, an ISO date,
    "a.m." or a broken plural in any page or PDF it made (recorded by
    lib.words.WordsCheckMiddleware and lib.pdf) or any e-mail it sent."""
    result = yield
    problems = words.take_recorded()
    for message in getattr(mail, "outbox", None) or []:
        where = f"e-mail {message.subject!r}"
        problems += [f"{where}: {p}" for p in words.text_problems(message.subject)]
        problems += [f"{where}: {p}" for p in words.text_problems(message.body)]
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                problems += [f"{where} (HTML): {p}" for p in words.html_problems(content)]
    if problems:
        listed = "\n".join(f"  {p}" for p in dict.fromkeys(problems))
        if report := os.environ.get("CAP_WORDS_REPORT"):
            # A long run's findings as they come (CAP_WORDS_REPORT=/tmp/words.txt).
            with open(report, "a", encoding="utf-8") as file:
                file.write(f"{item.nodeid}\n{listed}\n")
        pytest.fail(f"The words check found:\n{listed}", pytrace=False)
    return result


@pytest.fixture(autouse=True)
def document_root(settings, tmp_path):
    """Uploaded documents go to a folder of the test's own, never into the project."""
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"


def verify_session(client, user) -> None:
    """Make the client's session one that has passed the second factor with the user's
    authenticator app just now, as the code page would after a right code."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session[VERIFIED_AT_SESSION_KEY] = time.time()
    session.save()


@pytest.fixture(autouse=True)
def force_login_passes_the_second_factor(request, monkeypatch):
    """client.force_login signs in past the second factor too: the session is verified with
    a real device of the user's (made on demand), so OTPMiddleware finds it as it would after
    the code page. A test of the second factor itself opts out with
    @pytest.mark.second_factor_unverified."""
    if request.node.get_closest_marker("second_factor_unverified"):
        return
    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        verify_session(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


S3_BUCKET = "cap-documents"
S3_REGION = "eu-west-2"
S3_KEYS = {"access_key": "testing", "secret_key": "testing"}


@pytest.fixture(scope="session")
def s3_server():
    """An S3-compatible server of the test run's own (moto's), on a free port of 127.0.0.1,
    with one bucket. It starts the first time a test asks for it; each xdist worker starts
    its own."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=S3_REGION,
        aws_access_key_id=S3_KEYS["access_key"],
        aws_secret_access_key=S3_KEYS["secret_key"],
    )
    client.create_bucket(
        Bucket=S3_BUCKET, CreateBucketConfiguration={"LocationConstraint": S3_REGION}
    )
    yield SimpleNamespace(endpoint=endpoint, client=client)
    server.stop()


class LocalStore:
    kind = "local"

    def __init__(self, root: Path):
        self.root = root

    def objects(self) -> dict[str, bytes]:
        """Every file the store holds, as its bytes on disk."""
        if not self.root.exists():
            return {}
        return {
            p.relative_to(self.root).as_posix(): p.read_bytes()
            for p in self.root.rglob("*")
            if p.is_file()
        }


class S3Store:
    kind = "s3"

    def __init__(self, client, prefix: str):
        self.client, self.prefix = client, prefix

    def objects(self) -> dict[str, bytes]:
        """Every object the store holds, as its bytes in the bucket."""
        listed = self.client.list_objects_v2(Bucket=S3_BUCKET, Prefix=f"{self.prefix}/")
        return {
            entry["Key"].removeprefix(f"{self.prefix}/"): self.client.get_object(
                Bucket=S3_BUCKET, Key=entry["Key"]
            )["Body"].read()
            for entry in listed.get("Contents", ())
        }


@pytest.fixture(params=["local", "s3"])
def each_store(request, settings):
    """Runs the test twice: with documents on this machine's disk, then in an S3 bucket on
    the test run's own server, as CAP_STORAGE=s3 sets it up (each test under a prefix of its
    own). Gives the store's raw contents, to check what is kept there."""
    if request.param == "local":
        return LocalStore(settings.CAP_DOCUMENT_ROOT)
    server = request.getfixturevalue("s3_server")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "documents.s3.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": S3_BUCKET,
                "endpoint_url": server.endpoint,
                "region_name": S3_REGION,
                "location": prefix,
                **S3_KEYS,
            },
        },
    }
    return S3Store(server.client, prefix)


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
