"""`ehcp render`: the plan or any letter as a Word document, remade exactly as sent with --at; or, with --all,
the same document for many plans in parallel."""
from __future__ import annotations

import click

from ehcp_docs.cli import output
from ehcp_docs.cli.common import as_day, open_store, out_option, today_option
from ehcp_docs.documents import letters
from ehcp_docs.documents import pdf as pdf_copy
from ehcp_docs.documents.plan_context import Layout
from ehcp_docs.errors import CHECK_FAILED, UsageError
from ehcp_docs.store.paths import check_id


@click.command()
@click.argument("plan_id", metavar="ID", required=False)
@click.option("--doc", "kind", default="plan", show_default=True, type=click.Choice(sorted(letters.KINDS)),
              help="Which document.")
@click.option("--at", metavar="DATE|REV", help="The plan in force on a date, or the store at a revision "
              "(letters: a revision, to remake them exactly as sent).")
@click.option("--layout", type=click.Choice(["classic", "areas"]), default="classic", show_default=True,
              help="Plan layout: sections A-K, or grouped by broad area of need.")
@click.option("--pdf", is_flag=True, help="Also convert to PDF (needs LibreOffice).")
@click.option("--all", "all_", is_flag=True, help="Render the document for every plan (or --due-in TERM).")
@click.option("--due-in", "term", metavar="TERM", help="With --all: only plans whose review is due in TERM.")
@click.option("--jobs", type=click.IntRange(1, 64), help="Worker processes for --all (default: one per core).")
@today_option()
@out_option()
@click.pass_context
def render(ctx: click.Context, plan_id: str | None, kind: str, at: str | None, layout: Layout, pdf: bool, all_: bool,
           term: str | None, jobs: int | None, today: str | None, out: str | None) -> None:
    """Produce plan ID, or one of its letters, as a Word document (or --all of them)."""
    if bool(plan_id) == all_:
        raise UsageError("give a plan ID, or --all (not both)")
    if all_:
        _render_all(ctx, kind, layout, term, jobs, today, out)
        return
    plan_id = check_id(plan_id or "")
    with open_store(ctx) as store:
        folder = store.out_dir(out)
        if kind == "plan":
            made = [letters.render_plan(store, plan_id, folder, at=at, layout=layout)]
        else:
            rev = store.resolve(at) if at else None
            made = letters.produce(store, plan_id, kind, folder, rev=rev)
    if pdf:
        made += [pdf_copy.to_pdf(p, p.parent) for p in list(made)]
    output.made(made)


def _render_all(ctx: click.Context, kind: str, layout: Layout, term: str | None, jobs: int | None,
                today: str | None, out: str | None) -> None:
    from ehcp_docs import statutory
    from ehcp_docs.casework import caseload
    from ehcp_docs.documents import batch

    with open_store(ctx) as store:
        if term:
            t = statutory.find_term(term, store.config.terms)
            ids = [r.plan for r in caseload.due_rows(store, t.start, t.end, as_day(today))]
        else:
            ids = store.plan_ids()
        root, folder = store.root, store.out_dir(out)
    with output.progress(f"Rendering {kind}", len(ids)) as tick:
        result = batch.render_many(root, ids, kind, folder, jobs=jobs, layout=layout, tick=tick)
    output.failures(result.failed)
    output.info(f"Made {len(result.made)} document(s) for {len(ids) - len(result.failed)} of {len(ids)} plan(s) "
                f"in {folder}" + (f"; {len(result.failed)} failed (listed above)" if result.failed else ""))
    if result.failed:
        ctx.exit(CHECK_FAILED)
