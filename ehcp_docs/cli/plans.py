"""Commands for the store and its plans: init, add, validate, show, log, edit."""
from __future__ import annotations

from pathlib import Path

import click

from ehcp_docs import fileio
from ehcp_docs.casework import intake
from ehcp_docs.cli import output
from ehcp_docs.cli.common import date_option, edit_until_valid, json_option, open_store, parse_date, plan_id_argument
from ehcp_docs.errors import CHECK_FAILED, UsageError
from ehcp_docs.store import Store, checks


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def init(ctx: click.Context, directory: Path) -> None:
    """Create a new plan store in DIRECTORY (a private git repository with ehcp.toml and plans/)."""
    store = Store.create(directory, author=(ctx.obj or {}).get("author"))
    store.close()
    output.info(f"Created a plan store in {directory}")
    output.info(f"Next: edit {directory / 'ehcp.toml'} (your LA's details), "
                f"then `ehcp --store {directory} add PLAN.yaml`.")


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
def add(ctx: click.Context, files: tuple[Path, ...]) -> None:
    """Add new plans from FILES (YAML or JSON) in one commit. Nothing is added unless every file is valid."""
    with open_store(ctx) as store:
        added = intake.add_plans(store, list(files))
    ids = added.plans
    # a whole LA's import is thousands of plans: name the first few, not a line of 200,000 characters
    named = ", ".join(ids) if len(ids) <= 12 else f"{', '.join(ids[:10])} and {len(ids) - 10:,} more"
    output.info(f"Added {len(ids):,} plan{'s' if len(ids) != 1 else ''}: {named}"
                + (f" (commit {added.commit[:10]})" if added.commit else ""))


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--all", "all_", is_flag=True, help="Validate every plan in the store.")
@json_option()
@click.pass_context
def validate(ctx: click.Context, files: tuple[Path, ...], all_: bool, as_json: bool) -> None:
    """Check plan FILES (or --all plans in the store). Exit 0 if all are valid, 1 otherwise."""
    if bool(files) == all_:
        raise UsageError("give plan files to check, or --all for the whole store (not both)")
    if all_:
        with open_store(ctx) as store:
            results = checks.validate_store(store, window=store.window)
    else:
        results = checks.validate_files(list(files))
    bad = [r for r in results if r.problems]
    if as_json:
        output.as_json([{"file": r.name, "valid": not r.problems, "problems": r.problems} for r in results])
    else:
        for r in results:
            if r.problems:
                for p in r.problems:
                    output.data(p)
        output.info(f"{len(results) - len(bad)} valid, {len(bad)} with problems")
    if bad:
        ctx.exit(CHECK_FAILED)


@click.command()
@plan_id_argument()
@click.option("--at", metavar="DATE|REV", help="The plan as in force on a date, or at a store revision.")
@click.option("--proposed", is_flag=True, help="Show the pending proposal instead of the plan in force.")
@click.option("--contributions", is_flag=True, help="List contributions made between reviews.")
@json_option()
@click.pass_context
def show(ctx: click.Context, plan_id: str, at: str | None, proposed: bool, contributions: bool,
         as_json: bool) -> None:
    """Show plan ID as in force now (or --at a date or revision)."""
    with open_store(ctx) as store:
        if contributions:
            from ehcp_docs.casework import between_reviews
            rows = between_reviews.contributions(store.events(plan_id))
            if as_json:
                output.as_json(rows)
            else:
                for r in rows:
                    output.data(between_reviews.describe_contribution(r))
                if not rows:
                    output.info(f"No contributions recorded for {plan_id}.")
            return
        if proposed:
            plan = store.proposal(plan_id)
            if plan is None:
                raise UsageError(f"plan {plan_id} has no pending proposal")
            note = "proposed plan"
        elif at:
            plan, note = store.plan_at(plan_id, _as_date_or_rev(at))
        else:
            plan, note = store.plan(plan_id), "plan in force"
    if as_json:
        output.as_json(plan)
    else:
        output.info(f"# {plan_id}: {note}")
        output.data(fileio.dump_yaml(plan).rstrip())


def _as_date_or_rev(at: str) -> str:
    """--at as people type it: a date (31/01/2027 or 2027-01-31) or a revision of the store."""
    if "/" in at and at.replace("/", "").strip().isdigit():
        return parse_date(at, "date for --at")
    return at


@click.command()
@plan_id_argument()
@json_option()
@click.pass_context
def log(ctx: click.Context, plan_id: str, as_json: bool) -> None:
    """List the events in plan ID's history, newest first, each with its number (#N, what `contribution resolve`,
    `concern respond` and `budget decide` take)."""
    with open_store(ctx) as store:
        if not store.has_plan(plan_id):
            store.plan(plan_id)  # raises the not-found message
        rows = intake.history(store, plan_id)
    if as_json:
        output.as_json(rows)
        return
    for r in rows:
        what = r["event"] if r["date"] else f"({r['note']})"
        number = ",".join(f"#{n}" for n in r["numbers"]) or "-"
        output.data(f"{number:<5} {r['date'] or 'no date':<10}  {what:<24}  {r['commit'][:10]}  {r['author']}")


@click.command()
@plan_id_argument()
@click.option("--file", "file", type=click.Path(path_type=Path), help="Take the corrected plan from a file "
              "instead of opening an editor.")
@click.option("--note", default="", help="Why the correction was made (kept in the history).")
@date_option()
@click.pass_context
def edit(ctx: click.Context, plan_id: str, file: Path | None, note: str, when: str | None) -> None:
    """Correct plan ID in $EDITOR (or from --file); re-opens with the errors until the plan is valid."""
    day = parse_date(when)
    with open_store(ctx) as store:
        seen = intake.latest_commit(store, plan_id)
        current = store.read_file(f"plans/{plan_id}/plan.yaml")
        if current is None:
            store.plan(plan_id)  # the not-found message
            return
        if file is not None:
            text = fileio.decode(fileio.read_bytes(file, what="plan file"), file.name)
            if file.suffix.lower() == ".json":
                text = fileio.dump_yaml(fileio.parse_text(text, file.name, json_only=True))
            commit = intake.correct_plan(store, plan_id, text, day, seen, note, source=file.name)
        else:
            commit = _edit_loop(store, plan_id, current.decode("utf-8"), day, seen, note)
    output.info(f"Recorded a correction to {plan_id} (commit {commit[:10]})" if commit
                else f"No change to {plan_id}: nothing recorded.")


def _edit_loop(store: Store, plan_id: str, text: str, when: str, seen: str | None, note: str) -> str | None:
    return edit_until_valid(text, lambda body: intake.correct_plan(store, plan_id, body, when, seen, note))
