"""CAP settings. Every value that differs between machines comes from the environment."""

import base64
import binascii
import hashlib
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from lib.env import env_bool, env_choice, env_int, env_list, env_str, read_env_file

BASE_DIR = Path(__file__).resolve().parent.parent
read_env_file(BASE_DIR / ".env")

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Demo mode lists the demo users on the sign-in page. It must never be on in production:
# `manage.py check --deploy` fails with it on (demo/checks.py). It does not need DEBUG: the
# demo runs as production does (`make run`, DEBUG off), so errors show CAP's own pages.
CAP_DEMO_MODE = env_bool("CAP_DEMO_MODE", default=False)
# Served only to this machine, so that demo mode set by mistake on a real server stops it
# at start-up rather than showing the demo's password to the world (and `check --deploy`
# refuses it besides).
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
if CAP_DEMO_MODE and not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
    raise ImproperlyConfigured(
        "CAP_DEMO_MODE lists the demo users and their password on the sign-in page: it may "
        "only serve this machine (ALLOWED_HOSTS of 127.0.0.1 or localhost). Turn it off."
    )
# The demo users' addresses and shared password: the demo app creates them, and the sign-in
# page lists them (and signs them in with one select) only in demo mode. An address here is
# never valid outside a demo database: .invalid is reserved (RFC 2606).
CAP_DEMO_EMAIL_DOMAIN = "demo.cap.invalid"
CAP_DEMO_PASSWORD = "demo-password-not-secret"  # noqa: S105 - shown on the demo page by design

# The authority this instance serves: shown in the header and used in letters.
CAP_AUTHORITY_NAME = env_str("CAP_AUTHORITY_NAME", "Coventry City Council")
CAP_SERVICE_NAME = env_str("CAP_SERVICE_NAME", "Coventry Alternative Provision")
# Where people reach CAP, for links in e-mails.
CAP_BASE_URL = env_str("CAP_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
CAP_SERVICE_ADDRESS = env_str("CAP_SERVICE_ADDRESS", "One Friargate, Coventry CV1 2GN")

# The authority's details on the pages every public service must have (the about app: the
# privacy notice, the contact page, the accessibility statement). The defaults are examples
# that read as such, for the demo and the tests; `manage.py check --deploy` warns about any
# still at its example (about.W001), so production sets every one of them.
CAP_AUTHORITY_DETAIL_EXAMPLES = {
    "CAP_DPO_EMAIL": "data-protection@example.invalid",
    "CAP_DPO_ADDRESS": "Data Protection Officer, Example Council House, Example Street, AB1 2CD",
    "CAP_ICO_REGISTRATION": "Z0000000",
    "CAP_CONTACT_EMAIL": "cap-team@example.invalid",
    # Ofcom keeps 01632 960000 to 960999 for fiction: no real telephone answers it.
    "CAP_CONTACT_PHONE": "01632 960 001",
}
# The data controller: the authority, unless its legal name differs from the one shown.
CAP_DATA_CONTROLLER = env_str("CAP_DATA_CONTROLLER", CAP_AUTHORITY_NAME)
# Its registration in the ICO's register of fee payers.
CAP_ICO_REGISTRATION = env_str(
    "CAP_ICO_REGISTRATION", CAP_AUTHORITY_DETAIL_EXAMPLES["CAP_ICO_REGISTRATION"]
)
# The data protection officer: an e-mail address and a postal address (one line, commas).
CAP_DPO_EMAIL = env_str("CAP_DPO_EMAIL", CAP_AUTHORITY_DETAIL_EXAMPLES["CAP_DPO_EMAIL"])
CAP_DPO_ADDRESS = env_str("CAP_DPO_ADDRESS", CAP_AUTHORITY_DETAIL_EXAMPLES["CAP_DPO_ADDRESS"])
# How people reach the CAP team: the contact page, the accessibility statement's "report a
# problem" and the privacy notice. The postal address is the service's unless set.
CAP_CONTACT_EMAIL = env_str("CAP_CONTACT_EMAIL", CAP_AUTHORITY_DETAIL_EXAMPLES["CAP_CONTACT_EMAIL"])
CAP_CONTACT_PHONE = env_str("CAP_CONTACT_PHONE", CAP_AUTHORITY_DETAIL_EXAMPLES["CAP_CONTACT_PHONE"])
CAP_CONTACT_HOURS = env_str("CAP_CONTACT_HOURS", "Monday to Friday, 9am to 5pm (not bank holidays)")
CAP_CONTACT_ADDRESS = env_str("CAP_CONTACT_ADDRESS", CAP_SERVICE_ADDRESS)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    # CAP's apps, in their layers from the bottom (docs/decisions/0002-layout.md). Quality
    # comes before placements so that its gate on setting up a placement runs first.
    "audit",
    "accounts",
    "programmes",
    "scheduling",
    "students",
    "documents",
    "events",
    "applications",
    "panels",
    "quality",
    "placements",
    "finance",
    "entitlements",
    "safeguarding",
    "dashboards",
    "school_reviews",
    "agencies",
    "privacy",
    "about",
    "demo",
]

