"""Sending the outbox by SMTP, never while a user waits: the request writes its emails in its
own transaction and hands their ids to this process's mail thread, which sends them after the
response has gone; `flask notifications send` (cron) sends those whose wait is over.

Why one thread per process: it needs nothing besides the app (no broker, no worker to run and
watch), frees the response and the worker alike (Werkzeug's `call_on_close` would still hold a
gunicorn worker for up to MAIL_TIMEOUT), and stays safe with several processes and cron
because each email is claimed in the database before it is sent. It starts on the first email,
in the process that serves, and sends what it holds at exit; an email it could not finish (the
process was killed) stays in the outbox, due at its next try, for cron.

A failure is written on the email's row, which is tried again later, each time waiting longer;
it never reaches the request, whose record is already saved.
"""

import atexit
import smtplib
import ssl
import threading
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from sqlalchemy import func, inspect, select, update
from sqlalchemy.orm import Session

from .db import SESSION_QUEUED_MAIL, db
from .notifications import OutgoingMail
from .write_turn import begin_write

#: The wait after a failed try doubles from the first, up to the longest.
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=6)
#: After this many tries (about four days) an email is left alone; its row keeps the error.
MAX_ATTEMPTS = 20
#: Emails sent over one SMTP connection.
BATCH = 50
#: Refusals of one email (its address, its size): the connection goes on with the next one.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError,
           smtplib.SMTPNotSupportedError, UnicodeError, ValueError)


def retry_after(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th try failed."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def _due(at: datetime):
    return (OutgoingMail.sent_at.is_(None), OutgoingMail.next_attempt_at <= at,
            OutgoingMail.attempts < MAX_ATTEMPTS)


def waiting(session) -> int:
    """Emails not sent yet, due or not."""
    return session.scalar(select(func.count()).where(OutgoingMail.sent_at.is_(None)))


def send_pending(session, config, at: datetime, only: list[int] | None = None) -> tuple[int, int]:
    """Send up to BATCH due emails (of the ids `only`, when given); returns (sent, failed).
    With MAIL_SERVER empty, mail is off and every email waits in the outbox. It commits as it
    goes: pass a session with nothing pending."""
    if not config.get("MAIL_SERVER"):
        return 0, 0
    session.commit()  # the write turn is taken at the start of a transaction
    begin_write(session)  # the claims below depend on what is read here
    query = select(OutgoingMail.id, OutgoingMail.attempts).where(*_due(at))
    if only is not None:
        query = query.where(OutgoingMail.id.in_(only))
    candidates = session.execute(query.order_by(OutgoingMail.id).limit(BATCH)).all()
    claimed = [key for key, attempts in candidates if _claim(session, key, attempts, at)]
    mails = session.execute(select(OutgoingMail.id, OutgoingMail.to_address, OutgoingMail.subject,
                                   OutgoingMail.body, OutgoingMail.created_at)
                            .where(OutgoingMail.id.in_(claimed)).order_by(OutgoingMail.id)).all()
    session.commit()  # the claims hold before the network is touched
    if not mails:
        return 0, 0
    sent, pending = 0, list(mails)
    try:
        with _connect(config) as smtp:
            while pending:
                mail = pending[0]
                try:
                    smtp.send_message(_message(mail, config))
                except REFUSED as exc:
                    _finish(session, mail.id, at, exc)
                else:
                    _finish(session, mail.id, at)
                    sent += 1
                pending.pop(0)
    except (OSError, smtplib.SMTPException) as exc:  # no server, or the connection broke
        for mail in pending:
            _finish(session, mail.id, at, exc)
    return sent, len(mails) - sent


def _claim(session, key: int, attempts: int, at: datetime) -> bool:
    """Take one email: count the try and set when the next is due, should this one fail. A
    second sender (cron while a request sends) then leaves it alone, and an email whose sender
    died on the way is tried again later, not lost."""
    taken = session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == key, OutgoingMail.attempts == attempts,
               OutgoingMail.sent_at.is_(None))
        .values(attempts=attempts + 1, next_attempt_at=at + retry_after(attempts + 1))
        .execution_options(synchronize_session=False))
    return taken.rowcount == 1


