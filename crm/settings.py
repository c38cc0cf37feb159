"""
Settings for the CRM. Everything that differs between machines comes from the environment
(django-environ); see .env.example. Production differs from development only by environment.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# GENERAL
# ------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
# A development key is only acceptable with DEBUG on; production must set SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", default="" if not DEBUG else "dev-only-" + "x" * 50)
if not SECRET_KEY:
    raise ImproperlyConfigured("Set the SECRET_KEY environment variable (see .env.example).")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
LANGUAGE_CODE = env("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Our catalog first; locale_vendor holds Chinese for third-party strings lacking one.
LOCALE_PATHS = [BASE_DIR / "crm" / "locale", BASE_DIR / "crm" / "locale_vendor"]
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
FORMAT_MODULE_PATH = ["crm.formats"]

# DATABASES
# ------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/crm")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A read replica for the report computations (crm/db_routers.py); without it they read the primary.
if env("REPORTS_DATABASE_URL", default=""):
    DATABASES["reports"] = env.db("REPORTS_DATABASE_URL")
    DATABASES["reports"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["reports"]["CONN_HEALTH_CHECKS"] = True
CRM_REPORTS_DATABASE = "reports" if "reports" in DATABASES else ""
DATABASE_ROUTERS = ["crm.db_routers.ReportsReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# APPS
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "axes",
    "csp",
    "django_celery_beat",
    "django_filters",
    "django_htmx",
    "import_export",
    "template_partials",
]
LOCAL_APPS = [
    "crm",
    "apps.rbac",
    "apps.basedata",
    "apps.customers",
    "apps.marketing",
    "apps.service",
    "apps.reports",
    "apps.notifications",
    "apps.jobs",
    "apps.imports",
    "apps.demo",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# AUTHENTICATION
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "rbac.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins before any check
    "apps.rbac.backends.RoleRightsBackend",  # role rights -> Django permission strings
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): a cool-off, never a permanent lock, keyed on the pair
# (username, IP) so an attacker cannot lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The reverse proxies (addresses or networks) whose X-Forwarded-For names the client, for the
# throttle and the security log (crm.client_address); from anyone else the header is ignored.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "crm.client_address.client_address"

# MIDDLEWARE
# ------------------------------------------------------------------------------
MIDDLEWARE = [
    "crm.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "crm.middleware.SessionTouchMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "crm.middleware.RejectNullBytesMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "crm.middleware.FrameVersionMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"

# TEMPLATES
# ------------------------------------------------------------------------------
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["template_partials.templatetags.partials"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "apps.rbac.context_processors.menu",
                "apps.notifications.context_processors.unread_count",
            ],
        },
    },
]

# Form widgets render through TEMPLATES, so templates/django/forms/ may override Django's own
# (select.html: options inline).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# STATIC
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
# Bootstrap and Bootstrap Icons come from the npm registry (package.json), installed at setup.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"

# SECURITY
# ------------------------------------------------------------------------------
# HTTPS settings are on unless DEBUG is; SECURE_HTTPS=false allows plain HTTP behind no proxy.
SECURE_HTTPS = env.bool("SECURE_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = SECURE_HTTPS
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=SECURE_HTTPS)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "crm.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The age counts from the last request (an inactivity timeout): SessionTouchMiddleware (crm/
# middleware.py) saves a signed-in session when this many seconds have passed since its last
# save, not on every request (a write per page otherwise).
SESSION_SAVE_EVERY_REQUEST = False
CRM_SESSION_TOUCH_SECONDS = env.int("CRM_SESSION_TOUCH_SECONDS", default=60)
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],  # the nonce appears only when a page uses it
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# EMAIL
# ------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CRM <crm@localhost>")

# CACHES
# ------------------------------------------------------------------------------
# Local memory by default: nothing the web app needs lives only in Redis (sessions and login
# throttling are in PostgreSQL), so the app keeps serving while Redis is down.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://crm")}

# CELERY
# ------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# Publishing must fail fast when Redis is down or frozen instead of hanging the request.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "visibility_timeout": 1800,  # longer than the hard time limit, else tasks run twice
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# A job published from a request (apps.jobs.services.job_publish) uses a connection of its own
# with these options: one attempt, no reconnect loop, so a frozen Redis costs one socket timeout
# (~1 s) and the job stays queued for the sweeper. Without "max_retries": 0 kombu retries the
# connection for CELERY_BROKER_CONNECTION_TIMEOUT (measured 4–7.5 s with Redis frozen).
CRM_JOB_PUBLISH_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 1,
    "max_retries": 0,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 1200
CELERY_TASK_TIME_LIMIT = 1500
# Background jobs (apps.jobs): while a job runs, a thread of its worker records a sign of life
# every CRM_JOB_HEARTBEAT_SECONDS, whatever the job is busy with; a running job without one for
# CRM_JOB_STALE_SECONDS has lost its worker (killed, stopped), and the sweeper (every minute)
# gives it back to the queue. A slow job keeps beating, so it never runs twice at once.
CRM_JOB_HEARTBEAT_SECONDS = env.int("CRM_JOB_HEARTBEAT_SECONDS", default=10)
CRM_JOB_STALE_SECONDS = env.int("CRM_JOB_STALE_SECONDS", default=60)
# Two queues, so that workers scale per kind of work (README "Deployment and scale-out"):
# "celery" for what a user waits for (reports, exports, imports, the sweeper), "nightly" for the
# long nightly jobs (each kind of job names its queue: apps.jobs.registry.JobKind.queue). A
# worker started without -Q consumes both (make run, the tests).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue("celery"), Queue("nightly")]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The nightly jobs are added by the apps that own them; the database scheduler copies this dict
# into django-celery-beat's tables, where the system admin may change the times.
CELERY_BEAT_SCHEDULE: dict = {}

# LOGGING
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# CRM
# ------------------------------------------------------------------------------
CRM_PAGE_SIZE = env.int("CRM_PAGE_SIZE", default=10)
# The page sizes a list offers (?per_page=); the query count is the same for each.
CRM_PAGE_SIZES = (10, 20, 50, 100)
CRM_AUDIT_PAGE_SIZE = 25
# Larger exports are for the background export jobs, not a request.
CRM_EXPORT_MAX_ROWS = env.int("CRM_EXPORT_MAX_ROWS", default=10_000)
CRM_PRODUCT_NAME = _("Customer Relationship Management")
# A normal customer without an order for this many months gets a churn warning (SPEC §8.1).
CRM_CHURN_MONTHS = env.int("CRM_CHURN_MONTHS", default=6)
# Imports: the largest file and the most rows one import may hold.
CRM_IMPORT_MAX_BYTES = env.int("CRM_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
CRM_IMPORT_MAX_ROWS = env.int("CRM_IMPORT_MAX_ROWS", default=100_000)
# Server-Timing header with server time and SQL query count on every response (benchmarks).
CRM_SERVER_TIMING = env.bool("CRM_SERVER_TIMING", default=False)
# Services waiting longer than this many days are highlighted in the service lists.
CRM_SERVICE_OVERDUE_DAYS = env.int("CRM_SERVICE_OVERDUE_DAYS", default=3)
