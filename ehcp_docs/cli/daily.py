"""The daily commands: `status` (what next for a plan), `open` (what is open on it), `list` (the plans) and
`rules` (every rule the calendar applies)."""
from __future__ import annotations

from typing import Any

import click

from ehcp_docs.casework import daily
from ehcp_docs.cli import output
from ehcp_docs.cli.common import as_day, date_callback, json_option, open_store, plan_id_argument, today_option
from ehcp_docs.errors import CHECK_FAILED


def print_status(s: dict[str, Any]) -> None:
    head = f"{s['plan']} as of {s['as_of']}"
    if s["ceased"]:
        head += f": the plan ceased on {s['ceased']}; no review is due"
    elif s["next_review_due"]:
        head += f": next review due by {s['next_review_due']}"
    output.data(head)
    if s["steps"]:
        output.table(["process", "step", "due", "days", "run"],
                     [[r["process"], r["description"], r["due"],
                       (f"{-r['days_left']} late" if r["late"] else f"{r['days_left']} left"), r["command"]]
                      for r in s["steps"]], late=[r["late"] for r in s["steps"]])
    for line in s.get("served", []):
        output.data(line)
    if s["open"]:
        output.data(f"Open: {len(s['open'])} item(s); `ehcp open {s['plan']}` lists them with their numbers.")
    if s["next_command"]:
        output.data(f"Next: {s['next_step']} by {s['next_due']}")
        output.data(f"Run:  {s['next_command']}")
    else:
        output.data("Nothing pending." if not s["ceased"] else "Nothing pending: the plan has ceased.")
    for w in s.get("warnings", []):
        output.warn(w)


@click.command()
@plan_id_argument()
@today_option()
@json_option()
@click.pass_context
def status(ctx: click.Context, plan_id: str, today: str | None, as_json: bool) -> None:
    """What next for plan ID: every open step of every process with its deadline, earliest first, late steps
    marked, and the exact command to run."""
    with open_store(ctx) as store:
        s = daily.status(store, plan_id, as_day(today))
    if as_json:
        output.as_json(s)
    else:
        print_status(s)


@click.command(name="open")
@plan_id_argument()
@json_option()
@click.pass_context
def open_(ctx: click.Context, plan_id: str, as_json: bool) -> None:
    """The open contributions, concerns, early-review and personal budget requests of plan ID, with the numbers
    `contribution resolve`, `concern respond`, `review request-decide` and `budget decide` take."""
    with open_store(ctx) as store:
        rows = daily.open_items(store, plan_id)
    if as_json:
        output.as_json(rows)
        return
    if not rows:
        output.info(f"Nothing open on {plan_id}.")
        return
    output.table(["number", "what", "date", "from", "text", "run"],
                 [[str(r["number"]), r["kind"], r["date"], r["from"], r["text"], r["command"]] for r in rows])


@click.command(name="list")
@click.option("--setting", metavar="NAME", help="Only plans whose setting's name contains NAME.")
@click.option("--due-before", metavar="DATE", callback=date_callback,
              help="Only plans whose next review is due on or before DATE.")
@today_option()
@json_option()
@click.pass_context
def list_(ctx: click.Context, setting: str | None, due_before: str | None, today: str | None, as_json: bool) -> None:
    """Every plan: the child's name, setting, next review and open processes."""
    with open_store(ctx) as store:
        listed = daily.list_plans(store, as_day(today), setting, as_day(due_before) if due_before else None)
    if as_json:
        output.as_json(listed.rows)
    else:
        output.table(["plan", "name", "setting", "next review", "open"],
                     [[r["plan"], r["name"], r["setting"], r["next_review_due"] or (f"ceased {r['ceased']}"
                       if r["ceased"] else "-"), ", ".join(r["open_processes"]) or "-"] for r in listed.rows],
                     late=[r["overdue"] for r in listed.rows])
    for p in listed.problems:
        output.warn(p)
    if listed.problems:
        ctx.exit(CHECK_FAILED)


@click.command()
@json_option()
@click.option("--markdown", is_flag=True, help="Print the rules as the page docs/rules.md.")
def rules(as_json: bool, markdown: bool) -> None:
    """Every statutory rule the calendar applies: legal basis, dates it applies from, local options."""
    from ehcp_docs.statutory import catalogue

    if as_json:
        output.as_json(catalogue.rules())
    elif markdown:
        output.data(catalogue.markdown().rstrip())
    else:
        output.table(["rule", "what", "basis", "applies from", "option"],
                     [[r["rule"], r["description"], r["basis"], r["effective_from"],
                       ", ".join(o["name"] for o in r["options"]) or "-"] for r in catalogue.rules()])
