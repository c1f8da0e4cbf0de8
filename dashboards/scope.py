"""Whose figures a person sees, and which part of them they asked for.

A Scope is built once per request from the area, the person and the filters in the query
string (year, term, tier, programme, school, provider, route). Every figure is counted from
its two querysets, so nobody can count what they may not see: the CAP team sees the whole
service, a monitoring officer their caseload, a school its own students, a provider its own
placements. A school or provider named in the filters that is not the person's own answers
404, on pages and downloads alike.
"""

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import Organisation, OrganisationKind, User
from accounts.rules import Area, is_cap_officer, provider_ids, school_ids
from applications.models import Application
from dashboards import rules as oversight_rules
from lib.forms import is_number
from placements.models import Placement
from programmes.models import AcademicYear, Programme, Route, Term, Tier
from programmes.selectors import year_current, years_all

FILTERS = ("year", "term", "tier", "programme", "school", "provider", "route")


@dataclass
class Scope:
    area: str
    user: User
    year: AcademicYear
    term: Term | None = None
    tier: Tier | None = None
    programme: Programme | None = None
    school: Organisation | None = None
    provider: Organisation | None = None
    route: str = ""
    # What the person may see at all: None is everything.
    school_ids: set[int] | None = None
    provider_ids: set[int] | None = None
    caseload_of: User | None = None
    suppress: bool = False
    # Makes the filter form when a page shows it: its choices name every school and
    # setting the person may count (thousands for the CAP team), which the lists behind
    # the figures and the downloads never show.
    make_form: Callable[[], forms.Form] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def form(self) -> forms.Form | None:
        return self.make_form() if self.make_form else None

    @property
    def first(self) -> dt.date:
        return self.term.starts_on if self.term else self.year.starts_on

    @property
    def last(self) -> dt.date:
        return self.term.ends_on if self.term else self.year.ends_on

    @property
    def is_service(self) -> bool:
        """The whole service: the CAP team's view."""
        return self.school_ids is None and self.provider_ids is None and self.caseload_of is None

    def applications(self) -> QuerySet[Application]:
        """Every application the person may count, with the filters other than dates."""
        qs = Application.objects.filter(programme__year=self.year)
        if self.caseload_of is not None:
            qs = qs.filter(placement__monitoring_officer=self.caseload_of)
        if self.school_ids is not None:
            qs = qs.filter(school_id__in=self.school_ids)
        if self.provider_ids is not None:
            qs = qs.filter(pack_sent_at__isnull=False, course__provider_id__in=self.provider_ids)
        if self.tier:
            qs = qs.filter(programme__tier=self.tier)
        if self.programme:
            qs = qs.filter(programme=self.programme)
        if self.school:
            qs = qs.filter(school=self.school)
        if self.provider:
            qs = qs.filter(
                Q(course__provider=self.provider)
                | Q(placement__provider=self.provider)
                | Q(receiving_school=self.provider)
            )
        if self.route:
            qs = qs.filter(programme__route=self.route)
        return qs

    def placements(self, *, in_year: bool = True) -> QuerySet[Placement]:
        """Every placement the person may count that was open at some time in the academic
        year (or at any time, for a census whose collection period reaches back into the
        year before), whichever year's programme it began on, with the other filters: a
        programme or tier chosen in one year matches the same programme or tier in another."""
        year = self.year
        qs = Placement.objects.all()
        if in_year:
            qs = qs.filter(starts_on__lte=year.ends_on).filter(
                Q(ended_on__isnull=True, planned_end_on__gte=year.starts_on)
                | Q(ended_on__gte=year.starts_on)
            )
        if self.caseload_of is not None:
            qs = qs.filter(monitoring_officer=self.caseload_of)
        if self.school_ids is not None:
            qs = qs.filter(home_school_id__in=self.school_ids)
        if self.provider_ids is not None:
            qs = qs.filter(provider_id__in=self.provider_ids)
        if self.tier:
            qs = qs.filter(programme__tier__number=self.tier.number)
        if self.programme:
            qs = qs.filter(programme__key=self.programme.key)
        if self.school:
            qs = qs.filter(home_school=self.school)
        if self.provider:
            qs = qs.filter(provider=self.provider)
        if self.route:
            qs = qs.filter(programme__route=self.route)
        return qs

    def placements_open(self) -> QuerySet[Placement]:
        """Placements open at some time between first and last."""
        return (
            self.placements()
            .filter(starts_on__lte=self.last)
            .filter(
                Q(ended_on__isnull=True, planned_end_on__gte=self.first)
                | Q(ended_on__gte=self.first)
            )
        )

    def query(self, **extra) -> str:
        """The filters as a query string, for links to lists and downloads."""
        values = {"year": self.year.name}
        if self.term:
            values["term"] = str(self.term.pk)
        if self.tier:
            values["tier"] = str(self.tier.number)
        if self.programme:
            values["programme"] = self.programme.key
        if self.school:
            values["school"] = str(self.school.uuid)
        if self.provider:
            values["provider"] = str(self.provider.uuid)
        if self.route:
            values["route"] = self.route
        values.update({k: v for k, v in extra.items() if v not in (None, "")})
        return urlencode(values)

    def filters(self) -> list[dict]:
        """The filter form's fields with the value applied selected, for the page."""
        applied = {
            "year": self.year.name,
            "term": str(self.term.pk) if self.term else "",
            "tier": str(self.tier.number) if self.tier else "",
            "programme": self.programme.key if self.programme else "",
            "school": str(self.school.uuid) if self.school else "",
            "provider": str(self.provider.uuid) if self.provider else "",
            "route": self.route,
        }
        return [
            {
                "name": field.html_name,
                "id": field.id_for_label,
                "label": field.label,
                "options": [
                    (value, label, value == applied[field.name])
                    for value, label in field.field.choices
                ],
            }
            for field in self.form
            if len(field.field.choices) > 1 or field.name == "year"
        ]

    def described(self) -> str:
        """The filters in words, for headings and the first lines of a download."""
        parts = [self.year.name]
        if self.term:
            parts.append(self.term.name)
        if self.tier:
            parts.append(f"Tier {self.tier.number}")
        if self.programme:
            parts.append(self.programme.name)
        if self.school:
            parts.append(self.school.name)
        if self.provider:
            parts.append(self.provider.name)
        if self.route:
            parts.append(Route(self.route).label)
        if self.caseload_of is not None:
            parts.append(f"caseload of {self.caseload_of.full_name}")
        return ", ".join(parts)


