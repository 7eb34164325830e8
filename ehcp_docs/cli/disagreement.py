"""`ehcp mediation ...` and `ehcp appeal ...`: when a family disagrees with a decision (CFA ss.51-55; regs 32-45)."""
from __future__ import annotations

from pathlib import Path

import click

from ehcp_docs.casework import disagreement
from ehcp_docs.cli import output
from ehcp_docs.cli.common import (
    as_day,
    date_option,
    json_option,
    open_store,
    out_option,
    plan_id_argument,
    produce,
    today_option,
)


def _yes_no(ctx: click.Context, param: click.Parameter, value: str) -> bool:
    return value == "yes"


@click.group()
def mediation() -> None:
    """Mediation before an appeal (regs 32-42): contact, arranged, held, certificate."""


@mediation.command("contact")
@plan_id_argument()
@click.option("--wants-mediation", "wants", required=True, type=click.Choice(["yes", "no"]), callback=_yes_no,
              help="Whether the family wants mediation.")
@click.option("--about", metavar="LIST", help="What the disagreement is about: education,health,social-care "
              "(default: education).")
@date_option("The day the family contacted the mediation adviser (default: today).")
@out_option()
@click.pass_context
def contact(ctx: click.Context, plan_id: str, wants: bool, about: str | None, when: str | None,
            out: str | None) -> None:
    """The family contacted the mediation adviser (reg 33); mediation wanted: the acknowledgement letter."""
    with open_store(ctx) as store:
        step = disagreement.mediation_contact(store, plan_id, as_day(when), wants, about)
        docs = produce(store, plan_id, "mediation-acknowledgement", out, step.event) if wants else []
    output.recorded(step, f"mediation contact for {plan_id}", docs)


@mediation.command("health-notified")
@plan_id_argument()
@date_option("The day the health service (ICB) was told (default: today).")
@click.pass_context
def health_notified(ctx: click.Context, plan_id: str, when: str | None) -> None:
    """The Integrated Care Board was told about the mediation (health in issue: 3 working days)."""
    with open_store(ctx) as store:
        step = disagreement.mediation_health_notified(store, plan_id, as_day(when))
    output.recorded(step, f"health service told about mediation for {plan_id}")


@mediation.command("arranged")
@plan_id_argument()
@click.option("--mediation-date", metavar="YYYY-MM-DD", help="The day the mediation will take place.")
@date_option("The day the mediation was arranged (default: today).")
@click.pass_context
def arranged(ctx: click.Context, plan_id: str, mediation_date: str | None, when: str | None) -> None:
    """The LA arranged the mediation (within 30 days of the contact)."""
    from ehcp_docs.cli.common import parse_date

    with open_store(ctx) as store:
        held_on = as_day(parse_date(mediation_date, "mediation date")) if mediation_date else None
        step = disagreement.mediation_arranged(store, plan_id, as_day(when), held_on)
    output.recorded(step, f"mediation arranged for {plan_id}")


@mediation.command("held")
@plan_id_argument()
@click.option("--outcome", required=True, type=click.Choice(["agreed", "partly", "not-agreed"]))
@click.option("--agreement", type=click.Path(path_type=Path), help="The agreement (YAML with actions: [{kind, "
              "description}], or a signed copy kept as evidence).")
@date_option("The day of the mediation (default: today).")
@click.pass_context
def held(ctx: click.Context, plan_id: str, outcome: str, agreement: Path | None, when: str | None) -> None:
    """The mediation took place; an agreement's actions follow the reg 42 time limits."""
    with open_store(ctx) as store:
        step = disagreement.mediation_held(store, plan_id, as_day(when), outcome, agreement)
    output.recorded(step, f"mediation held for {plan_id} ({outcome})")


@mediation.command("certificate")
@plan_id_argument()
@date_option("The day the certificate was issued (default: today).")
@click.pass_context
def certificate(ctx: click.Context, plan_id: str, when: str | None) -> None:
    """The mediation certificate was issued: the appeal deadline may move later (1 month from it)."""
    with open_store(ctx) as store:
        step = disagreement.mediation_certificate(store, plan_id, as_day(when))
    output.recorded(step, f"mediation certificate for {plan_id}")


@click.group()
def appeal() -> None:
    """Appeals to the Tribunal: register, withdrawn, concede (reg 45), order (reg 44), the working document."""


@appeal.command("register")
@plan_id_argument()
@click.option("--against", required=True, metavar="DECISION",
              help="maintain | amended-plan | refuse-amend | refuse-reassess | cease")
@click.option("--about", metavar="B,F,I", help="The parts of the plan appealed (B, F and/or I).")
@click.option("--reference", help="The Tribunal's reference.")
@click.option("--late-permitted", is_flag=True, help="The Tribunal admitted the appeal after the deadline.")
@date_option("The day the appeal was lodged (default: today).")
@click.pass_context
def register(ctx: click.Context, plan_id: str, against: str, about: str | None, reference: str | None,
             late_permitted: bool, when: str | None) -> None:
    """Record an appeal lodged with the Tribunal against a named decision."""
    with open_store(ctx) as store:
        step = disagreement.register(store, plan_id, as_day(when), against, about, reference, late_permitted)
    output.recorded(step, f"appeal registered for {plan_id}")


