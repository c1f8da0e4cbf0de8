from functools import cache

import factory
from django.contrib.auth.hashers import make_password

from accounts.models import Membership, Organisation, OrganisationKind, Role, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.AGENCY


class SchoolFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"School {n}")
    kind = OrganisationKind.SCHOOL
    urn = factory.Sequence(lambda n: f"{100000 + n}")


class ProviderFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Provider {n}")
    kind = OrganisationKind.TRAINING_PROVIDER
    ukprn = factory.Sequence(lambda n: f"{19980000 + n}")


class LocalAuthorityFactory(OrganisationFactory):
    name = "Test City Council"
    kind = OrganisationKind.LOCAL_AUTHORITY


PASSWORD = "a-long-test-password"


@cache
def _password_hash() -> str:
    # Argon2 is slow by design: hash the shared test password once, not once per user.
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.LazyFunction(_password_hash)


def member(organisation: Organisation, role: str, **user_fields) -> User:
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


__all__ = ["Role", "member"]
