"""Settings, read from environment variables with safe local defaults.

DANGVIEN_DATABASE_URL   database (default: SQLite file var/dangvien.sqlite3)
DANGVIEN_REPLICA_URL    a PostgreSQL streaming replica of it: dashboards, reports and exports
                        read there (core/replica.py); unset: everything uses the database
DANGVIEN_REPLICA_STICKY_SECONDS  after a write, the user reads from the primary this long (8)
DANGVIEN_REPLICA_MAX_LAG_SECONDS  a replica further behind than this is not read (30)
DANGVIEN_SECRET_KEY     secret key (default: generated once into var/secret_key)
DANGVIEN_PRODUCTION     "1" refuses to start without DANGVIEN_SECRET_KEY
DANGVIEN_DEBUG          "1" turns debug pages on (never in production)
DANGVIEN_ALLOWED_HOSTS  comma-separated host names the server answers to
DANGVIEN_VAR_DIR        where local state lives (default: ./var)
DANGVIEN_BASE_URL       the address users open, for links in emails (default: http://localhost:8000)
DANGVIEN_EMAIL_HOST     the intranet mail server (SMTP); unset: mail goes to files in var/mail
DANGVIEN_EMAIL_PORT, DANGVIEN_EMAIL_USER, DANGVIEN_EMAIL_PASSWORD, DANGVIEN_EMAIL_USE_TLS ("1"),
DANGVIEN_EMAIL_FROM     the sender address of reminders
DANGVIEN_CACHE_URL      the cache all server processes share (default: files in var/cache)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("DANGVIEN_VAR_DIR", Path.cwd() / "var")).resolve()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


PRODUCTION = _flag("DANGVIEN_PRODUCTION")
DEBUG = _flag("DANGVIEN_DEBUG") and not PRODUCTION


def _secret_key() -> str:
    key = os.environ.get("DANGVIEN_SECRET_KEY", "").strip()
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "DANGVIEN_SECRET_KEY chưa được đặt. Ở chế độ vận hành (DANGVIEN_PRODUCTION=1) "
            "phải đặt một khóa bí mật dài, ngẫu nhiên trong biến môi trường này."
        )
    # Local use: generate once and keep it, so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DANGVIEN_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    # Before django.contrib.auth: its `createsuperuser` and `changepassword` (audited)
    # take the place of Django's.
    "dangvien.accounts",
    "dangvien.core.admin_apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    # django-ninja: the API's interactive docs take their scripts from its static files
    # (no CDN: the intranet has no internet).
    "ninja",
    "dangvien.core",
    "dangvien.audit",
    "dangvien.org",
    "dangvien.people",
    "dangvien.rules",
    "dangvien.training",
    "dangvien.admission",
    "dangvien.plans",
    "dangvien.ratings",
    "dangvien.exchange",
    "dangvien.reports",
    "dangvien.jobs",
    "dangvien.reminders",
    "dangvien.periods",
    "dangvien.api",
]

# The JSON API (dangvien.api): requests allowed per token, "<count>/<second|minute|hour|day>".
DANGVIEN_API_RATE = os.environ.get("DANGVIEN_API_RATE") or "600/minute"

# The job queue (dangvien.jobs): Django's tasks API through the `django-tasks` backport,
# stored in the database (works on SQLite and PostgreSQL), run by `dangvien worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

#: Which date makes an admission count towards a plan: the admission decision
#: ("decision", the default) or the ceremony ("ceremony"). Reports say which is used.
DANGVIEN_PROGRESS_COUNTS_ON = os.environ.get("DANGVIEN_PROGRESS_COUNTS_ON", "decision")
#: Status thresholds: percentage points of admitted-vs-expected (admitted% − expected%).
DANGVIEN_PROGRESS_AHEAD = 5.0  # at least this far above the expected share: ahead
DANGVIEN_PROGRESS_BEHIND = -5.0  # below this: behind
# At risk: even the forecast for 31/12 (admitted + what the pipeline is expected to give)
# reaches less than this share of the target.
DANGVIEN_PROGRESS_AT_RISK = 0.7
# Units down to this depth keep maintained admission counters (admission.counts): the
# dashboard of a unit above it reads its children's counters instead of the candidacies.
DANGVIEN_COUNTED_DEPTH = int(os.environ.get("DANGVIEN_COUNTED_DEPTH", "3"))
# PDF of party documents (dangvien.reports.pdf): the folder holding Liberation Serif
# (LiberationSerif-Regular.ttf, -Bold, -Italic, -BoldItalic); empty: the usual system places.
DANGVIEN_PDF_FONT_DIR = os.environ.get("DANGVIEN_PDF_FONT_DIR", "")
DANGVIEN_PDF_FONT_FILE_PREFIX = os.environ.get("DANGVIEN_PDF_FONT_FILE_PREFIX", "LiberationSerif")
# Excel import (exchange): the largest file accepted, and where uploaded files are kept
# for their background job.
DANGVIEN_IMPORT_MAX_BYTES = int(os.environ.get("DANGVIEN_IMPORT_MAX_BYTES", str(20 * 2**20)))
DANGVIEN_IMPORT_DIR = VAR_DIR / "imports"
#: Days an uploaded file that was checked but never saved is kept (exchange.jobs).
DANGVIEN_IMPORT_KEEP_DAYS = int(os.environ.get("DANGVIEN_IMPORT_KEEP_DAYS", "7"))
DANGVIEN_IMPORT_UNDO_DAYS = int(os.environ.get("DANGVIEN_IMPORT_UNDO_DAYS", "7"))  # exchange.undo
# Bounded import (exchange.zipcheck): what an xlsx may hold before calamine reads it. A
# file past one limit is refused with one message; the defaults let 200.000 rows of the
# member template (15 columns) through and keep the reader's memory bounded.
DANGVIEN_IMPORT_MAX_ROWS = int(os.environ.get("DANGVIEN_IMPORT_MAX_ROWS", "250000"))
DANGVIEN_IMPORT_MAX_COLUMNS = int(os.environ.get("DANGVIEN_IMPORT_MAX_COLUMNS", "100"))
DANGVIEN_IMPORT_MAX_CELLS = int(os.environ.get("DANGVIEN_IMPORT_MAX_CELLS", "3200000"))
DANGVIEN_IMPORT_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("DANGVIEN_IMPORT_MAX_UNCOMPRESSED_BYTES", str(200 * 2**20)))
DANGVIEN_IMPORT_MAX_CELL_CHARS = int(os.environ.get("DANGVIEN_IMPORT_MAX_CELL_CHARS", "32767"))
DANGVIEN_IMPORT_MAX_SHARED_STRINGS = int(
    os.environ.get("DANGVIEN_IMPORT_MAX_SHARED_STRINGS", "1000000"))
DANGVIEN_IMPORT_MAX_TEXT_BYTES = int(os.environ.get("DANGVIEN_IMPORT_MAX_TEXT_BYTES", str(64 * 2**20)))
# Large lists and reports made by the job queue (dangvien.jobs.files): lists longer than
# this many rows, PDF reports of units with more units than this in their tree.
DANGVIEN_EXPORT_JOB_ROWS = int(os.environ.get("DANGVIEN_EXPORT_JOB_ROWS", "5000"))
DANGVIEN_REPORT_JOB_UNITS = int(os.environ.get("DANGVIEN_REPORT_JOB_UNITS", "200"))
# Where those files wait for download, and for how many days.
DANGVIEN_FILE_JOB_DIR = VAR_DIR / "files"
DANGVIEN_FILE_JOB_KEEP_DAYS = int(os.environ.get("DANGVIEN_FILE_JOB_KEEP_DAYS", "2"))
# A sheet with more XML than this is read in pieces of about this size (exchange.split).
DANGVIEN_IMPORT_CHUNK_BYTES = int(os.environ.get("DANGVIEN_IMPORT_CHUNK_BYTES", str(16 * 2**20)))
# Transfers (people.transfers): days the member has to present the letter to the
# receiving unit, from the letter's date (HD 09-HD/BTCTW; 30 by default).
#: How far ahead an organisation change may take effect (org.services): a decision is
#: recorded when it is signed, a few months ahead at most; a later date is a typing error.
DANGVIEN_ORG_CHANGE_MAX_DAYS_AHEAD = int(os.environ.get("DANGVIEN_ORG_CHANGE_MAX_DAYS_AHEAD", "180"))
DANGVIEN_TRANSFER_PRESENT_DAYS = int(os.environ.get("DANGVIEN_TRANSFER_PRESENT_DAYS", "30"))

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and JSON gzip-encoded when asked (core.compression: BREACH considered there);
    # after whitenoise, which answers static files itself, already compressed.
    "dangvien.core.compression.TextGZipMiddleware",
    # Every page and file: Cache-Control no-store (core.middleware).
    "dangvien.core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Refused attempts noted inside rolled-back transactions: audited at the end.
    "dangvien.core.refusals.RefusalAuditMiddleware",
    # A NUL byte in the path, query or form: one 400 page (core.middleware).
    "dangvien.core.middleware.RefuseNulBytesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session limits, the temporary password, the second factor.
    "dangvien.accounts.middleware.AccountGateMiddleware",
    # Dashboards, reports, exports read from the replica, if any; read-your-writes.
    "dangvien.core.replica.ReplicaMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dangvien.urls"
WSGI_APPLICATION = "dangvien.wsgi.application"

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
                "dangvien.core.context.date_in_view",
            ],
            "builtins": ["dangvien.core.templatetags.vn",
                         "dangvien.accounts.templatetags.account_tags"],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DANGVIEN_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'dangvien.sqlite3'}"
    # Persistent connections save a connect per request; tests set 0 so no thread keeps a
    # session open on the test database when it is dropped.
    db = dj_database_url.parse(url, conn_max_age=int(os.environ.get("DANGVIEN_CONN_MAX_AGE", "60")))
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["CONN_MAX_AGE"] = 0
        db["OPTIONS"] = {
            # Every connection: WAL (readers never wait for the writer), a busy timeout
            # instead of "database is locked", and write transactions that take the lock
            # at BEGIN so two writers queue rather than deadlock.
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA busy_timeout=10000;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                # LIKE case-sensitive, as on PostgreSQL: only then can SQLite answer a
                # subtree query (path__startswith, LIKE 'path%') from the path index
                # instead of scanning. Django's i-lookups (icontains, iexact...) become
                # case-sensitive on SQLite, so the code uses none (see decisions.md).
                "PRAGMA case_sensitive_like=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 10,
        }
        db["TEST"] = {"NAME": os.environ.get("DANGVIEN_TEST_SQLITE_NAME") or None}
    else:
        db.setdefault("TEST", {})["NAME"] = os.environ.get("DANGVIEN_TEST_DB_NAME") or None
    return db


DATABASES = {"default": _database()}


def _replica(primary: dict) -> dict | None:
    """The read replica's alias (core/replica.py), when DANGVIEN_REPLICA_URL names one."""
    url = os.environ.get("DANGVIEN_REPLICA_URL", "").strip()
    if not url:
        return None
    db = dj_database_url.parse(url, conn_max_age=primary["CONN_MAX_AGE"])
    if db["ENGINE"] != primary["ENGINE"] or primary["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DANGVIEN_REPLICA_URL phải là một bản sao PostgreSQL của "
                                   "cơ sở dữ liệu PostgreSQL trong DANGVIEN_DATABASE_URL.")
    # A replica that is down must not hang a page: the router then reads from the primary.
    db.setdefault("OPTIONS", {})["connect_timeout"] = 3
    db["CONN_HEALTH_CHECKS"] = True
    # Tests: the alias keeps the replica's host and port and takes the test database's name
    # (MIRROR copies NAME only), so it reads the test database as streamed to the replica.
    db["TEST"] = {"MIRROR": "default"}
    return db


