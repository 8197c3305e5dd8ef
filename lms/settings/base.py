"""Settings shared by every environment.

Every value that differs between machines is read from the environment here, in one place
(django-environ). ``dev``, ``test`` and ``production`` only change defaults and add checks.
"""

import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A local ``.env`` file is optional; real deployments set the environment directly.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "lms.organisation",
    "lms.compliance",
    "lms.reminders",
    "courses",
    "certificates",
    # After certificates: on a completion, the certificate (and its serial's lock) comes before
    # the reports' counts (and their department's lock), in every transaction (receivers.py).
    "lms.reports",
    "lms",
    "wagtail_localize",
    "wagtail_localize.locales",  # replaces wagtail.locales
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "lms.organisation.wagtail_users.LMSWagtailUsersAppConfig",  # wagtail.users, see roles.md
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "csp",
    "django_q",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lms.http.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lms.http.IdRangeMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Default: one SQLite file under var/. The web server and the django-q2 cluster write to it at
# the same time, so it runs in WAL mode, takes the write lock at BEGIN (IMMEDIATE) instead of on
# the first write (which is what makes concurrent writers fail with "database is locked"), and
# waits for the lock rather than failing at once.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'lms.sqlite3'}"),
}
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA busy_timeout=20000;"
        "PRAGMA foreign_keys=ON;"
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
# Connections are kept and health-checked before reuse, SQLite's too: opening one runs the
# PRAGMAs above, and django-q2's ORM broker closes "old" connections whenever it enqueues a task
# outside a transaction (after a commit), which with no reuse meant a new connection mid-request.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ``manage.py load_demo`` runs only where this is true (production turns it off).
DEMO_ALLOWED = env.bool("DEMO_ALLOWED", default=True)

# --- Demo content (issue 18) ----------------------------------------------------------------
# While the demo courses are loaded, every lesson, quiz, certificate and progress report PDF says
# it is sample content, not the City's official training. Off by default; bin/run turns it on,
# and so should anyone who runs ``manage.py load_demo`` (docs/demo-content.md).
LMS_SAMPLE_CONTENT_NOTICE = env.bool("LMS_SAMPLE_CONTENT_NOTICE", default=False)

