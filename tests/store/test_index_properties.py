"""The index is never stale, as a property: after ANY sequence of ehcp commands, plan files and journals edited by
hand and committed with plain git, plans removed and added with plain git, reverts, rewound and amended history,
uncommitted edits, changed rules and a damaged cache file, `due`, `overdue`, `deadlines` and `log` answer exactly
what they answer without the index (EHCP_INDEX=0), errors included. Hypothesis draws the sequences; the fixed
scenarios are in test_index.py."""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from conftest import PLANS, git
from ehcp_docs import statutory
from ehcp_docs.casework import caseload
from ehcp_docs.cli import cli
from ehcp_docs.errors import EhcpError
from ehcp_docs.store import index
from ehcp_docs.store.core import Store

SAMPLES = sorted(p.stem for p in PLANS.glob("*.yaml"))
IDS = SAMPLES + ["EHCP-0901", "EHCP-0902"]  # the samples, and plans a technician may add by hand
TERMS = ("autumn-2026", "spring-2027", "summer-2027", "autumn-2027")
DAYS = st.dates(date(2025, 9, 1), date(2027, 12, 31))
SETTINGS = ("Hand Edited College", "Exampletown Park School", "Little Acorns Day Nursery")


def outcome(fn):  # type: ignore[no-untyped-def]
    """A result to compare, or the error a caseworker would see instead."""
    try:
        return "ok", fn()
    except EhcpError as e:
        return type(e).__name__, e.message


def with_index(on: bool, fn):  # type: ignore[no-untyped-def]
    old = os.environ.get("EHCP_INDEX")
    os.environ["EHCP_INDEX"] = "1" if on else "0"
    try:
        return fn()
    finally:
        if old is None:
            os.environ.pop("EHCP_INDEX", None)
        else:
            os.environ["EHCP_INDEX"] = old


