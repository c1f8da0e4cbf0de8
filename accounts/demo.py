"""Demo accounts: listed on the sign-in page only when CAP_DEMO_MODE is on."""

DEMO_EMAIL_DOMAIN = "demo.cap.invalid"
# Shown on the demo sign-in page; never valid outside a demo database.
DEMO_PASSWORD = "demo-password-not-secret"  # noqa: S105 - shown on the demo page by design


def is_demo_email(email: str) -> bool:
    return email.lower().endswith("@" + DEMO_EMAIL_DOMAIN)
