"""The plan store: a git repository of plans, each with its journal of events, written one commit per command.

Layout (see DESIGN.md): plans/<ID>/plan.yaml (in force), proposed.yaml (pending amendments), events.jsonl (the
journal the calendar is computed from) and evidence/. Writes are buffered in a Transaction and applied only after
every check has passed, under the store lock, with a marker file so that a crash at any instant can be rolled
back (or forward) by the next command."""
from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

from ehcp_docs import config as configmod
from ehcp_docs import fileio
from ehcp_docs.errors import Conflict, EhcpError, InvalidPlan, NotFound, StoreError, UsageError, did_you_mean
from ehcp_docs.model import events as eventsmod
from ehcp_docs.model import plausible, validation
from ehcp_docs.model.plan import ID_PATTERN
from ehcp_docs.store import checks, gitstore, index, journal, safety
from ehcp_docs.store.paths import check_id

CONFIG_NAME = "ehcp.toml"
GITIGNORE = "out/\n.ehcp-cache/\n"
MARKER = "ehcp-txn.json"
EXACT_CHECK_MAX = 200  # files a command writes, above which the clean check asks about the whole tree once


def find_root(explicit: str | None) -> Path:
    if explicit:
        root = Path(explicit).expanduser()
        if not (root / CONFIG_NAME).is_file():
            raise StoreError(f"{explicit} is not a plan store (no {CONFIG_NAME})",
                             hint="Create one with `ehcp init DIR`, or point --store at an existing store.")
        return root.resolve()
    env = os.environ.get("EHCP_STORE")
    if env:
        return find_root(env)
    here = Path.cwd().resolve()
    for d in (here, *here.parents):
        if (d / CONFIG_NAME).is_file() and (d / ".git").is_dir():
            return d
    raise StoreError("no plan store found here",
                     hint="Pass --store PATH, set EHCP_STORE, or run the command inside a store made by `ehcp init`.")


