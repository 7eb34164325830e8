"""Between reviews: progress returns and updates, plan-quality checks, contributions and concerns."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ehcp_docs.casework import between_reviews
from ehcp_docs.cli import output
from ehcp_docs.cli.common import (
    as_day,
    date_option,
    json_option,
    open_store,
    out_option,
    parse_date,
    plan_id_argument,
    produce,
    today_option,
    who_option,
)
from ehcp_docs.documents import letters
from ehcp_docs.errors import CHECK_FAILED, UsageError


@click.group()
def progress() -> None:
    """Termly progress returns from the setting, and progress updates for the family."""


@progress.command("add")
@plan_id_argument()
@click.option("--file", "file", type=click.Path(path_type=Path), help="The progress return (YAML or JSON).")
@click.option("--form", is_flag=True, help="Print a return pre-filled from the plan and the last return.")
@date_option("The day the return was made (default: today).")
@json_option()
@click.pass_context
def progress_add(ctx: click.Context, plan_id: str, file: Path | None, form: bool, when: str | None,
                 as_json: bool) -> None:
    """Record a setting's progress return (every outcome and interim target must be reported on)."""
    with open_store(ctx) as store:
        if form:
            doc = between_reviews.progress_form(store, plan_id)
            output.form(doc, as_json)
            return
        if file is None:
            raise UsageError("give --file RETURN.yaml, or --form to get a return to fill in")
        result = between_reviews.add_progress(store, plan_id, file, as_day(when))
    output.recorded(result, f"progress return for {plan_id}")


@progress.command("report")
@plan_id_argument()
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First return to include.")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last return to include.")
@out_option()
@click.pass_context
def progress_report(ctx: click.Context, plan_id: str, start: str | None, end: str | None, out: str | None) -> None:
    """Produce the family's progress update (.docx) with a chart of each target over the terms."""
    a = date.fromisoformat(parse_date(start)) if start else None
    b = date.fromisoformat(parse_date(end)) if end else None
    with open_store(ctx) as store:
        docs = letters.progress_update(store, plan_id, store.out_dir(out), a, b)
    output.made(docs)


@click.command()
@click.argument("plan_ids", nargs=-1, metavar="[ID]...")
@click.option("--all", "all_", is_flag=True, help="Check every plan in the store.")
@today_option()
@json_option()
@click.pass_context
def lint(ctx: click.Context, plan_ids: tuple[str, ...], all_: bool, today: str | None, as_json: bool) -> None:
    """Plan-quality checks: SMART outcomes, specified and quantified provision, vague wording, gaps."""
    from ehcp_docs.casework import caseload

    if bool(plan_ids) == all_:
        raise UsageError("give plan ids, or --all (not both)")
    skipped: list[str] = []
    with open_store(ctx) as store:
        results = caseload.lint_store(store, list(plan_ids) if plan_ids else None, as_day(today),
                                      skipped if all_ else None)
    if as_json:
        output.as_json(results if all_ or len(results) != 1 else results[0])
    else:
        for r in results:
            output.data(f"{r['plan']}: score {r['score']}/100, {len(r['findings'])} finding(s)")
            for f in r["findings"]:
                output.data(f"  - {f['message']}")
    output.skipped(skipped)
    if any(r["findings"] for r in results) or skipped:
        ctx.exit(CHECK_FAILED)


@click.command()
@plan_id_argument()
@who_option(between_reviews.ROLES, "Who is contributing.", dest="role")
@click.option("--text", help="The suggestion or addition.")
@click.option("--file", "file", type=click.Path(path_type=Path), help="A text file holding it.")
@date_option()
@click.pass_context
def contribute(ctx: click.Context, plan_id: str, role: str, text: str | None, file: Path | None,
               when: str | None) -> None:
    """Record a suggested change or addition to the plan, from anyone involved, between reviews."""
    body = between_reviews.read_text(text, file, "contribution")
    with open_store(ctx) as store:
        result = between_reviews.contribute(store, plan_id, role, body, as_day(when))
    output.recorded(result, f"contribution #{result.event['seq']} for {plan_id}")