class FilterForm(forms.Form):
    """The filters, on a GET form. Choices are limited to what the person may see."""

    year = forms.ChoiceField(label="Academic year")
    term = forms.ChoiceField(label="Term", required=False)
    tier = forms.ChoiceField(label="Tier", required=False)
    programme = forms.ChoiceField(label="Programme", required=False)
    school = forms.ChoiceField(label="School", required=False)
    provider = forms.ChoiceField(label="Setting", required=False)
    route = forms.ChoiceField(label="Route", required=False)

    def __init__(self, data, *, year, schools, providers, show):
        super().__init__(data)
        everything = [("", "All")]
        self.fields["year"].choices = [(y.name, y.name) for y in years_all()]
        self.fields["term"].choices = [("", "The whole year")] + [
            (str(t.pk), t.name) for t in year.terms.all()
        ]
        self.fields["tier"].choices = everything + [
            (str(t.number), f"Tier {t.number}: {t.name}") for t in year.tiers.all()
        ]
        self.fields["programme"].choices = everything + [
            (p.key, p.name) for p in year.programmes.order_by("order")
        ]
        self.fields["school"].choices = everything + [(str(s.uuid), s.name) for s in schools]
        self.fields["provider"].choices = everything + [(str(p.uuid), p.name) for p in providers]
        self.fields["route"].choices = everything + list(Route.choices)
        for name in set(FILTERS) - set(show):
            del self.fields[name]


def _one_of(organisations: QuerySet, value: str | None) -> Organisation | None:
    """The organisation a filter names: 404 when it is not one the person may count."""
    if not value:
        return None
    try:
        key = uuid.UUID(value)
    except ValueError:
        raise Http404("No such organisation") from None
    organisation = organisations.filter(uuid=key).first()
    if organisation is None:
        raise Http404("No such organisation")
    return organisation


# Which filters each area offers: a provider has no school to choose, and so on.
AREA_FILTERS = {
    Area.CASEWORK: FILTERS,
    Area.SCHOOLS: ("year", "term", "tier", "programme", "school", "provider", "route"),
    Area.PROVIDERS: ("year", "term", "programme", "provider"),
}


def scope_for(request, area: str) -> Scope:
    """The person's scope in an area, with the filters they asked for. Raises Http404 when
    they may not see oversight figures here, or named an organisation not theirs."""
    user = request.user
    data = request.GET
    scope_kwargs: dict = {}
    if area == Area.CASEWORK:
        if is_cap_officer(user):
            pass
        elif oversight_rules.sees_caseload_figures(user):
            scope_kwargs["caseload_of"] = user
        else:
            raise Http404("No figures here")
        schools = Organisation.objects.filter(kind=OrganisationKind.SCHOOL)
        # Settings with a placement: the same organisations as a join, without reading
        # every placement to find them.
        providers = Organisation.objects.filter(
            Exists(Placement.objects.filter(provider=OuterRef("pk")))
        )
    elif area == Area.SCHOOLS:
        mine = school_ids(user)
        if not mine:
            raise Http404("No figures here")
        scope_kwargs["school_ids"] = mine
        scope_kwargs["suppress"] = True
        schools = Organisation.objects.filter(pk__in=mine)
        providers = Organisation.objects.filter(
            Exists(Placement.objects.filter(provider=OuterRef("pk"), home_school_id__in=mine))
        )
    elif area == Area.PROVIDERS:
        mine = provider_ids(user)
        if not mine:
            raise Http404("No figures here")
        scope_kwargs["provider_ids"] = mine
        scope_kwargs["suppress"] = True
        schools = Organisation.objects.none()
        providers = Organisation.objects.filter(pk__in=mine)
    else:
        raise Http404("No figures here")

    years = {y.name: y for y in years_all()}
    year = years.get(data.get("year", "")) or year_current() or next(iter(years.values()), None)
    if year is None:
        raise Http404("No academic year is loaded")
    show = AREA_FILTERS[area]
    school = _one_of(schools, data.get("school")) if "school" in show else None
    provider = _one_of(providers, data.get("provider")) if "provider" in show else None

    def make_form() -> FilterForm:
        return FilterForm(
            data or None,
            year=year,
            schools=schools.order_by("name"),
            providers=providers.order_by("name"),
            show=show,
        )

    term = tier = programme = None
    route = ""
    if "term" in show and data.get("term"):
        term = year.terms.filter(pk=data["term"]).first() if is_number(data["term"]) else None
    if "tier" in show and is_number(data.get("tier", "")):
        tier = year.tiers.filter(number=int(data["tier"])).first()
    if "programme" in show and data.get("programme"):
        programme = year.programmes.filter(key=data["programme"]).first()
    if "route" in show and data.get("route") in Route.values:
        route = data["route"]
    return Scope(
        area=area,
        user=user,
        year=year,
        term=term,
        tier=tier,
        programme=programme,
        school=school,
        provider=provider,
        route=route,
        make_form=make_form,
        **scope_kwargs,
    )
