"""Issue 14 acceptance: `review status`, `deadlines`, `due`, `overdue` and every letter agree on every date, for
every plan of a generated store of 1,000 plans (benchmarks/make_store.py: one year of reviews, amendments,
re-assessments, ceasing). Letters are checked through their real builders with the rendering step replaced by
one that keeps the context, so every date a letter would print is compared without making 2,000 Word files."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from ehcp_docs import statutory
from ehcp_docs.casework import caseload, review
from ehcp_docs.documents import amendment_letters, letters, review_letters
from ehcp_docs.documents.plan_context import long_date
from ehcp_docs.store import Store

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
TODAY = date(2026, 11, 2)
LETTER_EVENTS = {"review-decision": "decision", "amended-plan-issued": "amended-plan",
                 "amendment-withdrawn": "amendment-withdrawn", "reassessment-decision": "reassessment-decision",
                 "cease-decision": "cease-notice", "review-report": "review-report"}


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
    seen: list[dict] = []
    fake = lambda store, plan, template, ctx, out, title, rev, expect: seen.append(ctx) or out  # noqa: E731
    monkeypatch.setattr(review_letters, "render_letter", fake)
    monkeypatch.setattr(amendment_letters, "render_letter", fake)
    checked = {kind: 0 for kind in LETTER_EVENTS.values()}
    for pid in ids:
        plan, events = store.checked_plan(pid), store.events(pid)
        latest = {e["event"]: e for e in events if e["event"] in LETTER_EVENTS}
        for name, event in latest.items():
            seen.clear()
            letters.produce(store, pid, LETTER_EVENTS[name], tmp_path, event=event)
            upto = [e for e in events if e["seq"] <= event["seq"]]
            when = date.fromisoformat(event["date"])
            d = statutory.deadlines(plan, upto, when, caseload.options(store))
            _agrees(pid, name, event, seen, d)
            checked[LETTER_EVENTS[name]] += 1
    assert all(checked.values()), checked


def _add_refusals_and_a_withdrawal(store: Store, ids: list[str]) -> None:
    """The generator makes no re-assessment decisions or withdrawals: a few are recorded through the casework, on
    days whose appeal deadlines move (Saturday 31 October: the 2 months end on 31 December, r.12(3)(a))."""
    from ehcp_docs.casework import amendment, reassessment

    for pid, day in zip(ids[:3], (date(2026, 10, 31), date(2026, 10, 30), date(2026, 11, 1)), strict=True):
        reassessment.request(store, pid, "parent", date(2026, 10, 26))
        reassessment.decide(store, pid, "refuse", "An assessment was done in the last 6 months.", day)
    pending = next(pid for pid in ids if store.proposal(pid) is not None)
    amendment.withdraw(store, pending, "No change is needed after all.", date(2026, 10, 31))


def _agrees(pid: str, name: str, event: dict, contexts: list[dict], d: statutory.Deadlines) -> None:
    appeal = next((s for s in d.steps if s.name == "appeal" and s.ref == event["seq"]), None)
    for ctx in contexts:
        where = f"{pid} {name} letter"
        if appeal is not None and "appeal_deadline" in ctx:
            assert ctx["appeal_deadline"] == long_date(appeal.due.isoformat()), where
            assert ctx["appeal_deadline_reason"] == statutory.appeal_time_on(appeal.trigger or d.as_of).reason
        if ctx.get("next_review_due") and ctx["next_review_due"] != "not applicable":
            assert ctx["next_review_due"] == long_date(_iso(d.next_review_due)), where
        if ctx.get("meeting_recommended_by"):
            assert ctx["meeting_recommended_by"] == long_date(_iso(d.meeting_recommended_by)), where
        if name == "review-report" and ctx.get("decision_due"):
            due = d.pending("decision")
            if due is not None:
                assert ctx["decision_due"] == long_date(due.isoformat()), where
