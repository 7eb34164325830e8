"""`ehcp amend ...` (reg 22: propose, the family responds, issue or withdraw) and `ehcp diff`."""
from __future__ import annotations

from pathlib import Path

import click

from ehcp_docs import fileio
from ehcp_docs.casework import amendment, intake
from ehcp_docs.cli import output
from ehcp_docs.cli.common import (
    as_day,
    date_option,
    edit_until_valid,
    json_option,
    open_store,
    out_option,
    plan_id_argument,
    produce,
)
from ehcp_docs.errors import UsageError


@click.command()
@plan_id_argument()
@click.argument("a", required=False, metavar="[A")
@click.argument("b", required=False, metavar="[B]]")
@json_option()
@click.pass_context
def diff(ctx: click.Context, plan_id: str, a: str | None, b: str | None, as_json: bool) -> None:
    """What changed in plan ID between A and B (revisions or dates). By default: the plan in force against the
    pending proposal, or else the last two versions."""
    with open_store(ctx) as store:
        changes, la, lb = amendment.diff_versions(store, plan_id, a, b)
    if as_json:
        output.as_json([c.as_json() for c in changes])
        return
    output.info(f"Changes from {la} to {lb}: {len(changes)}")
    colour = {"added": "green", "removed": "red", "changed": "yellow", "moved": "cyan"}
    for c in changes:
        output.data(click.style(f"[{c.kind}] ", fg=colour.get(c.kind), bold=True) + c.description)


@click.group()
def amend() -> None:
    """Amend a plan: start or propose, the family responds, then issue (or withdraw)."""


@amend.command()
@plan_id_argument()
@date_option()
@click.pass_context
def start(ctx: click.Context, plan_id: str, when: str | None) -> None:
    """Put an editable copy of the plan in force into the store as a draft proposal."""
    with open_store(ctx) as store:
        step = amendment.start(store, plan_id, as_day(when))
    output.recorded(step, f"draft proposal for {plan_id}", [])


@amend.command("edit")
@plan_id_argument()
@click.option("--file", "file", type=click.Path(path_type=Path), help="Take the draft from a file.")
@click.pass_context
def edit_draft(ctx: click.Context, plan_id: str, file: Path | None) -> None:
    """Change the draft proposal in $EDITOR (or from --file) before it is served."""
    with open_store(ctx) as store:
        seen = intake.latest_commit(store, plan_id)
        if file is not None:
            text = fileio.decode(fileio.read_bytes(file, what="proposed plan"), file.name)
            commit = amendment.edit_draft(store, plan_id, text, seen, source=file.name)
        else:
            current = store.read_file(f"plans/{plan_id}/proposed.yaml")
            if current is None:
                raise UsageError(f"plan {plan_id} has no draft proposal", hint=f"ehcp amend start {plan_id}")
            saved = edit_until_valid(current.decode("utf-8"),
                                     lambda body: ("saved", amendment.edit_draft(store, plan_id, body, seen)))
            if saved is None:
                output.info("No change.")
                return
            commit = saved[1]
    output.info(f"Draft proposal for {plan_id} saved" + (f" (commit {commit[:10]})" if commit else " (no change)"))


