"""Background work for money, run by `manage.py db_worker`: a term's statements, a batch
of schools and providers to a task, so a worker stops soon after it is told to and a run
asked for again carries on where it stopped; and the e-mail that tells a school or provider
its statement is ready."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from applications.rules import school_recipients
from finance import services
from finance.models import Fee, Party, Statement, StatementRun
from finance.rules import fee_agreers, statement_recipients

logger = logging.getLogger(__name__)


@task()
def issue_statements(run_id: int, batch: list[list]) -> int:
    run = StatementRun.objects.select_related("term__year").get(pk=run_id)
    try:
        return services.statement_run_batch(run=run, batch=batch)
    except Exception:
        # The log names the run only; asking for the run again issues what is missing.
        logger.exception("Statements failed in run %s", run_id)
        raise
    finally:
        # Even when the batch stopped part way, those it issued are told: asking again
        # issues only the rest, so nothing else would tell them.
        _tell_batch(run, batch)


def _tell_batch(run: StatementRun, batch: list[list]) -> None:
    wanted = {(organisation_id, party) for organisation_id, party in batch}
    made = [
        pk
        for pk, organisation_id, party in Statement.objects.filter(
            run=run, organisation_id__in={organisation_id for organisation_id, _ in wanted}
        ).values_list("pk", "organisation_id", "party")
        if (organisation_id, party) in wanted
    ]
    if made:
        transaction.on_commit(lambda: tell_statement_issued.enqueue(made))


def statement_run_enqueue(run: StatementRun, batches: list[list]) -> None:
    """Queue a run's batches once the run is saved."""
    for batch in batches:
        transaction.on_commit(lambda batch=batch: issue_statements.enqueue(run.pk, batch))


def statement_url(statement: Statement) -> str:
    """The statement's page in its reader's own area: a school's or a provider's."""
    area = "schools" if statement.party == Party.SCHOOL else "providers"
    return settings.CAP_BASE_URL + reverse(f"finance:{area}_statement", args=[statement.uuid])


@task()
def tell_statement_issued(statement_ids: list[int]) -> int:
    """Tell each statement's readers at its school or provider that it is ready: one short
    e-mail a statement with its number, term and total and a link to it in CAP, where
    access is checked. A statement's lines name students; the e-mail names none. Returns
    how many e-mails were sent."""
    sent = 0
    statements = Statement.objects.filter(pk__in=statement_ids).select_related(
        "organisation", "term__year", "corrects"
    )
    for statement in statements.order_by("pk"):
        recipients = statement_recipients(statement)
        if not recipients:
            continue
        subject = (
            f"Statement {statement.number} corrects statement {statement.corrects.number}"
            if statement.corrects_id
            else f"Your statement for the {statement.term} is ready"
        )
        send_mail(
            subject=subject,
            message=render_to_string(
                "finance/email/statement_issued.txt",
                {
                    "statement": statement,
                    "url": statement_url(statement),
                    "authority_name": settings.CAP_AUTHORITY_NAME,
                    "service_name": settings.CAP_SERVICE_NAME,
                },
            ),
            from_email=None,
            recipient_list=recipients,
        )
        sent += 1
    return sent


@task()
def tell_school_fee_to_agree(fee_id: int) -> int:
    """Tell the school that a place's fee was raised before its start, so its budget holder
    must agree it again before CAP confirms the start: the reference, the old and new fee
    and a link to the application in CAP. It names no student. Returns how many were sent."""
    fee = Fee.objects.select_related("application__school").get(pk=fee_id)
    change = fee.changes.order_by("-changed_at", "-pk").first()
    application = fee.application
    # The person who applied, or the school's coordinators and headteachers, who may agree it.
    recipients = sorted(set(school_recipients(application)) & fee_agreers(application))
    if not recipients or change is None:
        return 0
    send_mail(
        subject=f"CAP application {application.reference}: the fee has changed",
        message=render_to_string(
            "finance/email/fee_to_agree.txt",
            {
                "application": application,
                "change": change,
                "url": settings.CAP_BASE_URL
                + reverse("applications:detail", args=[application.uuid]),
                "authority_name": settings.CAP_AUTHORITY_NAME,
                "service_name": settings.CAP_SERVICE_NAME,
            },
        ),
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)