@click.group()
def contribution() -> None:
    """Resolve contributions made between reviews."""


@contribution.command("resolve")
@plan_id_argument()
@click.argument("number", type=int)
@click.option("--taken-up/--not-taken-up", required=True, help="Whether the suggestion is taken up.")
@click.option("--reason", default="", help="Why (required when not taken up).")
@date_option()
@click.pass_context
def contribution_resolve(ctx: click.Context, plan_id: str, number: int, taken_up: bool, reason: str,
                         when: str | None) -> None:
    """Mark contribution NUMBER as taken up (it then feeds the next proposal) or not, with a reason."""
    with open_store(ctx) as store:
        result = between_reviews.resolve_contribution(store, plan_id, number, taken_up, reason, as_day(when))
    output.recorded(result, f"contribution #{number} {'taken up' if taken_up else 'not taken up'}")


@click.group()
def concern() -> None:
    """Concerns that the plan is not being delivered or a target is not being met."""


@concern.command("add")
@plan_id_argument()
@who_option(between_reviews.ROLES, "Who raised the concern.", dest="role")
@click.option("--text", help="The concern.")
@click.option("--file", "file", type=click.Path(path_type=Path), help="A text file holding it.")
@date_option()
@click.pass_context
def concern_add(ctx: click.Context, plan_id: str, role: str, text: str | None, file: Path | None,
                when: str | None) -> None:
    """Record a concern; the LA's response is due within the configured number of working days."""
    body = between_reviews.read_text(text, file, "concern")
    with open_store(ctx) as store:
        result = between_reviews.add_concern(store, plan_id, role, body, as_day(when))
    output.recorded(result, f"concern #{result.event['seq']} for {plan_id}, "
                            f"response due by {result.event['response_due']}")


@concern.command("respond")
@plan_id_argument()
@click.argument("number", type=int)
@click.option("--text", required=True, help="The LA's response.")
@click.option("--outcome", type=click.Choice(between_reviews.CONCERN_OUTCOMES), default="resolved", show_default=True)
@date_option()
@out_option()
@click.pass_context
def concern_respond(ctx: click.Context, plan_id: str, number: int, text: str, outcome: str, when: str | None,
                    out: str | None) -> None:
    """Answer concern NUMBER; writes the letter naming the family's next steps."""
    body = between_reviews.read_text(text, None, "response")
    with open_store(ctx) as store:
        result = between_reviews.respond_concern(store, plan_id, number, body, outcome, as_day(when))
        docs = letters.produce(store, plan_id, "concern-response", store.out_dir(out), event=result.event)
    output.recorded(result, f"response to concern #{number}", docs)


@click.group()
def budget() -> None:
    """Personal budget requests (CFA s.49) and their outcomes."""


@budget.command("request")
@plan_id_argument()
@who_option(between_reviews.ROLES, "Who asks.")
@click.option("--details", required=True, help="What is asked for.")
@date_option()
@click.pass_context
def budget_request(ctx: click.Context, plan_id: str, by: str, details: str, when: str | None) -> None:
    """Record a request for a personal budget."""
    with open_store(ctx) as store:
        result = between_reviews.request(store, plan_id, "personal-budget", by, details, as_day(when))
    output.recorded(result, f"personal budget request #{result.event['seq']} for {plan_id}")


@budget.command("decide")
@plan_id_argument()
@click.argument("number", type=int)
@click.option("--decision", required=True, type=click.Choice(["agree", "refuse"]))
@click.option("--reason", default="", help="Reasons (required for a refusal).")
@date_option()
@out_option()
@click.pass_context
def budget_decide(ctx: click.Context, plan_id: str, number: int, decision: str, reason: str, when: str | None,
                  out: str | None) -> None:
    """Record the decision on personal budget request NUMBER."""
    with open_store(ctx) as store:
        result = between_reviews.decide_request(store, plan_id, "personal-budget", number, decision, reason,
                                                as_day(when))
        docs = produce(store, plan_id, "budget-decision", out, result.event)
    output.recorded(result, f"personal budget request #{number}: {decision}", docs)