def _item_reasons(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        item, sep, text = v.partition("=")
        if not sep or not item.strip() or not text.strip():
            raise UsageError(f"--item-reason takes ITEM=REASON (for example F3=\"new therapy advice\"), not {v[:40]!r}")
        out[item.strip()] = text.strip()
    return out


@amend.command()
@plan_id_argument()
@click.option("--file", "file", type=click.Path(path_type=Path), help="The proposed plan (else the stored draft).")
@click.option("--reason", default="", help="Why the plan is being amended (overall).")
@click.option("--item-reason", "item_reasons", multiple=True, metavar="ITEM=REASON", help="Why one item changes.")
@click.option("--evidence", multiple=True, type=click.Path(path_type=Path), help="Evidence to attach (repeatable).")
@click.option("--title", "titles", multiple=True, help="The title of each --evidence, in the same order.")
@click.option("--author", "authors", multiple=True, help="Who wrote each --evidence, in the same order.")
@click.option("--dated", "dates", multiple=True, metavar="YYYY-MM-DD", help="The date of each --evidence.")
@click.option("--no-evidence", "no_evidence", default="", metavar="REASON",
              help="Serve without new evidence, saying why (the notice says so plainly).")
@click.option("--context", type=click.Choice(amendment.CONTEXTS), help="Default: worked out from the history.")
@click.option("--contribution", "contributions", multiple=True, type=int, metavar="N",
              help="A contribution made between reviews that this proposal takes up (repeatable).")
@date_option("The day the notice is served (default: today).")
@out_option()
@click.pass_context
def propose(ctx: click.Context, plan_id: str, file: Path | None, reason: str, item_reasons: tuple[str, ...],
            evidence: tuple[Path, ...], titles: tuple[str, ...], authors: tuple[str, ...], dates: tuple[str, ...],
            no_evidence: str, context: str | None, contributions: tuple[int, ...], when: str | None,
            out: str | None) -> None:
    """Serve the proposed amendments notice (reg 22(2)): letter, schedule, plan in force, tracked-changes plan."""
    meta = amendment.evidence_meta(list(evidence), list(titles), list(authors), list(dates), no_evidence)
    with open_store(ctx) as store:
        step, changes = amendment.propose(store, plan_id, file, as_day(when), reason=reason,
                                         item_reasons=_item_reasons(item_reasons), evidence=list(evidence),
                                         context=context, contributions=list(contributions),
                                         evidence_meta=meta, no_evidence=no_evidence)
        docs = produce(store, plan_id, "amendment-notice", out, step.event)
    output.info(f"{len(changes)} change(s) proposed; representations due by {step.event['representations_due']}, "
                f"final plan due by {step.event['final_plan_due']}")
    output.recorded(step, f"proposed amendments for {plan_id}", docs)


@amend.command()
@plan_id_argument()
@click.option("--file", "file", type=click.Path(path_type=Path), help="The family's written representations.")
@click.option("--text", help="The representations, as text.")
@click.option("--school-request", help="A school or college the family asks to be named.")
@click.option("--meeting-request", is_flag=True, help="The family asks to meet an officer.")
@date_option()
@click.pass_context
def respond(ctx: click.Context, plan_id: str, file: Path | None, text: str | None, school_request: str | None,
            meeting_request: bool, when: str | None) -> None:
    """Record the family's representations on the proposed amendments."""
    from ehcp_docs.casework import between_reviews

    body = between_reviews.read_text(text, file, "representations")
    with open_store(ctx) as store:
        step = amendment.respond(store, plan_id, body, as_day(when), school_request, meeting_request, file)
    output.recorded(step, f"representations #{step.event['seq']} for {plan_id} (answer them when issuing: "
                          f"--answer {step.event['seq']}=accepted|accepted-in-part|not-accepted)", [])


@amend.command()
@plan_id_argument()
@click.option("--answer", "answers", multiple=True, metavar="N=ANSWER",
              help="The answer to representations N: accepted, accepted-in-part or not-accepted (repeatable).")
@click.option("--why", "whys", multiple=True, metavar="N=TEXT", help="Why, for representations N (repeatable).")
@click.option("--meeting", type=click.Choice(["held", "declined"]),
              help="The meeting the family asked for: held, or declined by them.")
@date_option("The day the final plan is issued (default: today).")
@out_option()
@click.pass_context
def issue(ctx: click.Context, plan_id: str, answers: tuple[str, ...], whys: tuple[str, ...], meeting: str | None,
          when: str | None, out: str | None) -> None:
    """Issue the final amended plan (it becomes the plan in force) with its covering letter and appeal rights."""
    given = amendment.parse_answers(list(answers), list(whys))
    with open_store(ctx) as store:
        step, _ = amendment.issue(store, plan_id, as_day(when), answers=given, meeting=meeting)
        docs = produce(store, plan_id, "amended-plan", out, step.event)
        if step.event.get("order"):  # it carries out a Tribunal order, an unopposed appeal or an agreement
            docs += produce(store, plan_id, "order-compliance", out, step.event)
    output.recorded(step, f"final amended plan for {plan_id}", docs)


@amend.command()
@plan_id_argument()
@click.option("--reason", required=True, help="Why the plan will not be amended after all.")
@date_option()
@out_option()
@click.pass_context
def withdraw(ctx: click.Context, plan_id: str, reason: str, when: str | None, out: str | None) -> None:
    """Decide not to amend after all (reg 22(4)): letter with reasons and appeal rights."""
    with open_store(ctx) as store:
        step = amendment.withdraw(store, plan_id, reason, as_day(when))
        docs = produce(store, plan_id, "amendment-withdrawn", out, step.event)
    output.recorded(step, f"proposal withdrawn for {plan_id}", docs)
