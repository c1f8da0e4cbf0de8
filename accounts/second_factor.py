"""What the second-factor pages show: the secret as text to type in, and as a QR code drawn
on the server (inline SVG: the page runs no script of its own for it, and the CSP allows
none inline)."""

from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def secret_text(hex_key: str) -> str:
    """The secret as an authenticator app takes it when typed in: base32, in groups of 4."""
    text = b32encode(unhexlify(hex_key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(url: str, *, label: str) -> SafeString:
    """The otpauth:// URL as a QR code, in SVG to put in the page, named for screen readers."""
    svg = segno.make(url, error="m").svg_inline(
        scale=4, dark="#0b0c0c", light="#ffffff", omitsize=False
    )
    # segno escapes nothing we give it but the URL it encodes as a picture; the label is ours.
    return mark_safe(  # noqa: S308 - markup made here from a fixed label and segno's paths
        svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    )


def device_picture(device: TOTPDevice) -> dict:
    return {
        "secret": secret_text(device.key),
        "qr": qr_svg(device.config_url, label="QR code to scan with your authenticator app"),
    }


def demo_authenticator() -> dict | None:
    """In demo mode only: the demo users' shared secret, its QR code and the code it gives
    now, so a tester can sign in as any demo user."""
    if not settings.CAP_DEMO_MODE:
        return None
    key = settings.CAP_DEMO_TOTP_KEY
    issuer = settings.CAP_SERVICE_NAME
    query = urlencode({"secret": secret_text(key).replace(" ", ""), "issuer": issuer})
    url = f"otpauth://totp/{quote(issuer)}:demo?{query}"
    return {
        "secret": secret_text(key),
        "qr": qr_svg(url, label="QR code of the demo users' authenticator secret"),
        "code": f"{TOTP(unhexlify(key)).token():06d}",
    }
