"""`ehcp template ...`: list, export, install and reset the LA's own copies of the document templates."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ehcp_docs.cli import output
from ehcp_docs.cli.common import date_option, json_option, open_store, out_option, parse_date
from ehcp_docs.documents import overrides


@click.group()
def template() -> None:
    """The LA's own wording: replace any bundled template; the copy is versioned in the store."""


@template.command("list")
@json_option()
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """Every template, and whether the store overrides it."""
    with open_store(ctx) as store:
        rows = overrides.listing(store)
    if as_json:
        output.as_json([{"name": r.name, "overridden": r.overridden} for r in rows])
        return
    for r in rows:
        output.data(f"{r.name:<24} {'LA override' if r.overridden else 'bundled'}")


@template.command()
@click.argument("name")
@out_option()
@click.pass_context
def export(ctx: click.Context, name: str, out: str | None) -> None:
    """Copy template NAME (as in use) to edit in Word."""
    with open_store(ctx) as store:
        path = overrides.export(store, name, store.out_dir(out))
    output.made([path])


@template.command()
@click.argument("name")
@click.argument("file", type=click.Path(path_type=Path))
@date_option()
@click.pass_context
def install(ctx: click.Context, name: str, file: Path, when: str | None) -> None:
    """Use FILE as the store's own copy of template NAME (checked first; one commit)."""
    with open_store(ctx) as store:
        commit, variables = overrides.install(store, name, file, date.fromisoformat(parse_date(when)))
    output.info(f"Installed the LA's own {name} template ({len(variables)} fields)"
                + (f" (commit {commit[:10]})" if commit else ": no change"))


@template.command()
@click.argument("name")
@date_option()
@click.pass_context
def reset(ctx: click.Context, name: str, when: str | None) -> None:
    """Go back to the bundled template NAME."""
    with open_store(ctx) as store:
        commit = overrides.remove(store, name, date.fromisoformat(parse_date(when)))
    output.info(f"Template {name} reset to the bundled one (commit {commit[:10] if commit else '-'})")
