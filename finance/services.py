"""Every write to money: fees, their changes and agreements, statements and their runs, and
the finance system's codes. Keyword-only, atomic, audited; amounts in whole pence."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from accounts.models import SCHOOL_KINDS, Organisation, User
from applications.models import Application, ApplicationDocument
from applications.workflow import Status
from audit.services import event_record
from finance import selectors, statement_files
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
from finance.rules import (
    can_view_statement,
    check_can_agree_fee,
    check_can_manage_money,
)
from lib.errors import Conflict, Refused
from lib.money import pounds
from programmes.models import AcademicYear, AgreementBand, Subscription, Term

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
    (so a run asked for twice makes each statement once), nothing to say, or a statement for
    a later term (what an earlier term would charge has come out on that one)."""
    if by is not None:
        check_can_manage_money(by)
    if _issued(organisation, party, term) or _later(organisation, party, term).exists():
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


def _later(organisation: Organisation, party: str, term: Term):
    return Statement.objects.filter(
        organisation=organisation, party=party, term__starts_on__gt=term.starts_on
    )


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
    # Locked, so that two corrections at once wait for each other and the second is refused.
    statement = (
        Statement.objects.select_for_update()
        .select_related("organisation", "term__year")
        .get(pk=statement.pk)
    )
    if Statement.objects.filter(corrects=statement).exists():
        raise Refused(f"Statement {statement.number} has already been corrected")
    if _later(statement.organisation, statement.party, statement.term).exists():
        raise Refused(
            f"A later statement has been issued to {statement.organisation.name}: "
            "changes now come out on the next statement"
        )
    draft = selectors.statement_draft(
        statement.organisation, statement.party, statement.term, corrects=statement
    )
    return _issue(draft, by=by, corrects=statement, reason=reason)


