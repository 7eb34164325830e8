"""`ehcp render`: the plan or any letter as a Word document, remade exactly as sent with --at."""
from __future__ import annotations

import click

from ehcp_docs import letters
from ehcp_docs.cli import output
from ehcp_docs.cli.common import open_store, out_option, plan_id_argument
from ehcp_docs.documents import render as docrender


@click.command()
@plan_id_argument()
@click.option("--doc", "kind", default="plan", show_default=True, type=click.Choice(sorted(letters.KINDS)),
              help="Which document.")
@click.option("--at", metavar="DATE|REV", help="The plan in force on a date, or the store at a revision "
              "(letters: a revision, to remake them exactly as sent).")
@click.option("--layout", type=click.Choice(["classic", "areas"]), default="classic", show_default=True,
              help="Plan layout: sections A-K, or grouped by broad area of need.")
@click.option("--pdf", is_flag=True, help="Also convert to PDF (needs LibreOffice).")
@out_option()
@click.pass_context
def render(ctx: click.Context, plan_id: str, kind: str, at: str | None, layout: str, pdf: bool,
           out: str | None) -> None:
    """Produce plan ID, or one of its letters, as a Word document."""
    with open_store(ctx) as store:
        folder = store.out_dir(out)
        if kind == "plan":
            made = [letters.render_plan(store, plan_id, folder, at=at, layout=layout)]
        else:
            rev = store.git.resolve(at) if at else None
            made = letters.produce(store, plan_id, kind, folder, rev=rev)
    if pdf:
        made += [docrender.to_pdf(p, p.parent) for p in list(made)]
    output.made(made)
