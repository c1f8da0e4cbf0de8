import datetime as dt

import factory
from stdnum.gb import upn

from accounts.tests.factories import SchoolFactory
from students.models import Student


def _upn(n: int) -> str:
    body = f"3319999{25:02d}{n % 1000:03d}"
    return upn.calc_check_digit(body) + body


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    upn = factory.Sequence(_upn)
    legal_first_name = factory.Sequence(lambda n: f"Student{n}")
    legal_last_name = "Example"
    date_of_birth = dt.date(2012, 3, 4)
    home_school = factory.SubFactory(SchoolFactory)
