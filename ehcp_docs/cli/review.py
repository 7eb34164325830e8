"""`ehcp review ...`: the annual review, one command per statutory step."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ehcp_docs.casework import review as review_steps
from ehcp_docs.cli import output
from ehcp_docs.cli.common import (
    as_day,
    date_option,
    json_option,
    open_store,
    out_option,
    parse_date,
    plan_id_argument,
    today_option,
    who_option,
)
from ehcp_docs.documents import letters
from ehcp_docs.errors import UsageError


@click.group()
def review() -> None:
    """Run the annual review (regulations 19-21): schedule, advice, circulate, record, report, decide, status."""


def _docs(store, pid: str, kinds: list[str], out: str | None, event: dict) -> list[Path]:
    folder = store.out_dir(out)
    made: list[Path] = []
    for kind in kinds:
        made += letters.produce(store, pid, kind, folder, event=event)
    return made


@review.command()
@plan_id_argument()
@click.option("--meeting", required=True, metavar="YYYY-MM-DD", help="The date of the review meeting.")
@click.option("--venue", default="", help="Where the meeting will be held, or how to join it.")
@click.option("--time", "time_", default="", metavar="HH:MM", help="The time the meeting starts, e.g. 14:00.")
@date_option("The day the invitations are sent (default: today).")
@out_option()
@click.pass_context
def schedule(ctx: click.Context, plan_id: str, meeting: str, venue: str, time_: str, when: str | None,
             out: str | None) -> None:
    """Schedule the review meeting: invitation to the family, advice requests to professionals."""
    m = date.fromisoformat(parse_date(meeting, "meeting date"))
    with open_store(ctx) as store:
        result = review_steps.schedule(store, plan_id, m, as_day(when), venue, time_)
        docs = _docs(store, plan_id, ["invitation", "advice-request"], out, result.event)
    output.recorded(result, f"review meeting for {plan_id} on {m}", docs)


@review.command()
@plan_id_argument()
@who_option(None, "Who sent it: setting, health, social-care, ... (the roles the review asked).", dest="role")
@click.option("--file", "file", required=True, type=click.Path(path_type=Path), help="The advice document.")
@date_option("The day the advice arrived (default: today).")
@click.pass_context
def advice(ctx: click.Context, plan_id: str, role: str, file: Path, when: str | None) -> None:
    """Record advice received for the review and keep the file as evidence."""
    with open_store(ctx) as store:
        result = review_steps.advice(store, plan_id, role, file, as_day(when))
    output.recorded(result, f"advice from {role} for {plan_id}", [])


@review.command()
@plan_id_argument()
@date_option("The day the advice was sent to everyone invited (default: today).")
@click.pass_context
def circulate(ctx: click.Context, plan_id: str, when: str | None) -> None:
    """Record that the advice was circulated to everyone invited (due 2 weeks before the meeting)."""
    with open_store(ctx) as store:
        result = review_steps.circulate(store, plan_id, as_day(when))
    output.recorded(result, f"advice circulated for {plan_id}", [])


@review.command()
@plan_id_argument()
@click.option("--file", "file", type=click.Path(path_type=Path), help="The meeting record (YAML or JSON).")
@click.option("--form", is_flag=True, help="Print a meeting record form pre-filled from the plan.")
@click.option("--without-schedule", is_flag=True, help="Record a meeting that was not scheduled through ehcp (the "
              "invitations and advice requests then show as missing). Without it you are asked at a terminal; a "
              "script is refused.")
@date_option("The date of the meeting (default: today).")
@json_option()
@click.pass_context
def record(ctx: click.Context, plan_id: str, file: Path | None, form: bool, without_schedule: bool, when: str | None,
           as_json: bool) -> None:
    """Record the review meeting (every outcome and interim target must be accounted for)."""
    with open_store(ctx) as store:
        if form:
            doc = review_steps.meeting_form(store, plan_id)
            output.form(doc, as_json)
            return
        if file is None:
            raise UsageError("give --file MEETING.yaml, or --form to get a form to fill in")
        if not without_schedule and not store.force_reason and review_steps.schedule_missing(store, plan_id):
            without_schedule = output.go_ahead(f"No meeting was scheduled for {plan_id} through ehcp (reg 20(2),"
                                               "(3)). Record it anyway, leaving the invitations missing?")
        result = review_steps.record(store, plan_id, file, as_day(when), without_schedule)
    output.recorded(result, f"review meeting for {plan_id}", [])


@review.command()
@plan_id_argument()
@date_option("The day the report is sent (default: today).")
@out_option()
@click.pass_context
def report(ctx: click.Context, plan_id: str, when: str | None, out: str | None) -> None:
    """Produce the review report for everyone invited (due within 2 weeks of the meeting)."""
    with open_store(ctx) as store:
        result = review_steps.report(store, plan_id, as_day(when))
        docs = _docs(store, plan_id, ["review-report"], out, result.event)
    output.recorded(result, f"review report for {plan_id}", docs)


@review.command()
@plan_id_argument()
@click.option("--decision", required=True, type=click.Choice(review_steps.DECISIONS))
@click.option("--reason", default="", help="Why (printed in the letter).")
@click.option("--without-report", is_flag=True, help="Decide although no review report has been sent (the "
              "statutory report step then stays missing). Without it you are asked at a terminal; a script is "
              "refused.")
@date_option("The day the decision is notified (default: today).")
@out_option()
@click.pass_context
def decide(ctx: click.Context, plan_id: str, decision: str, reason: str, without_report: bool, when: str | None,
           out: str | None) -> None:
    """Record the LA's decision (maintain, amend or cease) and write the decision letter with appeal rights."""
    with open_store(ctx) as store:
        if not without_report and not store.force_reason and review_steps.report_missing(store, plan_id):
            without_report = output.go_ahead(f"No review report has been sent for {plan_id} since the meeting "
                                             "(reg 20(7)). Decide anyway, leaving that step missing?")
        result = review_steps.decide(store, plan_id, decision, reason, as_day(when), without_report)
        docs = _docs(store, plan_id, ["decision"], out, result.event)
    output.recorded(result, f"decision '{decision}' for {plan_id}", docs)


