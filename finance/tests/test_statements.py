"""Statements that reconcile: an early exit, a withdrawal, a placement past the allowance
and a change of fee, worked out by hand beside each figure, then reproduced from the
placements and rules, corrected, and issued in batches."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from finance import selectors, services
from finance.models import LineKind, Party, Statement, StatementLine, StatementRun
from finance.tests.factories import term
from lib.append_only import AppendOnlyError
from lib.errors import Refused
from lib.tests.rewrites import refused, rewrites
from programmes.models import Payment, Subscription, Term


def amounts(statement: Statement) -> dict[tuple[str, int | None], int]:
    return {
        (line.kind, line.placement_id or (line.application_id if line.application_id else None)): (
            line.amount_pence
        )
        for line in statement.lines.all()
    }


def issue(cast, organisation, party, term_):
    return services.statement_issue(
        organisation=organisation, party=party, term=term_, by=cast.finance
    )


def test_the_autumn_statement_charges_each_thing_as_the_rules_say(cast, year, scenario):
    p1, p2, w = scenario
    statement = issue(cast, cast.school_a, Party.SCHOOL, term(year, "Autumn term"))
    assert amounts(statement) == {
        (LineKind.FEE, p1.pk): 43636,
        (LineKind.FEE, p2.pk): 90000,
        (LineKind.OVER_ALLOWANCE, p2.pk): 25000,
        (LineKind.WITHDRAWAL, w.application_id): 5000,
        (LineKind.AGREEMENT, None): 1_200_000,
    }
    assert statement.total_pence == 43636 + 90000 + 25000 + 5000 + 1_200_000
    first = statement.lines.get(kind=LineKind.FEE, placement=p1)
    assert (first.weeks_delivered, first.weeks_planned, first.fee_pence) == (4, 11, 120000)
    assert statement.number == "CAP-2025-26-00001"


def test_a_later_change_comes_out_as_a_credit_on_the_next_statement(cast, year, scenario):
    _, p2, _ = scenario
    autumn = issue(cast, cast.school_a, Party.SCHOOL, term(year, "Autumn term"))
    fee = p2.application.fee
    services.fee_change(
        fee=fee,
        amount_pence=80000,
        reason="Provider's discount",
        version=fee.version,
        by=cast.finance,
    )
    spring = issue(cast, cast.school_a, Party.SCHOOL, term(year, "Spring term"))
    # p1 and the withdrawal ended in the autumn and are settled; the agreement was charged.
    assert amounts(spring) == {
        (LineKind.FEE, p2.pk): -10000,
        (LineKind.OVER_ALLOWANCE, p2.pk): 0,
    }
    assert spring.total_pence == -10000
    assert spring.number == "CAP-2025-26-00002"
    # Over both statements, each thing is charged what is due for it in all.
    charged = {}
    for line in StatementLine.objects.filter(statement__in=[autumn, spring]):
        key = (line.kind, line.application_id)
        charged[key] = charged.get(key, 0) + line.amount_pence
    assert charged[(LineKind.FEE, p2.application_id)] == 80000


def reproduces(statement: Statement) -> None:
    """The statement's total is the sum of its lines, each line is what is due less what was
    charged before, and worked out again from the placements and rules it says the same."""
    lines = list(statement.lines.all())
    assert statement.total_pence == sum(line.amount_pence for line in lines if line.in_total)
    assert all(line.amount_pence == line.due_pence - line.before_pence for line in lines)
    again = selectors.statement_draft(
        statement.organisation, statement.party, statement.term, corrects=statement
    )
    fields = ("kind", "description", "due_pence", "before_pence", "amount_pence", "in_total")
    assert [{f: line[f] for f in fields} for line in again.lines] == [
        {f: getattr(line, f) for f in fields} for line in lines
    ]


def test_every_statement_s_total_is_the_sum_of_its_lines_and_reproduces(cast, year, scenario):
    _, p2, _ = scenario
    autumn = [
        issue(cast, cast.school_a, Party.SCHOOL, term(year, "Autumn term")),
        issue(cast, cast.provider, Party.PROVIDER, term(year, "Autumn term")),
    ]
    for statement in autumn:
        reproduces(statement)
    fee = p2.application.fee
    services.fee_change(
        fee=fee,
        amount_pence=80000,
        reason="Provider's discount",
        version=fee.version,
        by=cast.finance,
    )
    spring = [
        issue(cast, cast.school_a, Party.SCHOOL, term(year, "Spring term")),
        issue(cast, cast.provider, Party.PROVIDER, term(year, "Spring term")),
    ]
    for statement in spring:
        reproduces(statement)
    # The provider is due the fees and the withdrawal charge, not the school's extras.
    assert autumn[1].total_pence == 43636 + 90000 + 5000
    assert spring[1].total_pence == -10000


def test_when_schools_pay_providers_the_fees_are_shown_but_not_in_the_total(cast, scenario):
    year = scenario[0].programme.year
    year.charging.payment = Payment.SCHOOLS_PAY
    year.charging.save()
    statement = issue(cast, cast.school_a, Party.SCHOOL, term(year, "Autumn term"))
    fees = statement.lines.filter(kind__in=[LineKind.FEE, LineKind.WITHDRAWAL])
    assert fees.count() == 3 and not any(line.in_total for line in fees)
    assert statement.total_pence == 25000 + 1_200_000


def test_an_issued_statement_never_changes(cast, year, scenario):
    statement = issue(cast, cast.school_a, Party.SCHOOL, term(year, "Autumn term"))
    with pytest.raises(AppendOnlyError):
        Statement.objects.filter(pk=statement.pk).update(total_pence=0)
    with pytest.raises(AppendOnlyError):
        statement.lines.update(amount_pence=0)
    with pytest.raises(AppendOnlyError):
        statement.delete()
    # Asked again, the term's statement is not made twice.
    assert issue(cast, cast.school_a, Party.SCHOOL, term(year, "Autumn term")) is None


def test_the_database_refuses_to_rewrite_an_issued_statement_by_replacing_it(cast, year, scenario):
    statement = issue(cast, cast.school_a, Party.SCHOOL, term(year, "Autumn term"))
    line = statement.lines.first()
    for table, pk in (("finance_statement", statement.pk), ("finance_statementline", line.pk)):
        for sql in rewrites(table):
            assert refused(sql, pk), sql
    assert Statement.objects.get(pk=statement.pk).total_pence == statement.total_pence


def test_a_correction_is_a_new_statement_naming_the_old(cast, year, scenario):
    _, p2, _ = scenario
    autumn = issue(cast, cast.school_a, Party.SCHOOL, term(year, "Autumn term"))
    fee = p2.application.fee
    services.fee_change(
        fee=fee, amount_pence=85000, reason="Agreed rate", version=fee.version, by=cast.finance
    )
    correction = services.statement_correct(
        statement=autumn, reason="The catering fee was agreed at £850.00", by=cast.manager
    )
    assert correction.corrects == autumn and correction.number == "CAP-2025-26-00002"
    assert amounts(correction)[(LineKind.FEE, p2.pk)] == 85000
    assert correction.total_pence == autumn.total_pence - 5000
    # The next statement counts the correction, not the statement it replaced.
    spring = issue(cast, cast.school_a, Party.SCHOOL, term(year, "Spring term"))
    assert amounts(spring)[(LineKind.FEE, p2.pk)] == 0
    with pytest.raises(Refused, match="already been corrected"):
        services.statement_correct(statement=autumn, reason="Again", by=cast.manager)
    with pytest.raises(Refused, match="later statement"):
        services.statement_correct(statement=correction, reason="Again", by=cast.manager)


@pytest.mark.parametrize("who", ["officer", "alice", "provider_staff", "monitoring"])
def test_only_the_cap_manager_and_finance_issue_or_correct(cast, year, scenario, who):
    with pytest.raises(PermissionDenied) as refusal:
        services.statement_issue(
            organisation=cast.school_a,
            party=Party.SCHOOL,
            term=term(year, "Autumn term"),
            by=getattr(cast, who),
        )
    assert "CAP manager and finance officers" in str(refusal.value)
    assert not Statement.objects.exists()


def test_a_run_issues_in_batches_and_carries_on_when_asked_again(cast, year, scenario, monkeypatch):
    monkeypatch.setattr(services, "BATCH", 1)
    autumn = term(year, "Autumn term")
    run, batches = services.statement_run_start(term=autumn, by=cast.finance)
    assert sorted(tuple(pair) for batch in batches for pair in batch) == sorted(
        [(cast.school_a.pk, Party.SCHOOL), (cast.provider.pk, Party.PROVIDER)]
    )
    assert len(batches) == 2
    services.statement_run_batch(run=run, batch=batches[0])  # then the worker stopped
    run.refresh_from_db()
    assert (run.batches_done, run.finished_at) == (1, None)
    again, rest = services.statement_run_start(term=autumn, by=cast.finance)
    assert rest == batches[1:]
    services.statement_run_batch(run=again, batch=rest[0])
    again.refresh_from_db()
    assert again.finished_at is not None
    assert Statement.objects.filter(term=autumn).count() == 2
    assert StatementRun.objects.count() == 2


def test_a_run_waits_for_the_term_to_end(cast, year):
    future = Term.objects.create(
        year=year, name="Later", starts_on=dt.date(2026, 11, 2), ends_on=dt.date(2099, 12, 18)
    )
    with pytest.raises(Refused, match="has not ended"):
        services.statement_run_start(term=future, by=cast.finance)


def test_a_charge_no_longer_due_comes_back_as_a_credit(cast, year, scenario):
    _, p2, _ = scenario
    issue(cast, cast.school_a, Party.SCHOOL, term(year, "Autumn term"))
    # The school's allowance is raised after the autumn: p2 is no longer past it.
    Subscription.objects.filter(school=cast.school_a, year=year).update(tier1_placements=15)
    spring = issue(cast, cast.school_a, Party.SCHOOL, term(year, "Spring term"))
    assert amounts(spring) == {(LineKind.FEE, p2.pk): 0, (LineKind.OVER_ALLOWANCE, p2.pk): -25000}
    assert spring.total_pence == -25000


def test_an_earlier_term_is_not_issued_after_a_later_one(cast, year, scenario):
    spring = issue(cast, cast.school_a, Party.SCHOOL, term(year, "Spring term"))
    assert spring is not None
    assert issue(cast, cast.school_a, Party.SCHOOL, term(year, "Autumn term")) is None
    _, batches = services.statement_run_start(term=term(year, "Autumn term"), by=cast.finance)
    assert [cast.school_a.pk, Party.SCHOOL] not in [pair for b in batches for pair in b]
