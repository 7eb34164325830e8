"""`ehcp reassess ...`: re-assessment requests (a 15-day decision) and decisions (14 weeks to the final plan)."""
from __future__ import annotations

import click

from ehcp_docs.casework import reassessment
from ehcp_docs.cli import output
from ehcp_docs.cli.common import as_day, date_option, open_store, out_option, plan_id_argument, produce, who_option


@click.group()
def reassess() -> None:
    """Re-assessment: requests (15-day decision) and decisions (14 weeks to the final plan)."""


@reassess.command("request")
@plan_id_argument()
@who_option(reassessment.REQUESTERS, "Who asks.")
@date_option("The day the request was received (default: today).")
@click.pass_context
def reassess_request(ctx: click.Context, plan_id: str, by: str, when: str | None) -> None:
    """Record a request for re-assessment; starts the 15-day decision clock."""
    with open_store(ctx) as store:
        step = reassessment.request(store, plan_id, by, as_day(when))
    output.recorded(step, f"re-assessment request for {plan_id}", [])


@reassess.command("decide")
@plan_id_argument()
@click.option("--decision", required=True, type=click.Choice(["agree", "refuse"]))
@click.option("--reason", default="", help="Reasons (required for a refusal).")
@date_option()
@out_option()
@click.pass_context
def reassess_decide(ctx: click.Context, plan_id: str, decision: str, reason: str, when: str | None,
                    out: str | None) -> None:
    """Decide the request: a refusal carries appeal rights; agreeing starts the 14-week clock."""
    with open_store(ctx) as store:
        step = reassessment.decide(store, plan_id, decision, reason, as_day(when))
        docs = produce(store, plan_id, "reassessment-decision", out, step.event)
    output.recorded(step, f"re-assessment decision ({decision}) for {plan_id}", docs)


