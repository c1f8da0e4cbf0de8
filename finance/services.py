"""Every write to money: fees, their changes and agreements, statements and their runs, and
the finance system's codes. Keyword-only, atomic, audited; amounts in whole pence."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Organisation, User
from applications.models import Application, ApplicationDocument
from applications.workflow import Status
from audit.services import event_record
from finance import selectors
from finance.export import export_rows
from finance.models import (
    Fee,
    FeeChange,
    FinanceCodes,
    Statement,
    StatementCounter,
    StatementLine,
    StatementRun,
)
from finance.rules import check_can_agree_fee, check_can_manage_money
from lib.errors import Conflict, Refused
from lib.money import pounds
from programmes.models import Term

# --- Fees -------------------------------------------------------------------------------


def _course_fee_pence(application: Application) -> int:
    course = application.course
    if course is None or course.fee is None:
        return 0
    return int(course.fee * 100)


@transaction.atomic
def fee_set_from_course(*, application: Application, by: User) -> Fee:
    """The place's fee, copied from the course when the place is offered (or the place is
    set up on a route with no provider's offer). Kept once set: the course's fee may change
    later, the place's does not, except by fee_change."""
    fee, made = Fee.objects.get_or_create(
        application=application,
        defaults={"amount_pence": _course_fee_pence(application), "set_at": timezone.now()},
    )
    if made:
        event_record(
            actor=by,
            action="fee.set",
            obj=fee,
            detail={"application": str(application.uuid), "amount_pence": fee.amount_pence},
        )
    return fee


def _move(fee: Fee, *, version: int, **changes) -> Fee:
    if not Fee.objects.filter(pk=fee.pk, version=version).update(
        version=F("version") + 1, **changes
    ):
        raise Conflict("The fee was changed by someone else.")
    fee.refresh_from_db()
    return fee


@transaction.atomic
def fee_change(*, fee: Fee, amount_pence: int, reason: str, version: int, by: User) -> Fee:
    """Change a place's fee, with the reason. A fee raised before the start is confirmed
    needs the budget holder's agreement again."""
    check_can_manage_money(by)
    reason = reason.strip()
    if not reason:
        raise Refused("Enter why the fee is changing", field="reason")
    if amount_pence < 0:
        raise Refused("The fee must be £0.00 or more", field="amount")
    if amount_pence == fee.amount_pence:
        raise Refused(f"The fee is already {pounds(amount_pence)}", field="amount")
    previous = fee.amount_pence
    changes = {"amount_pence": amount_pence}
    before_start = fee.application.status == Status.PROVIDER_ACCEPTED
    if before_start and fee.agreed and amount_pence > previous:
        changes |= {
            "agreed_by": "",
            "agreed_by_role": "",
            "agreed_on": None,
            "agreement_document": None,
            "agreement_recorded_by": None,
        }
    fee = _move(fee, version=version, **changes)
    FeeChange.objects.create(
        fee=fee,
        previous_pence=previous,
        amount_pence=amount_pence,
        reason=reason,
        changed_by=by,
        changed_at=timezone.now(),
    )
    event_record(
        actor=by,
        action="fee.changed",
        obj=fee,
        detail={"previous_pence": previous, "amount_pence": amount_pence},
    )
    return fee


@transaction.atomic
def fee_agree(
    *,
    fee: Fee,
    agreed_by: str,
    agreed_by_role: str,
    agreed_on: dt.date,
    document: ApplicationDocument | None,
    version: int,
    by: User,
) -> Fee:
    """Record that the school's budget holder agreed the fee: who, their role, when, and the
    signed agreement among the application's documents."""
    check_can_agree_fee(by, fee.application)
    if fee.application.status != Status.PROVIDER_ACCEPTED:
        raise Refused("The fee can be agreed only while the place is offered and not yet started")
    if not agreed_by.strip():
        raise Refused("Enter the budget holder's name", field="agreed_by")
    if not agreed_by_role.strip():
        raise Refused("Enter the budget holder's role", field="agreed_by_role")
    if agreed_on > timezone.localdate():
        raise Refused("The date of the agreement must be today or in the past", field="agreed_on")
    if document is not None and document.application_id != fee.application_id:
        raise Refused("Choose one of this application's documents", field="document")
    fee = _move(
        fee,
        version=version,
        agreed_by=agreed_by.strip(),
        agreed_by_role=agreed_by_role.strip(),
        agreed_on=agreed_on,
        agreement_document=document,
        agreement_recorded_by=by,
    )
    event_record(
        actor=by,
        action="fee.agreed",
        obj=fee,
        detail={
            "amount_pence": fee.amount_pence,
            "agreed_on": str(agreed_on),
            "document": document.filename if document else "",
        },
    )
    return fee