def statement_download(*, statement: Statement, kind: str, by: User) -> bytes:
    """The statement as a PDF or CSV file, made from its issued lines (which never change,
    so the file is the same each time), for someone who may read it. Every download is
    audited."""
    if not can_view_statement(by, statement):
        raise PermissionDenied("You cannot read this statement.")
    if kind == "pdf":
        data = statement_files.statement_pdf(statement)
    elif kind == "csv":
        data = statement_files.statement_csv(statement).encode()
    else:
        raise ValueError(f"No statement file of kind {kind!r}")
    event_record(
        actor=by,
        action="statement.downloaded",
        obj=statement,
        detail={"number": statement.number, "format": kind},
    )
    return data


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
    # Issued already, or past: an organisation with a later term's statement has had what
    # this term would charge on that one.
    issued = set(
        Statement.objects.filter(
            Q(term=term, corrects__isnull=True) | Q(term__starts_on__gt=term.starts_on)
        ).values_list("organisation_id", "party")
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


# --- The service level agreement: the year's price, its bands, each school's subscription --
#
# A price may change after the agreement has been charged: the school's next statement
# carries the difference (selectors.charged_before), so nothing issued is touched here.


def _check_price(price_pence: int | None, *, field: str = "price") -> int:
    if price_pence is None:
        raise Refused("Enter the price", field=field)
    if price_pence < 0:
        raise Refused("The price must be £0.00 or more", field=field)
    return price_pence


@transaction.atomic
def agreement_price_set(*, year: AcademicYear, price_pence: int, by: User) -> AcademicYear:
    """The year's price of the agreement: what a school in no band is offered. Schools that
    have subscribed keep the price they signed for."""
    check_can_manage_money(by)
    _check_price(price_pence)
    year = AcademicYear.objects.select_for_update().get(pk=year.pk)
    previous = year.agreement_price_pence
    if previous != price_pence:
        year.agreement_price_pence = price_pence
        year.save(update_fields=["agreement_price_pence"])
        event_record(
            actor=by,
            action="agreement.price_set",
            obj=year,
            detail={"previous_pence": previous, "price_pence": price_pence},
        )
    return year


def _band_name(name: str, *, year: AcademicYear, band: AgreementBand | None = None) -> str:
    name = name.strip()
    if not name:
        raise Refused("Enter the band’s name", field="name")
    if len(name) > 120:
        raise Refused("The band’s name must be 120 characters or fewer", field="name")
    same = AgreementBand.objects.filter(year=year, name__iexact=name)
    if band is not None:
        same = same.exclude(pk=band.pk)
    if same.exists():
        raise Refused(f"{year.name} already has a band called {name}", field="name")
    return name


@transaction.atomic
def agreement_band_add(
    *, year: AcademicYear, name: str, price_pence: int, by: User
) -> AgreementBand:
    check_can_manage_money(by)
    name = _band_name(name, year=year)
    _check_price(price_pence)
    last = AgreementBand.objects.filter(year=year).aggregate(last=Max("order"))["last"]
    band = AgreementBand.objects.create(
        year=year, name=name, price_pence=price_pence, order=0 if last is None else last + 1
    )
    event_record(
        actor=by,
        action="agreement_band.added",
        obj=band,
        detail={
            "year": year.name,
            "name": name,
            "previous_pence": None,
            "price_pence": price_pence,
        },
    )
    return band


@transaction.atomic
def agreement_band_change(
    *, band: AgreementBand, name: str, price_pence: int, by: User
) -> AgreementBand:
    """Rename a band or change its price. The schools in the band pay its price, so a new
    price is theirs too; each subscription's change is audited."""
    check_can_manage_money(by)
    band = AgreementBand.objects.select_for_update().select_related("year").get(pk=band.pk)
    name = _band_name(name, year=band.year, band=band)
    _check_price(price_pence)
    previous_name, previous = band.name, band.price_pence
    if (name, price_pence) == (previous_name, previous):
        return band
    band.name, band.price_pence = name, price_pence
    band.save(update_fields=["name", "price_pence"])
    repriced = []
    if price_pence != previous:
        for subscription in (
            Subscription.objects.select_for_update()
            .filter(band=band)
            .select_related("school", "year")
        ):
            _record_subscription(
                subscription,
                previous_pence=subscription.price_pence,
                price_pence=price_pence,
                action="subscription.changed",
                by=by,
            )
            repriced.append(subscription.pk)
        Subscription.objects.filter(pk__in=repriced).update(price_pence=price_pence)
    event_record(
        actor=by,
        action="agreement_band.changed",
        obj=band,
        detail={
            "year": band.year.name,
            "previous_name": previous_name,
            "name": name,
            "previous_pence": previous,
            "price_pence": price_pence,
            "subscriptions": len(repriced),
        },
    )
    return band


@transaction.atomic
def agreement_band_remove(*, band: AgreementBand, by: User) -> None:
    """Remove a band no school subscribes in."""
    check_can_manage_money(by)
    band = AgreementBand.objects.select_for_update().select_related("year").get(pk=band.pk)
    used = Subscription.objects.filter(band=band).count()
    if used:
        schools = "1 school subscribes" if used == 1 else f"{used} schools subscribe"
        raise Refused(f"{schools} in {band.name}: give them another band or their own price first")
    event_record(
        actor=by,
        action="agreement_band.removed",
        obj=band,
        detail={
            "year": band.year.name,
            "name": band.name,
            "previous_pence": band.price_pence,
            "price_pence": None,
        },
    )
    band.delete()


def _record_subscription(
    subscription: Subscription,
    *,
    previous_pence: int | None,
    price_pence: int,
    action: str,
    by: User,
) -> None:
    event_record(
        actor=by,
        action=action,
        obj=subscription,
        detail={
            "school": str(subscription.school.uuid),
            "year": subscription.year.name,
            "previous_pence": previous_pence,
            "price_pence": price_pence,
        },
    )


@transaction.atomic
def subscription_save(
    *,
    school: Organisation,
    year: AcademicYear,
    band: AgreementBand | None,
    price_pence: int | None,
    signed_on: dt.date | None,
    signed_by: str,
    tier1_placements: int | None,
    by: User,
) -> Subscription:
    """A school's service level agreement for the year, made or changed. In a band the
    school pays the band's price; otherwise the price given. The paid-for Tier 1
    placements are the year's unless another number is given."""
    check_can_manage_money(by)
    if school.kind not in SCHOOL_KINDS:
        raise Refused(f"{school.name} is not a school: only schools subscribe")
    if band is not None:
        if band.year_id != year.pk:
            raise Refused(f"Choose a band of {year.name}", field="band")
        price_pence = band.price_pence
    price_pence = _check_price(price_pence)
    signed_by = signed_by.strip()
    if signed_on is not None and signed_on > timezone.localdate():
        raise Refused("The date it was signed must be today or in the past", field="signed_on")
    if signed_on is not None and not signed_by:
        raise Refused("Enter who signed the agreement for the school", field="signed_by")
    if signed_by and signed_on is None:
        raise Refused("Enter the date the agreement was signed", field="signed_on")
    if len(signed_by) > 200:
        raise Refused("Who signed must be 200 characters or fewer", field="signed_by")
    if tier1_placements is None:
        tier1_placements = year.sla_tier1_placements
    if tier1_placements < 0:
        raise Refused("The number of Tier 1 placements must be 0 or more", field="tier1_placements")
    answers = {
        "band": band,
        "price_pence": price_pence,
        "signed_on": signed_on,
        "signed_by": signed_by,
        "tier1_placements": tier1_placements,
    }
    subscription = Subscription.objects.select_for_update().filter(school=school, year=year).first()
    if subscription is None:
        try:
            with transaction.atomic():
                subscription = Subscription.objects.create(school=school, year=year, **answers)
        except IntegrityError:
            raise Conflict(f"Someone else has just added {school.name}’s subscription") from None
        _record_subscription(
            subscription,
            previous_pence=None,
            price_pence=price_pence,
            action="subscription.added",
            by=by,
        )
        return subscription
    previous = subscription.price_pence
    if all(getattr(subscription, name) == value for name, value in answers.items()):
        return subscription
    for name, value in answers.items():
        setattr(subscription, name, value)
    subscription.save(update_fields=[*answers])
    _record_subscription(
        subscription,
        previous_pence=previous,
        price_pence=price_pence,
        action="subscription.changed",
        by=by,
    )
    return subscription
