"""For tests: a person's authenticator app, and the code it shows now, computed from the
device's secret as the app would (RFC 6238)."""

import time
from base64 import b32decode

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator(user) -> TOTPDevice:
    """The user's confirmed authenticator app, set up (with a new secret) if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(
        user=user, name="Test authenticator app", confirmed=True
    )


def code_for(device: TOTPDevice) -> str:
    """The code the app shows now. A code works once, so when this step's code was used
    already (the same person signing in twice within 30 seconds) it is the next step's,
    which django-otp's tolerance of one step accepts; it waits when that is used too."""
    device.refresh_from_db()
    while True:
        clock = time.time()
        step_now = int((clock - device.t0) // device.step)
        t = max(step_now + device.drift, device.last_t + 1)
        if t <= step_now + device.drift + device.tolerance:
            otp = TOTP(device.bin_key, device.step, device.t0, device.digits, t - step_now)
            otp.time = clock
            return f"{otp.token():0{device.digits}d}"
        time.sleep(1)


def code_from_secret(secret: str) -> str:
    """The code an authenticator app set up by typing `secret` (base32, as the page shows
    it) shows now."""
    key = b32decode(secret.replace(" ", "").upper())
    otp = TOTP(key)
    otp.time = time.time()
    return f"{otp.token():06d}"