def fee_check_agreed(*, application: Application) -> None:
    """Refuse to confirm the start of a place whose fee the budget holder has not agreed."""
    fee = Fee.objects.filter(application=application).first()
    if fee is not None and fee.amount_pence and not fee.agreed:
        raise Refused(
            f"The school's budget holder has not agreed the fee of {pounds(fee.amount_pence)}. "
            "The school records their agreement on the application's page."
        )


def fee_mark_withdrawn(*, application: Application, by: User) -> None:
    """A place withdrawn after the provider offered it and before it was set up: the year's
    rules say what, if anything, it costs."""
    fee = Fee.objects.filter(application=application).first()
    if fee is None or fee.withdrawn_on is not None:
        return
    Fee.objects.filter(pk=fee.pk).update(withdrawn_on=timezone.localdate())
    event_record(actor=by, action="fee.withdrawn", obj=fee)


# --- Statements -------------------------------------------------------------------------


def _next_number(term: Term) -> str:
    """The next statement number in the term's year. Call inside a transaction: the
    counter's row is locked until it ends, so numbers have no gaps and no repeats."""
    counter, _ = StatementCounter.objects.get_or_create(year_id=term.year_id)
    counter = StatementCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"CAP-{term.year.name}-{counter.last:05d}"


def _issue(
    draft: selectors.Draft,
    *,
    by: User | None,
    run: StatementRun | None = None,
    corrects: Statement | None = None,
    reason: str = "",
) -> Statement:
    statement = Statement.objects.create(
        number=_next_number(draft.term),
        organisation=draft.organisation,
        party=draft.party,
        term=draft.term,
        payment=draft.payment,
        total_pence=draft.total_pence,
        corrects=corrects,
        reason=reason,
        run=run,
        issued_at=timezone.now(),
        issued_by=by,
    )
    StatementLine.objects.bulk_create(
        StatementLine(statement=statement, order=i, **line)
        for i, line in enumerate(draft.lines, start=1)
    )
    event_record(
        actor=by,
        action="statement.corrected" if corrects else "statement.issued",
        obj=statement,
        detail={
            "number": statement.number,
            "total_pence": statement.total_pence,
            "corrects": corrects.number if corrects else "",
        },
    )
    return statement


def statement_issue(
    *,
    organisation: Organisation,
    party: str,
    term: Term,
    by: User | None,
    run: StatementRun | None = None,
    years: selectors.Years | None = None,
) -> Statement | None:
    """Issue the term's statement for a school or provider: None when it has one already
    (so a run asked for twice makes each statement once) or nothing to say."""
    if by is not None:
        check_can_manage_money(by)
    if _issued(organisation, party, term):
        return None
    draft = selectors.statement_draft(organisation, party, term, years=years)
    if not draft.lines:
        return None
    try:
        with transaction.atomic():
            if _issued(organisation, party, term):
                return None
            return _issue(draft, by=by, run=run)
    except IntegrityError:
        # Another worker issued it between the check and the insert.
        if _issued(organisation, party, term):
            return None
        raise


def _issued(organisation: Organisation, party: str, term: Term) -> bool:
    return Statement.objects.filter(
        organisation=organisation, party=party, term=term, corrects__isnull=True
    ).exists()


