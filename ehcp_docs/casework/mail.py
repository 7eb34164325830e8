"""Outbound email through the LA's SMTP relay (`ehcp send`): the relay's settings from ehcp.toml's `[smtp]`, the
password from an environment variable or an owner-only file (never from the store), TLS always (STARTTLS or
implicit TLS, certificates verified, an LA's own CA file allowed), and every failure turned into one sentence a
caseworker can act on (`SendError`, exit 1), never a traceback.

Delivery is all or nothing as far as SMTP allows: every recipient is offered to the relay (MAIL FROM, RCPT TO,
then RSET) before any message is handed over, so a refused address sends nothing. This module knows nothing of
plans or documents: `documents/sending.py` says what to send to whom, and `casework/time_limits.py` records it."""
from __future__ import annotations

import os
import smtplib
import socket
import ssl
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from ehcp_docs.errors import SendError, StoreError

SECURITY = ("starttls", "implicit")  # the only ways ehcp talks to a relay: never plain text
DEFAULT_PORTS = {"starttls": 587, "implicit": 465}
TIMEOUT_S = 30
MAX_ATTACHMENTS_BYTES = 20 * 1024 * 1024  # most relays refuse more than 20-25 MB
KEYS = ("host", "port", "from", "username", "password_env", "password_file", "security", "ca_file", "timeout",
        "reply_to")
EXAMPLE = ('[smtp]\nhost = "smtp.exampleshire.example.org"\nport = 587\nsecurity = "starttls"   # or "implicit" '
           '(port 465)\nfrom = "send.reviews@exampleshire.example.org"\nusername = "send.reviews"\n'
           'password_env = "EHCP_SMTP_PASSWORD"   # or password_file = "~/.config/ehcp/smtp-password" (mode 600)')
FIX = "Add an [smtp] table to ehcp.toml, for example:\n" + EXAMPLE


@dataclass(frozen=True)
class Relay:
    host: str
    port: int
    sender: str
    security: str = "starttls"
    username: str = ""
    password_env: str = ""
    password_file: str = ""
    ca_file: str = ""
    timeout: float = TIMEOUT_S
    reply_to: str = ""

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Outgoing:
    """One message: to one address, about one document, with its files attached. `who` names the recipient in
    caseworker terms for messages (\"parent 2\"), never the address or a child's name."""
    to: str
    who: str
    role: str
    subject: str
    body: str
    attachments: tuple[Path, ...]
    salutation: str = ""


@dataclass(frozen=True)
class Delivered:
    to: str
    who: str
    role: str
    message_id: str
    files: tuple[str, ...] = field(default=())


def relay(settings: Mapping[str, Any], store_root: Path) -> Relay:
    """The relay from ehcp.toml's `[smtp]` table, refused with the fix when it is missing or would be unsafe
    (plain text, a password kept in the store): every problem is named, not only the first."""
    smtp = settings.get("smtp")
    if not isinstance(smtp, Mapping) or not smtp:
        raise StoreError("ehcp.toml has no [smtp] settings, so ehcp cannot send email", hint=FIX)
    problems = relay_problems(smtp, store_root)
    if problems:
        raise StoreError(problems[0] if len(problems) == 1 else
                         f"ehcp.toml [smtp] has {len(problems)} problems, so ehcp cannot send email",
                         messages=problems if len(problems) > 1 else [], hint=_hint(smtp))
    security = _security(smtp)
    return Relay(host=str(smtp["host"]).strip(), port=int(smtp.get("port") or DEFAULT_PORTS[security]),
                 sender=str(smtp["from"]).strip(), security=security, username=str(smtp.get("username") or ""),
                 password_env=str(smtp.get("password_env") or ""),
                 password_file=str(smtp.get("password_file") or ""), ca_file=str(smtp.get("ca_file") or ""),
                 timeout=float(smtp.get("timeout") or TIMEOUT_S), reply_to=str(smtp.get("reply_to") or ""))


