"""Reads for money: what a term's statement for a school or a provider would say, and the
lists the money pages show. Each statement is worked out in a constant number of queries,
whatever the number of its placements."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import PROVIDER_KINDS, SCHOOL_KINDS, Organisation, OrganisationKind
from applications.models import Application
from applications.workflow import Status
from finance import charges
from finance.charges import Item, SchoolWeeks
from finance.models import (
    Fee,
    FeeChange,
    LineKind,
    Party,
    Statement,
    StatementLine,
    StatementRun,
)
from placements.models import Placement
from programmes.models import AcademicYear, ChargingRules, Payment, Subscription, Term

# A placement that ended more than this long before a term is not looked at again for it:
# a statement covers its term's placements and changes to the last year's.
LOOK_BACK = dt.timedelta(days=366)


@dataclass
class Draft:
    """A statement worked out but not issued: its items, with what earlier statements
    charged for each, and the lines that would be issued."""

    organisation: Organisation
    party: str
    term: Term
    payment: str
    lines: list[dict]

    @property
    def total_pence(self) -> int:
        return sum(line["amount_pence"] for line in self.lines if line["in_total"])


@dataclass
class Year:
    year: AcademicYear
    terms: list[Term]
    rules: ChargingRules


class Years:
    """Each year's terms and charging rules, and the school weeks of every term, loaded
    once for a run. School weeks are counted across years: a placement may run on into
    the next."""

    def __init__(self):
        self._years: dict[int, Year] = {}
        self.weeks = SchoolWeeks(list(Term.objects.all()))

    def of(self, year_id: int) -> Year:
        if year_id not in self._years:
            year = AcademicYear.objects.get(pk=year_id)
            terms = list(year.terms.order_by("starts_on"))
            # A year made before charging rules existed charges by the defaults.
            rules = ChargingRules.objects.filter(year=year).first() or ChargingRules(year=year)
            self._years[year_id] = Year(year, terms, rules)
        return self._years[year_id]


def _placements(organisation: Organisation, party: str, term: Term) -> QuerySet[Placement]:
    mine = Q(home_school=organisation) if party == Party.SCHOOL else Q(provider=organisation)
    return (
        Placement.objects.filter(mine, starts_on__lte=term.ends_on)
        .filter(
            Q(ended_on__isnull=True, planned_end_on__gte=term.starts_on - LOOK_BACK)
            | Q(ended_on__gte=term.starts_on - LOOK_BACK)
        )
        # The application's student too: each line's description names them.
        .select_related(
            "student", "course", "programme", "provider", "application__fee", "application__student"
        )
        .order_by("starts_on", "pk")
    )


def _withdrawn(organisation: Organisation, party: str, term: Term) -> QuerySet[Fee]:
    mine = (
        Q(application__school=organisation)
        if party == Party.SCHOOL
        else Q(application__course__provider=organisation)
    )
    return (
        Fee.objects.filter(
            mine,
            withdrawn_on__isnull=False,
            withdrawn_on__lte=term.ends_on,
            withdrawn_on__gte=term.starts_on - LOOK_BACK,
        )
        .select_related("application__student", "application__course", "application__programme")
        .order_by("withdrawn_on", "pk")
    )


def _over_allowance(school: Organisation, year_ids: set[int]) -> set[int]:
    """The school's placements past its allowance in each year: Tier 1 placements that
    count against it, in the order they were set up."""
    allowances = {
        s.year_id: s.tier1_placements
        for s in Subscription.objects.filter(school=school, year_id__in=year_ids)
    }
    counting = Placement.objects.filter(
        home_school=school,
        programme__year_id__in=year_ids,
        programme__counts_against_allowance=True,
    ).order_by("pk")
    seen: dict[int, int] = defaultdict(int)
    over = set()
    for pk, year_id in counting.values_list("pk", "programme__year_id"):
        seen[year_id] += 1
        if seen[year_id] > allowances.get(year_id, 0):
            over.add(pk)
    return over


def _student(application: Application) -> str:
    return str(application.student)


def statement_items(
    organisation: Organisation, party: str, term: Term, years: Years | None = None
) -> list[Item]:
    """Everything due to the end of `term` from the school or to the provider, for the
    placements of the term and the last year, the withdrawals and the agreement."""
    years = years or Years()
    items: list[Item] = []
    placements = list(_placements(organisation, party, term))
    over = (
        _over_allowance(organisation, {p.programme.year_id for p in placements})
        if party == Party.SCHOOL
        else set()
    )
    for placement in placements:
        year = years.of(placement.programme.year_id)
        fee = getattr(placement.application, "fee", None)
        fee_pence = fee.amount_pence if fee else 0
        due, delivered, planned = charges.fee_due(
            fee_pence=fee_pence,
            placement=placement,
            rules=year.rules,
            weeks=years.weeks,
            to=term.ends_on,
        )
        what = placement.course.title if placement.course_id else placement.programme.name
        shown = placement.last_day >= term.starts_on
        common = {
            "placement": placement,
            "application": placement.application,
            "starts_on": placement.starts_on,
            "ends_on": placement.last_day,
            "shown": shown,
        }
        items.append(
            Item(
                kind=LineKind.FEE,
                description=f"{_student(placement.application)}: {what}, {placement.provider}",
                due_pence=due,
                in_total=party == Party.PROVIDER or year.rules.payment == Payment.AUTHORITY_PAYS,
                weeks_delivered=delivered,
                weeks_planned=planned,
                fee_pence=fee_pence if fee else None,
                **common,
            )
        )
        if party == Party.SCHOOL and placement.programme.counts_against_allowance:
            # Made for every Tier 1 placement, due nothing when within the allowance: if a
            # placement charged as past it no longer is (a late agreement, a larger
            # allowance), the charge comes back as a credit.
            due_over = year.rules.over_allowance_charge_pence if placement.pk in over else 0
            items.append(
                Item(
                    kind=LineKind.OVER_ALLOWANCE,
                    description=(
                        f"{_student(placement.application)}: Tier 1 placement past the "
                        f"{year.year.name} allowance"
                    ),
                    due_pence=due_over,
                    **{**common, "shown": shown and due_over > 0},
                )
            )
    for fee in _withdrawn(organisation, party, term):
        application = fee.application
        year = years.of(application.programme.year_id)
        what = application.course.title if application.course_id else application.programme.name
        items.append(
            Item(
                kind=LineKind.WITHDRAWAL,
                description=(
                    f"{_student(application)}: {what}, withdrawn on {fee.withdrawn_on:%-d %B %Y}"
                ),
                due_pence=charges.withdrawal_due(fee_pence=fee.amount_pence, rules=year.rules),
                in_total=party == Party.PROVIDER or year.rules.payment == Payment.AUTHORITY_PAYS,
                application=application,
                ends_on=fee.withdrawn_on,
                fee_pence=fee.amount_pence,
                shown=fee.withdrawn_on >= term.starts_on,
            )
        )
    if party == Party.SCHOOL:
        items.extend(_agreement_items(organisation, term, years))
    return items


def _agreement_items(school: Organisation, term: Term, years: Years) -> list[Item]:
    subscription = (
        Subscription.objects.filter(school=school, year_id=term.year_id)
        .select_related("band")
        .first()
    )
    if subscription is None:
        return []
    year = years.of(term.year_id)
    charged_in = charges.agreement_term(subscription, year.terms, year.rules)
    if charged_in is None or charged_in.starts_on > term.starts_on:
        return []
    return [
        Item(
            kind=LineKind.AGREEMENT,
            description=f"Service level agreement {year.year.name}"
            + (f" ({subscription.band.name})" if subscription.band else ""),
            due_pence=subscription.price_pence,
            shown=charged_in.pk == term.pk,
        )
    ]


def charged_before(
    organisation: Organisation,
    party: str,
    term: Term,
    items: list[Item],
    *,
    excluding: Statement | None = None,
) -> dict[tuple[str, int], int]:
    """What the organisation's earlier statements charged for each of the items, by the key
    items are matched with (the agreement by its year). A corrected statement counts through
    its correction only; a correction leaves out the statement it corrects."""
    lines = StatementLine.objects.filter(
        statement__organisation=organisation,
        statement__party=party,
        statement__correction__isnull=True,
    ).filter(
        Q(application_id__in={i.application.pk for i in items if i.application is not None})
        | Q(kind=LineKind.AGREEMENT, statement__term__year_id=term.year_id)
    )
    if excluding is not None:
        lines = lines.exclude(statement=excluding)
    sums = lines.values("kind", "application_id").annotate(total=Sum("amount_pence"))
    return {(row["kind"], row["application_id"] or 0): row["total"] for row in sums}


def statement_draft(
    organisation: Organisation,
    party: str,
    term: Term,
    *,
    years: Years | None = None,
    corrects: Statement | None = None,
) -> Draft:
    """The lines a statement for the term would have now: each item's due less what earlier
    statements charged (for a correction, less all but the statement it corrects)."""
    years = years or Years()
    items = statement_items(organisation, party, term, years)
    before = charged_before(organisation, party, term, items, excluding=corrects)
    rules = years.of(term.year_id).rules
    lines = []
    for item in items:
        earlier = before.get(item.key, 0)
        amount = item.due_pence - earlier
        if not amount and not item.shown:
            continue
        lines.append(
            {
                "kind": item.kind,
                "placement": item.placement,
                "application": item.application,
                "description": item.description[:300],
                "starts_on": item.starts_on,
                "ends_on": item.ends_on,
                "weeks_delivered": item.weeks_delivered,
                "weeks_planned": item.weeks_planned,
                "fee_pence": item.fee_pence,
                "due_pence": item.due_pence,
                "before_pence": earlier,
                "amount_pence": amount,
                "in_total": item.in_total,
            }
        )
    return Draft(
        organisation=organisation,
        party=party,
        term=term,
        payment=rules.payment,
        lines=lines,
    )


def statement_organisations(term: Term) -> dict[str, list[int]]:
    """The schools and providers that may have something on the term's statements: those
    with placements in the term or the year before it, a place withdrawn, or (schools) an
    agreement in the term's year."""
    since = term.starts_on - LOOK_BACK
    placements = Placement.objects.filter(starts_on__lte=term.ends_on).filter(
        Q(ended_on__isnull=True, planned_end_on__gte=since) | Q(ended_on__gte=since)
    )
    withdrawn = Fee.objects.filter(withdrawn_on__lte=term.ends_on, withdrawn_on__gte=since)
    schools = (
        set(placements.values_list("home_school_id", flat=True).distinct())
        | set(withdrawn.values_list("application__school_id", flat=True).distinct())
        | set(Subscription.objects.filter(year_id=term.year_id).values_list("school_id", flat=True))
    )
    providers = set(placements.values_list("provider_id", flat=True).distinct()) | set(
        withdrawn.filter(application__course__isnull=False)
        .values_list("application__course__provider_id", flat=True)
        .distinct()
    )
    return {Party.SCHOOL: sorted(schools), Party.PROVIDER: sorted(providers)}