@transaction.atomic
def statement_correct(*, statement: Statement, reason: str, by: User) -> Statement:
    """A new statement in place of an issued one, worked out from the fees and placements as
    they are now. Only an organisation's latest statement can be corrected: a change to an
    earlier term comes out on the next statement instead."""
    check_can_manage_money(by)
    reason = reason.strip()
    if not reason:
        raise Refused("Enter why the statement is being corrected", field="reason")
    statement = Statement.objects.select_related("organisation", "term__year").get(pk=statement.pk)
    if Statement.objects.filter(corrects=statement).exists():
        raise Refused(f"Statement {statement.number} has already been corrected")
    later = Statement.objects.filter(
        organisation=statement.organisation,
        party=statement.party,
        term__starts_on__gt=statement.term.starts_on,
    )
    if later.exists():
        raise Refused(
            f"A later statement has been issued to {statement.organisation.name}: "
            "changes now come out on the next statement"
        )
    draft = selectors.statement_draft(
        statement.organisation, statement.party, statement.term, corrects=statement
    )
    return _issue(draft, by=by, corrects=statement, reason=reason)


# --- The finance system's codes ----------------------------------------------------------


@transaction.atomic
def finance_codes_save(*, organisation: Organisation, by: User, **codes: str) -> FinanceCodes:
    check_can_manage_money(by)
    cleaned = {name: value.strip() for name, value in codes.items()}
    row, _ = FinanceCodes.objects.update_or_create(organisation=organisation, defaults=cleaned)
    event_record(actor=by, action="finance_codes.saved", obj=organisation, detail=cleaned)
    return row


def finance_export(*, term: Term, by: User) -> list[list[str]]:
    """The term's rows for the finance system's import (finance.export), with the export
    audited; ExportRefused, and nothing audited, while a row cannot be coded."""
    check_can_manage_money(by)
    rows = export_rows(term)
    event_record(
        actor=by,
        action="finance.exported",
        obj=term,
        detail={"term": str(term), "rows": len(rows)},
    )
    return rows


# --- A term's statements, in the background ------------------------------------------------

BATCH = 25  # statements to a task: small, so a worker stops soon after it is asked to


@transaction.atomic
def statement_run_start(*, term: Term, by: User | None) -> tuple[StatementRun, list[list]]:
    """Ask for the term's statements for every school and provider with something to say,
    once the term has ended. Returns the run and its batches of [organisation id, party]
    for the workers (finance.tasks.statement_run_enqueue); those already issued are left
    out, so a stopped run is finished by asking again."""
    if by is not None:
        check_can_manage_money(by)
    if term.ends_on >= timezone.localdate():
        raise Refused(f"The {term.name} has not ended yet: its statements come after it ends")
    wanted = [
        [organisation_id, party]
        for party, organisation_ids in selectors.statement_organisations(term).items()
        for organisation_id in organisation_ids
    ]
    issued = set(
        Statement.objects.filter(term=term, corrects__isnull=True).values_list(
            "organisation_id", "party"
        )
    )
    wanted = [pair for pair in wanted if tuple(pair) not in issued]
    batches = [wanted[i : i + BATCH] for i in range(0, len(wanted), BATCH)]
    run = StatementRun.objects.create(
        term=term,
        requested_by=by,
        total=len(wanted),
        batches=len(batches),
        finished_at=None if batches else timezone.now(),
    )
    event_record(
        actor=by, action="statement_run.started", obj=run, detail={"statements": len(wanted)}
    )
    return run, batches


def statement_run_batch(*, run: StatementRun, batch: list[list]) -> int:
    """Issue one batch's statements, each in its own transaction, and count the batch done.
    Returns how many were issued."""
    years = selectors.Years()
    organisations = Organisation.objects.in_bulk({organisation_id for organisation_id, _ in batch})
    issued = 0
    for organisation_id, party in batch:
        statement = statement_issue(
            organisation=organisations[organisation_id],
            party=party,
            term=run.term,
            by=None,
            run=run,
            years=years,
        )
        issued += statement is not None
    with transaction.atomic():
        StatementRun.objects.filter(pk=run.pk).update(batches_done=F("batches_done") + 1)
        StatementRun.objects.filter(pk=run.pk, batches_done__gte=F("batches")).update(
            finished_at=timezone.now()
        )
    return issued