def relay_problems(smtp: Mapping[str, Any], store_root: Path) -> list[str]:
    """Every problem of an `[smtp]` table, each naming its key, for `ehcp send` and `ehcp settings check` alike:
    a caseworker fixing the settings should see them all at once, not one per try. (A `password` key never gets
    here: config.unknown_keys refuses it when the settings are read.)"""
    out = [f"ehcp.toml [smtp] needs {key} ({why})" for key, why in
            (("host", "the relay's name, from IT"), ("from", "the address letters are sent from"))
            if not isinstance(smtp.get(key), str) or not smtp[key].strip()]
    for key in ("host", "from", "username", "password_env", "password_file", "ca_file", "reply_to"):
        if key in smtp and not isinstance(smtp[key], str):
            out.append(f"ehcp.toml [smtp] {key} should be text in quotes")
    security = _security(smtp)
    if security not in SECURITY:
        out.append(f"ehcp.toml [smtp] security = {security[:20]!r}: email is sent only over TLS, with "
                   "\"starttls\" (usually port 587) or \"implicit\" (usually port 465); plain-text SMTP would "
                   "expose letters about a child")
    out += _number_problems(smtp)
    if smtp.get("username") and not (smtp.get("password_env") or smtp.get("password_file")):
        out.append("ehcp.toml [smtp] username is set but nothing says where its password is: set password_env (an "
                   "environment variable) or password_file (a file only you can read)")
    env = smtp.get("password_env")
    if isinstance(env, str) and env and not env.replace("_", "A").isalnum():
        out.append(f"ehcp.toml [smtp] password_env should be the name of an environment variable, such as "
                   f"EHCP_SMTP_PASSWORD (letters, digits and _), not {env[:20]!r}")
    pw_file = smtp.get("password_file")
    if isinstance(pw_file, str) and pw_file and _inside(Path(pw_file).expanduser(), store_root):
        out.append("ehcp.toml [smtp] password_file is inside the plan store: it would be shared with the store; "
                   "keep it outside, for example in ~/.config/ehcp/, readable only by you (chmod 600)")
    return out


def _security(smtp: Mapping[str, Any]) -> str:
    return str(smtp.get("security") or "starttls").strip().lower()


def _number_problems(smtp: Mapping[str, Any]) -> list[str]:
    out = []
    for key, low, high, unit in (("port", 1, 65535, ""), ("timeout", 1, 600, " seconds")):
        value = smtp.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            out.append(f"ehcp.toml [smtp] {key} should be a number from {low} to {high}{unit}, not {str(value)[:20]!r}")
    return out


def _hint(smtp: Mapping[str, Any]) -> str:
    """The example table when the relay's host or sender is missing, else where to see every problem."""
    if not all(isinstance(smtp.get(k), str) and smtp[k].strip() for k in ("host", "from")):
        return FIX
    return "Correct ehcp.toml [smtp] (`ehcp settings check` lists every problem)."


def sending_problems(r: Relay, environ: Mapping[str, str] | None = None) -> list[str]:
    """What would stop this person, on this computer, sending now: the password not set or its file open to
    others, the LA's certificate authority file unreadable. `ehcp settings check` reports them, so a caseworker
    learns before a deadline day, not at the first `ehcp send`."""
    out = []
    for check in (lambda: password(r, environ), lambda: tls_context(r)):
        try:
            check()
        except SendError as e:
            out.append(f"ehcp.toml [smtp]: {e.message}" + (f" ({e.hint})" if e.hint else ""))
    return out


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def password(r: Relay, environ: Mapping[str, str] | None = None) -> str | None:
    """The relay's password: from the environment variable named by password_env, else from password_file,
    which must belong to this user and be readable by nobody else. None when the relay needs no login."""
    if not r.username:
        return None
    env = os.environ if environ is None else environ
    if r.password_env:
        value = env.get(r.password_env, "")
        if value:
            return value
        if not r.password_file:
            raise SendError(f"the mail relay's password is not set: the environment variable {r.password_env} is "
                            "empty", hint=f"Set it before sending, for example: export {r.password_env}=...  "
                                          "(ask IT for the password).")
    path = Path(r.password_file).expanduser()
    try:
        st = path.stat()
    except OSError as e:
        raise SendError(f"the mail relay's password file {path} cannot be read ({e.strerror})",
                        hint="Check password_file in ehcp.toml [smtp].") from None
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SendError(f"the mail relay's password file {path} can be read by other people (mode "
                        f"{stat.S_IMODE(st.st_mode):o})", hint=f"Make it yours alone: chmod 600 {path}")
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        raise SendError(f"the mail relay's password file {path} belongs to another user",
                        hint="Use a password file of your own (chmod 600).")
    try:
        value = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        raise SendError(f"the mail relay's password file {path} cannot be read as text") from None
    if not value:
        raise SendError(f"the mail relay's password file {path} is empty")
    return value


