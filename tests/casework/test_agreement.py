"""Issue 14 acceptance: `review status`, `deadlines`, `due`, `overdue` and every letter agree on every date, for
every plan of a generated store of 1,000 plans (benchmarks/make_store.py: one year of reviews, amendments,
re-assessments, ceasing, progress updates, concerns; refusals, a withdrawal, a mediation request, an appeal not
opposed and an order carried out are added). Letters are checked through their real builders with the rendering
step replaced by one that keeps the context, so every date a letter would print (in words) is compared without
making thousands of Word files: every letter kind made from a journal event, the amendment notice, the progress
update and the answer to a concern among them."""
from __future__ import annotations

import functools
import re
import sys
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from ehcp_docs import statutory
from ehcp_docs.casework import caseload, review
from ehcp_docs.documents import amendment_letters, letters, review_letters
from ehcp_docs.documents.plan_context import long_date
from ehcp_docs.statutory.appeals import appeal_times
from ehcp_docs.statutory.disagreement import cease_effective
from ehcp_docs.statutory.journal import Journal
from ehcp_docs.store import Store

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TODAY = date(2026, 11, 2)


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory):
    sys.path.insert(0, str(BENCH))
    import make_store

    out = tmp_path_factory.mktemp("agreement") / "store"
    make_store.build(out, 1000, 1, 14, date(2026, 10, 30), log=lambda m: None)
    store = Store.open(str(out))
    yield store
    store.close()


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def test_every_command_and_letter_agrees_on_every_date(big_store: Store, monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path):
    store = big_store
    ids = store.plan_ids()
    assert len(ids) == 1000
    _add_refusals_and_a_withdrawal(store, ids)
    disputes = _add_disagreements(store, ids)
    calendars = {pid: caseload.plan_deadlines(store, pid, TODAY) for pid in ids}

    # review status
    for pid, d in calendars.items():
        s = review.status(store, pid, TODAY)
        assert (s["next_review_due"], s["meeting_recommended_by"], s["decision_due"], s["appeal_deadline"]) == (
            _iso(d.next_review_due), _iso(d.meeting_recommended_by), _iso(d.pending("decision")),
            _iso(d.appeal.deadline if d.appeal else None)), pid

    # due (through the index and without it: the same rows)
    for use_index in (True, False):
        rows = caseload.due_rows(store, date(2026, 1, 1), date(2028, 12, 31), TODAY, use_index=use_index)
        listed = {r.plan for r in rows}
        for r in rows:
            d = calendars[r.plan]
            assert r.meeting_recommended_by == d.meeting_recommended_by, r.plan
            assert r.review_due == (d.review_must_meet or d.next_review_due), r.plan
        assert listed == {pid for pid, d in calendars.items() if d.next_review_due is not None}

    # overdue: the same steps, and never a ceased plan's review
    report = caseload.overdue_report(store, TODAY)
    by_plan = {p["plan"]: p for p in report.plans}
    ceased = {pid for pid, d in calendars.items() if d.ceased}
    assert ceased, "the generated store has ceased plans"
    for pid, d in calendars.items():
        got = by_plan.get(pid, {"overdue": [], "late": []})
        assert [(o["step"], o["due"]) for o in got["overdue"]] == [(s.name, _iso(s.due)) for s in d.overdue], pid
        if pid in ceased:
            assert not [s for s in got["late"] + got["overdue"] if s["step"] == "review"], pid
            assert d.next_review_due is None

    # every letter: the dates it prints are the calendar's, as on the day it was made
    checked = _check_every_letter(store, ids, monkeypatch, tmp_path)
    print("letters checked, by kind:", checked)
    assert all(checked.values()), checked  # every kind that prints a statutory date was made and checked
    assert checked["order-compliance"] >= 1 and checked["appeal-conceded"] >= 1, (checked, disputes)