MIDDLEWARE = [
    # /healthz, for the load balancer: answered before the HTTPS redirect and the host check
    # (it calls each server by its address over plain HTTP), and without a session.
    "lib.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session has passed the second factor; then
    # CAP's own check sends who needs one and has not passed it to the code page.
    "django_otp.middleware.OTPMiddleware",
    # Ends a session past its limits and sends the person to sign in again, saying why.
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    # Every response to someone signed in: Cache-Control private, no-store.
    "accounts.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    # A stored file no key opens: a page that says so, recorded, instead of a server error.
    "documents.middleware.UnreadableDocumentMiddleware",
]

# The test suite's words check (lib.words): every page, e-mail and PDF a test makes is read
# for visible HTML entities, ISO dates, "a.m." and broken plurals, and the test fails on one.
# config.testenv turns it on; outside a pytest run it stays off whatever the environment
# says (what it finds is kept for the test that made it, never drained in a server).
CAP_WORDS_CHECK = env_bool("CAP_WORDS_CHECK", default=False) and "pytest" in sys.modules
if CAP_WORDS_CHECK:
    MIDDLEWARE.insert(0, "lib.words.WordsCheckMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dashboards.context_processors.service",
                "accounts.context_processors.session_timeout",
            ],
        },
    },
]
# Form fields render GOV.UK markup through the project's own templates (templates/django/forms).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=env_int("DB_CONN_MAX_AGE", 0)
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # recursive_triggers: REPLACE (and INSERT OR REPLACE) deletes the row it replaces, and
    # SQLite fires delete triggers for that only with it on; the append-only tables'
    # triggers (lib.append_only) need it to refuse a rewrite by REPLACE.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
            "PRAGMA recursive_triggers=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # No JIT compilation: a page's query is over in milliseconds, and PostgreSQL compiles
    # any query it guesses is costly (at national volume, today's whereabouts of 50,000
    # placements) for seconds longer than it runs (issue 15).
    # Added to any options DATABASE_URL gives (?options=-c statement_timeout=5000).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "dashboards:home"

# Sign-in throttling (django-axes): lock an e-mail address from an IP address after repeated
# failures, for a cool-off period. The same message is shown whether or not the account exists.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_VERBOSE = False
# Behind the TLS proxy every request comes from the proxy's address, so a lock by address
# would lock a person out everywhere. TRUSTED_PROXY_COUNT says how many proxies of our own
# stand in front of CAP, each adding the address it was reached from to X-Forwarded-For;
# the client's is the entry that many from the right, and entries to its left (which the
# client can write) are not believed. 0, the default, uses the connection's own address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "lib.client_address.client_address"