def tls_context(r: Relay) -> ssl.SSLContext:
    """Certificates always verified, host name checked; the LA's own CA file when ehcp.toml names one."""
    ctx = ssl.create_default_context()
    if r.ca_file:
        ca = Path(r.ca_file).expanduser()
        try:
            ctx.load_verify_locations(cafile=str(ca))
        except (OSError, ssl.SSLError):
            raise SendError(f"the certificate authority file {ca} in ehcp.toml [smtp] ca_file cannot be read",
                            hint="Check the path, or remove ca_file to use the system's certificates.") from None
    return ctx


def build(r: Relay, out: Outgoing) -> EmailMessage:
    """The message: plain text, the documents attached, a Message-ID of the LA's own domain."""
    msg = EmailMessage()
    msg["From"] = r.sender
    msg["To"] = out.to
    if r.reply_to:
        msg["Reply-To"] = r.reply_to
    msg["Subject"] = out.subject
    msg["Date"] = formatdate(localtime=True)
    domain = r.sender.rpartition("@")[2] or None
    msg["Message-ID"] = make_msgid(domain=domain)
    msg.set_content(out.body)
    for path in out.attachments:
        maintype, subtype = _mime(path)
        msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    return msg


def _mime(path: Path) -> tuple[str, str]:
    if path.suffix == ".pdf":
        return "application", "pdf"
    if path.suffix == ".docx":
        return "application", "vnd.openxmlformats-officedocument.wordprocessingml.document"
    return "application", "octet-stream"


def deliver(r: Relay, secret: str | None, messages: list[Outgoing]) -> list[Delivered]:
    """Sends every message in one session, or none: each recipient is offered to the relay first. Raises
    SendError saying why (unreachable, TLS, login, an address refused) with what was delivered, if anything."""
    if not messages:
        raise SendError("there is nobody to send it to")
    size = sum(p.stat().st_size for m in messages for p in m.attachments)
    if size > MAX_ATTACHMENTS_BYTES:
        raise SendError(f"the attachments come to {size // (1024 * 1024)} MB, more than a mail relay accepts",
                        hint="Send the Word documents only (--no-pdf), or send by post and record it with "
                             "`ehcp served`.")
    built = [(m, build(r, m)) for m in messages]
    done: list[Delivered] = []
    try:
        with _connect(r) as smtp:
            _login(r, smtp, secret)
            for m, _ in built:
                _offer(r, smtp, m)
            for m, msg in built:
                refused = smtp.send_message(msg, from_addr=r.sender, to_addrs=[m.to])
                if refused:
                    raise SendError(f"the mail relay refused the email address of {m.who}")
                done.append(Delivered(m.to, m.who, m.role, str(msg["Message-ID"]),
                                      tuple(p.name for p in m.attachments)))
    except SendError as e:
        raise _partly(e, done) from None
    except smtplib.SMTPRecipientsRefused:
        raise _partly(SendError("the mail relay refused a recipient's email address"), done) from None
    except smtplib.SMTPSenderRefused as e:
        raise _partly(SendError(f"the mail relay refused to send from {r.sender} ({_reply(e)})",
                                hint="Check [smtp] from in ehcp.toml with IT."), done) from None
    except smtplib.SMTPDataError as e:
        raise _partly(SendError(f"the mail relay would not take the message ({_reply(e)})"), done) from None
    except (smtplib.SMTPException, OSError) as e:
        raise _partly(_connection_error(r, e), done) from None
    return done


def _reply(e: smtplib.SMTPResponseException) -> str:
    text = e.smtp_error.decode("utf-8", "replace") if isinstance(e.smtp_error, bytes) else str(e.smtp_error)
    return f"{e.smtp_code} {' '.join(text.split())[:120]}"


