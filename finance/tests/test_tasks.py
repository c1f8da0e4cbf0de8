"""Money's background work: a run's batches issue the term's statements, and each statement's
readers at its school or provider are e-mailed a link to it, naming no student."""

import io

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import SchoolFactory, member
from finance import services, tasks
from finance.models import Party, Statement
from finance.tests.test_statement_views import autumn, scenario, year  # noqa: F401 - fixtures
from students.models import Student


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def autumn_placed(autumn, scenario):  # noqa: F811
    """The autumn term, in which School A has two placements at Provider P."""
    return autumn


def run_term(term, by, capture) -> None:
    with capture(execute=True), transaction.atomic():
        run, batches = services.statement_run_start(term=term, by=by)
        tasks.statement_run_enqueue(run, batches)


def test_a_run_e_mails_each_statement_s_readers_a_link_naming_no_student(
    cast, autumn_placed, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(services, "BATCH", 1)  # two batches: each tells only its own
    run_term(autumn_placed, cast.finance, django_capture_on_commit_callbacks)
    school = Statement.objects.get(party=Party.SCHOOL)
    provider = Statement.objects.get(party=Party.PROVIDER)
    by_recipients = {tuple(message.to): message for message in mail.outbox}
    assert len(mail.outbox) == 2
    to_school = by_recipients[tuple(sorted([cast.alice.email, cast.headteacher.email]))]
    to_provider = by_recipients[(cast.provider_staff.email,)]
    assert to_school.subject == "Your statement for the Autumn term 2025-26 is ready"
    assert school.number in to_school.body and "£13,586.36" in to_school.body
    assert (
        settings.CAP_BASE_URL + reverse("finance:schools_statement", args=[school.uuid])
        in to_school.body
    )
    assert (
        settings.CAP_BASE_URL + reverse("finance:providers_statement", args=[provider.uuid])
        in to_provider.body
    )
    for student in Student.objects.all():
        for message in mail.outbox:
            assert student.legal_last_name not in message.body
            assert student.known_as not in message.body


def test_the_school_s_dsl_and_other_schools_are_not_told(
    cast, autumn_placed, django_capture_on_commit_callbacks
):
    run_term(autumn_placed, cast.finance, django_capture_on_commit_callbacks)
    told = {address for message in mail.outbox for address in message.to}
    assert cast.school_dsl.email not in told
    assert cast.bob.email not in told
    assert cast.finance.email not in told


def test_the_scheduled_command_e_mails_too(cast, autumn_placed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("make_statements", term_id=autumn_placed.pk, stdout=io.StringIO())
    assert Statement.objects.count() == 2
    assert len(mail.outbox) == 2


def test_a_correction_says_what_it_corrects(cast, autumn_placed):
    statement = services.statement_issue(
        organisation=cast.school_a, party=Party.SCHOOL, term=autumn_placed, by=cast.finance
    )
    correction = services.statement_correct(
        statement=statement, reason="A fee was wrong", by=cast.finance
    )
    assert tasks.tell_statement_issued.call([correction.pk]) == 1
    (message,) = mail.outbox
    assert message.subject == (
        f"Statement {correction.number} corrects statement {statement.number}"
    )
    assert f"It replaces statement {statement.number}" in message.body


def test_nobody_to_tell_sends_nothing(cast, autumn_placed):
    quiet = SchoolFactory()
    member(quiet, Role.DSL)  # reads no statements
    statement = Statement.objects.create(
        number="CAP-2025-26-00099",
        organisation=quiet,
        party=Party.SCHOOL,
        term=autumn_placed,
        payment="authority_pays_providers",
        total_pence=0,
        issued_at=timezone.now(),
    )
    assert tasks.tell_statement_issued.call([statement.pk]) == 0
    assert not mail.outbox


def test_a_batch_that_stops_part_way_still_tells_those_it_issued(
    cast, autumn_placed, django_capture_on_commit_callbacks, monkeypatch
):
    issue = services.statement_issue

    def school_then_failure(*, organisation, **kwargs):
        if organisation == cast.provider:
            raise RuntimeError("The worker was stopped")
        return issue(organisation=organisation, **kwargs)

    monkeypatch.setattr(services, "statement_issue", school_then_failure)
    run, batches = services.statement_run_start(term=autumn_placed, by=cast.finance)
    (batch,) = batches
    batch.sort(key=lambda pair: pair[1] != Party.SCHOOL)  # the school's first
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        tasks.issue_statements.call(run.pk, batch)
    assert Statement.objects.get().organisation == cast.school_a
    (message,) = mail.outbox
    assert message.to == sorted([cast.alice.email, cast.headteacher.email])