# The second factor (django-otp, TOTP with recovery codes) for everyone who sees pupil data
# (accounts/rules.py needs_second_factor). The issuer names CAP in the authenticator app.
OTP_TOTP_ISSUER = CAP_SERVICE_NAME
# A safeguarding concern page asks for a code again when the last one is older than this.
CAP_SECOND_FACTOR_FRESH_HOURS = env_int("CAP_SECOND_FACTOR_FRESH_HOURS", 12)
# The demo users' authenticator secret (hex, as django-otp keeps it): every demo user is
# enrolled with it, and the sign-in page shows it, and the current code, only in demo mode.
CAP_DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"

# Invitations and password resets (accounts). An invitation's one-time link lasts this many
# hours; it is CAP's own token (accounts.Invitation), so it does not follow
# PASSWORD_RESET_TIMEOUT, which sets how long a password reset link lasts (in seconds).
CAP_INVITATION_HOURS = env_int("CAP_INVITATION_HOURS", 72)
PASSWORD_RESET_TIMEOUT = env_int("CAP_PASSWORD_RESET_MINUTES", 120) * 60
# At most this many password reset e-mails an hour to one account.
CAP_PASSWORD_RESET_LIMIT = env_int("CAP_PASSWORD_RESET_LIMIT", 3)

# Sessions end after SESSION_COOKIE_AGE seconds without a request (30 minutes), and
# CAP_SESSION_MAX_AGE seconds after signing in whatever happens (12 hours). Each request
# extends the session, so someone filling in a long form is not signed out; the server ends
# it without any script, and accounts.middleware says why on the sign-in page. The cookie
# lasts until the browser closes: the server, not the browser, forgets an idle session, so
# the next request can still tell a time-out from never having signed in.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CAP_SESSION_MAX_AGE = env_int("CAP_SESSION_MAX_AGE", 12 * 60 * 60)
# Signed-in pages warn this many seconds before the idle limit (the GOV.UK time-out
# warning), with a button to stay signed in. It needs JavaScript; without it, nothing shows.
CAP_SESSION_WARNING_SECONDS = env_int("CAP_SESSION_WARNING_SECONDS", 2 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
# CAP's host name (cap.example.gov.uk) has no subdomains that may use plain HTTP.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Browsers' preload list takes a whole registrable domain (example.gov.uk), which is the
# council's to commit, not CAP's: off unless the council asks for it, and its check silenced.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", default=False) else None
)

# Nothing is loaded from another site; scripts only from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "build"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "cap@example.invalid")
# The CAP team's shared inbox, e-mailed when an application needs CAP and no officer is
# assigned to it.
CAP_TEAM_EMAIL = env_str("CAP_TEAM_EMAIL", "cap-team@example.invalid")

# Registers (placements): when each session's register opens, as hour and minute, and how
# long it stays open; a setting's mark missing after that raises a same-day alert.
CAP_SESSION_STARTS = {"am": (8, 45), "pm": (13, 15)}
CAP_REGISTER_WINDOW_MINUTES = env_int("CAP_REGISTER_WINDOW_MINUTES", 30)
# The termly access review (privacy/access_review.py): working days from the start of term
# for each administrator to confirm their people, and how many before that they are reminded.
CAP_ACCESS_REVIEW_WORKING_DAYS = env_int("CAP_ACCESS_REVIEW_WORKING_DAYS", 20)
CAP_ACCESS_REVIEW_REMINDER_WORKING_DAYS = env_int("CAP_ACCESS_REVIEW_REMINDER_WORKING_DAYS", 5)

# A scheduled job still "running" after this many hours is taken to have been interrupted
# (its scheduler stopped): the CAP manager's page says so, and it runs again when next due.
CAP_SCHEDULED_JOB_LIMIT_HOURS = env_int("CAP_SCHEDULED_JOB_LIMIT_HOURS", 6)

# Logs hold no personal data: CAP's own messages carry identifiers only, and exceptions are
# written with their frames and class but not their message (lib/log.py). Django's own
# loggers go through the same handler.
LOG_LEVEL = env_str("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"cap": {"()": "lib.log.Formatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "cap"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False}},
}