def _connect(r: Relay) -> smtplib.SMTP:
    ctx = tls_context(r)
    local = socket.getfqdn() if r.host not in ("127.0.0.1", "localhost", "::1") else "localhost"
    if r.security == "implicit":
        secure = smtplib.SMTP_SSL(r.host, r.port, local_hostname=local, timeout=r.timeout, context=ctx)
        try:
            secure.ehlo()
        except BaseException:
            secure.close()
            raise
        return secure
    smtp = smtplib.SMTP(r.host, r.port, local_hostname=local, timeout=r.timeout)
    try:
        smtp.ehlo()
        if not smtp.has_extn("starttls"):
            raise SendError(f"the mail relay {r.where} does not offer STARTTLS, and ehcp never sends letters "
                            "unencrypted", hint="Ask IT for the relay's TLS port, or set security = \"implicit\" "
                                                "in ehcp.toml [smtp] if it uses port 465.")
        smtp.starttls(context=ctx)
        smtp.ehlo()
    except BaseException:
        smtp.close()
        raise
    return smtp


def _login(r: Relay, smtp: smtplib.SMTP, secret: str | None) -> None:
    if not r.username:
        return
    try:
        smtp.login(r.username, secret or "")
    except smtplib.SMTPAuthenticationError:
        raise SendError(f"the mail relay {r.where} refused the user name {r.username!r} or its password",
                        hint="Check [smtp] username in ehcp.toml and the password (ask IT if it has changed)."
                        ) from None
    except smtplib.SMTPNotSupportedError:
        raise SendError(f"the mail relay {r.where} does not accept a login, but ehcp.toml [smtp] gives a user "
                        "name", hint="Remove username from ehcp.toml [smtp] if the relay needs no login.") from None


def _offer(r: Relay, smtp: smtplib.SMTP, m: Outgoing) -> None:
    """Asks the relay whether it takes this recipient (MAIL FROM, RCPT TO, RSET), before anything is sent."""
    code, reply = smtp.mail(r.sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, r.sender)
    code, reply = smtp.rcpt(m.to)
    smtp.rset()
    if code not in (250, 251):
        text = " ".join(reply.decode("utf-8", "replace").split())[:120]
        raise SendError(f"the mail relay refused the email address of {m.who} ({code} {text})",
                        hint="Check the address in the plan (`ehcp edit`), or send by post and record it with "
                             "`ehcp served --by post`.")


def _connection_error(r: Relay, e: BaseException) -> SendError:
    if isinstance(e, ssl.SSLCertVerificationError):
        return SendError(f"the mail relay {r.where} could not prove who it is: its certificate was not accepted "
                         f"({e.verify_message})",
                         hint="Check [smtp] host in ehcp.toml; if the LA uses its own certificate authority, name "
                              "its file as ca_file.")
    if isinstance(e, ssl.SSLError):
        return SendError(f"a secure (TLS) connection to the mail relay {r.where} could not be made ({e.reason})",
                         hint="Check [smtp] port and security in ehcp.toml: STARTTLS is usually port 587, "
                              "implicit TLS port 465.")
    if isinstance(e, ConnectionRefusedError):
        return SendError(f"the mail relay {r.where} refused the connection (nothing is listening there)",
                         hint="Check [smtp] host and port in ehcp.toml, or try again later.")
    if isinstance(e, socket.gaierror):
        return SendError(f"the mail relay {r.host} could not be found on the network",
                         hint="Check [smtp] host in ehcp.toml and that you are connected to the LA network.")
    if isinstance(e, TimeoutError | socket.timeout):
        return SendError(f"the mail relay {r.where} did not answer within {r.timeout:g} seconds",
                         hint="Try again later, or check [smtp] host and port in ehcp.toml.")
    if isinstance(e, smtplib.SMTPResponseException):
        return SendError(f"the mail relay {r.where} stopped the sending ({_reply(e)})")
    if isinstance(e, smtplib.SMTPServerDisconnected):
        return SendError(f"the mail relay {r.where} closed the connection before the email was sent",
                         hint="Check [smtp] port and security in ehcp.toml, or try again later.")
    detail = getattr(e, "strerror", None) or type(e).__name__
    return SendError(f"the email could not be sent through {r.where} ({detail})")


def _partly(e: SendError, done: list[Delivered]) -> SendError:
    """A failure after some messages went: says which went (their Message-IDs), so the caseworker can record
    that service by hand; nothing is recorded by ehcp."""
    if not done:
        return SendError(f"{e.message}; nothing was sent and nothing was recorded", hint=e.hint)
    went = "; ".join(f"{d.who} ({d.message_id})" for d in done)
    return SendError(f"{e.message}; the email did reach {went}, and nothing was recorded",
                     hint="Record the service that did happen with `ehcp served ID --doc KIND --by email`, and "
                          "send the rest by post.")
