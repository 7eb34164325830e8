"""Keeping a store healthy: `ehcp doctor` (report and repair) and `ehcp maintenance` (keep it fast)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date

from ehcp_docs.casework import caseload
from ehcp_docs.errors import EhcpError
from ehcp_docs.statutory import ONE_DAY
from ehcp_docs.store import Store, checks, index, permissions, safety

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
    for r in checks.validate_store(store):
        report.problems += r.problems
    report.checked.append(f"{len(store.plan_ids())} plans validated")
    for pid in store.plan_ids():
        try:
            events = store.events(pid)
        except Exception as e:  # noqa: BLE001 - any damage is reported, not raised
            report.problems.append(str(getattr(e, "message", e)))
            continue
        seqs = [e.get("seq") for e in events]
        if seqs != list(range(1, len(seqs) + 1)):
            report.problems.append(f"plan {pid}: its journal's event numbers are out of order")
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
    report.problems += [f"the store's git config sets {key}, which would make git run a program or write outside "
                        f"the store (ehcp overrides it): remove it with `git config --unset-all {key}`"
                        for key in settings]
    report.problems += [f"a committed .gitattributes tries to change how ehcp's files are stored ({line}): ehcp's "
                        ".git/info/attributes overrides it, but remove the line" for line in attributes]


def maintenance(store: Store, today: date | None = None) -> list[str]:
    """Packed objects, a commit-graph with changed-path Bloom filters, packed refs, the index of each plan's
    commits and the calendar for today and tomorrow keep every command fast as history grows; run after a bulk
    import or by a nightly job. ehcp turns git's automatic gc off (a gc started by git in the background must
    never run beside a command holding the store lock), so without this every commit leaves its objects as
    separate files."""
    packed = store.pack_loose()
    done = [f"{packed:,} objects packed"] if packed else ["no loose objects to pack"]
    store.write_commit_graph()
    done.append("commit-graph with changed-path Bloom filters written")
    store.pack_refs()
    done.append("references packed")
    if index.enabled() and index.warm_log(store):
        done.append("index of each plan's commits brought up to date")
    try:
        done += [f"calendar ready for {what}" for what in caseload.prepare_days(store, today or date.today())]
        if index.enabled():
            from ehcp_docs.casework import dashboard

            day = today or date.today()
            done += [f"ready for {dashboard.prepare(store, d)}" for d in (day, day + ONE_DAY)]
    except EhcpError as e:  # a plan that needs correcting: every other step is done, and the message says why
        done.append(f"calendar not prepared ahead: {e.message}")
    return done
