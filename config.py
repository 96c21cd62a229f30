"""Settings, read from the environment first."""

import os
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent


class Config:
    """One configuration class; tests pass a mapping of overrides to create_app."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{HERE / 'instance' / 'sop.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    #: Where reports and their downloads read: a streaming standby of DATABASE_URL, say, to
    #: spare the primary; empty: DATABASE_URL. Nothing is ever written there.
    REPORTS_DATABASE_URL = os.environ.get("REPORTS_DATABASE_URL", "")
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Pontianak"
    BABEL_TRANSLATION_DIRECTORIES = str(HERE / "translations")
    LANGUAGES = ("id", "en")
    FLASK_ADMIN_SWATCH = "cerulean"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    #: A session ends after this many minutes without a request.
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=SESSION_IDLE_MINUTES)
    #: Failed log-ins allowed before a pause, counted in the database (every worker and app
    #: server together): for one account from one address; from one address over every
    #: account; for one account from every address together, looser so that nobody pauses
    #: an owner from a few addresses (a browser the owner logged in with before is counted
    #: on its own, with the first limit).
    LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = "5 per 15 minutes"
    LOGIN_FAILURES_PER_ADDRESS = "20 per 15 minutes"
    LOGIN_FAILURES_PER_ACCOUNT = "50 per 15 minutes"
    #: How many proxies (load balancers) stand in front of the app and set X-Forwarded-For:
    #: the log-in limits then count the visitor's address, not the balancer's.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    #: Where `flask audit verify` keeps its checkpoints of the audit trail (count and last
    #: hash): a file on the app server, out of reach of whoever can write to the database, so
    #: that a trail cut short or emptied there is noticed (models/audit_check.py).
    AUDIT_CHECKPOINT_FILE = os.environ.get(
        "AUDIT_CHECKPOINT_FILE", str(HERE / "instance" / "audit-checkpoints.jsonl"))
    #: The office's address under the heading of printed pages (the kop surat).
    OFFICE_ADDRESS = os.environ.get("OFFICE_ADDRESS", "")
    #: The panel's public address as the office's readers reach it ("https://sop.pontianak.go.id"):
    #: the QR code on every printed document links there. Empty: the address of the request
    #: that printed it.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    #: The folder of the letters' templates (<kind>.html for the PDF, <kind>.docx for the
    #: DOCX): the system administrator may point it at a copy with the office's own wording.
    DOCUMENT_TEMPLATES = os.environ.get("DOCUMENT_TEMPLATES",
                                        str(HERE / "templates" / "documents"))
    #: Unknown codes one address may ask the public verification page for before a pause.
    VERIFICATION_MISSES_PER_ADDRESS = "30 per 15 minutes"
    #: Where the home page keeps its drawn charts: each process on its own by default; with
    #: several app servers, "RedisCache" and CACHE_REDIS_URL share one.
    CACHE_TYPE = os.environ.get("CACHE_TYPE", "SimpleCache")
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL", "")
    CACHE_DEFAULT_TIMEOUT = 300
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    #: Outgoing mail (notices to the OPD and the officials). While MAIL_SERVER is empty, mail
    #: is off and the emails wait in the outbox; MAIL_USE_TLS=1 asks for STARTTLS.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "SOP Aplikasi <sop-aplikasi@localhost>")
    #: Seconds to wait for the mail server before the email is left for a later try.
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    WTF_CSRF_TIME_LIMIT = None
