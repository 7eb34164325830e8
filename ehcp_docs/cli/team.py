"""Team use: `clone` and `resolve` (the merge driver git runs is store/merge_driver.py)."""
from __future__ import annotations

from pathlib import Path

import click

from ehcp_docs.casework import sync as syncing
from ehcp_docs.cli import output
from ehcp_docs.cli.common import as_day, date_option, open_store, plan_id_argument


@click.command()
@click.argument("url")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def clone(url: str, directory: Path) -> None:
    """Make your own working copy of the team's store from its git server (URL), in DIRECTORY."""
    store = syncing.clone(url, directory)
    count = len(store.plan_ids())
    store.close()
    output.info(f"Cloned the team's store into {directory}: {count} plan(s). Use `ehcp --store {directory} sync` "
                "to share your work.")


@click.command()
@plan_id_argument()
@click.option("--take", type=click.Choice(syncing.TAKES), help="For every conflicting field, keep your version "
              "(mine) or your colleague's (theirs); everything that merged is kept either way.")
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The whole plan as it should be (for example edited from `ehcp show ID`).")
@date_option()
@click.pass_context
def resolve(ctx: click.Context, plan_id: str, take: str | None, file: Path | None, when: str | None) -> None:
    """Finish plan ID after `ehcp sync` found that you and a colleague changed the same field (one commit).
    Without --take or --file, lists the conflicts."""
    with open_store(ctx) as store:
        commit = syncing.resolve(store, plan_id, take, file, as_day(when))
        left = sorted(store.held())
    output.info(f"Resolved {plan_id}" + (f" (commit {commit[:10]})" if commit else " (nothing to change)")
                + ". Run `ehcp sync` to share it." + (f" Still waiting: {', '.join(left)}." if left else ""))