# --- Task queue (django-q2) -----------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
Q_CLUSTER = {
    "name": "lms",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 300,
    "retry": 600,
    "max_attempts": 3,
    "catch_up": False,
    "label": _("Background tasks"),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 1

# --- Email ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="City Training <training@cabq.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Auth -----------------------------------------------------------------------------------
# Django's model backend, loading the user's employee record with the user (one query, not two).
AUTHENTICATION_BACKENDS = ["lms.organisation.backends.EmployeeModelBackend"]
# Argon2id at OWASP's minimum (lms/organisation/hashers.py): a tenth of PBKDF2's CPU per sign-in.
# PBKDF2 checks the passwords stored before, which are upgraded at their owner's next sign-in.
PASSWORD_HASHERS = [
    "lms.organisation.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
WAGTAILADMIN_LOGIN_URL = "/admin/login/"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Denver"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Translated course content (issue 18) ---------------------------------------------------
# Courses are translated with Wagtail's internationalisation and wagtail-localize (see
# docs/translations.md). English is the source locale; every record (enrollment, completion,
# certificate) refers to the English course. No machine translator is configured by default:
# set WAGTAILLOCALIZE_MACHINE_TRANSLATOR in a deployment's own settings only if the City
# accepts sending course text to that service.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # The USWDS theme bin/setup compiles from assets/sass (issue 20): css/lms-theme.css.
    BASE_DIR / "var" / "assets",
    # The U.S. Web Design System, installed from the npm registry by the setup commands.
    ("uswds", BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Private files and expensive builds (issue 14) ------------------------------------------
# Generated records (certificate PDFs, department ZIPs, report exports, progress report PDFs)
# live in their own storage, outside MEDIA_ROOT and without a URL: only the views that check
# access serve them. In development /media/ serves only PUBLIC_MEDIA_PREFIXES of MEDIA_ROOT
# (Wagtail's image renditions; documents go through /documents/).
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
PRIVATE_STORAGE = {
    "BACKEND": "lms.storage.PrivateFileSystemStorage",
    "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
}
STORAGES["private"] = PRIVATE_STORAGE
PUBLIC_MEDIA_PREFIXES = ("images/",)
# At most this many department ZIPs, and this many XLSX exports, in progress per person; one
# more is refused with a 429 until one finishes.
MAX_BUILDS_PER_USER = env.int("MAX_BUILDS_PER_USER", default=3)
# A build still waiting or being built this long after it was asked for is taken as failed
# (its task died), so that it blocks nobody.
BUILD_STALE_MINUTES = env.int("BUILD_STALE_MINUTES", default=60)

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = env("SITE_NAME", default="City of Albuquerque Training")
WAGTAILADMIN_BASE_URL = env("BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILEMBEDS_RESPONSIVE_HTML = True
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# One process keeps its own cache; with Redis every worker shares it (rate limits included).
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- HTTP: client address behind proxies, security headers (issue 14) ------------------------
# How many reverse proxies of ours stand in front of gunicorn (nginx: 1). The client's address is
# the Nth entry from the right of X-Forwarded-For, or REMOTE_ADDR with none (lms.http.client_ip).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 (no proxy) or more.")
if env("RATELIMIT_IP_META_KEY", default=""):
    raise ImproperlyConfigured(
        "RATELIMIT_IP_META_KEY is no longer read: set TRUSTED_PROXY_COUNT (e.g. 1 behind nginx)."
    )
RATELIMIT_IP_META_KEY = "lms.http.client_ip"

# Content-Security-Policy (django-csp) on every response: our own origin only, no inline script
# or style; a <style> the server writes (the primary colour) carries the request's nonce. Wagtail's
# admin gets a relaxed policy of its own, see lms.http.ContentSecurityPolicyMiddleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# Wagtail 8's admin writes a few inline <script>s (date pickers, inline panels, multiple
# choosers); our copies of those templates (lms/templates/wagtailadmin/) give them the request's
# nonce, so the admin runs under this same policy. A page that uses no nonce sends none.
# ADMIN_CONTENT_SECURITY_POLICY may still replace directives under /admin/ (lms.http).
ADMIN_CONTENT_SECURITY_POLICY = {}
# Permissions-Policy (django-permissions-policy): no page of the LMS uses any of these.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# --- Admin privacy: no requests to third parties (issue 14) ---------------------------------
# Wagtail's admin would load every user's avatar from gravatar.com with a hash of their email;
# with no provider, it shows its built-in placeholder instead (users may still upload one).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor does the dashboard announce Wagtail releases with links to guide.wagtail.org (the help
# menu's links there are dropped in lms/wagtail_hooks.py), nor check releases.wagtail.org.
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_ENABLE_UPDATE_CHECK = False

# --- Bounded dates (issue 14) -------------------------------------------------------------------
# A liaison extends a due date by at most this many days past the current one; OEI
# administrators may grant more (within the dates the LMS accepts at all, up to 2100-12-31).
EXTENSION_MAX_DAYS = env.int("EXTENSION_MAX_DAYS", default=365)

# --- PDF rendering (issue 15) -------------------------------------------------------------------
# WeasyPrint (lms/organisation/pdf.py, see docs/pdf.md) logs each step of every render, and the
# parsing of its own stylesheets when it is imported, at INFO: keep its warnings (a URL the
# fetcher refused) and drop the steps.
LOGGING["loggers"] = {**LOGGING.get("loggers", {}), "weasyprint.progress": {"level": "WARNING"}}

# --- Single sign-on (OpenID Connect) (issue 17) ---------------------------------------------
# Off unless OIDC_DISCOVERY_URL is set: then the login page offers "Sign in with City account"
# first, and local passwords work only for accounts OEI marks as local. mozilla-django-oidc does
# the protocol; lms/organisation/sso.py reads the provider's endpoints from its discovery
# document (OIDC_DISCOVERY_URL: the issuer, or its /.well-known/openid-configuration URL), and
# lms.organisation.backends.CityAccountBackend lets in only active employees of the HR roster.
# See docs/single-sign-on.md.
OIDC_DISCOVERY_URL = env("OIDC_DISCOVERY_URL", default="")
OIDC_RP_CLIENT_ID = env("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env("OIDC_SCOPES", default="openid email profile")
OIDC_RP_SIGN_ALGO = env("OIDC_SIGN_ALGO", default="RS256")
# How a token is matched to an employee of the roster: "employee_number" (the claim named by
# OIDC_MATCH_CLAIM holds the HR employee number) or "email" (the claim holds their email, used
# only when the token says email_verified).
OIDC_MATCH_KIND = env("OIDC_MATCH_KIND", default="employee_number")
OIDC_MATCH_CLAIM = env(
    "OIDC_MATCH_CLAIM", default="email" if OIDC_MATCH_KIND == "email" else "employee_number"
)
if OIDC_MATCH_KIND not in ("employee_number", "email"):
    raise ImproperlyConfigured("OIDC_MATCH_KIND must be 'employee_number' or 'email'.")
if OIDC_DISCOVERY_URL and not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
    raise ImproperlyConfigured(
        "OIDC_DISCOVERY_URL is set: set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET."
    )
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
# The protocol's own settings (mozilla-django-oidc): nobody is created from the provider, the ID
# token is kept in the session for the provider's logout, and PKCE is used on top of the secret.
OIDC_CREATE_USER = False
OIDC_STORE_ID_TOKEN = True
OIDC_USE_PKCE = True
OIDC_AUTHENTICATE_CLASS = "lms.organisation.sso_views.CityAccountStartView"
OIDC_CALLBACK_CLASS = "lms.organisation.sso_views.CityAccountCallbackView"
AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "lms.organisation.backends.CityAccountBackend"]
# Wagtail's admin login refuses a password of an account not marked local while SSO is on.
WAGTAILADMIN_USER_LOGIN_FORM = "lms.forms.AdminLoginForm"

# --- Accounts and login hardening (issue 17: invitations, lock-out, second factor) ---------------
# See docs/accounts.md. django-axes counts failed sign-ins (site and /admin/login/) per account
# and per client address, each on its own: LOGIN_FAILURE_LIMIT failures lock that account, or
# that address, out for LOGIN_LOCKOUT_MINUTES; the lock-out page (429) says the same whether the
# account exists or not. The address is lms.http.client_ip, so TRUSTED_PROXY_COUNT applies.
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
    "lms.organisation.second_factor.SecondFactorMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "lms.http.client_ip"
AXES_LOCKOUT_CALLABLE = "lms.views.locked_out"
AXES_RESET_ON_SUCCESS = True
# "Forgot your password?": at most this many requests per client address, and per email address
# typed, per hour (django-ratelimit, in the cache: with Redis shared by every worker).
PASSWORD_RESET_RATE_PER_IP = env("PASSWORD_RESET_RATE_PER_IP", default="10/h")
PASSWORD_RESET_RATE_PER_EMAIL = env("PASSWORD_RESET_RATE_PER_EMAIL", default="3/h")
# Reset links last PASSWORD_RESET_TIMEOUT seconds; invitation links INVITATION_VALID_DAYS days.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)
# Staff roles (OEI administrator, content editor, legal reviewer) and superusers who sign in
# with a local password confirm a TOTP code (django-otp) before anything else.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="City Training")
# Sessions end after this many minutes without a request: each request pushes the end back
# (lms.http.SessionIdleMiddleware, in the database, without rewriting the session's data).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=60) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ENGINE = env("SESSION_ENGINE", default="django.contrib.sessions.backends.db")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
    "lms.http.SessionIdleMiddleware",
)

# --- Caching of learner pages (issue 21, docs/caching.md) -------------------------------------
# Rendered lesson bodies and course descriptions are cached per live revision and language, for
# RENDERED_BODY_CACHE_SECONDS (a publish makes a new key at once; the lifetime only bounds how
# long a changed image or linked document keeps its old address in a body). The version is in
# every key; by default a digest of the templates that render bodies, so that a deploy that
# changes them never serves HTML rendered by the previous one from a shared Redis.
RENDERED_BODY_CACHE_SECONDS = env.int("RENDERED_BODY_CACHE_SECONDS", default=24 * 3600)
RENDERED_BODY_CACHE_VERSION = env(
    "RENDERED_BODY_CACHE_VERSION",
    default=hashlib.sha256(
        b"".join(
            path.read_bytes()
            for path in sorted((BASE_DIR / "templates").glob("blocks/*.html"))
            + sorted((BASE_DIR / "templates" / "courses" / "includes").glob("*_body.html"))
            + [BASE_DIR / "courses" / "blocks.py"]
        )
    ).hexdigest()[:12],
)
# Wagtail's Site records and the organisation's settings are read on every request: kept in
# the cache for this long (and deleted whenever one is saved or deleted).
SITE_CACHE_SECONDS = env.int("SITE_CACHE_SECONDS", default=300)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "lms.sites.CachedSiteMiddleware",
)

# --- Whole-site load benchmark (issue 21) -------------------------------------------------------
# ``generate_city --bench-password`` gives synthetic people a usable password, so that
# bench/site_load.py can sign its simulated people in. Only where this is true; production
# forces it off whatever the environment says (docs/capacity.md).
SYNTHETIC_PASSWORDS_ALLOWED = env.bool("SYNTHETIC_PASSWORDS_ALLOWED", default=False)

# --- HR roster feed (issue 19, docs/roster-import.md) ---------------------------------------
# The folder a daily django-q2 schedule reads new roster files from (a mounted SFTP share,
# say); empty: no feed unless OEI names one in Settings > HR roster feed. OEI may only name a
# folder inside ROSTER_FEED_ROOT (by default the default folder itself).
ROSTER_FEED_DIR = env("ROSTER_FEED_DIR", default="")
ROSTER_FEED_ROOT = env("ROSTER_FEED_ROOT", default=ROSTER_FEED_DIR)
# A file modified less than this many seconds ago may still be arriving: it waits a day.
ROSTER_FEED_SETTLE_SECONDS = env.int("ROSTER_FEED_SETTLE_SECONDS", default=300)
# Larger files are left for the command line (manage.py import_roster reads any size).
ROSTER_FEED_MAX_BYTES = env.int("ROSTER_FEED_MAX_BYTES", default=50 * 1024 * 1024)
