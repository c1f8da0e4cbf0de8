"""Background work for money, run by `manage.py db_worker`: a term's statements, a batch
of schools and providers to a task, so a worker stops soon after it is told to and a run
asked for again carries on where it stopped."""

import logging

from django.db import transaction
from django_tasks import task

from finance import services
from finance.models import StatementRun

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


def statement_run_enqueue(run: StatementRun, batches: list[list]) -> None:
    """Queue a run's batches once the run is saved."""
    for batch in batches:
        transaction.on_commit(lambda batch=batch: issue_statements.enqueue(run.pk, batch))
