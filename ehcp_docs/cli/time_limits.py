"""`ehcp send`, `ehcp served` and `ehcp exception`: a document emailed and its service recorded, when a document
was served, and exceptions to a time limit."""
from __future__ import annotations

import click

from ehcp_docs import statutory
from ehcp_docs.casework import time_limits
from ehcp_docs.cli import output
from ehcp_docs.cli.common import Aliased, as_day, date_option, open_store, parse_date, plan_id_argument
from ehcp_docs.documents.letters import KINDS
from ehcp_docs.errors import UsageError

SEND_ROLES = ("parent", "young-person", "setting", "health", "social-care")


@click.command()
@plan_id_argument()
@click.option("--doc", "kind", required=True, type=click.Choice(sorted(KINDS)), metavar="KIND",
              help="Which document (as `ehcp render --doc` takes it): the one made from its latest journal entry.")
@click.option("--to", "to", type=click.Choice(SEND_ROLES), metavar="ROLE",
              help=f"Only to this role ({', '.join(SEND_ROLES)}); default: everyone the document is for.")
@click.option("--pdf/--no-pdf", "pdf", default=None, help="Attach a PDF copy as well as the Word document "
              "(default: when LibreOffice is installed).")
@date_option("The day it is emailed (default: today).")
@click.pass_context
def send(ctx: click.Context, plan_id: str, kind: str, to: str | None, pdf: bool | None, when: str | None) -> None:
    """Email a document to the people it is for, through the LA's mail relay (ehcp.toml [smtp]), and record its
    service: one commit, with each recipient and Message-ID. A failed send records nothing."""
    from ehcp_docs.documents import sending

    with open_store(ctx) as store:
        result, warnings = sending.send(store, plan_id, kind, as_day(when), to=to, pdf=pdf)
    for w in warnings:
        output.warn(w)
    output.recorded(result, f"{kind} for {plan_id} emailed and served")


@click.command()
@plan_id_argument()
@click.option("--doc", "kind", type=click.Choice(sorted(KINDS)), metavar="KIND",
              help="Which document: the one made from its latest journal entry (as `ehcp render --doc`).")
@click.option("--document", type=int, metavar="N", help="The journal entry the document was made from (see "
              "`ehcp log`); default: the latest amendment notice.")
@click.option("--by", "--how", "how", cls=Aliased, type=click.Choice(sorted(statutory.SERVICE_WAYS)), required=True,
              help="hand, email or post: how it was served.")
@date_option("The day it was handed over, emailed or posted (default: today).")
@click.pass_context
def served(ctx: click.Context, plan_id: str, kind: str | None, document: int | None, how: str,
           when: str | None) -> None:
    """Record when and how a notice or letter was served: the family's 15 days begin with the day of service."""
    from ehcp_docs.documents import sending

    if kind and document is not None:
        raise UsageError("give --doc KIND or --document N, not both")
    events = sending.source_events(kind) if kind else ()
    with open_store(ctx) as store:
        step = time_limits.serve(store, plan_id, document, how, as_day(when), events)
    output.recorded(step, f"service of a document for {plan_id}")


@click.command()
@plan_id_argument()
@click.option("--step", required=True, help="The step whose time limit was missed (as `ehcp deadlines` names it), "
              "e.g. reassessment_final_plan, order_amend, unopposed_section_i.")
@click.option("--ref", type=int, metavar="N", help="The journal entry that started the step (default: the latest).")
@click.option("--reason", required=True, help="The regulation's reason: personal-circumstances or absent-from-area "
              "(re-assessment, orders, unopposed appeals); school-closure or early-years-closure (re-assessment, "
              "unopposed appeals).")
@click.option("--from", "start", required=True, metavar="YYYY-MM-DD", help="When the circumstances began.")
@click.option("--to", "end", required=True, metavar="YYYY-MM-DD", help="When they ended.")
@click.option("--details", default="", help="What happened, in a sentence (kept in the record).")
@date_option()
@click.pass_context
def exception(ctx: click.Context, plan_id: str, step: str, ref: int | None, reason: str, start: str, end: str,
              details: str, when: str | None) -> None:
    """Record an exception to a time limit, for a reason the regulations give for that step (reg 27(3) for a
    re-assessment, reg 44 for a Tribunal order, reg 45 for an unopposed appeal): the step keeps its date and is
    reported as late with the exception, not as plain drift."""
    a = as_day(parse_date(start, "--from date"))
    b = as_day(parse_date(end, "--to date"))
    with open_store(ctx) as store:
        result = time_limits.record_exception(store, plan_id, step, reason, a, b, details, as_day(when), ref)
    output.recorded(result, f"exception to the {step} time limit for {plan_id}")
