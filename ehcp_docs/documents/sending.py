"""`ehcp send`: a document emailed to the people it is for, and its service recorded.

What is sent is made afresh through the one document pipeline (`letters.produce`, the same call as `ehcp render`)
from the latest journal entry of that kind, so the caseworker sends exactly the letter the store records, never a
stale or hand-edited file left in out/; the files are written to out/<ID>/ as `render` writes them, with a PDF
copy of each when LibreOffice is installed (`--no-pdf` sends the Word documents alone).

Who gets what: every family recipient of the letter (letter_context.family_addressees: each parent, or the young
person who decides and each parent a copy) with an email address in the plan gets their own copy, addressed to
them ("-copy-N" files), plus any document made once for all (the final plan). An advice request goes to the
service it asks (health and social care: ehcp.toml; the setting or another professional: the plan's
`professionals` with that role). `--to ROLE` narrows to one role. Anyone without an email address is named in a
note so that their copy is posted (`ehcp served --by post`).

The subject names the document and the plan reference, never the child: subjects show in notification previews
and relay logs, and a message sent to a mistyped address should say as little as possible. The body is short and
plain (Flesch reading ease of 70 or more); the letter itself is in the attachment."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ehcp_docs.casework import mail, time_limits
from ehcp_docs.documents import letters
from ehcp_docs.documents import pdf as pdf_copy
from ehcp_docs.documents.letter_context import family_addressees
from ehcp_docs.documents.review_letters import advice_dear
from ehcp_docs.errors import SendError, UsageError
from ehcp_docs.model.events import Recorded
from ehcp_docs.store import Store

# the plain name of each kind, for the subject line and the message
TITLES = {
    "plan": "Education, health and care plan",
    "invitation": "Invitation to the annual review meeting",
    "advice-request": "Request for advice for an annual review",
    "review-report": "Annual review report",
    "decision": "Decision after the annual review",
    "what-happens-next": "What happens next after the annual review",
    "progress-update": "Progress update",
    "concern-response": "Our reply to a concern",
    "amendment-notice": "Proposed changes to the plan",
    "amended-plan": "The final amended plan",
    "amendment-withdrawn": "Proposed changes withdrawn",
    "reassessment-decision": "Decision on a request for a new assessment",
    "cease-consultation": "Asking for your views on the plan",
    "cease-notice": "Decision about the plan",
    "mediation-acknowledgement": "Mediation: we have your contact",
    "appeal-conceded": "Your appeal",
    "order-compliance": "The plan issued as the Tribunal ordered",
    "early-review-decision": "Decision on a request for an early review",
    "budget-decision": "Decision on a request for a personal budget",
}
# kinds made from the plan alone: the journal entry their service is recorded against
SOURCE_EVENTS: dict[str, tuple[str, ...]] = {"plan": ("amended-plan-issued", "issued"),
                                             "what-happens-next": ("review-decision",)}
FAMILY_ROLES = ("parent", "young-person")
COPY = re.compile(r"^(?P<base>.+)-copy-(?P<n>\d+)$")


def source_events(kind: str) -> tuple[str, ...]:
    """The journal events a document of this kind is made from (its service is recorded against the latest)."""
    found = letters.KINDS.get(kind)
    if found is None:
        raise UsageError(f"unknown document kind {kind}", hint=f"Kinds: {', '.join(letters.KINDS)}")
    return SOURCE_EVENTS.get(kind) or ((found.event,) if found.event else ())


@dataclass(frozen=True)
class Recipient:
    role: str
    who: str  # in caseworker terms: "parent 2", "the young person", "health"
    email: str
    salutation: str
    files: tuple[Path, ...]


def send(store: Store, pid: str, kind: str, when: date, *, to: str | None = None, pdf: bool | None = None,
         environ: Mapping[str, str] | None = None) -> tuple[Recorded, list[str]]:
    """Emails the document of `kind` to its recipients and records its service (one commit). Returns what was
    recorded and the warnings (recipients with no address). Settings, password and recipients are checked
    before anything is made or sent; a failed send records nothing."""
    relay = mail.relay(store.config.data, store.root)
    secret = mail.password(relay, environ)
    plan = store.checked_plan(pid)
    target = time_limits.document_event(pid, store.events(pid), None, source_events(kind))
    folder = store.out_dir(None)
    made = letters.produce(store, pid, kind, folder, event=target)
    docx = [p for p in made if p.suffix == ".docx"]
    if pdf is None:
        pdf = pdf_copy.soffice() is not None
    pdfs = {p.stem: p for p in pdf_copy.to_pdfs(docx, docx[0].parent)} if pdf and docx else {}
    everyone, missing = recipients(store, plan, kind, docx, date.fromisoformat(target["date"]))
    chosen = [r for r in everyone if to is None or r.role == to]
    missing = [m for m in missing if to is None or m[0] == to]
    warnings = [f"plan {pid}: {why}; post their copy and record it with `ehcp served {pid} --doc {kind} --by post`"
                for _, why in missing]
    if not chosen:
        roles = sorted({r.role for r in everyone} | {m[0] for m in missing})
        if to is not None and to not in roles:
            raise UsageError(f"plan {pid}: the {kind} does not go to anyone with the role {to}",
                             hint=f"It goes to: {', '.join(roles) or 'nobody'}.")
        raise SendError(f"plan {pid}: nobody the {kind} goes to has an email address in the plan"
                        + (f" ({'; '.join(why for _, why in missing)})" if missing else ""),
                        hint=f"Add the address with `ehcp edit {pid}`, or post it and record it with "
                             f"`ehcp served {pid} --doc {kind} --by post`.")
    messages = [message(store, plan, kind, r, [a for f in r.files for a in (f, pdfs.get(f.stem)) if a])
                for r in chosen]
    try:
        result = time_limits.serve_by_email(store, pid, target, relay, secret, messages, when, kind)
    except SendError as e:
        raise SendError(f"plan {pid}: the {kind} was not sent: {e.message}",
                        hint=(e.hint or "").replace("ID --doc KIND", f"{pid} --doc {kind}") or None) from None
    return result, warnings


def recipients(store: Store, plan: dict, kind: str, docx: list[Path], day: date
               ) -> tuple[list[Recipient], list[tuple[str, str]]]:
    """Who the files go to, each with their own files; and (role, why) for each who has no email address."""
    if kind == "advice-request":
        return _advice_recipients(store, plan, docx)
    people = family_addressees(plan, day)
    stems = {p.stem for p in docx}
    own: dict[int, list[Path]] = {i: [] for i in range(len(people))}
    shared: list[Path] = []
    for p in docx:
        m = COPY.match(p.stem)
        if m and m["base"] in stems and int(m["n"]) - 1 in own:
            own[int(m["n"]) - 1].append(p)
        elif any(s.startswith(p.stem + "-copy-") for s in stems) or len(people) == 1:
            own[0].append(p)
        else:
            shared.append(p)  # made once for everyone (the final plan)
    out, missing = [], []
    parents = plan.get("parents") or []
    for i, person in enumerate(people):
        if person["role"] == "young-person":
            who, email = "the young person", str(plan["child"].get("email") or "")
            field = "child, email"
        else:
            n = next((k for k, p in enumerate(parents, 1) if p.get("name") == person["name"]), 0)
            who = f"parent {n}" if n else "the parent or carer"
            email = str(parents[n - 1].get("email") or "") if n else ""
            field = f"parents, person {n}, email" if n else "parents"
        if not email:
            missing.append((person["role"], f"{who} has no email address in the plan ({field})"))
            continue
        out.append(Recipient(person["role"], who, email, person["name"], tuple(shared + own[i])))
    return out, missing


def _advice_recipients(store: Store, plan: dict, docx: list[Path]) -> tuple[list[Recipient], list[tuple[str, str]]]:
    la = store.config.la
    out, missing = [], []
    for p in docx:
        role = p.stem.split("-advice-request-", 1)[-1]
        email, name = "", ""
        if role in ("health", "social-care"):
            table = la.get(role.replace("-", "_")) or {}
            email, name = str(table.get("email") or ""), str(table.get("name") or "")
        pro = next((x for x in plan.get("professionals") or [] if x.get("role") == role and x.get("email")), None)
        if pro is not None:
            email, name = str(pro["email"]), str(pro["name"])
        if not email:
            where = "ehcp.toml [" + role.replace("-", "_") + "] email" if role in ("health", "social-care") else \
                f"the plan's professionals, role {role}"
            missing.append((role, f"the {role} advice request has no email address to go to ({where})"))
            continue
        dear = advice_dear(store, plan, {"role": role, "name": name})
        out.append(Recipient(role, role, email, dear, (p,)))
    return out, missing


def message(store: Store, plan: dict, kind: str, r: Recipient, files: list[Path]) -> mail.Outgoing:
    """The email: the document's name and the plan reference as the subject; a short, plain note."""
    title = TITLES.get(kind, kind.replace("-", " ").capitalize())
    return mail.Outgoing(to=r.email, who=r.who, role=r.role, subject=f"{title} (reference {plan['id']})",
                         body=body(store, plan, kind, r, files), attachments=tuple(files), salutation=r.salutation)


def body(store: Store, plan: dict, kind: str, r: Recipient, files: list[Path]) -> str:
    la: dict[str, Any] = store.config.la
    cw = {**store.config.caseworker, **(plan.get("caseworker") or {})}
    title = TITLES.get(kind, kind.replace("-", " ")).lower()
    title = title if not title.startswith("education, health") else "the education, health and care plan"
    both = any(f.suffix == ".pdf" for f in files)
    lines = [f"Dear {r.salutation},", "",
             f"Please find attached a letter from {la.get('name', 'the council')}: {title}.",
             "It is a PDF file, and there is a Word copy too." if both else "It is a Word file.", "",
             "Please read it soon. It may give a date by which to reply.", "",
             "If you have a question, or you cannot open the file, reply to this email"
             + (f" or call {cw['name']} on {cw['phone']}." if cw.get("name") and cw.get("phone") else "."), "",
             "Yours sincerely,", "", str(cw.get("name") or la.get("service") or la.get("name", "")),
             str(la.get("service") or ""), str(la.get("name") or "")]
    return "\n".join(lines).rstrip() + "\n"