if (_replica_db := _replica(DATABASES["default"])) is not None:
    DATABASES["replica"] = _replica_db
    DATABASE_ROUTERS = ["dangvien.core.replica.ReplicaRouter"]
#: After a write, the user's reads go to the primary this long (read-your-writes).
DANGVIEN_REPLICA_STICKY_SECONDS = float(os.environ.get("DANGVIEN_REPLICA_STICKY_SECONDS", "8"))
#: A replica further behind the primary than this (seconds) is not read until it catches up.
DANGVIEN_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("DANGVIEN_REPLICA_MAX_LAG_SECONDS", "30"))

# One cache shared by every process of the server (core/cache.py): files under var/cache
# by default; DANGVIEN_CACHE_URL for the database (db://) or Redis. Tests use local memory.
from dangvien.core.cache import caches_from_env  # noqa: E402

CACHES = caches_from_env(VAR_DIR)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "dangvien.accounts.validators.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a username that failed too often from the same address.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after repeated wrong passwords or second-factor codes: per username from one
# address, so a stranger cannot lock a secretary out from elsewhere; the page says when
# to try again, and an administrator can unlock.
AXES_FAILURE_LIMIT = int(os.environ.get("DANGVIEN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours: 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
# Failures are forgotten when the whole sign-in succeeds (second factor included), not
# when the password alone is right: otherwise each right password would reset the count
# of wrong codes (accounts.signin).
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, or X-Forwarded-For only when the request comes
# through one of DANGVIEN_TRUSTED_PROXIES (comma-separated addresses or networks).
AXES_CLIENT_IP_CALLABLE = "dangvien.accounts.net.client_ip"
DANGVIEN_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("DANGVIEN_TRUSTED_PROXIES", "").split(",") if p.strip()
]

# Second factor (django-otp): TOTP in an authenticator app, ten recovery codes.
# "roles": required for superusers and holders of an approver or admin role (default);
# "all": required for every account.
DANGVIEN_2FA_REQUIRED_FOR = os.environ.get("DANGVIEN_2FA_REQUIRED_FOR", "roles")
OTP_TOTP_ISSUER = os.environ.get("DANGVIEN_OTP_ISSUER", "dangvien")
# django-otp's own delays after a wrong code are replaced by the lockout above (a wrong
# code counts as a failed sign-in), so the two do not add up to a confusing wait.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
DANGVIEN_RECOVERY_CODES = 10

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Numbers are formatted by dangvien.core.vn (the `so` filter); Django must not add
# separators on its own, or ids and years would render as "22.296" and "1.999".
USE_THOUSAND_SEPARATOR = False
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["dangvien.core.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request otherwise
# The project package is not an app, so its own static/ folder is listed here.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600  # absolute: a session ends 8 hours after sign-in
#: Minutes without a request after which the session ends (accounts.middleware).
DANGVIEN_SESSION_IDLE_MINUTES = int(os.environ.get("DANGVIEN_SESSION_IDLE_MINUTES", "30"))
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = _flag("DANGVIEN_HTTPS", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    if SESSION_COOKIE_SECURE:
        # HTTPS: browsers keep to it for a year; plain HTTP is redirected, unless a TLS
        # proxy in front does that (DANGVIEN_SSL_REDIRECT=0; it must then set the header).
        SECURE_HSTS_SECONDS = 365 * 24 * 3600
        SECURE_SSL_REDIRECT = _flag("DANGVIEN_SSL_REDIRECT", True)
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): every script and every style is a file of ours (no
# inline script, <style> or style attribute: tests/web/test_headers.py), nothing from
# another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"], "script-src": ["'self'"],
        "style-src": ["'self'"], "img-src": ["'self'", "data:"],
        "object-src": ["'none'"], "base-uri": ["'self'"], "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Audit trail (audit/chain.py): the chain's HMAC key (DANGVIEN_AUDIT_KEY in the environment,
# else this file, made once) and the head log live OUTSIDE the database; back them up apart
# from it. The key is read where it is used, so it never sits in the settings.
DANGVIEN_AUDIT_KEY_FILE = Path(os.environ.get("DANGVIEN_AUDIT_KEY_FILE") or VAR_DIR / "audit_key")
DANGVIEN_AUDIT_HEAD_LOG = Path(os.environ.get("DANGVIEN_AUDIT_HEAD_LOG")
                               or VAR_DIR / "audit_head.log")

# Email (reminders, đôn đốc): the intranet SMTP server when DANGVIEN_EMAIL_HOST is set;
# otherwise each message is written as a file under var/mail, so nothing leaves a machine
# nobody configured.
DANGVIEN_BASE_URL = (os.environ.get("DANGVIEN_BASE_URL") or "http://localhost:8000").rstrip("/")
EMAIL_HOST = os.environ.get("DANGVIEN_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("DANGVIEN_EMAIL_PORT") or 25)
    EMAIL_HOST_USER = os.environ.get("DANGVIEN_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DANGVIEN_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("DANGVIEN_EMAIL_USE_TLS", "") == "1"
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DANGVIEN_EMAIL_FROM") or "dangvien@localhost"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line goes through the redacting formatter: no citizen ID reaches a log.
    "formatters": {"plain": {"()": "dangvien.core.logs.RedactingFormatter",
                             "format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DANGVIEN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"},
                # WeasyPrint logs every layout step at INFO; only its warnings matter.
                "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
