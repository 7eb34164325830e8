"""`ehcp cease ...`: consult on ceasing a plan, then decide with appeal rights."""
from __future__ import annotations

import click

from ehcp_docs.casework import ceasing
from ehcp_docs.cli import output
from ehcp_docs.cli.common import as_day, date_option, open_store, out_option, plan_id_argument, produce


@click.group()
def cease() -> None:
    """Ceasing a plan (CFA s.45): consult first, then decide with appeal rights."""


def reason_code(value: str) -> int:
    """A SEN2 ceasing reason by its code (4) or by its name, in part ("paid employment")."""
    if value.strip().isdigit() and int(value) in ceasing.CEASE_REASONS:
        return int(value)
    words = value.strip().lower()
    found = [code for code, name in ceasing.CEASE_REASONS.items() if words and words in name.lower()]
    if len(found) == 1:
        return found[0]
    from ehcp_docs.errors import did_you_mean

    hint = did_you_mean(value, list(ceasing.CEASE_REASONS.values()))
    raise click.BadParameter(f"'{value[:40]}' is not a SEN2 reason: give a code from 1 to 9 or a name such as "
                             "\"paid employment\"" + (f". {hint}" if hint else ""))


@cease.command("propose")
@plan_id_argument()
@click.option("--reason", "code", required=True, metavar="CODE|NAME", callback=lambda c, p, v: reason_code(v),
              help="DfE SEN2 reason, by code or name: 1 maximum age, 2 needs met, 3 higher education, 4 paid "
                   "employment, 5 another LA, 6 no longer engages (18+), 7 left England, 8 deceased, 9 other.")
@click.option("--details", default="", help="The reasons in words (printed in the letter).")
@date_option()
@out_option()
@click.pass_context
def cease_propose(ctx: click.Context, plan_id: str, code: int, details: str, when: str | None, out: str | None) -> None:
    """Tell the family that ceasing is being considered and ask for their views and the head teacher's."""
    with open_store(ctx) as store:
        step = ceasing.propose(store, plan_id, code, details, as_day(when))
        docs = produce(store, plan_id, "cease-consultation", out, step.event)
    output.recorded(step, f"ceasing proposed for {plan_id}", docs)


@cease.command("decide")
@plan_id_argument()
@click.option("--decision", type=click.Choice(["cease", "continue"]), default="cease", show_default=True)
@date_option()
@out_option()
@click.pass_context
def cease_decide(ctx: click.Context, plan_id: str, decision: str, when: str | None, out: str | None) -> None:
    """Decide: the cease notice carries appeal rights; the plan ends when the appeal period ends."""
    with open_store(ctx) as store:
        step = ceasing.decide(store, plan_id, decision, as_day(when))
        docs = produce(store, plan_id, "cease-notice", out, step.event)
    output.recorded(step, f"ceasing decision ({decision}) for {plan_id}", docs)
