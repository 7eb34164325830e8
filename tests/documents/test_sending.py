"""Issue 15.12: `ehcp send` emails a document through the LA's relay and records its service, against a real SMTP
server on 127.0.0.1 (aiosmtpd) speaking TLS with a self-signed certificate made here (openssl). The message is
read back as the relay received it: recipients, attachments that open as Word documents, the Message-ID the
journal recorded. Every failure (relay down, untrusted certificate, no TLS, wrong password, refused address,
missing or unsafe settings) leaves the store exactly as it was."""
from __future__ import annotations

import email
import email.policy
import io
import json
import shutil
import socket
import ssl
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import git, sample_files, snapshot

aiosmtpd = pytest.importorskip("aiosmtpd", reason="aiosmtpd is not installed (pip install -r requirements.lock)")
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402

PID = "EHCP-0002"  # two parents, each with an email address
USER, PASSWORD = "send.reviews", "correct horse battery staple"
NOTICE_DAY, SENT_DAY = "2026-10-12", "2026-10-14"


@dataclass
class Relay:
    port: int
    ca: Path
    received: list[dict[str, Any]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    refuse_data: set[str] = field(default_factory=set)  # accepted as a recipient, then the message refused


class _Handler:
    def __init__(self, relay: Relay):
        self.relay = relay

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if address in self.relay.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if set(envelope.rcpt_tos) & self.relay.refuse_data:
            return "554 5.7.1 Message rejected as spam"
        tls = server.transport.get_extra_info("ssl_object") is not None
        self.relay.received.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                                    "data": bytes(envelope.content), "tls": tls})
        return "250 Message accepted"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() and \
        auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers (235, or 535 refused)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: the tests need it to make the relay's self-signed certificate")
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(d / "key.pem"),
                    "-out", str(d / "cert.pem"), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], check=True, capture_output=True)
    return d / "cert.pem", d / "key.pem"


def _server_context(cert: tuple[Path, Path]) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(cert[0]), str(cert[1]))
    return ctx


@pytest.fixture
def relay(certificate: tuple[Path, Path]) -> Iterator[Relay]:
    """A relay on 127.0.0.1 that requires STARTTLS and a login, as an LA's does."""
    r = Relay(_free_port(), certificate[0])
    c = Controller(_Handler(r), hostname="127.0.0.1", port=r.port, tls_context=_server_context(certificate),
                   require_starttls=True, authenticator=_authenticator, auth_require_tls=True,
                   auth_exclude_mechanism=["CRAM-MD5"])
    c.start()
    yield r
    c.stop()


@pytest.fixture
def implicit_relay(certificate: tuple[Path, Path]) -> Iterator[Relay]:
    """A relay speaking TLS from the first byte (SMTPS, port 465 in real life), with no login."""
    r = Relay(_free_port(), certificate[0])
    c = Controller(_Handler(r), hostname="127.0.0.1", port=r.port, ssl_context=_server_context(certificate))
    c.start()
    yield r
    c.stop()


@pytest.fixture
def plain_relay() -> Iterator[Relay]:
    """A relay that offers no TLS at all."""
    r = Relay(_free_port(), Path("/nonexistent"))
    c = Controller(_Handler(r), hostname="127.0.0.1", port=r.port)
    c.start()
    yield r
    c.stop()


