"""Keeping a store healthy: `ehcp doctor` (report and repair) and `ehcp maintenance` (keep it fast)."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ehcp_docs import config, fileio
from ehcp_docs.casework import caseload, mail
from ehcp_docs.errors import EhcpError, InvalidPlan
from ehcp_docs.statutory import ONE_DAY
from ehcp_docs.store import Store, checks, index, journal, permissions, safety
from ehcp_docs.store.core import CONFIG_NAME

LOOSE_ADVICE = 10_000  # loose objects (about 3 commands' worth per plan for 1,000 plans) before doctor advises


@dataclass
class Report:
    repaired: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)


def doctor(store: Store, repair: bool = True) -> Report:
    report = Report()
    with store.lock():
        report.repaired += store.recover()
        for tmp in store.root.glob("plans/**/.ehcp-tmp-*"):
            tmp.unlink(missing_ok=True)
            report.repaired.append(f"removed a half-written file {tmp.relative_to(store.root)}")
    ok, text = store.fsck()
    report.checked.append("git fsck")
    if not ok:
        report.problems.append(f"git fsck found damage: {text[:300]}")
    for r in checks.validate_store(store, window=store.window):
        report.problems += r.problems
        parts = r.name.split("/")
        if r.problems and len(parts) == 3 and parts[0] == "plans":
            pid = parts[1]
            report.advice.append(f"repair plan {pid} with `ehcp edit {pid}` (opens it with its errors) or "
                                 f"`ehcp edit {pid} --file FIXED.yaml`" if parts[2] == "plan.yaml" else
                                 f"replace the proposal of plan {pid} with `ehcp amend propose {pid} --file FIXED.yaml`"
                                 f" or `ehcp amend withdraw {pid} --reason T`")
    report.checked.append(f"{len(store.plan_ids())} plans validated")
    for pid in store.plan_ids():
        _check_journal(store, pid, report, repair)
    _git_hazards(store, report)
    dirty = store.dirty_paths("plans")
    if dirty:
        report.problems.append(f"{len(dirty)} file(s) under plans/ have changes that are not committed "
                               f"(for example {dirty[0]}): commit them with git or discard them")
    unpacked = store.loose_objects()
    if unpacked >= LOOSE_ADVICE:
        report.advice.append(f"{unpacked:,} git objects are stored one file each, which slows every command: "
                             "run `ehcp maintenance` (nightly on a busy store)")
    loose = permissions.looser_than_private(store.root)
    links = set(store.symlinks())
    report.problems += [safety.explain_link(store.root, rel) for rel in sorted(links)]
    loose = [rel for rel in loose if rel not in links and not safety.is_link(store.root / rel)]
    if loose and repair:
        for rel in loose:
            os.chmod(store.root / rel, 0o700, follow_symlinks=False)
        report.repaired += [f"{x}: now private to its owner" for x in loose]
    else:
        report.problems += [f"{x} can be read by other users of this computer" for x in loose]
    return report


def _git_hazards(store: Store, report: Report) -> None:
    """A copied store's own git config can name programs (a clean filter, an fsmonitor, an upload-pack) and a
    committed .gitattributes can change how git stores the journals: ehcp overrides both on every git command,
    and says so here, so that they are removed."""
    settings, attributes, rewritten = store.git_hazards()
    report.checked.append("git config and attributes")
    if rewritten:
        report.repaired.append(".git/info/attributes rewritten, so that git stores ehcp's files byte for byte")
    included = store.included_configs()
    where = (" (or from the file it is included from)" if included else "")
    report.problems += [f"the store's git config sets {key}, which would make git run a program or write outside "
                        f"the store (ehcp overrides it): remove it with `git config --unset-all {key}`{where}"
                        for key in settings]
    report.problems += [f"the store's git config includes another file ({fileio.printable(path)[:120]}): its settings "
                        "apply to this store (ehcp overrides those that run programs): remove it with "
                        f"`git config --unset-all {key}`" for key, path in included]
    report.problems += [f"a committed .gitattributes tries to change how ehcp's files are stored ({line}): ehcp's "
                        ".git/info/attributes overrides it, but remove the line" for line in attributes]


def maintenance(store: Store, today: date | None = None, skipped: list[str] | None = None) -> list[str]:
    """Packed objects, a commit-graph with changed-path Bloom filters, packed refs, the index of each plan's
    commits and the calendar for today and tomorrow keep every command fast as history grows; run after a bulk
    import or by a nightly job. ehcp turns git's automatic gc off (a gc started by git in the background must
    never run beside a command holding the store lock), so without this every commit leaves its objects as
    separate files. With `skipped`, a plan that cannot be read (a damaged journal) is named there and the calendar
    is still prepared for every other plan."""
    packed = store.pack_loose()
    done = [f"{packed:,} objects packed"] if packed else ["no loose objects to pack"]
    store.write_commit_graph()
    done.append("commit-graph with changed-path Bloom filters written")
    store.pack_refs()
    done.append("references packed")
    if index.enabled() and index.warm_log(store):
        done.append("index of each plan's commits brought up to date")
    try:
        done += [f"calendar ready for {what}" for what in caseload.prepare_days(store, today or date.today(),
                                                                                  skipped=skipped)]
    except EhcpError as e:  # a plan that needs correcting: every other step is done, and the message says why
        done.append(f"calendar not prepared ahead: {e.message}")
        return done
    if index.enabled():
        from ehcp_docs.casework import dashboard

        day = today or date.today()
        try:
            done += [f"ready for {dashboard.prepare(store, d)}" for d in (day, day + ONE_DAY)]
        except EhcpError as e:  # management information reads every plan: one that cannot be read stops it
            done.append(f"management information not prepared ahead: {e.message}")
    return done


def _check_journal(store: Store, pid: str, report: Report, repair: bool) -> None:
    """A damaged journal is reported (store/journal.py names the line and the problem). One whose only fault is
    its numbering (a merge made by hand: two events numbered 25) is renumbered with `repair`."""
    try:
        store.events(pid)
        return
    except Exception as e:  # noqa: BLE001 - any damage is reported, not raised
        problem = str(getattr(e, "message", e))
    if _misnumbered(store, pid):
        if repair and _renumber(store, pid):
            report.repaired.append(f"plan {pid}: its journal's events are each kept once and numbered in "
                                   "order again (a merge made by hand had left them out of order)")
            return
        problem = f"plan {pid}: its journal's event numbers are out of order"
    report.problems.append(problem)


def _misnumbered(store: Store, pid: str) -> bool:
    """The journal is a merge made by hand and sound but for its numbers: every line passes the schema when the
    order is not checked, and every line carries the identity ehcp writes, so each event is kept once and the
    numbers events refer to can be rewritten by identity. A line typed by hand (no identity) with a wrong
    number is damage for a person to look at, and is only reported."""
    data = store.read_file(f"{store.plan_path(pid)}/{journal.FILENAME}")
    try:
        records = journal.parse_raw(data, in_order=False) if data is not None else []
    except ValueError:
        return False
    return all(isinstance(r.get("id"), str) for r in records) and journal.repaired(records) is not None


def _renumber(store: Store, pid: str) -> bool:
    """One commit putting a hand-merged journal right: every event once, numbered 1, 2, 3 in the file's order,
    and the numbers events refer to rewritten (store/journal.py)."""
    data = store.read_file(f"{store.plan_path(pid)}/{journal.FILENAME}") or b""
    fixed = journal.repaired(journal.parse_raw(data, in_order=False))
    if fixed is None:
        return False
    today = date.today().isoformat()
    with store.transaction("journal-repaired", when=today) as txn:
        txn.plans.append(pid)
        txn.dates[pid] = today
        txn.write(f"{store.plan_path(pid)}/{journal.FILENAME}", journal.encode(fixed))
    return txn.commit is not None


def settings_problems(root: Path) -> list[str]:
    """Everything wrong with the store's ehcp.toml as it is on disk now (committed or not), the mail relay's
    `[smtp]` table included: a relay that could never be used safely is wrong for everyone who shares it."""
    try:
        settings = config.load(root / CONFIG_NAME)
    except EhcpError as e:
        return e.messages or [e.message]
    smtp = settings.data.get("smtp")
    if smtp is None:
        return []
    if not isinstance(smtp, dict):
        return ["ehcp.toml: [smtp] should be a table of settings"]
    return mail.relay_problems(smtp, root)


def sending_problems(root: Path, environ: Mapping[str, str] | None = None) -> list[str]:
    """What would stop `ehcp send` for this person on this computer (the relay's password not set, its file
    readable by others): checked by `ehcp settings check`, not by `settings commit`, which a colleague who never
    sends may run. Ask only once settings_problems(root) finds none (it is then safe to build the relay). Empty
    when the store sends no email."""
    settings = config.load(root / CONFIG_NAME)
    if not settings.data.get("smtp"):
        return []
    return mail.sending_problems(mail.relay(settings.data, root), environ)


def commit_settings(store: Store, when: date) -> str | None:
    """Commits an edited ehcp.toml as its own event (settings travel with the store to every colleague), once
    it passes its checks; None when it has no changes."""
    problems = settings_problems(store.root)
    if problems:
        raise InvalidPlan("ehcp.toml has problems; nothing was committed", messages=problems,
                          hint="Correct them, then run `ehcp settings commit` again.")
    data = (store.root / CONFIG_NAME).read_bytes()
    if store.read_file(CONFIG_NAME) == data:
        return None
    store.restore_file(CONFIG_NAME)  # the transaction writes the same bytes back, and commits them
    try:
        with store.transaction("settings-changed", when=when.isoformat(), subject="LA settings changed") as txn:
            txn.write(CONFIG_NAME, data)
    except BaseException:
        (store.root / CONFIG_NAME).write_bytes(data)  # the caseworker's edit is never lost
        raise
    return txn.commit