def _add_refusals_and_a_withdrawal(store: Store, ids: list[str]) -> None:
    """The generator makes no re-assessment decisions or withdrawals: a few are recorded through the casework, on
    days whose appeal deadlines move (Saturday 31 October: the 2 months end on 31 December, r.12(3)(a))."""
    from ehcp_docs.casework import amendment, reassessment

    for pid, day in zip(ids[:3], (date(2026, 10, 31), date(2026, 10, 30), date(2026, 11, 1)), strict=True):
        reassessment.request(store, pid, "parent", date(2026, 10, 26))
        reassessment.decide(store, pid, "refuse", "An assessment was done in the last 6 months.", day)
    pending = next(pid for pid in ids if store.proposal(pid) is not None)
    amendment.withdraw(store, pending, "No change is needed after all.", date(2026, 10, 31))


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
IN_WORDS = re.compile(r"\b(\d{1,2}) (" + "|".join(MONTHS) + r") (\d{4})\b")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# every letter kind made from a journal event, and what the calendar checks in it; "plan" documents (the plan
# itself, the proposed plans, the schedule) print the plan's own dates and are left out
LETTERS = ("decision", "review-report", "invitation", "what-happens-next", "amendment-notice", "amended-plan",
           "amendment-withdrawn", "reassessment-decision", "cease-consultation", "cease-notice", "progress-update",
           "concern-response", "mediation-acknowledgement", "appeal-conceded", "order-compliance",
           "early-review-decision", "budget-decision")
RECORDED_DEADLINES = ("representations_due", "final_plan_due", "appeal_deadline", "effective", "due")


