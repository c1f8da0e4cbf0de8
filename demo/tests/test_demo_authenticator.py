"""The demo users' authenticator app: the one secret the sign-in page shows in demo mode."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import OrganisationKind, Role
from accounts.tests.factories import OrganisationFactory, member
from demo.people import load_demo_authenticator


def test_the_demo_loader_enrols_a_demo_user_once_with_the_shown_secret(db, settings):
    user = member(OrganisationFactory(kind=OrganisationKind.AGENCY), Role.AGENCY_PROFESSIONAL)
    load_demo_authenticator(user)
    load_demo_authenticator(user)
    device = TOTPDevice.objects.get(user=user)
    assert (device.key, device.confirmed) == (settings.CAP_DEMO_TOTP_KEY, True)