def settings(store: Path, **smtp: Any) -> None:
    """Writes ehcp.toml's [smtp] table and commits it, as `ehcp settings` would."""
    path = store / "ehcp.toml"
    text = path.read_text(encoding="utf-8").split("\n[smtp]\n")[0]
    lines = [f"{k} = {json.dumps(v)}" for k, v in smtp.items()]
    path.write_text(text.rstrip("\n") + "\n\n[smtp]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    git(store, "add", "ehcp.toml")
    git(store, "commit", "-q", "-m", "smtp settings")


def relay_settings(r: Relay, **over: Any) -> dict[str, Any]:
    base = {"host": "127.0.0.1", "port": r.port, "security": "starttls",
            "from": "send.reviews@exampleshire.example.org", "username": USER,
            "password_env": "EHCP_TEST_SMTP_PASSWORD", "ca_file": str(r.ca), "timeout": 10}
    return {k: v for k, v in {**base, **over}.items() if v is not None}


@pytest.fixture
def store(ehcp: Callable, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample plans; EHCP-0002's proposed amendments made (the notice dated 2026-10-12), not yet served."""
    assert ehcp("add", *sample_files()).exit_code == 0
    plan = yaml.safe_load(ehcp("show", PID, "--json").stdout)
    plan["sections"]["F"]["provision"][0]["frequency"] = "3 sessions a week in term time"
    f = tmp_path / "proposed.yaml"
    f.write_text(yaml.safe_dump(plan, sort_keys=False, allow_unicode=True), encoding="utf-8")
    r = ehcp("amend", "propose", PID, "--file", f, "--date", NOTICE_DAY, "--context", "outside-review",
             "--no-evidence", "the family asked for this change", "--out", tmp_path / "made")
    assert r.exit_code == 0, r.stderr
    monkeypatch.setenv("EHCP_TEST_SMTP_PASSWORD", PASSWORD)
    return store_path


def messages(r: Relay) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(m["data"], policy=email.policy.default) for m in r.received]  # type: ignore


def last_event(store: Path, pid: str = PID) -> dict:
    return json.loads((store / "plans" / pid / "events.jsonl").read_text(encoding="utf-8").splitlines()[-1])


def test_send_emails_each_parent_their_own_letter_and_records_the_service(ehcp, store: Path, relay: Relay):
    import docx
    import textstat

    settings(store, **relay_settings(relay))
    before = int(git(store, "rev-list", "--count", "HEAD"))
    r = ehcp("send", PID, "--doc", "amendment-notice", "--no-pdf", "--date", SENT_DAY)
    assert r.exit_code == 0, r.stderr
    assert int(git(store, "rev-list", "--count", "HEAD")) == before + 1  # ONE commit
    trailers = git(store, "log", "-1", "--format=%(trailers:key=EHCP-Event,valueonly)%(trailers:key=EHCP-Plan,"
                   "valueonly)%(trailers:key=EHCP-Date,valueonly)").split()
    assert trailers == ["document-served", PID, SENT_DAY]
    got = messages(relay)
    assert sorted(m["To"] for m in got) == ["mark.hayes@example.org", "sinead.brennan@example.org"]
    assert all(x["tls"] for x in relay.received)  # over STARTTLS
    event = last_event(store)
    assert (event["event"], event["how"], event["served"], event["kind"]) == ("document-served", "email", SENT_DAY,
                                                                               "amendment-notice")
    assert event["sent_at"].endswith("+00:00")
    recorded = {x["email"]: x["message_id"] for x in event["recipients"]}
    assert recorded == {m["To"]: m["Message-ID"] for m in got}  # the Message-IDs the relay saw
    plan = yaml.safe_load(ehcp("show", PID, "--json").stdout)
    for m in got:
        assert "EHCP-0002" in m["Subject"] and "Oliver" not in m["Subject"] and "Ollie" not in m["Subject"]
        text = m.get_body(preferencelist=("plain",)).get_content()
        assert textstat.flesch_reading_ease(text) >= 70, text
        files = list(m.iter_attachments())
        assert files and all(a.get_filename().endswith(".docx") for a in files)
        words = "\n".join(p.text for a in files for p in docx.Document(io.BytesIO(a.get_content())).paragraphs)
        addressee = next(p["name"] for p in plan["parents"] if p["email"] == m["To"])
        assert addressee in words  # each parent gets the copy addressed to them
        assert f"Dear {addressee}" in text
    d = json.loads(ehcp("deadlines", PID, "--today", SENT_DAY, "--json").stdout)
    reps = next(s for s in d["steps"] if s["step"] == "representations")
    assert (reps["served"], reps["served_how"], reps["due"]) == (SENT_DAY, "email", "2026-10-28")  # 15 days
    assert "Emailed to 2 recipient(s)" in r.stderr
    status = ehcp("status", PID, "--today", SENT_DAY)
    assert status.exit_code == 0 and f"Served by email on {SENT_DAY}" in status.stdout
    row = next(x for x in json.loads(ehcp("status", PID, "--today", SENT_DAY, "--json").stdout)["steps"]
               if x["step"] == "representations")
    assert (row["due"], row["served"], row["served_how"]) == ("2026-10-28", SENT_DAY, "email")
    assert f"Served by email on {SENT_DAY}" in ehcp("deadlines", PID, "--today", SENT_DAY).stdout


def test_to_role_narrows_and_implicit_tls_without_login(ehcp, store: Path, implicit_relay: Relay):
    settings(store, **relay_settings(implicit_relay, security="implicit", username=None, password_env=None))
    r = ehcp("send", PID, "--doc", "amendment-notice", "--to", "parent", "--no-pdf", "--date", SENT_DAY)
    assert r.exit_code == 0, r.stderr
    assert len(implicit_relay.received) == 2 and all(x["tls"] for x in implicit_relay.received)
    before = snapshot(store)
    r = ehcp("send", PID, "--doc", "amendment-notice", "--to", "health", "--no-pdf", "--date", SENT_DAY)
    assert r.exit_code == 2 and "does not go to anyone with the role health" in r.stderr
    assert snapshot(store) == before and len(implicit_relay.received) == 2


def test_pdf_copies_are_attached_when_libreoffice_is_installed(ehcp, store: Path, relay: Relay):
    from ehcp_docs.documents import pdf

    if pdf.soffice() is None:
        pytest.skip("LibreOffice is not installed: no PDF copies to attach")
    settings(store, **relay_settings(relay))
    r = ehcp("send", PID, "--doc", "amendment-notice", "--to", "parent", "--pdf", "--date", SENT_DAY)
    assert r.exit_code == 0, r.stderr
    names = [a.get_filename() for a in messages(relay)[0].iter_attachments()]
    assert any(n.endswith(".pdf") for n in names) and any(n.endswith(".docx") for n in names)
    assert all(a.get_content()[:5] == b"%PDF-" for a in messages(relay)[0].iter_attachments()
               if a.get_filename().endswith(".pdf"))


def _refused(ehcp, store: Path, relay: Relay | None, *expect: str, code: int = 1) -> str:
    before = snapshot(store)
    r = ehcp("send", PID, "--doc", "amendment-notice", "--no-pdf", "--date", SENT_DAY)
    assert r.exit_code == code, (r.exit_code, r.stderr)
    assert "Traceback" not in r.stderr + r.stdout
    for e in expect:
        assert e in r.stderr, r.stderr
    assert "Oliver" not in r.stderr and "Ollie" not in r.stderr
    assert snapshot(store) == before  # HEAD and the working tree as they were
    assert last_event(store)["event"] != "document-served"
    assert PASSWORD not in r.stderr
    if relay is not None:
        assert relay.received == []
    return str(r.stderr)


def test_connection_refused_records_nothing(ehcp, store: Path, certificate):
    settings(store, **relay_settings(Relay(_free_port(), certificate[0])))
    _refused(ehcp, store, None, "refused the connection", "nothing was sent and nothing was recorded",
             "[smtp] host and port")


def test_untrusted_certificate_records_nothing(ehcp, store: Path, relay: Relay):
    settings(store, **relay_settings(relay, ca_file=None))  # the system's CAs do not know the test certificate
    _refused(ehcp, store, relay, "could not prove who it is", "ca_file")


def test_relay_without_tls_is_refused(ehcp, store: Path, plain_relay: Relay):
    settings(store, **relay_settings(plain_relay, ca_file=None))
    _refused(ehcp, store, plain_relay, "does not offer STARTTLS", "never sends letters unencrypted")


def test_wrong_password_records_nothing(ehcp, store: Path, relay: Relay, monkeypatch: pytest.MonkeyPatch):
    settings(store, **relay_settings(relay))
    monkeypatch.setenv("EHCP_TEST_SMTP_PASSWORD", "Tr0ub4dor&3-not-it")
    err = _refused(ehcp, store, relay, "refused the user name 'send.reviews' or its password")
    assert "Tr0ub4dor" not in err  # the password is never echoed


def test_a_refused_address_sends_nothing_at_all(ehcp, store: Path, relay: Relay):
    settings(store, **relay_settings(relay))
    relay.refuse.add("mark.hayes@example.org")  # the second parent: the first is not sent either
    _refused(ehcp, store, relay, "refused the email address of parent 2", "550")


def test_a_message_refused_after_another_went_says_which_went(ehcp, store: Path, relay: Relay):
    settings(store, **relay_settings(relay))
    relay.refuse_data.add("mark.hayes@example.org")  # parent 2's message is refused after parent 1's was sent
    before = snapshot(store)
    r = ehcp("send", PID, "--doc", "amendment-notice", "--no-pdf", "--date", SENT_DAY)
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    went = messages(relay)
    assert [m["To"] for m in went] == ["sinead.brennan@example.org"]
    assert "would not take the message (554" in r.stderr
    assert f"the email did reach parent 1 ({went[0]['Message-ID']}), and nothing was recorded" in r.stderr
    assert f"ehcp served {PID} --doc amendment-notice --by email" in r.stderr
    assert snapshot(store) == before


def test_missing_settings_say_how_to_fix_them(ehcp, store: Path, relay: Relay, monkeypatch: pytest.MonkeyPatch):
    _refused(ehcp, store, relay, "ehcp.toml has no [smtp] settings", "[smtp]", "password_env")
    settings(store, **relay_settings(relay, host=None))
    _refused(ehcp, store, relay, "ehcp.toml [smtp] needs host")
    settings(store, **relay_settings(relay, security="none"))
    _refused(ehcp, store, relay, "email is sent only over TLS")
    settings(store, **relay_settings(relay))
    monkeypatch.delenv("EHCP_TEST_SMTP_PASSWORD")
    _refused(ehcp, store, relay, "the environment variable EHCP_TEST_SMTP_PASSWORD is empty")


def test_a_password_in_the_settings_is_refused(ehcp, store: Path, relay: Relay):
    settings(store, **relay_settings(relay, password="secret"))
    _refused(ehcp, store, relay, "[smtp] password must never be kept in the settings")


def test_password_file_must_be_owner_only_and_outside_the_store(ehcp, store: Path, relay: Relay,
                                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("EHCP_TEST_SMTP_PASSWORD")
    secret = tmp_path / "smtp-password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    secret.chmod(0o644)
    settings(store, **relay_settings(relay, password_env=None, password_file=str(secret)))
    _refused(ehcp, store, relay, "can be read by other people", "chmod 600")
    inside = store / "out" / "smtp-password"
    inside.parent.mkdir(exist_ok=True)
    inside.write_text(PASSWORD, encoding="utf-8")
    inside.chmod(0o600)
    settings(store, **relay_settings(relay, password_env=None, password_file=str(inside)))
    _refused(ehcp, store, relay, "password_file is inside the plan store")
    secret.chmod(0o600)
    settings(store, **relay_settings(relay, password_env=None, password_file=str(secret)))
    r = ehcp("send", PID, "--doc", "amendment-notice", "--no-pdf", "--date", SENT_DAY)
    assert r.exit_code == 0, r.stderr
    assert len(relay.received) == 2


def test_nobody_with_an_address_is_a_clear_refusal(ehcp, store: Path, relay: Relay, tmp_path: Path):
    settings(store, **relay_settings(relay))
    plan = yaml.safe_load(ehcp("show", PID, "--json").stdout)
    for p in plan["parents"]:
        p.pop("email")
    f = tmp_path / "fixed.yaml"
    f.write_text(yaml.safe_dump(plan, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert ehcp("edit", PID, "--file", f, "--date", SENT_DAY).exit_code == 0
    _refused(ehcp, store, relay, "nobody the amendment-notice goes to has an email address",
             "parents, person 1, email", "--by post")


def test_served_by_post_with_doc_kind_still_works(ehcp, store: Path):
    r = ehcp("served", PID, "--doc", "amendment-notice", "--by", "post", "--date", "2026-10-16")
    assert r.exit_code == 0, r.stderr
    event = last_event(store)
    assert (event["how"], event["served"], event["document_event"]) == ("post", "2026-10-20", "amendment-proposed")
    d = json.loads(ehcp("deadlines", PID, "--today", "2026-10-20", "--json").stdout)
    reps = next(s for s in d["steps"] if s["step"] == "representations")
    assert reps["served"] == "2026-10-20" and reps["served_how"] == "post"
    before = snapshot(store)
    r = ehcp("served", PID, "--doc", "cease-notice", "--by", "post")
    assert r.exit_code == 2 and "has no cease decision yet" in r.stderr
    assert snapshot(store) == before


def test_a_young_person_who_decides_gets_their_own_letter_and_a_parent_a_copy(ehcp, store: Path, relay: Relay,
                                                                              tmp_path: Path):
    yp = "EHCP-0005"  # 20 years old, the decision maker
    plan = yaml.safe_load(ehcp("show", yp, "--json").stdout)
    plan["sections"]["F"]["provision"][0]["frequency"] = "3 sessions a week in term time"
    f = tmp_path / "yp.yaml"
    f.write_text(yaml.safe_dump(plan, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert ehcp("amend", "propose", yp, "--file", f, "--date", NOTICE_DAY, "--context", "outside-review",
                "--no-evidence", "asked for at the review", "--out", tmp_path / "made").exit_code == 0
    settings(store, **relay_settings(relay))
    r = ehcp("send", yp, "--doc", "amendment-notice", "--to", "young-person", "--no-pdf", "--date", SENT_DAY)
    assert r.exit_code == 0, r.stderr
    (m,) = messages(relay)
    assert m["To"] == plan["child"]["email"]
    assert plan["child"]["name"] not in m["Subject"] and yp in m["Subject"]
    names = [a.get_filename() for a in m.iter_attachments()]
    letters = [n for n in names if "-amendment-notice" in n]
    assert letters == [f"{NOTICE_DAY}-amendment-notice.docx"]  # their own letter, not the parent's copy
    assert f"{NOTICE_DAY}-schedule-of-amendments.docx" in names  # and the documents made once for everyone
    r = ehcp("send", yp, "--doc", "amendment-notice", "--to", "parent", "--no-pdf", "--date", SENT_DAY)
    assert r.exit_code == 0, r.stderr
    parent = messages(relay)[1]
    assert parent["To"] == plan["parents"][0]["email"]
    names = [a.get_filename() for a in parent.iter_attachments()]
    assert [n for n in names if "-amendment-notice" in n] == [f"{NOTICE_DAY}-amendment-notice-copy-2.docx"]


def test_advice_requests_go_to_each_service_and_a_missing_address_is_named(ehcp, store: Path, relay: Relay):
    pid = "EHCP-0001"  # a nursery in Section I, with no email address recorded for it
    r = ehcp("review", "schedule", pid, "--meeting", "2026-11-10", "--time", "14:00", "--date", "2026-10-06")
    assert r.exit_code == 0, r.stderr
    settings(store, **relay_settings(relay))
    r = ehcp("send", pid, "--doc", "advice-request", "--no-pdf", "--date", "2026-10-06")
    assert r.exit_code == 0, r.stderr
    got = {m["To"]: [a.get_filename() for a in m.iter_attachments()] for m in messages(relay)}
    assert all(m["Subject"] == f"Request for advice for an annual review (reference {pid})" for m in messages(relay))
    assert got == {"send.health@exampleicb.example.org": ["2026-10-06-advice-request-health.docx"],
                   "cwd.socialcare@exampleshire.example.org": ["2026-10-06-advice-request-social-care.docx"]}
    assert "the setting advice request has no email address to go to" in r.stderr
    roles = sorted(x["role"] for x in last_event(store, pid)["recipients"])
    assert roles == ["health", "social-care"]


def test_a_journal_with_changes_not_committed_stops_the_send_before_anything_goes(ehcp, store: Path, relay: Relay):
    settings(store, **relay_settings(relay))
    journal = store / "plans" / PID / "events.jsonl"
    journal.write_text(journal.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a change not committed
    before = snapshot(store)
    r = ehcp("send", PID, "--doc", "amendment-notice", "--no-pdf", "--date", SENT_DAY)
    assert r.exit_code == 1 and "has changes that are not committed" in r.stderr
    assert relay.received == [] and snapshot(store) == before


def test_a_send_that_cannot_be_recorded_says_the_email_went(ehcp, store: Path, relay: Relay,
                                                            monkeypatch: pytest.MonkeyPatch):
    from ehcp_docs.errors import StoreError
    from ehcp_docs.store.core import Store

    def full_disk(self, txn, message, who):
        raise StoreError("the store could not be written (No space left on device)")

    settings(store, **relay_settings(relay))
    monkeypatch.setattr(Store, "_apply", full_disk)  # the commit fails after the relay took the messages
    before = snapshot(store)
    r = ehcp("send", PID, "--doc", "amendment-notice", "--no-pdf", "--date", SENT_DAY)
    assert relay.received  # the relay took it: only the recording failed
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    assert "the email was sent (" in r.stderr and "its service could not be recorded" in r.stderr
    assert all(m["Message-ID"] in r.stderr for m in messages(relay))
    assert f"ehcp served {PID} --document" in r.stderr and "--by email" in r.stderr
    assert snapshot(store) == before


@pytest.mark.default_dates
def test_a_send_date_outside_the_plausible_range_stops_the_email_too(ehcp, store: Path, relay: Relay):
    """The date is checked before anything goes: an email sent and then refused its record would be served
    without a trace in the plan."""
    import datetime as dt

    settings(store, **relay_settings(relay))
    ahead = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    before = snapshot(store)
    r = ehcp("send", PID, "--doc", "amendment-notice", "--no-pdf", "--date", ahead)
    assert r.exit_code == 2, (r.exit_code, r.stderr)
    assert "plausible range" in r.stderr and "Traceback" not in r.stderr
    assert relay.received == [] and snapshot(store) == before


def test_settings_check_lists_every_relay_problem_by_key(ehcp, store: Path, relay: Relay, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch):
    """`ehcp settings check` names every [smtp] problem at once, key by key, before anyone tries to send; the
    send itself refuses with the same list and records nothing."""
    settings(store, **relay_settings(relay))
    assert ehcp("settings", "check").exit_code == 0
    settings(store, **relay_settings(relay, host=None, port=70000, security="plain", username="send.reviews",
                                     password_env=None, ca_file=None, timeout="soon", **{"from": 4}))
    r = ehcp("settings", "check")
    assert r.exit_code == 1
    for expect in ("[smtp] needs host", "[smtp] needs from", "[smtp] from should be text in quotes",
                   "[smtp] security = 'plain': email is sent only over TLS",
                   "[smtp] port should be a number from 1 to 65535", "[smtp] timeout should be a number from 1 to 600",
                   "[smtp] username is set but nothing says where its password is"):
        assert expect in r.stdout, (expect, r.stdout)
    assert "ehcp.toml: 7 problem(s)." in r.stderr
    err = _refused(ehcp, store, relay, "[smtp] has 7 problems", "needs host")
    assert "Traceback" not in err
    assert ehcp("settings", "commit", "--date", SENT_DAY).exit_code == 1  # a relay nobody could use is not shared


def test_settings_check_says_when_your_password_is_not_ready(ehcp, store: Path, relay: Relay, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch):
    """The password is per person: not set here, or in a file others can read, is a problem `settings check`
    names; `settings commit` (run by a colleague who may never send) does not refuse for it."""
    monkeypatch.delenv("EHCP_TEST_SMTP_PASSWORD")
    settings(store, **relay_settings(relay, password_env="EHCP-PASSWORD"))
    r = ehcp("settings", "check")
    assert r.exit_code == 1 and "password_env should be the name of an environment variable" in r.stdout
    settings(store, **relay_settings(relay))
    r = ehcp("settings", "check")
    assert r.exit_code == 1 and "the environment variable EHCP_TEST_SMTP_PASSWORD is empty" in r.stdout
    secret = tmp_path / "smtp-password"
    secret.write_text(PASSWORD, encoding="utf-8")
    secret.chmod(0o640)
    settings(store, **relay_settings(relay, password_env=None, password_file=str(secret),
                                     ca_file=str(tmp_path / "no-such-ca.pem")))
    r = ehcp("settings", "check")
    assert r.exit_code == 1
    assert "can be read by other people" in r.stdout and "chmod 600" in r.stdout
    assert "ca_file cannot be read" in r.stdout and "ehcp.toml: 2 problem(s)." in r.stderr
    secret.chmod(0o600)
    settings(store, **relay_settings(relay, password_env=None, password_file=str(secret)))
    assert ehcp("settings", "check").exit_code == 0
