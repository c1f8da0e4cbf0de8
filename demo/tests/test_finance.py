"""The demo's money: a finance officer who enters only the finance area, a fee agreed on
every place that has one, priced agreements, the finance system's codes but one, and the
last ended term's statements, each adding up; loading again changes none of it."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum

from accounts.rules import Area, areas_of
from applications.models import Application
from applications.tests.factories import REFERENCE
from applications.workflow import Status
from demo.finance import UNCODED_UKPRN
from demo.people import BANDED, UNSUBSCRIBED, demo_user
from finance.export import ExportRefused, export_rows
from finance.models import Fee, FinanceCodes, Party, Statement, StatementLine
from finance.rules import can_manage_money
from placements.models import Placement
from programmes.models import Subscription


@pytest.fixture
def demo(db, settings):
    # As `make run` does: today falls in the rolled-over year, and the year before has ended.
    settings.CAP_DEMO_MODE = True
    call_command("load_model", str(REFERENCE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


def test_the_demo_finance_officer_enters_only_the_finance_area(demo):
    finance = demo_user("finance")
    assert finance.full_name == "Chris Patel"
    assert areas_of(finance) == [Area.FINANCE]
    assert can_manage_money(finance)


def test_every_demo_place_with_a_fee_has_it_and_each_placed_one_is_agreed(demo):
    offered = Application.objects.filter(
        status__in=[Status.PROVIDER_ACCEPTED, Status.PLACED], course__fee__gt=0
    )
    assert offered.exists()
    assert not offered.filter(fee__isnull=True).exists()
    placements = Placement.objects.select_related("application__fee")
    assert placements.count() > 5
    for placement in placements:
        fee = placement.application.fee
        assert fee.agreed or fee.amount_pence == 0, placement.application.reference


def test_demo_agreements_have_prices_and_one_school_is_on_a_band(demo):
    subscriptions = Subscription.objects.select_related("year", "band", "school")
    assert subscriptions.exists()
    assert not subscriptions.filter(school__urn__in=UNSUBSCRIBED).exists()
    for subscription in subscriptions:
        if subscription.school.urn == BANDED:
            assert subscription.band is not None
            assert subscription.price_pence == subscription.band.price_pence
        else:
            assert subscription.band is None
            assert subscription.price_pence == subscription.year.agreement_price_pence > 0
    assert subscriptions.filter(signed_on__isnull=False).exclude(signed_by="").exists()


def test_the_last_ended_terms_statements_add_up_and_one_provider_has_no_code(demo):
    statements = Statement.objects.all()
    assert statements.filter(party=Party.SCHOOL).exists()
    assert statements.filter(party=Party.PROVIDER).exists()
    assert len({s.term_id for s in statements}) == 1
    for statement in statements:
        lines = StatementLine.objects.filter(statement=statement, in_total=True)
        assert statement.total_pence == (lines.aggregate(s=Sum("amount_pence"))["s"] or 0)
    # The export names the provider left without a supplier reference.
    assert FinanceCodes.objects.filter(organisation__kind="local_authority").exists()
    with pytest.raises(ExportRefused) as refused:
        export_rows(statements.first().term)
    assert {m.missing for m in refused.value.missing} == {"supplier reference"}
    assert not FinanceCodes.objects.filter(organisation__ukprn=UNCODED_UKPRN).exists()


def test_loading_the_demo_again_adds_no_money(demo):
    counts = (
        Fee.objects.count(),
        Statement.objects.count(),
        StatementLine.objects.count(),
        FinanceCodes.objects.count(),
        Placement.objects.count(),
    )
    call_command("load_demo", stdout=io.StringIO())
    assert (
        Fee.objects.count(),
        Statement.objects.count(),
        StatementLine.objects.count(),
        FinanceCodes.objects.count(),
        Placement.objects.count(),
    ) == counts