# --- The service level agreement and the finance area's home ------------------------------


def schools_for_subscriptions(year: AcademicYear) -> QuerySet[Organisation]:
    """Every school that may subscribe (and any no longer active that did subscribe in the
    year), by name, each with `year_subscriptions`: a list of its subscription for the
    year, or none. Page it: the subscriptions come in one query for the page."""
    subscriptions = Subscription.objects.filter(year=year).select_related("band")
    return (
        Organisation.objects.filter(kind__in=SCHOOL_KINDS)
        .filter(Q(is_active=True) | Q(subscriptions__year=year))
        .distinct()
        .order_by("name", "pk")
        .prefetch_related(Prefetch("subscriptions", subscriptions, to_attr="year_subscriptions"))
    )


@dataclass
class Subscribed:
    count: int
    total_pence: int


def subscriptions_total(year: AcademicYear) -> Subscribed:
    """How many schools subscribe in the year, and the sum of their prices."""
    found = Subscription.objects.filter(year=year).aggregate(
        count=Count("pk"), total=Sum("price_pence")
    )
    return Subscribed(count=found["count"], total_pence=found["total"] or 0)


def agreement_charged_pence(school: Organisation, year: AcademicYear) -> int | None:
    """What the school's statements have charged for the year's agreement so far (counting a
    corrected statement through its correction), or None when none has charged it."""
    return StatementLine.objects.filter(
        kind=LineKind.AGREEMENT,
        statement__organisation=school,
        statement__party=Party.SCHOOL,
        statement__term__year=year,
        statement__correction__isnull=True,
    ).aggregate(total=Sum("amount_pence"))["total"]