def _finish(session, key: int, at: datetime, error: Exception | None = None) -> None:
    """Write how the try went, at once: a later failure in the batch cannot undo it."""
    values = (dict(sent_at=at, last_error=None) if error is None
              else dict(last_error=f"{type(error).__name__}: {error}"[:500]))
    session.execute(update(OutgoingMail).where(OutgoingMail.id == key).values(**values)
                    .execution_options(synchronize_session=False))
    session.commit()


def _connect(config) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]),
                        timeout=float(config["MAIL_TIMEOUT"]))
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
    except BaseException:
        smtp.close()
        raise
    return smtp


def _message(mail, config) -> EmailMessage:
    sender = config["MAIL_FROM"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to_address
    message["Subject"] = " ".join(mail.subject.split())  # one line, whatever was typed
    message["Date"] = format_datetime(mail.created_at)
    # the same on every try: a receiver can drop a copy sent twice (a sender died after SMTP
    # took the email and before its row said so)
    message["Message-ID"] = f"<outbox-{mail.id}.{int(mail.created_at.timestamp())}@{domain}>"
    message.set_content(mail.body)
    return message


class Sender:
    """The process's mail thread: sends the emails that requests hand over, one batch at a
    time, after their responses have gone."""

    def __init__(self, app):
        self.app = app
        self._changed = threading.Condition()  # guards the fields below; wakes the waiters
        self._keys: set[int] = set()
        self._busy = self._stopping = self._exit_hook = False
        self._thread: threading.Thread | None = None

    def hand_over(self, keys: list[int]) -> None:
        """Queue saved emails' ids for the thread, starting it on first use (so in the process
        that serves, after gunicorn forked it); returns at once."""
        with self._changed:
            self._keys.update(keys)
            if self._thread is None or not self._thread.is_alive():
                self._stopping = False
                self._thread = threading.Thread(target=self._run, name="mail-sender", daemon=True)
                self._thread.start()
                if not self._exit_hook:  # once: the thread may be started again after a stop
                    atexit.register(self.stop, timeout=float(self.app.config["MAIL_TIMEOUT"]))
                    self._exit_hook = True
            self._changed.notify_all()

    def idle(self, timeout: float | None = None) -> bool:
        """Wait until every email handed over has been tried; False if `timeout` ran out."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._keys and not self._busy, timeout)

    def stop(self, timeout: float | None = None) -> None:
        """Let the thread send what it was handed, then end it (at exit, and after a test);
        what it has not sent when `timeout` runs out stays in the outbox for cron."""
        with self._changed:
            thread, self._stopping = self._thread, True
            self._changed.notify_all()
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._keys or self._stopping)
                if not self._keys:  # stopping, and nothing is left
                    self._thread = None  # a later hand-over starts a new thread
                    return
                keys, self._keys, self._busy = sorted(self._keys), set(), True
            try:
                self._send(keys)
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()

    def _send(self, keys: list[int]) -> None:
        with self.app.app_context():
            for start in range(0, len(keys), BATCH):
                try:
                    # a session and connection of the thread's own, given back after each batch
                    with Session(db.engine) as session:
                        send_pending(session, self.app.config, datetime.now(UTC),
                                     only=keys[start:start + BATCH])
                except Exception:  # the thread lives on; these emails wait for cron
                    self.app.logger.exception("Sending queued emails failed; they stay in the "
                                              "outbox")


def sender(app) -> Sender:
    """The app's mail thread (tests wait on it, or stop it)."""
    return app.extensions["mail_sender"]


def init_app(app) -> None:
    """After a request whose transaction queued emails, hand them to the mail thread."""
    app.extensions["mail_sender"] = mail_thread = Sender(app)

    @app.after_request
    def send_queued(response):
        queued = db.session.info.pop(SESSION_QUEUED_MAIL, None) or []
        # saved ones only: a rolled-back transaction took its emails with it
        keys = [inspect(mail).identity[0] for mail in queued if inspect(mail).persistent]
        if keys and app.config.get("MAIL_SERVER"):  # mail off: they wait in the outbox
            mail_thread.hand_over(keys)
        return response
