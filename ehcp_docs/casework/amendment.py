"""Amending a plan (reg 22; CoP 9.193-9.196), after a review, outside one, or as the draft after re-assessment. The
proposal lives beside the plan in force (plans/<ID>/proposed.yaml) until the final plan is
issued: the plan in force stays in force, and its provision must keep being delivered, until then."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ehcp_docs import fileio, statutory
from ehcp_docs.casework import caseload
from ehcp_docs.casework.review import current_cycle, latest
from ehcp_docs.errors import InvalidPlan, NotFound, UsageError, WorkflowError
from ehcp_docs.model import diffing, lint
from ehcp_docs.model import events as eventsmod
from ehcp_docs.model.events import Recorded
from ehcp_docs.model.validation import check_plan, parse_plan_text
from ehcp_docs.statutory import disagreement
from ehcp_docs.statutory.journal import Journal
from ehcp_docs.store import Store
from ehcp_docs.store.paths import evidence_name

CONTEXTS = ("review", "outside-review", "reassessment", "tribunal-order")
MAX_EVIDENCE = 20 * 1024 * 1024


def pending_notice(events: list[dict]) -> dict | None:
    """The served amendment notice not yet closed by an issued plan or a withdrawal."""
    open_notice = None
    for e in events:
        if e["event"] == "amendment-proposed":
            open_notice = e
        elif e["event"] in ("amended-plan-issued", "amendment-withdrawn"):
            open_notice = None
    return open_notice


def _order(events: list[dict]) -> dict | None:
    """The Tribunal order, unopposed appeal or mediation agreement an amended plan now would carry out."""
    found = disagreement.order_for_amendment(Journal(events, date.max))
    return next((e for e in events if found is not None and e["seq"] == found.seq), None)


def _context(events: list[dict]) -> str:
    if _order(events) is not None:
        return "tribunal-order"
    cycle = current_cycle(events)
    decision = latest(events, "review-decision")
    agreed = latest(events, "reassessment-decision")
    if agreed and agreed.get("decision") == "agree" and not any(
            e["event"] == "amended-plan-issued" and e["seq"] > agreed["seq"] for e in events):
        return "reassessment"
    if decision and decision.get("decision") == "amend" and not any(
            e["event"] == "amendment-proposed" and e["seq"] > decision["seq"] for e in events):
        return "review"
    return "outside-review" if cycle or decision is None or decision.get("decision") != "amend" else "review"


def start(store: Store, pid: str, when: date) -> Recorded:
    plan = store.checked_plan(pid)
    if store.proposal(pid) is not None:
        raise WorkflowError(f"plan {pid} already has a proposal in the store",
                            hint=f"Change it with `ehcp amend edit {pid}`, or withdraw it.")
    with store.transaction("amendment-started") as txn:
        txn.write(f"{store.plan_path(pid)}/proposed.yaml", fileio.dump_yaml(plan).encode("utf-8"))
        ev = txn.add_event(pid, "amendment-started", when.isoformat(), {}, by=txn.by)
    return Recorded(txn.commit, ev, notes=[f"edit the draft with `ehcp amend edit {pid}`, then serve it with "
                                       f"`ehcp amend propose {pid}`"])


def edit_draft(store: Store, pid: str, text: str, seen: str | None, source: str | None = None) -> str | None:
    """Replaces the draft proposal; JSON input (by its file name) is stored as YAML like every plan file."""
    plan = store.checked_plan(pid)
    events = store.events(pid)
    if pending_notice(events):
        raise WorkflowError(f"the proposal for plan {pid} has been served; it cannot be changed now",
                            hint="Withdraw it and serve a new notice if the proposal must change.")
    name = source or f"proposed plan {pid}"
    is_json = name.lower().endswith(".json")
    proposal = parse_plan_text(text, name, json_only=is_json, original=_edited_from(store, pid))
    check_plan(proposal, name)
    _same_id(plan, proposal)
    data = fileio.dump_yaml(proposal).encode("utf-8")  # one canonical form, as every plan file
    with store.transaction("amendment-started", summary="draft proposal edited") as txn:
        txn.expect_unchanged(pid, seen)
        txn.write(f"{store.plan_path(pid)}/proposed.yaml", data)
    return txn.commit


def _edited_from(store: Store, pid: str) -> str | None:
    """The text a proposal is most likely edited from: the draft, else the plan in force (to name the line of
    an indentation slip)."""
    for name in ("proposed.yaml", "plan.yaml"):
        data = store.read_file(f"{store.plan_path(pid)}/{name}")
        if data is not None:
            return data.decode("utf-8", "replace")
    return None


def _same_id(plan: dict, proposal: dict) -> None:
    if proposal.get("id") != plan["id"]:
        raise InvalidPlan(f"the proposal is for plan {proposal.get('id')}, not {plan['id']}")


ANSWERS = ("accepted", "accepted-in-part", "not-accepted")


def evidence_meta(files: list[Path], titles: list[str], authors: list[str], dates: list[str],
                  no_evidence: str) -> list[dict[str, str]]:
    """Each evidence file's title, author and date, as the family reads them (never the file name). Serving with
    no evidence must say why (`--no-evidence REASON`): a notice must not promise copies of nothing."""
    if files and no_evidence.strip():
        raise UsageError("give either --evidence or --no-evidence, not both")
    if not files:
        if not no_evidence.strip():
            raise UsageError("the notice must send copies of the evidence (reg 22(2)): give --evidence FILE "
                             "--title T --author A --dated D, or --no-evidence REASON")
        return []
    if len(titles) != len(files):
        raise UsageError(f"give one --title for each --evidence ({len(files)} file(s), {len(titles)} title(s))",
                         hint="Families see the evidence by title, author and date, never by file name.")
    if len(authors) > len(files) or len(dates) > len(files):
        raise UsageError("there are more --author or --dated values than --evidence files")
    for d in dates:
        try:
            date.fromisoformat(d)
        except ValueError:
            raise UsageError(f"--dated {d[:20]!r} is not a date like 2026-10-01") from None
    return [{"title": t.strip()[:200], "author": (authors[n] if n < len(authors) else "").strip()[:200],
             "dated": dates[n] if n < len(dates) else ""} for n, t in enumerate(titles)]


def parse_answers(answers: list[str], whys: list[str]) -> dict[str, dict[str, str]]:
    """`--answer 7=accepted --why 7="..."` -> {"7": {"answer": "accepted", "why": "..."}}."""
    out: dict[str, dict[str, str]] = {}
    for value in answers:
        n, sep, answer = value.partition("=")
        if not sep or not n.strip().isdigit() or answer.strip() not in ANSWERS:
            raise UsageError(f"--answer takes N=ANSWER with ANSWER one of {', '.join(ANSWERS)}, not {value[:40]!r}")
        out[n.strip()] = {"answer": answer.strip(), "why": ""}
    for value in whys:
        n, sep, text = value.partition("=")
        if not sep or n.strip() not in out or not text.strip():
            raise UsageError(f"--why takes N=TEXT for a representation given an --answer, not {value[:40]!r}")
        out[n.strip()]["why"] = text.strip()[:2000]
    return out


def propose(store: Store, pid: str, file: Path | None, when: date, *, reason: str, item_reasons: dict[str, str],
            evidence: list[Path], context: str | None,
            contributions: list[int] | None = None, evidence_meta: list[dict[str, str]] | None = None,
            no_evidence: str = "") -> tuple[Recorded, list[diffing.Change]]:
    plan = store.checked_plan(pid)
    events = store.events(pid)
    suggested = _contribution_lines(events, contributions or [])
    notice = pending_notice(events)
    if notice:
        raise WorkflowError(f"plan {pid} already has amendments served on {notice['date']} and not yet issued",
                            hint=f"Issue them (`ehcp amend issue {pid}`) or withdraw them first.")
    if file is not None:
        raw = fileio.read_bytes(file, what="proposed plan")
        proposal = parse_plan_text(fileio.decode(raw, file.name), file.name,
                                   json_only=file.suffix.lower() == ".json", original=_edited_from(store, pid))
        check_plan(proposal, file.name)
        data = raw if file.suffix.lower() != ".json" else fileio.dump_yaml(proposal).encode("utf-8")
    else:
        proposal = store.proposal(pid)
        if proposal is None:
            raise UsageError(f"give --file PROPOSED.yaml, or start a draft with `ehcp amend start {pid}`")
        check_plan(proposal, f"proposed plan {pid}")
        data = fileio.dump_yaml(proposal).encode("utf-8")
    _same_id(plan, proposal)
    changes = diffing.for_notice(diffing.diff_plans(plan, proposal))
    if not changes:
        raise InvalidPlan(f"the proposal for plan {pid} makes no change to the plan in force")
    unknown = sorted(set(item_reasons) - diffing.amended_items(changes) - {c.section for c in changes if c.section})
    if unknown:
        raise UsageError(f"--item-reason names {', '.join(unknown)}, which the proposal does not change")
    ctx = context or _context(events)
    if ctx not in CONTEXTS:
        raise UsageError(f"context must be one of {', '.join(CONTEXTS)}")
    warnings = lint.warnings(proposal, when)
    decision = latest(events, "review-decision")
    if ctx == "review" and decision and decision.get("meeting"):
        due = statutory.due("amendment_notice", date.fromisoformat(decision["meeting"]))
        if when > due:
            warnings.append(f"the amendments should have been served with the decision, by {due} (Devon case): "
                            f"{(when - due).days} days late")
    event_name = eventsmod.amendment_event("amendment-proposed", ctx)
    ordered = _order(events) if ctx == "tribunal-order" else None
    if ctx == "tribunal-order" and ordered is None:
        raise WorkflowError(f"plan {pid} has no Tribunal order, unopposed appeal or mediation agreement waiting "
                            "for an amended plan")
    with store.transaction(event_name) as txn:
        txn.write(f"{store.plan_path(pid)}/proposed.yaml", data)
        saved, names = [], []
        for n, f in enumerate(evidence, 1):
            blob = fileio.read_bytes(f, limit=MAX_EVIDENCE, what="evidence file")
            rel = evidence_name(when.isoformat(), "amendment-evidence", f.name, n)
            names.append(fileio.printable(f.name)[:120])
            saved.append(txn.write_evidence(pid, rel, blob))
        ev = txn.add_event(pid, event_name, when.isoformat(), {
            "context": ctx, "reason": reason, "reasons": item_reasons, "evidence": saved, "evidence_names": names,
            "changes": len(changes), "evidence_meta": evidence_meta or [],
            "no_evidence": no_evidence.strip()[:2000],
            "contributions": suggested, **({"order": ordered["seq"]} if ordered else {}),
            "representations_due": statutory.due("representations", when).isoformat(),
            "final_plan_due": _final_due(ordered) or statutory.due("final_plan", when).isoformat()}, by=txn.by)
    return Recorded(txn.commit, ev, warnings), changes


def _final_due(ordered: dict | None) -> str | None:
    """For a plan the Tribunal ordered (or the LA conceded, or mediation agreed): the last compliance date."""
    dues = [d["due"] for d in (ordered or {}).get("due") or []]
    return max(dues) if dues else None


def _contribution_lines(events: list[dict], numbers: list[int]) -> list[dict]:
    """Contributions made between reviews that this proposal takes up: each becomes a line of the notice."""
    from ehcp_docs.casework import between_reviews

    rows = {c["number"]: c for c in between_reviews.contributions(events)}
    out = []
    for n in numbers:
        c = rows.get(n)
        if c is None:
            raise NotFound(f"there is no contribution number {n}", hint="`ehcp show ID --contributions` lists them")
        if c["status"] == "not taken up":
            raise WorkflowError(f"contribution {n} was marked as not taken up ({c['reason']})")
        out.append({"number": n, "date": c["date"], "role": c["role"], "text": c["text"]})
    return out


def respond(store: Store, pid: str, text: str, when: date, school: str | None, meeting: bool,
            file: Path | None) -> Recorded:
    store.checked_plan(pid)
    notice = pending_notice(store.events(pid))
    if not notice:
        raise WorkflowError(f"plan {pid} has no amendment notice waiting for representations")
    data: dict[str, Any] = {"text": text, "meeting_request": meeting, "notice": notice["seq"]}
    if school:
        data["school_request"] = school
    warnings = []
    if when > statutory.due("representations", date.fromisoformat(notice["date"])):
        warnings.append("these representations arrived after the 15-day period; they are recorded all the same")
    with store.transaction("representations") as txn:
        if file is not None:
            blob = fileio.read_bytes(file, limit=MAX_EVIDENCE, what="representations file")
            rel = evidence_name(when.isoformat(), "representations", file.name, notice["seq"])
            data["file"] = txn.write_evidence(pid, rel, blob)
        ev = txn.add_event(pid, "representations", when.isoformat(), data, by=txn.by)
    notes = []
    if school:
        notes.append(f"the family asks for {school} to be named: consult the school before naming it (CFA s.39)")
    if meeting:
        notes.append("the family asks to meet an officer: arrange it before issuing the final plan")
    return Recorded(txn.commit, ev, warnings, notes)


def _served_on(store: Store, plan: dict, events: list[dict], notice: dict, when: date) -> date:
    """The day the notice was served, as the calendar has it: recorded with `ehcp served`, else its date."""
    d = statutory.deadlines(plan, events, when, caseload.options(store))
    step = next((s for s in d.steps if s.name == "representations" and s.ref == notice["seq"]), None)
    return step.served if step is not None and step.served else date.fromisoformat(notice["date"])


def issue(store: Store, pid: str, when: date, *, answers: dict[str, dict[str, str]] | None = None,
          meeting: str | None = None) -> tuple[Recorded, list[diffing.Change]]:
    plan = store.checked_plan(pid)
    events = store.events(pid)
    notice = pending_notice(events)
    proposal = store.proposal(pid)
    if not notice or proposal is None:
        raise WorkflowError(f"plan {pid} has no served amendment notice to issue",
                            hint=f"Serve one first: `ehcp amend propose {pid} --file PROPOSED.yaml`.")
    notice_day = date.fromisoformat(notice["date"])
    served = _served_on(store, plan, events, notice, when)  # the day of service once recorded (reg 22(2)(c))
    reps_end = statutory.due("representations", served)
    responded = any(e["event"] == "representations" and e["seq"] > notice["seq"] for e in events)
    ordered = notice.get("context") == "tribunal-order"
    if when <= reps_end and not responded and not ordered:
        raise WorkflowError(f"the family has until {reps_end} to make representations (reg 22(2)(c)); the final "
                            "plan cannot be issued before then unless their response is recorded",
                            hint=f"Record it with `ehcp amend respond {pid} --text ...`, or issue after {reps_end}.")
    if when < notice_day:
        raise UsageError(f"the issue date {when} is before the notice ({notice_day})")
    recorded = _answered(pid, events, notice, answers or {}, meeting)
    warnings = []
    final_due = statutory.due("final_plan", served)
    if when > final_due and not ordered:
        warnings.append(f"the final plan is {(when - final_due).days} days past the 8-week deadline of {final_due} "
                        "(reg 22(3))")
    proposal = dict(proposal, issued=when.isoformat())
    check_plan(proposal, f"proposed plan {pid}")
    changes = diffing.for_notice(diffing.diff_plans(plan, proposal))
    event_name = eventsmod.amendment_event("amended-plan-issued", notice.get("context", "outside-review"))
    with store.transaction(event_name) as txn:
        blob = txn.write_plan(pid, proposal)
        txn.remove(f"{store.plan_path(pid)}/proposed.yaml")
        ev = txn.add_event(pid, event_name, when.isoformat(), {
            "context": notice.get("context", "outside-review"), "notice": notice["seq"], "plan_blob": blob,
            **({"order": notice.get("order")} if ordered else {}),
            "amended": sorted(diffing.amended_items(changes)), "sections": diffing.changed_sections(changes),
            "section_i": statutory.section_i_of(proposal),
            "answers": recorded, **({"meeting": meeting} if meeting else {}),
            "appeal_deadline": statutory.appeal_deadline(when).isoformat()}, by=txn.by)
    return Recorded(txn.commit, ev, warnings), changes


def _answered(pid: str, events: list[dict], notice: dict, answers: dict[str, dict[str, str]],
              meeting: str | None) -> list[dict[str, Any]]:
    """The LA's answer to every representation on this notice (the final plan's letter gives an account of
    them), and the meeting the family asked for recorded as held or declined; refused otherwise."""
    reps = [e for e in events if e["event"] == "representations" and e.get("notice") == notice["seq"]]
    numbers = {str(e["seq"]) for e in reps}
    unknown = sorted(set(answers) - numbers)
    if unknown:
        raise UsageError(f"plan {pid}: --answer names representations {', '.join(unknown)}, which are not on this "
                         f"notice" + (f" (they are {', '.join(sorted(numbers))})" if numbers else ""))
    missing = sorted(numbers - set(answers), key=int)
    if missing:
        raise WorkflowError(f"plan {pid}: representations {', '.join(missing)} have no answer; the letter must say "
                            "what we decided about each",
                            hint=f"ehcp amend issue {pid} " + " ".join(f"--answer {n}=accepted --why {n}=\"...\""
                                                                        for n in missing))
    if any(e.get("meeting_request") for e in reps) and meeting is None:
        raise WorkflowError(f"plan {pid}: the family asked to meet an officer; the final plan cannot be issued "
                            "until that meeting is held or they decline it",
                            hint=f"ehcp amend issue {pid} --meeting held|declined ...")
    return [{"representation": int(n), **answers[n]} for n in sorted(answers, key=int)]


def withdraw(store: Store, pid: str, reason: str, when: date) -> Recorded:
    store.checked_plan(pid)
    events = store.events(pid)
    notice = pending_notice(events)
    if not notice and store.proposal(pid) is None:
        raise WorkflowError(f"plan {pid} has no proposal to withdraw")
    if not reason.strip():
        raise UsageError("give the reasons for not amending (--reason): the family must be told them (reg 22(4))")
    warnings = []
    if notice and when > statutory.due("final_plan", date.fromisoformat(notice["date"])):
        warnings.append("the decision not to amend is later than 8 weeks after the notice (reg 22(4))")
    with store.transaction("amendment-withdrawn") as txn:
        txn.remove(f"{store.plan_path(pid)}/proposed.yaml")
        ev = txn.add_event(pid, "amendment-withdrawn", when.isoformat(), {
            "reason": reason, "notice": notice["seq"] if notice else None,
            "appeal_deadline": statutory.appeal_deadline(when).isoformat()}, by=txn.by)
    return Recorded(txn.commit, ev, warnings)


def diff_versions(store: Store, pid: str, a: str | None, b: str | None) -> tuple[list[diffing.Change], str, str]:
    """Two versions of a plan: given revisions or dates; by default the plan in force against the pending
    proposal, otherwise the last two versions in the journal."""
    if a and b:
        (old, la), (new, lb) = _version(store, pid, a), _version(store, pid, b)
    elif a:
        (old, la), (new, lb) = _version(store, pid, a), (store.plan(pid), "the plan in force")
    else:
        old, la = store.plan(pid), "the plan in force"
        proposal = store.proposal(pid)
        if proposal is not None:
            new, lb = proposal, "the proposal"
        else:
            blobs = [e for e in store.events(pid) if e.get("plan_blob")]
            if len(blobs) < 2:
                raise NotFound(f"plan {pid} has only one version and no pending proposal")
            old, la = store.plan_version(pid, blobs[-2]["plan_blob"]), f"the version of {blobs[-2]['date']}"
            new, lb = store.plan(pid), "the plan in force"
    return diffing.diff_plans(old, new), la, lb


def _version(store: Store, pid: str, ref: str) -> tuple[dict, str]:
    plan, label = store.plan_at(pid, ref)
    return plan, label