def terms_without_statements(on: dt.date | None = None) -> list[Term]:
    """The terms of the last year that have ended and wait for a finance officer: no run
    has finished for them, and either nothing is issued or a run stopped part way. A run
    that found nothing to say still counts as done, and so does a term before the latest
    one with statements, whose charges have come out on that one."""
    on = on or timezone.localdate()
    done = StatementRun.objects.filter(finished_at__isnull=False).values("term_id")
    stopped = StatementRun.objects.filter(finished_at__isnull=True).values("term_id")
    issued = Statement.objects.values("term_id")
    terms = Term.objects.filter(ends_on__lt=on, ends_on__gte=on - LOOK_BACK)
    latest = Statement.objects.order_by("-term__starts_on").values("term__starts_on").first()
    if latest is not None:
        terms = terms.filter(starts_on__gte=latest["term__starts_on"])
    return list(
        terms.exclude(pk__in=done)
        .filter(Q(pk__in=stopped) | ~Q(pk__in=issued))
        .select_related("year")
        .order_by("ends_on")
    )


# --- The statements' pages ----------------------------------------------------------------


def statements_with_related(queryset: QuerySet[Statement]) -> QuerySet[Statement]:
    """What every list and page of statements shows beside each one, in the same query."""
    return queryset.select_related(
        "organisation", "term__year", "corrects", "correction", "issued_by", "run__requested_by"
    )