# --- Safeguarding (the safeguarding app) -------------------------------------------------
# An urgent concern that no designated safeguarding lead has acknowledged this many minutes
# after it was raised is escalated to the CAP safeguarding lead.
CAP_SAFEGUARDING_ESCALATE_AFTER_MINUTES = env_int("CAP_SAFEGUARDING_ESCALATE_AFTER_MINUTES", 60)

# --- Subject access (the privacy app) -----------------------------------------------------
# A subject access request's zip is deleted from the documents store this many days after it
# was built: long enough to send it, no longer than needed (UK GDPR Article 5(1)(e)).
CAP_SUBJECT_ACCESS_KEEP_DAYS = env_int("CAP_SUBJECT_ACCESS_KEEP_DAYS", 30)

# --- Documents (the documents app): the secure file store ---------------------------------
# Uploaded evidence is kept encrypted, outside the web root and the static files. No URL
# serves it (there is no MEDIA_URL); only documents.views.download reads it, after an
# access check, and every download is audited.
CAP_DOCUMENT_ROOT = Path(env_str("CAP_DOCUMENT_ROOT", str(BASE_DIR / "var" / "documents")))
# Where the encrypted files are kept: "local", files under CAP_DOCUMENT_ROOT on this machine
# (one machine only), or "s3", an S3-compatible object store that every application server
# and worker shares. Uploads, termly reports, panel packs and letters, the panel reports
# and providers' evidence all go there; nothing else CAP writes at run time stays on disk.
# The bucket's credentials come from the environment as boto3 reads them
# (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) or from the machine's role; objects are
# private and never given a URL (docs/how-to/deploy.md).
CAP_STORAGE = env_choice("CAP_STORAGE", ("local", "s3"), "local")
if CAP_STORAGE == "s3":
    STORAGES["documents"] = {
        "BACKEND": "documents.s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": env_str("CAP_S3_BUCKET"),
            "endpoint_url": env_str("CAP_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("CAP_S3_REGION", "") or None,
        },
    }
else:
    STORAGES["documents"] = {"BACKEND": "documents.storage.PrivateFileSystemStorage"}
# Fernet keys, comma-separated, newest first. New files are encrypted with the first; every
# key decrypts. To rotate: put a new key in front, run `manage.py rotate_document_keys`,
# then drop the old key.
CAP_DOCUMENT_KEYS = env_list("CAP_DOCUMENT_KEYS", [])
if not CAP_DOCUMENT_KEYS:
    if not (DEBUG or CAP_DEMO_MODE):
        raise ImproperlyConfigured(
            "Set CAP_DOCUMENT_KEYS to one or more Fernet keys, comma-separated, newest first. "
            "Make one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        )
    # DEBUG or the demo only: one deterministic demo key derived from SECRET_KEY (base64 of
    # its SHA-256), so a developer's demo files still open after a restart. Never used in
    # production.
    CAP_DOCUMENT_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()
    ]
for _key in CAP_DOCUMENT_KEYS:
    try:
        _key_ok = len(base64.urlsafe_b64decode(_key)) == 32
    except (binascii.Error, ValueError):
        _key_ok = False
    if not _key_ok:
        raise ImproperlyConfigured("Each CAP_DOCUMENT_KEYS key must be a Fernet key.")
# The largest file a user may upload. Django does not limit file sizes itself
# (DATA_UPLOAD_MAX_MEMORY_SIZE excludes files), so the upload form refuses larger files with
# a message; in production the proxy should also cap request bodies a little above this.
CAP_DOCUMENT_MAX_BYTES = env_int("CAP_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
# The most a Word, Excel or OpenDocument file (a zip archive) may unpack to, in bytes.
CAP_DOCUMENT_MAX_UNPACKED_BYTES = env_int("CAP_DOCUMENT_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
# Uploads larger than this are streamed to a temporary file instead of held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MiB, Django's default, made explicit