class IndexMachine(RuleBasedStateMachine):
    template: Path  # a store with the six sample plans, made once by the test

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="ehcp-index-prop-"))
        self.path = self.tmp / "store"
        shutil.copytree(self.template, self.path, symlinks=True)

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- helpers ---------------------------------------------------------------------------------------------
    def ehcp(self, *args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, ["--store", str(self.path), *map(str, args)], catch_exceptions=False)

    def git(self, *args: str) -> str:
        return git(self.path, *args)

    def commit(self, *paths: str, message: str = "hand edit") -> None:
        self.git("add", "-A", "--", *paths)
        if self.git("status", "--porcelain", "--", *paths).strip():
            self.git("commit", "-q", "-m", message, "--", *paths)

    @staticmethod
    def parsed(f: Path) -> object:
        """The plan file as YAML, or None when an earlier step broke it on purpose."""
        try:
            return yaml.safe_load(f.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            return None

    def plan_file(self, pid: str) -> Path:
        return self.path / "plans" / pid / "plan.yaml"

    def commits(self) -> int:
        return int(self.git("rev-list", "--count", "HEAD").strip())

    # ---- ehcp commands ---------------------------------------------------------------------------------------
    @rule(pid=st.sampled_from(IDS), reviewed=DAYS)
    def correction_through_ehcp_edit(self, pid: str, reviewed: date) -> None:
        f = self.plan_file(pid)
        if not f.is_file():
            return
        fixed = self.tmp / "fixed.yaml"
        text = self.git("show", f"HEAD:plans/{pid}/plan.yaml")
        fixed.write_text(re.sub(r"(?m)^last_reviewed: .*$", f"last_reviewed: '{reviewed}'", text), encoding="utf-8")
        self.ehcp("edit", pid, "--file", fixed, "--date", "2026-11-27")

    @rule(pid=st.sampled_from(SAMPLES), meeting=st.dates(date(2026, 9, 1), date(2027, 7, 1)))
    def review_scheduled_through_ehcp(self, pid: str, meeting: date) -> None:
        self.ehcp("review", "schedule", pid, "--meeting", meeting, "--date", meeting - timedelta(days=21))

    # ---- plain git, by hand --------------------------------------------------------------------------------
    @rule(pid=st.sampled_from(IDS), field=st.sampled_from(["last_reviewed", "date_of_birth", "issued"]), day=DAYS)
    def plan_date_edited_by_hand(self, pid: str, field: str, day: date) -> None:
        f = self.plan_file(pid)
        if f.is_file():
            plan = self.parsed(f)
            if isinstance(plan, dict):
                (plan["child"] if field == "date_of_birth" else plan)[field] = day.isoformat()
                f.write_text(yaml.safe_dump(plan, sort_keys=False, allow_unicode=True), encoding="utf-8")
                self.commit(f"plans/{pid}")

    @rule(pid=st.sampled_from(IDS), name=st.sampled_from(SETTINGS), drop_transfer=st.booleans())
    def setting_edited_by_hand(self, pid: str, name: str, drop_transfer: bool) -> None:
        f = self.plan_file(pid)
        if f.is_file():
            plan = self.parsed(f)
            if isinstance(plan, dict):
                plan["sections"]["I"]["name"] = name
                if drop_transfer:
                    plan.pop("transfer", None)
                f.write_text(yaml.safe_dump(plan, sort_keys=False, allow_unicode=True), encoding="utf-8")
                self.commit(f"plans/{pid}")

    @rule(pid=st.sampled_from(IDS), damage=st.sampled_from(["id: [unclosed\n", "bad date", "not a mapping"]))
    def plan_broken_by_hand(self, pid: str, damage: str) -> None:
        f = self.plan_file(pid)
        if not f.is_file():
            return
        text = f.read_text(encoding="utf-8")
        if damage == "bad date":
            text = re.sub(r"(?m)^  date_of_birth: .*$", "  date_of_birth: 'not a date'", text)
        elif damage == "not a mapping":
            text = "- just\n- a list\n"
        else:
            text = damage
        f.write_text(text, encoding="utf-8")
        self.commit(f"plans/{pid}")

    @rule(pid=st.sampled_from(IDS), kind=st.sampled_from(["review-decision", "review-meeting", "review-scheduled",
                                                          "garbage"]), day=DAYS)
    def journal_line_added_by_hand(self, pid: str, kind: str, day: date) -> None:
        if not self.plan_file(pid).is_file():
            return
        journal = self.path / "plans" / pid / "events.jsonl"
        text = journal.read_text(encoding="utf-8") if journal.is_file() else ""
        seq = text.count("\n") + 1
        base = {"seq": seq, "event": kind, "date": day.isoformat(), "recorded": day.isoformat(), "by": "By Hand"}
        extra = {"review-decision": {"decision": "maintain"}, "review-scheduled": {
            "meeting": (day + timedelta(days=21)).isoformat()}, "review-meeting": {}}
        line = "{not json" if kind == "garbage" else json.dumps({**base, **extra[kind]})
        journal.write_text(text + line + "\n", encoding="utf-8")
        self.commit(f"plans/{pid}")

    @rule(pid=st.sampled_from(IDS))
    def plan_removed_with_git_rm(self, pid: str) -> None:
        self.git("rm", "-r", "-q", "-f", "--ignore-unmatch", "--", f"plans/{pid}")
        if self.git("diff", "--cached", "--name-only").strip():
            self.git("commit", "-q", "-m", "removed by hand")

    @rule(pid=st.sampled_from(["EHCP-0901", "EHCP-0902"]), sample=st.sampled_from(SAMPLES), with_journal=st.booleans())
    def plan_added_by_hand(self, pid: str, sample: str, with_journal: bool) -> None:
        folder = self.path / "plans" / pid
        if folder.exists():
            return
        folder.mkdir(parents=True)
        text = (PLANS / f"{sample}.yaml").read_text(encoding="utf-8")
        (folder / "plan.yaml").write_text(text.replace(f"id: {sample}", f"id: {pid}"), encoding="utf-8")
        if with_journal:
            (folder / "events.jsonl").write_text(json.dumps(
                {"seq": 1, "event": "issued", "date": "2026-01-10", "recorded": "2026-01-10", "by": "By Hand"}) + "\n",
                encoding="utf-8")
        self.commit(f"plans/{pid}")

    @rule()
    def last_commit_reverted(self) -> None:
        """(git refuses to revert over changes not committed, as a technician would find: then nothing happens.)"""
        if self.commits() > 2 and not self.git("status", "--porcelain", "--untracked-files=no").strip():
            self.git("revert", "--no-edit", "HEAD")

    @rule()
    def history_rewound(self) -> None:
        if self.commits() > 2:
            self.git("reset", "-q", "--hard", "HEAD~1")

    @rule(first=st.sampled_from(SAMPLES), other=st.sampled_from(SAMPLES), day=DAYS)
    def ehcp_commit_amended_to_change_another_plan(self, first: str, other: str, day: date) -> None:
        """An ehcp commit amended by hand keeps its EHCP-Plan trailer, which no longer names every plan it
        changes."""
        self.correction_through_ehcp_edit(first, day)
        f = self.plan_file(other)
        if f.is_file() and self.commits() > 2:
            f.write_text(re.sub(r"(?m)^last_reviewed: .*$", f"last_reviewed: '{day - timedelta(days=40)}'",
                                f.read_text("utf-8")), encoding="utf-8")
            self.git("add", "--", f"plans/{other}")
            self.git("commit", "-q", "--amend", "--no-edit")

    @rule(pid=st.sampled_from(SAMPLES), day=DAYS)
    def edited_but_not_committed(self, pid: str, day: date) -> None:
        f = self.plan_file(pid)
        if f.is_file():
            f.write_text(re.sub(r"(?m)^last_reviewed: .*$", f"last_reviewed: '{day}'", f.read_text("utf-8")),
                         encoding="utf-8")

    @rule(lead=st.sampled_from([28, 42]), clock=st.sampled_from(["decision", "meeting"]))
    def rules_changed(self, lead: int, clock: str) -> None:
        toml = self.path / "ehcp.toml"
        text = (self.template / "ehcp.toml").read_text(encoding="utf-8")
        toml.write_text(text.replace("[rules]\n", f"[rules]\nmeeting_lead_days = {lead}\n"
                                                 f"review_clock_from = \"{clock}\"\n"), encoding="utf-8")
        self.commit("ehcp.toml", message="rules changed")

    @rule()
    def cache_file_damaged(self) -> None:
        f = self.path / ".git" / index.DIRNAME / index.FILENAME
        if f.is_file():
            f.write_bytes(b"damaged" * 300)

    # ---- the property --------------------------------------------------------------------------------------
    def assert_same(self, today: date, term: str, pid: str) -> None:
        store = Store.open(str(self.path))
        try:
            t = statutory.find_term(term, store.config.terms)
            due = [outcome(lambda u=u: caseload.due_rows(store, t.start, t.end, today, use_index=u)) for u in
                   (False, True, True)]
            assert due[0] == due[1] == due[2]
            over = [outcome(lambda u=u: caseload.overdue_report(store, today, use_index=u).as_json()) for u in
                    (False, True, True)]
            assert over[0] == over[1] == over[2]
            for p in store.plan_ids():
                plain = with_index(False, lambda p=p: store.plan_history(p))
                indexed = index.plan_log(store, p)
                assert indexed is not None and indexed == plain, p
        finally:
            store.close()
        for args in (("deadlines", pid, "--today", today, "--json"), ("log", pid, "--json"),
                     ("due", "--term", term, "--today", today, "--json")):
            plain = with_index(False, lambda args=args: self.ehcp(*args))
            indexed = with_index(True, lambda args=args: self.ehcp(*args))
            assert (indexed.exit_code, indexed.stdout, indexed.stderr) == (plain.exit_code, plain.stdout, plain.stderr)

    @invariant()
    def index_answers_as_without_it(self) -> None:
        self.assert_same(date(2026, 11, 28), "spring-2027", "EHCP-0002")

    @rule(today=DAYS, term=st.sampled_from(TERMS), pid=st.sampled_from(IDS))
    def asked_on_another_day(self, today: date, term: str, pid: str) -> None:
        self.assert_same(today, term, pid)


def test_index_equals_no_index_after_any_sequence(ehcp, store_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    IndexMachine.template = store_path
    run_state_machine_as_test(IndexMachine, settings=settings(
        max_examples=12, stateful_step_count=10, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