def statements_of_term(term: Term, party: str = "") -> QuerySet[Statement]:
    """The term's statements, corrections among them, by organisation then as issued."""
    queryset = Statement.objects.filter(term=term)
    if party:
        queryset = queryset.filter(party=party)
    return statements_with_related(queryset).order_by("organisation__name", "party", "issued_at")


def statements_of(organisation_ids: set[int], party: str) -> QuerySet[Statement]:
    """A school's or provider's statements (the organisations the reader works for), the
    newest first. Callers filter it with rules.statements_visible_to."""
    return statements_with_related(
        Statement.objects.filter(party=party, organisation_id__in=organisation_ids)
    ).order_by("-term__starts_on", "-issued_at", "-pk")


@dataclass
class RunProgress:
    run: StatementRun
    made: int

    @property
    def finished(self) -> bool:
        return self.run.finished_at is not None


def statement_run_progress(term: Term) -> RunProgress | None:
    """The term's latest run and how many statements it has made so far."""
    run = StatementRun.objects.filter(term=term).select_related("requested_by").first()
    if run is None:
        return None
    return RunProgress(run=run, made=Statement.objects.filter(run=run).count())


def statement_correctable(statement: Statement) -> bool:
    """Whether the statement can still be corrected: it is the organisation's latest (not
    corrected, and no statement for a later term). The same test as services.statement_correct
    makes, so the page offers the form only where the service would accept it."""
    if Statement.objects.filter(corrects=statement).exists():
        return False
    return not Statement.objects.filter(
        organisation_id=statement.organisation_id,
        party=statement.party,
        term__starts_on__gt=statement.term.starts_on,
    ).exists()


