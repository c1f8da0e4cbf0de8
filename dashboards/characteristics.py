"""The characteristics the equalities figures count people by, declared once: the student's
fields they read, their groups in the order tables list them, and the codes a population
upload uses for each. The figures (dashboards.figures.equalities) and the secondary
population upload (dashboards.population) both read this table, so a group counted in the
figures is a group the CAP manager can load.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, F, Value, When
from django.db.models.expressions import Expression

from lib import dates
from students.models import CarePlan, Ethnicity, SenProvision, Sex

# The secondary year groups the population covers. A student outside them at the window's
# start (a late referral of a Year 6, say) is counted as OTHER_YEAR, which no upload loads.
YEAR_GROUPS = range(7, 12)
OTHER_YEAR = "other"


@dataclass(frozen=True)
class Characteristic:
    key: str  # the code in an upload's "characteristic" column
    name: str  # in captions: "Referrals, decisions and placements by {name}"
    field: str  # the Student field it reads
    groups: tuple[tuple[str, str], ...]  # (code, label), in the tables' order

    @property
    def codes(self) -> dict[str, str]:
        """What an upload may write for each group, lower-cased: its code or its label."""
        found = {}
        for code, label in self.groups:
            found[code.lower()] = code
            found[label.lower()] = code
        return found

    def label(self, code: str) -> str:
        return dict(self.groups).get(code, "Other year group" if code == OTHER_YEAR else code)

    def expression(self, student: str, *, on: dt.date) -> Expression:
        """The student's group as SQL, for a GROUP BY. `student` is the path to the student
        from the model counted ("student"); `on` the day whose year group counts."""
        if self.key != "year_group":
            return F(f"{student}__{self.field}")
        # Year group from date of birth bands, so the database groups it: a student in
        # Year N in the academic year starting S was born in the academic year starting
        # S - N - 5 (lib.dates.year_group).
        starting = dates.academic_year_start(on)
        born = f"{student}__date_of_birth__range"
        return Case(
            *[
                When(
                    **{
                        born: (
                            dt.date(starting - year - 5, 9, 1),
                            dt.date(starting - year - 4, 8, 31),
                        )
                    },
                    then=Value(str(year)),
                )
                for year in YEAR_GROUPS
            ],
            default=Value(OTHER_YEAR),
        )

    def code_of(self, value) -> str:
        """A grouped value as the group's code: the booleans become "yes" and "no"."""
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value)


def _yes_no(yes: str, no: str) -> tuple[tuple[str, str], ...]:
    return (("yes", yes), ("no", no))


CHARACTERISTICS: tuple[Characteristic, ...] = (
    Characteristic("sex", "sex", "sex", tuple(Sex.choices)),
    Characteristic("ethnicity", "ethnicity", "ethnicity", tuple(Ethnicity.choices)),
    Characteristic("sen_provision", "SEN provision", "sen_provision", tuple(SenProvision.choices)),
    Characteristic(
        "free_school_meals",
        "free school meals",
        "free_school_meals",
        _yes_no("Eligible for free school meals", "Not eligible for free school meals"),
    ),
    Characteristic(
        "looked_after", "looked after", "looked_after", _yes_no("Looked after", "Not looked after")
    ),
    Characteristic(
        "care_plan",
        "child protection or child in need plan",
        "care_plan",
        tuple(CarePlan.choices),
    ),
    Characteristic(
        "year_group",
        "year group",
        "date_of_birth",
        tuple((str(year), f"Year {year}") for year in YEAR_GROUPS),
    ),
)
BY_KEY = {c.key: c for c in CHARACTERISTICS}
CHOICES = [(c.key, c.name[:1].upper() + c.name[1:]) for c in CHARACTERISTICS]