def _check_every_letter(store: Store, ids: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict:
    """Each letter kind made from its latest event on every plan, through its real builder; the rendering step
    (and the plan documents and chart a letter comes with) replaced by one that keeps the context. Every date a
    letter prints is either a date of the journal or the plan, or one the calendar has on the letter's day; the
    statutory ones are checked against their own step."""
    from ehcp_docs.documents import charts, disagreement_letters, letter_context, live_letters

    seen: list[tuple[str, dict]] = []

    def fake(store, plan, template, ctx, out, title, rev, expect):  # noqa: ANN001, ANN202
        seen.append((template, ctx))
        return out

    for module in (letter_context, review_letters, amendment_letters, live_letters, disagreement_letters):
        if hasattr(module, "render_letter"):
            monkeypatch.setattr(module, "render_letter", fake)
    monkeypatch.setattr(amendment_letters, "save_docx", lambda doc, out, *a, **k: out)
    monkeypatch.setattr(amendment_letters, "plan_document", lambda *a, **k: [])
    monkeypatch.setattr(amendment_letters, "proposed_plans", lambda *a, **k: [])
    monkeypatch.setattr(charts, "status_chart", lambda *a, **k: b"")
    checked = dict.fromkeys(LETTERS, 0)
    for pid in ids:
        events = store.events(pid)
        at = _commits_of(store, pid)
        for kind in LETTERS:
            name = letters.KINDS[kind].event
            found = [e for e in events if e["event"] == name] if name else [
                e for e in events if e["event"] in ("review-decision", "amended-plan-issued")]
            if kind == "order-compliance":
                found = [e for e in found if e.get("order")]
            if not found:
                continue
            event = found[-1]
            rev = at(event)  # the letter as it was made: the store at the event's own commit (`render --at`)
            if kind == "amendment-notice" and store.proposal(pid, rev) is None:
                continue
            seen.clear()
            letters.produce(store, pid, kind, tmp_path, event=event if name else None, rev=rev)
            upto = store.events(pid, rev)
            assert upto[-1]["seq"] == event["seq"], (pid, kind)
            when = date.fromisoformat(event["date"])
            plan = store.plan(pid, rev)
            d = statutory.deadlines(plan, upto, when, caseload.options(store))
            contexts = [(t, c) for t, c in seen if t != "plan"]
            assert contexts, (pid, kind)
            for template, ctx in contexts:
                _agrees(pid, kind, event, ctx, d, upto)
                printed = {k: v for k, v in ctx.items() if k in _used(template)}
                _every_date_known(pid, kind, printed, plan, upto, d)
            checked[kind] += 1
    return checked


def _commits_of(store: Store, pid: str) -> Any:
    """event -> the commit that recorded it (its EHCP-Event and EHCP-Date trailers, and the journal there ending
    with it)."""
    history = list(reversed(store.plan_history(pid)))

    def at(event: dict) -> str:
        for c in history:
            if event["event"] in c.events and c.date == event["date"]:
                there = store.events(pid, c.commit)
                if there and there[-1]["seq"] == event["seq"]:
                    return c.commit
        raise AssertionError(f"{pid}: no commit recorded journal entry {event['seq']}")
    return at


def _long(d: date | None) -> str:
    return long_date(d.isoformat()) if d else ""


def _agrees(pid: str, kind: str, event: dict, ctx: dict, d: statutory.Deadlines, upto: list[dict]) -> None:
    where = f"{pid} {kind} letter"
    step = {(s.name, s.ref): s for s in d.steps}
    appeal = step.get(("appeal", event["seq"]))
    if appeal is not None and kind not in ("mediation-acknowledgement", "what-happens-next"):
        assert ctx["appeal_deadline"] == _long(appeal.due), where
        assert ctx["appeal_deadline_reason"] == statutory.appeal_time_on(appeal.trigger or d.as_of).reason, where
    if ctx.get("next_review_due") and ctx["next_review_due"] != "not applicable":
        assert ctx["next_review_due"] == _long(d.next_review_due), where
    if ctx.get("meeting_recommended_by"):
        assert ctx["meeting_recommended_by"] == _long(d.meeting_recommended_by), where
    if kind == "review-report" and ctx.get("decision_due") and d.pending("decision") is not None:
        assert ctx["decision_due"] == _long(d.pending("decision")), where
    if kind == "amendment-notice":
        order = next((e for e in upto if e["seq"] == event.get("order")), None)
        if order is None:  # reg 22: the family's 15 days and the 8 weeks, from the notice (not yet served)
            assert ctx["representations_due"] == _long(step[("representations", event["seq"])].due), where
            assert ctx["final_plan_due"] == _long(step[("final_plan", event["seq"])].due), where
        else:  # the order's own last compliance date (regs 42, 44, 45)
            dues = [s.due for s in d.compliance if s.ref == order["seq"]]
            assert ctx["final_plan_due"] == _long(max(dues)), where
    if kind == "reassessment-decision" and event.get("decision") == "agree":
        assert ctx["final_plan_due"] == _long(step[("reassessment_final_plan", event["seq"])].due), where
    if kind == "cease-notice" and event.get("decision") == "cease":
        j = Journal(upto, date.max)
        effective = cease_effective(j, j.events[-1])
        assert ctx["cease_from"] == _long(effective), where
    if kind == "cease-consultation":  # the family's 2 weeks: `status` shows the same date (ceasing row)
        assert ctx["views_by"] == _long(statutory.due("cease_views", date.fromisoformat(event["date"]))), where
    _agrees_in_a_disagreement(where, kind, event, ctx, d)


def _agrees_in_a_disagreement(where: str, kind: str, event: dict, ctx: dict, d: statutory.Deadlines) -> None:
    """The dates the LA commits to in a mediation, after not opposing an appeal, and in carrying out an order."""
    step = {(s.name, s.ref): s for s in d.steps}
    if kind == "mediation-acknowledgement":
        decision = step.get(("appeal", event.get("decision")))
        assert decision is not None and ctx["appeal_deadline"] == _long(decision.due), where
        assert sorted(x["by"] for x in ctx["dates"]) == sorted(
            _long(s.due) for s in d.steps if s.name.startswith("mediation_") and s.ref == event["seq"]), where
    if kind == "appeal-conceded":
        assert sorted(x["by"] for x in ctx["dates"]) == sorted(
            _long(s.due) for s in d.compliance if s.ref == event["seq"]), where
    if kind == "order-compliance":
        done = [s for s in d.compliance if s.ref == event["order"] and s.done == d.as_of]
        assert done and ctx["due_date"] == _long(done[0].due), where


def _every_date_known(pid: str, kind: str, ctx: dict, plan: dict, upto: list[dict], d: statutory.Deadlines) -> None:
    """No letter prints a date that is neither in the journal or the plan nor the calendar's: a deadline
    recorded on an event (the notice's 15 days, an appeal deadline, a cease date) counts only through the
    calendar."""
    known = _known_dates(plan, upto, d)
    for key, value in ctx.items():
        for text in _strings(value):
            for m in IN_WORDS.finditer(text):
                assert m.group(0) in known, (f"{pid} {kind} letter prints {m.group(0)} ({key}: {text[:200]}), a date "
                                             "the calendar does not have")


def _known_dates(plan: dict, upto: list[dict], d: statutory.Deadlines) -> set[str]:
    """Every date a letter may print, in words: the plan's and the journal's own dates, and the calendar's."""
    known = {long_date(x) for x in _iso_dates(plan)}
    for e in upto:
        known.add(long_date(e["date"]))
        known |= {long_date(x) for k, v in e.items() if k not in RECORDED_DEADLINES for x in _iso_dates(v)}
        if e["event"] == "cease-proposed" or (e["event"] == "review-decision" and e.get("decision") == "cease"):
            # the family's 2 weeks to give views on ceasing (`status` shows it; not a calendar step)
            known.add(_long(statutory.due("cease_views", date.fromisoformat(e["date"]))))
    for s in d.steps:
        known |= {_long(s.due), _long(s.done), _long(s.trigger)}
        if s.name == "amendment_notice" and s.pending:  # a decision to amend says what follows a notice sent on
            known |= {_long(statutory.due(n, s.due)) for n in ("representations", "final_plan")}  # its last day
    for x in (d.next_review_due, d.meeting_recommended_by, d.interim_review_due, d.plan_ends, d.ceased,
              d.review_must_meet, d.as_of):
        known.add(_long(x))
    j = Journal(upto, date.max)
    for a in appeal_times(j):
        known |= {_long(a.raw), _long(a.deadline)}
    known |= {_long(cease_effective(j, e)) for e in j.events if e.name == "cease-decision"}
    return known


@functools.cache
def _used(template: str) -> frozenset[str]:
    """The context names a template prints or tests (what a letter can show): read from its Jinja tags."""
    with zipfile.ZipFile(TEMPLATES / f"{template}.docx") as z:
        text = re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode("utf-8"))
    tags = re.findall(r"\{\{(.*?)\}\}|\{%(.*?)%\}", text)
    return frozenset(w for pair in tags for part in pair for w in re.findall(r"\b[a-z_][a-z0-9_]*\b", part))


