"""Store administration: doctor, maintenance, export, sync, purge."""
from __future__ import annotations

import click

from ehcp_docs import fileio
from ehcp_docs.casework import export as exporting
from ehcp_docs.casework import purge as purging
from ehcp_docs.casework import sync as syncing
from ehcp_docs.casework import upkeep
from ehcp_docs.cli import output
from ehcp_docs.cli.common import (
    as_day,
    date_option,
    json_option,
    open_store,
    out_option,
    plan_id_argument,
    today_option,
)
from ehcp_docs.errors import CHECK_FAILED, UsageError
from ehcp_docs.store.core import find_root


@click.command()
@click.option("--no-repair", is_flag=True, help="Report only; change nothing.")
@json_option()
@click.pass_context
def doctor(ctx: click.Context, no_repair: bool, as_json: bool) -> None:
    """Check the store (git fsck, every plan, journals, permissions) and repair what a crash left behind."""
    with open_store(ctx) as store:
        report = upkeep.doctor(store, repair=not no_repair)
    if as_json:
        output.as_json({"repaired": report.repaired, "problems": report.problems, "checked": report.checked,
                        "advice": report.advice})
    else:
        for r in report.repaired:
            output.data(f"repaired: {r}")
        for p in report.problems:
            output.data(f"problem: {p}")
        for a in report.advice:
            output.data(f"advice: {a}")
        output.info(f"Checked: {', '.join(report.checked)}. {len(report.problems)} problem(s), "
                    f"{len(report.repaired)} repair(s).")
    if report.problems:
        ctx.exit(CHECK_FAILED)


@click.command()
@today_option()
@click.pass_context
def maintenance(ctx: click.Context, today: str | None) -> None:
    """Keep a large store fast: pack new objects, refresh the commit-graph, pack references, build the index, and
    work out the calendar for --today and the day after (run it nightly)."""
    skipped: list[str] = []
    with open_store(ctx) as store:
        for line in upkeep.maintenance(store, as_day(today), skipped):
            output.info(line)
    output.skipped(skipped)  # a damaged journal: named, the rest prepared, and exit 1 (a nightly job notices)
    if skipped:
        ctx.exit(CHECK_FAILED)


@click.command()
@plan_id_argument()
@click.option("--redact", is_flag=True, help="Replace names, dates of birth, addresses and contact details.")
@out_option()
@click.pass_context
def export(ctx: click.Context, plan_id: str, redact: bool, out: str | None) -> None:
    """Write a copy of plan ID as YAML (redacted with --redact) for sharing outside the LA."""
    with open_store(ctx) as store:
        plan = store.plan(plan_id)
        folder = store.out_dir(out)
    data = exporting.redact(plan) if redact else plan
    path = folder / f"{plan_id}{'-redacted' if redact else ''}.yaml"
    fileio.atomic_write(path, fileio.dump_yaml(data).encode("utf-8"))
    output.made([path])
    if not redact:
        output.warn("this export holds personal data; use --redact before sharing it outside the LA")


@click.command()
@click.option("--remote", default="origin", show_default=True, help="The team's shared repository.")
@click.pass_context
def sync(ctx: click.Context, remote: str) -> None:
    """Share the store with the team: pull their changes, merge yours on top (journals and plans merge by
    meaning), then push. A plan you and a colleague changed in the same field waits for `ehcp resolve ID`."""
    syncing.check_remote(remote)
    with open_store(ctx) as store:
        synced = syncing.sync(store, remote)
    result = synced.result
    for line in result.warnings:
        output.warn(f"the team's store commits git attributes that would change how ehcp's files are stored "
                    f"({line}); ehcp's own .git/info/attributes overrides them, but ask for the line to be removed")
    output.info(f"Synced with {remote}: {result.pulled} change(s) received, {result.pushed} sent.")
    if synced.waiting:
        for w in synced.waiting:
            output.error(f"plan {w.plan}: you and a colleague changed the same thing; your changes to it are kept "
                         "and wait for you", w.conflicts,
                         f"Finish it with `ehcp resolve {w.plan} --take mine|theirs` or `--file F`; "
                         "every other change was shared.")
        ctx.exit(CHECK_FAILED)


@click.command()
@plan_id_argument()
@click.option("--confirm", is_flag=True, help="Required: purging rewrites history and cannot be undone.")
@today_option()
@click.pass_context
def purge(ctx: click.Context, plan_id: str, confirm: bool, today: str | None) -> None:
    """Erase plan ID and its whole history after its retention period (rewrites the store's history)."""
    if not confirm:
        raise UsageError("purging erases the plan and its history for good; add --confirm to go ahead")
    with open_store(ctx) as store:
        who = store.identity()[0]
        purged = purging.purge(store, plan_id, as_day(today), who)
    for rel in purged.deleted:
        output.info(f"Deleted out/{rel}")
    output.info(f"Purged {plan_id}: {purged.commits} commit(s) that held only this plan were removed and the rest "
                "rewritten on every branch, tag and remote-tracking ref; reflogs expired, old objects pruned, the "
                f"store index deleted and {len(purged.deleted)} document(s) under out/ deleted. Outside this copy "
                "the data remains: every other clone and the server (force-push and expire its reflogs; colleagues "
                "re-clone), and documents already sent or saved elsewhere with --out.")


@click.group()
def settings() -> None:
    """The store's settings (ehcp.toml): check them, and commit them so they travel with the store."""


@settings.command("check")
@click.pass_context
def settings_check(ctx: click.Context) -> None:
    """Check ehcp.toml as it is now: required details, unknown tables and keys, rule options, and the mail relay
    ([smtp]: TLS, port, sender, and that your password is set and kept where only you can read it)."""
    root = find_root((ctx.find_root().obj or {}).get("store"))
    problems = upkeep.settings_problems(root) or upkeep.sending_problems(root)
    for p in problems:
        output.data(f"problem: {p}")
    output.info(f"ehcp.toml: {len(problems)} problem(s)." if problems else "ehcp.toml is valid.")
    if problems:
        ctx.exit(CHECK_FAILED)


@settings.command("commit")
@date_option()
@click.pass_context
def settings_commit(ctx: click.Context, when: str | None) -> None:
    """Commit an edited ehcp.toml (checked first) as its own event, so `ehcp sync` shares it with the team."""
    with open_store(ctx) as store:
        commit = upkeep.commit_settings(store, as_day(when))
    output.info(f"Committed the settings (commit {commit[:10]})." if commit else "The settings have no changes.")