@dataclass
class Transaction:
    """Collects every write of one command; nothing touches disk until the command's checks have all passed.
    `by` is who is recording (set when the transaction opens); `commit` is the commit made, or None when nothing
    changed (set when the `with` block ends)."""

    store: Store
    head: str | None
    by: str = ""
    writes: dict[str, bytes | None] = field(default_factory=dict)
    plans: list[str] = field(default_factory=list)
    dates: dict[str, str] = field(default_factory=dict)
    journal: dict[str, list[dict]] = field(default_factory=dict)
    forced: list[str] = field(default_factory=list)  # steps recorded with --force: named in the commit
    commit: str | None = None

    def write(self, relpath: str, data: bytes | None) -> None:
        self.store.check_inside(relpath)
        self.writes[relpath] = data

    def remove(self, relpath: str) -> None:
        self.write(relpath, None)

    def check_clean(self, relpaths: list[str]) -> None:
        """Refuses now, rather than when the commit is made, if any of these files has changes not committed: for
        a command that does something outside the store first (`ehcp send` emails before it records)."""
        self.store._check_clean(relpaths)

    def check_step(self, pid: str, event: str, date: str, data: dict | None = None) -> None:
        """Refuses now what `add_event` would refuse for its dates, for a command that acts outside the store
        before it records (`ehcp send` emails first): a date outside the plausible range must stop the email,
        not only its record. Nothing is recorded, and a `--force` reason is noted only when the event is added."""
        lines = self.journal.get(pid) or (self.store.raw_events(pid) if self.store.has_plan(pid) else [])
        forced = list(self.forced)
        self._plausible(pid, event, date, data, lines)
        self.forced[:] = forced

    def write_plan(self, pid: str, plan: dict | bytes, name: str = "plan.yaml") -> str:
        data = plan if isinstance(plan, bytes) else fileio.dump_yaml(plan).encode("utf-8")
        self.write(f"{self.store.plan_path(pid)}/{name}", data)
        return gitstore.blob_sha(data)

    def write_evidence(self, pid: str, rel: str, data: bytes) -> str:
        """Stores an evidence file under `rel` (from paths.evidence_name), or under the next free variant of it:
        a committed evidence file is never overwritten, since journal lines point at it. Two representations on
        one day, or a proposal made again after a withdrawal, once replaced the earlier letter. Returns the name
        used (relative to the plan's folder); the same bytes already stored under a name are simply referenced."""
        base = self.store.plan_path(pid)
        stem, dot, ext = rel.rpartition(".") if "." in rel.rsplit("/", 1)[-1] else (rel, "", "")
        name, k = rel, 1
        while True:
            path = f"{base}/{name}"
            held = self.writes[path] if path in self.writes else self.store.read_file(path, self.head)
            if held is None or held == data:
                break
            k += 1
            name = f"{stem}-{k}{dot}{ext}"
        self.write(path, data)
        return name

    def add_event(self, pid: str, event: str, date: str, data: dict | None = None, *, by: str = "") -> dict:
        """Appends one journal line to the plan (seq numbers continue from the store's copy)."""
        if event not in eventsmod.EVENTS:
            raise ValueError(f"unknown event {event}")
        lines = self.journal.setdefault(pid, self.store.raw_events(pid) if self.store.has_plan(pid) else [])
        forced = self._plausible(pid, event, date, data, lines)
        if forced:
            data = {**(data or {}), "date_forced": forced}
        seq = (lines[-1]["seq"] + 1) if lines else 1
        record = journal.with_identity({"seq": seq, "event": event, "date": date,
                                        "recorded": Date.today().isoformat(), "by": by, **(data or {})}, lines)
        lines.append(record)
        if pid not in self.plans:
            self.plans.append(pid)
        self.dates.setdefault(pid, date)
        self.write(f"{self.store.plan_path(pid)}/{journal.FILENAME}", journal.encode(lines))
        return eventsmod.normalise(record)

    def _plausible(self, pid: str, event: str, day: str, data: dict | None, lines: list[dict]) -> str | None:
        """The one check of a step's dates (model/plausible.py, with the store's `[dates]` window): the day it
        happened (`--date`) between the plan's first issue and a week from today, and a date it looks ahead to (a
        meeting) between the first issue and a year from today. 2072-01-12 or 1999-01-12 is a slip of the
        keyboard, and a deadline computed from it would be nonsense. `--force REASON` records a date outside its
        range with the reason (returned, to be kept in the journal line and named in the commit)."""
        if event == "issued" or not lines:
            return None
        first = min((str(r.get("date", "")) for r in lines if r.get("event") == "issued"), default="")
        found = self._date_problems(event, day, data, first)
        if found:  # the plan may have existed before its journal's first issue (first_issued), which is the range
            with contextlib.suppress(EhcpError):  # a plan broken by hand: its journal's first issue is the guide
                first = str(self.store.plan(pid).get("first_issued") or first)
            found = self._date_problems(event, day, data, first)
        if not found:
            return None
        if self.store.force_reason:
            self.forced.append(f"{pid} {event} {day}")
            return self.store.force_reason
        raise UsageError(found[0].message(pid), messages=[p.message(pid) for p in found[1:]],
                         hint="Check the date; if it is right, add `--force REASON` (before the command) to record "
                              "it with the reason. The plausible range is set in ehcp.toml's [dates] table.")

    def _date_problems(self, event: str, day: str, data: dict | None, first: str) -> list[plausible.OutOfRange]:
        today, window = Date.today(), self.store.window
        problems = [plausible.step_date_problem(day, first, today, window)]
        for key, words in plausible.AHEAD_FIELDS.get(event, {}).items():
            value = (data or {}).get(key)
            if isinstance(value, str) and value:
                problems.append(plausible.ahead_date_problem(value, first, today, window, words))
        return [p for p in problems if p is not None]

    def expect_unchanged(self, pid: str, seen_commit: str | None) -> None:
        """Optimistic concurrency: refuse if the plan's folder changed since the caller read it."""
        if seen_commit is None:
            return
        latest = self.store.plan_history(pid, max_count=1)
        if latest and latest[0].commit != seen_commit:
            c = latest[0]
            raise Conflict(f"plan {pid} changed since you opened it (commit {c.commit[:10]} by {c.author}, "
                           f"{', '.join(c.events) or 'a change'})",
                           hint="Review the change (`ehcp log " + pid + "`) and try again.")