def statement_lines(statement: Statement) -> list[StatementLine]:
    return list(statement.lines.order_by("order"))


def payment_terms(statement: Statement, authority: str) -> str:
    """Who pays whom for a statement, from the year's rule when it was issued."""
    name = statement.organisation.name
    term = f"the {statement.term}"
    if statement.party == Party.SCHOOL:
        if statement.payment == Payment.AUTHORITY_PAYS:
            text = (
                f"{authority} pays the providers for {name}'s placements and recharges the "
                f"school: the total is what {name} owes {authority} for {term}."
            )
        else:
            text = (
                f"{name} pays providers directly: placement fees are shown for information "
                f"and are not in the total, which is what {name} owes {authority} for {term}."
            )
    elif statement.payment == Payment.AUTHORITY_PAYS:
        text = f"{authority} pays {name} the total for {term}."
    else:
        text = (
            f"Schools pay {name} directly for their placements: the total is what they owe "
            f"{name} for {term}. {authority} pays nothing on this statement."
        )
    if statement.total_pence < 0:
        text += " A total below zero is a credit."
    return text


# --- The fees pages and the finance system's codes ------------------------------------------


def fees_of_year(year: AcademicYear, *, school: str = "", changed: bool = False) -> QuerySet[Fee]:
    """The year's fees for the fees list, newest first, each knowing whether it was ever
    changed (`was_changed`); `school` narrows them to schools with all or part of a name.
    Nothing about the student is loaded: the list names a place by its application's
    reference."""
    fees = (
        Fee.objects.filter(year=year)
        .select_related(
            "application__school", "application__course__provider", "application__programme"
        )
        .annotate(was_changed=Exists(FeeChange.objects.filter(fee=OuterRef("pk"))))
    )
    if school:
        fees = fees.filter(application__school__name__icontains=school)
    if changed:
        fees = fees.filter(was_changed=True)
    return fees.order_by("-set_at", "-pk")


def fee_changes(fee: Fee) -> QuerySet[FeeChange]:
    """A fee's changes, oldest first, with who made each."""
    return fee.changes.select_related("changed_by").order_by("changed_at", "pk")


def coded_organisations() -> QuerySet[Organisation]:
    """The schools and providers the export bills or pays, each with its codes (if any)."""
    return (
        Organisation.objects.filter(kind__in=SCHOOL_KINDS | PROVIDER_KINDS)
        .select_related("finance_codes")
        .order_by("name", "pk")
    )


def authority() -> Organisation | None:
    """The local authority whose codes every row of the export carries."""
    return Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY).order_by("pk").first()


def ended_terms(*, today: dt.date) -> QuerySet[Term]:
    """The terms that have ended, latest first: a term is exported once it is over."""
    return Term.objects.filter(ends_on__lt=today).select_related("year").order_by("-starts_on")


def fee_of(application: Application) -> Fee | None:
    """The place's fee with its signed agreement, or None before the place is offered."""
    fee = (
        Fee.objects.filter(application=application)
        .select_related("agreement_document__document", "agreement_document__checklist_item")
        .first()
    )
    if fee is not None:
        fee.application = application  # already loaded by the page: no query to read it again
    return fee


def agreement_waiting(fee: Fee) -> bool:
    """Whether the school's budget holder still has to agree the fee: the place is offered,
    not started, and has a fee (finance.services.fee_check_agreed holds the start until
    then)."""
    return (
        fee.application.status == Status.PROVIDER_ACCEPTED
        and fee.amount_pence > 0
        and not fee.agreed
    )