@review.command()
@plan_id_argument()
@today_option()
@json_option()
@click.pass_context
def status(ctx: click.Context, plan_id: str, today: str | None, as_json: bool) -> None:
    """The same as `ehcp status ID`: every open step, its deadline, the next command."""
    from ehcp_docs.casework import daily
    from ehcp_docs.cli.daily import print_status

    with open_store(ctx) as store:
        s = daily.status(store, plan_id, as_day(today))
    if as_json:
        output.as_json(s)
    else:
        print_status(s)


@review.command("request")
@plan_id_argument()
@who_option(("parent", "young-person", "setting", "health", "social-care", "la", "other"), "Who asks.")
@click.option("--reason", required=True, help="Why an early review is asked for.")
@date_option()
@click.pass_context
def request(ctx: click.Context, plan_id: str, by: str, reason: str, when: str | None) -> None:
    """Record a request for an early review (the LA decides; there is no appeal against a refusal)."""
    from ehcp_docs.casework import between_reviews

    with open_store(ctx) as store:
        result = between_reviews.request(store, plan_id, "early-review", by, reason, as_day(when))
    output.info(f"Recorded: early review request #{result.event['seq']} for {plan_id}")


@review.command("request-decide")
@plan_id_argument()
@click.argument("number", type=int)
@click.option("--decision", required=True, type=click.Choice(["agree", "refuse"]))
@click.option("--reason", default="", help="Reasons (required for a refusal).")
@date_option()
@out_option()
@click.pass_context
def request_decide(ctx: click.Context, plan_id: str, number: int, decision: str, reason: str,
                   when: str | None, out: str | None) -> None:
    """Record the decision on early review request NUMBER."""
    from ehcp_docs.casework import between_reviews

    with open_store(ctx) as store:
        result = between_reviews.decide_request(store, plan_id, "early-review", number, decision, reason,
                                                as_day(when))
        docs = _docs(store, plan_id, ["early-review-decision"], out, result.event)
    output.recorded(result, f"early review request #{number}: {decision}", docs)