class Store:
    def __init__(self, root: Path):
        self.root = root
        self.git = gitstore.GitStore(root)  # first: it puts back files a committed .gitattributes converted
        self.config = configmod.load(root / CONFIG_NAME)
        self.author_override: tuple[str, str] | None = None
        self.force_reason: str | None = None  # --force: record a step's date outside the plausible range

    @property
    def window(self) -> plausible.Window:
        """The plausible range of dates (ehcp.toml `[dates]`, or issue 17's defaults)."""
        return plausible.Window.from_settings(self.config.dates)

    # ---- opening -------------------------------------------------------------------------------------------
    @classmethod
    def open(cls, explicit: str | None = None) -> Store:
        return cls(find_root(explicit))

    @classmethod
    def create(cls, root: Path, author: tuple[str, str] | None = None) -> Store:
        if (root / CONFIG_NAME).exists():
            raise StoreError(f"{root} is already a plan store")
        if root.exists() and any(root.iterdir()):
            raise StoreError(f"{root} is not empty", hint="Choose a new or empty folder for the store.")
        old = os.umask(0o077)
        try:
            gitstore.init_repo(root)
            (root / CONFIG_NAME).write_text(configmod.DEFAULT_TOML, encoding="utf-8")
            (root / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
            (root / "plans").mkdir(mode=0o700)
            (root / "plans" / ".keep").write_text("", encoding="utf-8")
            store = cls(root)
            store.author_override = author
            who = store.git.identity(author)
            msg = commit_message("store", "init", Date.today().isoformat(), [], subject="Plan store created")
            store.git.commit([CONFIG_NAME, ".gitignore", "plans/.keep"], msg, who, None)
            store.git.write_commit_graph()
            return store
        finally:
            os.umask(old)

    def close(self) -> None:
        self.git.close()

    # ---- paths ---------------------------------------------------------------------------------------------
    def plan_path(self, pid: str) -> str:
        return f"plans/{check_id(pid)}"

    def plan_history(self, pid: str, max_count: int | None = None) -> list[gitstore.CommitInfo]:
        """The commits that changed the plan's folder, newest first. Read from the index when it can answer: a
        path-limited `git log` tests every commit in the store (26 s at 20,000 plans x 5 years); otherwise git's
        own answer, which is always the same list (tests/test_index.py)."""
        path = self.plan_path(pid)
        if index.enabled():
            found = index.plan_log(self, pid, max_count=max_count)
            if found is not None:
                return found
        return self.git.log(path, max_count=max_count)

    def check_inside(self, relpath: str) -> None:
        p = Path(relpath)
        if p.is_absolute() or ".." in p.parts or relpath.startswith("-") or not relpath:
            raise StoreError(f"refusing to write outside the store: {relpath[:80]}")
        if p.parts[0] in (".git", "out"):
            raise StoreError(f"refusing to write to {p.parts[0]}/")
        safety.refuse_link(self.root, relpath)

    def out_dir(self, out: str | None) -> Path:
        """The folder documents go to: `--out`, or the store's own `out/`, which may not be (or hold) a
        symbolic link (a committed `out -> /somewhere` once sent every document elsewhere)."""
        d = Path(out).expanduser() if out else self.root / "out"
        safety.refuse_out_link(self.root, d)
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
        if d.absolute() == (self.root / "out").absolute():
            with os.scandir(d) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        safety.refuse_link(self.root, f"out/{entry.name}")
        return d

    # ---- the repository, for upkeep and team work (everything git is done in gitstore) -----------------------
    def lock(self) -> AbstractContextManager[None]:
        """The store's write lock, for work that is not one transaction (doctor's repairs, sync, purge)."""
        return self.git.lock()

    def identity(self) -> tuple[str, str]:
        """Who is making the change: --author, else git's own identity."""
        return self.git.identity(self.author_override)

    def resolve(self, rev: str) -> str:
        """A commit id for a caseworker-supplied revision (never read as an option)."""
        return self.git.resolve(rev)

    def fsck(self) -> tuple[bool, str]:
        return self.git.fsck()

    def dirty_paths(self, prefix: str = ".") -> list[str]:
        return self.git.dirty_paths(prefix)

    def loose_objects(self) -> int:
        return self.git.loose_objects()

    def pack_loose(self) -> int:
        return self.git.pack_loose()

    def write_commit_graph(self) -> None:
        self.git.write_commit_graph()

    def pack_refs(self) -> None:
        self.git.pack_refs()

    def git_hazards(self) -> tuple[list[str], list[str], bool]:
        """What a colleague's file could do to this store through git, for `doctor`: settings of its own config
        that would run a program (overridden on every command ehcp runs), committed `.gitattributes` lines that
        try to change how its files are stored (overridden by `.git/info/attributes`), and whether ehcp had to
        rewrite `.git/info/attributes` when it opened the store."""
        return self.git.program_settings(), self.git.attribute_overrides(), self.git.attributes_repaired

    def included_configs(self) -> list[tuple[str, str]]:
        """(key, path) of each file the store's own git config includes (`include.path`), for `doctor`."""
        return self.git.included_configs()

    def symlinks(self) -> list[str]:
        """Symbolic links where the store keeps plans, evidence and documents (store/safety.py)."""
        return safety.links_in_store(self.root)

    def sync(self, remote: str) -> gitstore.SyncResult:
        """Fetch, replay, push under the store lock (gitstore.sync says what happens on a conflict)."""
        with self.git.lock():
            self.recover()
            return gitstore.sync(self.git, remote, python=sys.executable)

    def restore_file(self, relpath: str) -> None:
        """Puts one file back as HEAD has it (the settings commit writes the edited copy back itself)."""
        self.check_inside(relpath)
        with self.git.lock():
            self.git.restore([relpath])

    def held(self) -> dict[str, dict[str, str]]:
        """Work the syncs held back because it conflicted, by plan: {id: {"mine": commit, "base": commit}}."""
        return gitstore.held_state(self.git)

    def set_held(self, state: dict[str, dict[str, str]]) -> None:
        gitstore.set_held_state(self.git, state)

    def changes_since(self, path: str, since: str, max_count: int | None = None) -> list[gitstore.CommitInfo]:
        """Commits on HEAD touching `path` that `since` does not have, newest first."""
        return self.git.log(path, rev=f"{since}..HEAD", max_count=max_count)

    def changed_between(self, old: str, new: str, prefix: str) -> list[str]:
        """The files under `prefix` that differ between two commits."""
        return self.git.changed_between(old, new, prefix)

    def erase(self, relpath: str) -> int:
        """Rewrites the history without `relpath` (purge); returns how many commits went."""
        with self.git.lock():
            self.recover()
            rewritten = gitstore.erase_path(self.git, relpath)
            index.clear(self)  # the index holds names, addresses and dates of birth: it is rebuilt without them
            return rewritten

    def settings_uncommitted(self) -> bool:
        """Whether ehcp.toml on disk differs from the committed one: the commands use the edited settings, but
        colleagues get them only once they are committed (`ehcp settings commit`)."""
        try:
            on_disk = (self.root / CONFIG_NAME).read_bytes()
        except OSError:
            return False
        return self.git.head() is not None and self.read_file(CONFIG_NAME) != on_disk

    # ---- reading (always the committed state) --------------------------------------------------------------
    def head(self) -> str:
        h = self.git.head()
        if h is None:
            raise StoreError("the store has no commits yet")
        return h

    def plan_ids(self) -> list[str]:
        ids = set()
        for path in self.git.blob_ids("HEAD", "plans/"):
            parts = path.split("/")
            if len(parts) == 3 and parts[2] == "plan.yaml" and ID_PATTERN.match(parts[1]):
                ids.add(parts[1])
        return sorted(ids)

    def has_plan(self, pid: str) -> bool:
        h = self.git.head()
        return h is not None and self.git.read(h, f"{self.plan_path(pid)}/plan.yaml") is not None

    def blob_id(self, relpath: str, rev: str | None = None) -> str | None:
        """The git blob id of a file at a revision (default HEAD), without reading it: what a document's provenance
        records about the plan version it was made from."""
        rev = rev or self.git.head()
        got = self.git.object_header(f"{rev}:{relpath}") if rev else None
        return got[0] if got is not None and got[1] == "blob" else None

    def read_file(self, relpath: str, rev: str | None = None) -> bytes | None:
        rev = rev or self.git.head()
        return self.git.read(rev, relpath) if rev else None

    def _load_plan(self, data: bytes, pid: str, what: str = "plan") -> dict:
        """A committed plan file, which must at least be a set of fields: one committed by hand with plain git
        may be any YAML at all, and every command after it must say so rather than fail on it."""
        doc = fileio.parse_bytes(data, f"{what} {pid}")
        if not isinstance(doc, dict):
            raise InvalidPlan(f"{what} {pid}: the file does not hold a plan (expected a set of fields such as id, "
                              "child and sections)", hint=f"Correct it with `ehcp edit {pid}`.")
        return doc

    def plan(self, pid: str, rev: str | None = None) -> dict:
        data = self.read_file(f"{self.plan_path(pid)}/plan.yaml", rev)
        if data is None:
            raise NotFound(f"there is no plan {pid} in this store" + (f" at {rev[:10]}" if rev else ""),
                           hint=(did_you_mean(pid, self.plan_ids()) or "") +
                           " `ehcp list` lists the plans; `ehcp add FILE` adds one.")
        return self._load_plan(data, pid)

    def checked_plan(self, pid: str) -> dict:
        """The plan in force, refused with every problem in caseworker terms when it does not pass its checks. A
        plan file committed by hand with plain git has skipped the checks `add` and `edit` make, and a step recorded
        on it, or a letter made from it, would fail half-way or print nonsense. (`show` and `edit` read it plainly:
        `edit` is how it is put right.)"""
        path = f"{self.plan_path(pid)}/plan.yaml"
        data = self.read_file(path)
        if data is None:
            return self.plan(pid)  # the not-found message
        plan = self._load_plan(data, pid)
        problems = checks.committed_problems(self, path, data, self.window)
        if problems:
            error = validation.problems_error(f"plan {pid}", [p.split(": ", 1)[-1] if p.startswith("plans/") else p
                                                              for p in problems])
            error.hint = f"Correct it with `ehcp edit {pid}`; `ehcp validate --all` lists every plan's problems."
            raise error
        return plan

    def proposal(self, pid: str, rev: str | None = None) -> dict | None:
        data = self.read_file(f"{self.plan_path(pid)}/proposed.yaml", rev)
        return None if data is None else self._load_plan(data, pid, "proposed plan")

    def events(self, pid: str, rev: str | None = None) -> list[dict]:
        data = self.read_file(f"{self.plan_path(pid)}/events.jsonl", rev)
        if data is None:
            return []
        try:
            return journal.parse(data)
        except (ValueError, UnicodeDecodeError) as e:
            raise journal.damaged(pid, e) from None

    def raw_events(self, pid: str) -> list[dict]:
        """The journal exactly as written (event names not normalised): what a new line is appended to. A damaged
        journal is refused, as `events` refuses it, rather than appended to."""
        data = self.read_file(f"{self.plan_path(pid)}/events.jsonl")
        try:
            return journal.parse_raw(data) if data is not None else []
        except (ValueError, UnicodeDecodeError) as e:
            raise journal.damaged(pid, e) from None

    def plan_at(self, pid: str, at: str) -> tuple[dict, str]:
        """The plan in force on a date (the latest version whose event date is on or before it), or at a
        revision. Returns the plan and a description of the version chosen."""
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", at):
            self.plan(pid)  # a clear message if there is no such plan
            versions = [e for e in self.events(pid) if e.get("plan_blob") and e["date"] <= at]
            if not versions:
                raise NotFound(f"plan {pid} was not yet in force on {at}")
            best = max(versions, key=lambda e: (e["date"], e["seq"]))
            data = self._blob(best["plan_blob"])
            return self._load_plan(data, pid), f"version from the {best['event']} event of {best['date']}"
        rev = self.git.resolve(at)
        return self.plan(pid, rev), f"version at commit {rev[:10]}"

    def plan_version(self, pid: str, blob: str) -> dict:
        """A plan version named by its blob id (as journal lines record it)."""
        return self._load_plan(self._blob(blob), pid)

    def version_bytes(self, blob: object) -> bytes | None:
        """A plan version's bytes by its blob id, or None when it is not in the store (never raises)."""
        return self.git.read_blob(blob) if isinstance(blob, str) else None

    def _blob(self, sha: str) -> bytes:
        data = self.git.read_blob(sha) if isinstance(sha, str) else None
        if data is None:
            raise StoreError(f"a plan version ({str(sha)[:10]}) is missing from the store", hint="Run `ehcp doctor`.")
        return data

    # ---- writing -------------------------------------------------------------------------------------------
    @contextmanager
    def transaction(self, event: str, *, summary: str = "", subject: str | None = None,
                    when: str = "") -> Iterator[Transaction]:
        """Yields a Transaction to fill; on normal exit applies it as exactly one commit (or none if nothing
        changed). Any exception inside the block leaves the store exactly as it was."""
        who = self.git.identity(self.author_override)
        with self.git.lock():
            self.recover()
            txn = Transaction(self, self.git.head(), by=who[0])
            yield txn
            txn.writes = {p: d for p, d in txn.writes.items() if self.read_file(p, txn.head) != d} \
                if txn.head else txn.writes
            if not txn.writes:
                return
            self._check_clean(list(txn.writes))
            dates = [txn.dates.get(p, "") for p in txn.plans] or [when]
            msg = commit_message(txn.plans[0] if txn.plans else "store", event, dates[0] if dates else "",
                                 txn.plans, summary=summary, subject=subject, dates=dates, forced=txn.forced)
            txn.commit = self._apply(txn, msg, who)

    def _check_clean(self, paths: list[str]) -> None:
        """Refuses to overwrite a file with changes not committed. A command writes a few files of one plan: git
        looks at those alone. An import of thousands of plans asks about the whole tree once instead (thousands
        of pathspecs make git match every file against each of them)."""
        if len(paths) <= EXACT_CHECK_MAX:
            dirty = set(self.git.dirty_paths(exactly=paths))
        else:
            dirty = set(self.git.dirty_paths("plans")) | set(self.git.dirty_paths("templates") if
                                                              (self.root / "templates").exists() else [])
        clash = sorted(p for p in paths if p in dirty)
        if clash:
            raise Conflict(f"{clash[0]} has changes that are not committed",
                           hint="Commit them with git or discard them (`git checkout -- FILE`), then retry.")

    def _apply(self, txn: Transaction, message: str, who: tuple[str, str]) -> str | None:
        marker = self.git.gitdir / MARKER
        fileio.atomic_write(marker, json.dumps({"head": txn.head, "paths": list(txn.writes)}).encode())
        old = os.umask(0o077)
        try:
            for rel, data in txn.writes.items():
                safety.refuse_link(self.root, rel)
                target = self.root / rel
                if data is None:
                    target.unlink(missing_ok=True)
                else:
                    fileio.atomic_write(target, data)
            commit = self.git.commit(list(txn.writes), message, who, txn.head)
        except BaseException:
            self.git.restore(list(txn.writes))
            marker.unlink(missing_ok=True)
            raise
        finally:
            os.umask(old)
        marker.unlink(missing_ok=True)
        return commit

    def recover(self) -> list[str]:
        """Repairs what a killed command left: a stale index.lock and half-applied writes. Call under lock."""
        notes = []
        marker = self.git.gitdir / MARKER
        if marker.exists():
            try:
                info = json.loads(marker.read_text())
            except ValueError:
                info = {"head": None, "paths": []}
            self.git.remove_stale_index_lock(max_age=0)
            if self.git.head() == info.get("head"):
                self.git.restore(info.get("paths", []))
                notes.append("rolled back an unfinished change left by an interrupted command")
            else:
                notes.append("completed the clean-up of a command interrupted after it had committed")
            marker.unlink(missing_ok=True)
        elif self.git.remove_stale_index_lock():
            notes.append("removed a stale git index lock")
        return notes


def commit_message(pid: str, event: str, date: str, plans: list[str], *, summary: str = "",
                   subject: str | None = None, dates: list[str] | None = None, forced: list[str] | None = None) -> str:
    """Subject names the plan id and the event, never the child; trailers make `git log` the audit trail. A step
    recorded with `--force` outside its plausible dates gets an `EHCP-Date-Forced` trailer naming plan, event and
    date; the caseworker's reason is free text, so it is kept in the journal line (`date_forced`), which purge
    erases with the plan, not in the commit message."""
    if subject is None:
        if len(plans) > 1:
            shown = ", ".join(plans[:5]) + (f" and {len(plans) - 5} more" if len(plans) > 5 else "")
            subject = f"{len(plans)} plans: {eventsmod.words(event)} ({shown})"
        else:
            subject = f"{pid}: {eventsmod.words(event)}"
    clean = lambda s: " ".join(str(s).split())  # noqa: E731 - trailers must be single lines
    lines = [clean(subject), ""]
    if summary:
        lines += [summary.strip(), ""]
    lines += [f"EHCP-Plan: {clean(p)}" for p in plans]
    lines.append(f"EHCP-Event: {clean(event)}")
    for d in dict.fromkeys(dates or [date]):
        if d:
            lines.append(f"EHCP-Date: {clean(d)}")
    lines += [f"EHCP-Date-Forced: {clean(f)} (reason in the journal)" for f in forced or []]
    return "\n".join(lines) + "\n"