@appeal.command("withdrawn")
@plan_id_argument()
@date_option()
@click.pass_context
def withdrawn(ctx: click.Context, plan_id: str, when: str | None) -> None:
    """The family withdrew the appeal."""
    with open_store(ctx) as store:
        step = disagreement.withdrawn(store, plan_id, as_day(when))
    output.recorded(step, f"appeal withdrawn for {plan_id}")


@appeal.command("concede")
@plan_id_argument()
@click.option("--kind", required=True, metavar="KIND",
              help="assess | amend | section-i | amend-and-i | make-plan | cease")
@date_option("The day the LA told the Tribunal it will not oppose (default: today).")
@out_option()
@click.pass_context
def concede(ctx: click.Context, plan_id: str, kind: str, when: str | None, out: str | None) -> None:
    """The LA will not oppose the appeal (reg 45): the letter says what it will do by when."""
    with open_store(ctx) as store:
        step = disagreement.concede(store, plan_id, as_day(when), kind)
        docs = produce(store, plan_id, "appeal-conceded", out, step.event)
    output.recorded(step, f"appeal not opposed for {plan_id}", docs)


@appeal.command("order")
@plan_id_argument()
@click.option("--order", "kind", required=True, metavar="KIND",
              help="cease | assess | make-plan | amend | section-i | continue | dismissed")
@click.option("--file", "file", type=click.Path(path_type=Path), help="ORDER.yaml (sections, details) or the "
              "order itself, kept as evidence.")
@date_option("The date of the order (default: today).")
@click.pass_context
def order(ctx: click.Context, plan_id: str, kind: str, file: Path | None, when: str | None) -> None:
    """Record the Tribunal's order (reg 44): its compliance steps go into the calendar."""
    with open_store(ctx) as store:
        step = disagreement.order(store, plan_id, as_day(when), kind, file)
    output.recorded(step, f"Tribunal order ({kind}) for {plan_id}")


@appeal.command("status")
@plan_id_argument()
@today_option()
@json_option()
@click.pass_context
def appeal_status(ctx: click.Context, plan_id: str, today: str | None, as_json: bool) -> None:
    """The appeal, the mediation and every compliance step, with its deadline."""
    with open_store(ctx) as store:
        st = disagreement.status(store, plan_id, as_day(today))
    if as_json:
        output.as_json(st)
        return
    a = st["appeal"]
    output.data(f"{plan_id}: " + ("no appeal registered" if a is None else
                f"appeal against {a['against']} registered {a['registered']}"
                + (" (pending: the plan stays in force)" if a["pending"] else f" ({a['outcome']})")))
    for s in st["steps"]:
        output.data(f"  {s['due']}  {s['status']:<8} {s['description']} ({s['basis']})")


@appeal.command("working-document")
@plan_id_argument()
@click.option("--sections", metavar="B,F,I", help="The sections in the document (default: those appealed).")
@click.option("--version", "version", type=int, help="Write again a version already kept in the store.")
@click.option("--proposed", type=click.Path(path_type=Path), help="The LA's proposals: a proposed plan file "
              "(as for `amend propose`).")
@click.option("--evidence", "evidence", multiple=True, metavar="ITEM=REPORT, AUTHOR, DATE, PAGE",
              help="The evidence for the LA's proposal on an item (repeatable).")
@click.option("--agree", "agree", multiple=True, metavar="ITEM", help="The LA agrees the family's proposals on "
              "this item (repeatable).")
@click.option("--read", "returned", type=click.Path(path_type=Path), help="Read a version the family returned.")
@date_option("The date of this version (default: today).")
@out_option()
@click.pass_context
def working_document(ctx: click.Context, plan_id: str, sections: str | None, version: int | None,
                     proposed: Path | None, evidence: tuple[str, ...], agree: tuple[str, ...], returned: Path | None,
                     when: str | None, out: str | None) -> None:
    """The Tribunal's working document: the plan in force with each party's proposals in the Tribunal's styles."""
    from ehcp_docs.documents import working_document as wd

    with open_store(ctx) as store:
        folder = store.out_dir(out)
        if returned is not None:
            step, lines = wd.read_returned(store, plan_id, returned, as_day(when))
            for line in lines:
                output.data(line)
            output.recorded(step, f"returned working document for {plan_id}")
            return
        if version is not None:
            output.made([wd.copy_version(store, plan_id, version, folder)])
            return
        step, path = wd.write_version(store, plan_id, as_day(when), sections=sections, proposed=proposed,
                                      evidence=wd.parse_evidence(evidence), agree=list(agree), folder=folder)
    output.recorded(step, f"working document version {step.event['version']} for {plan_id}", [path])