def _iso_dates(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if ISO_DATE.match(value) else []
    if isinstance(value, dict):
        return [x for v in value.values() for x in _iso_dates(v)]
    if isinstance(value, list | tuple):
        return [x for v in value for x in _iso_dates(v)]
    return []


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [x for k, v in value.items() if k not in ("la", "caseworker") for x in _strings(v)]
    if isinstance(value, list | tuple):
        return [x for v in value for x in _strings(v)]
    return []


def _add_disagreements(store: Store, ids: list[str]) -> dict[str, str]:
    """The generator makes no disagreements: on plans whose final amended plan was issued in the last weeks (the
    appeal still in time), a mediation request, an appeal the LA does not oppose, and one the Tribunal decides
    with an order to amend, carried out through the amend route."""
    from ehcp_docs.casework import amendment, disagreement

    def fresh(pid: str) -> bool:
        events = store.events(pid)
        last = events[-1]
        return (last["event"] == "amended-plan-issued" and "2026-09-15" <= last["date"] <= "2026-10-25"
                and store.proposal(pid) is None)

    chosen = [pid for pid in ids[3:] if fresh(pid)][:3]
    assert len(chosen) == 3, "the generated store has recently issued amended plans"
    mediated, conceded, ordered = chosen
    disagreement.mediation_contact(store, mediated, date(2026, 10, 27), True, "education,health")
    for pid in (conceded, ordered):
        disagreement.register(store, pid, date(2026, 10, 27), "amended-plan", "F", None, False)
    disagreement.concede(store, conceded, date(2026, 10, 28), "amend")
    disagreement.order(store, ordered, date(2026, 10, 28), "amend", None)
    proposal = store.checked_plan(ordered)
    proposal["sections"]["F"]["provision"][0]["frequency"] = "5 sessions a week in term time"
    f = Path(store.root) / "out" / "ordered.yaml"
    f.parent.mkdir(exist_ok=True)
    f.write_text(yaml.safe_dump(proposal, sort_keys=False), encoding="utf-8")
    amendment.propose(store, ordered, f, date(2026, 10, 29), reason="The Tribunal ordered it.", item_reasons={},
                      evidence=[], context=None, no_evidence="the Tribunal's order")
    amendment.issue(store, ordered, date(2026, 11, 2))
    return {"mediated": mediated, "conceded": conceded, "ordered": ordered}
