"""Management information: `sen2`, `stats annual-reviews | phase-transfers | check`, and `report`."""
from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import click

from ehcp_docs.casework import returns
from ehcp_docs.cli import output
from ehcp_docs.cli.common import as_day, json_option, open_store, today_option
from ehcp_docs.errors import CHECK_FAILED, UsageError


def _year_option() -> Any:
    return click.option("--year", type=click.IntRange(2014, 2100), required=True, metavar="YYYY",
                        help="The calendar year of the figures.")


def _csv_text(fields: list[str], rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({k: "" if r.get(k) is None else r.get(k) for k in fields})
    return buf.getvalue()


def _write(text: str, out: str | None, what: str) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    from ehcp_docs.fileio import atomic_write

    path = Path(out)
    atomic_write(path, text.encode("utf-8"))
    output.info(f"Wrote {what} to {path}")


@click.command()
@click.option("--census", required=True, metavar="YYYY-MM-DD", help="The SEN2 census date (the collection is the "
              "one of its year; review fields cover the calendar year before).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xml"]), default="csv", show_default=True)
@click.option("--out", metavar="PATH", help="Write to this file instead of stdout.")
@click.pass_context
def sen2(ctx: click.Context, census: str, fmt: str, out: str | None) -> None:
    """The SEN2 fields that come from the plan history, one row per plan in scope (plan ids, never names)."""
    try:
        day = date.fromisoformat(census)
    except ValueError:
        raise UsageError(f"--census '{census[:40]}' is not a date (write it as YYYY-MM-DD)") from None
    with open_store(ctx) as store:
        result = returns.sen2(store, day)
        la = store.config.la
    if fmt == "csv":
        text = _csv_text(["plan", *result.fields], result.rows)
    else:
        from ehcp_docs.documents import returns_xml

        text = returns_xml.sen2_xml(result, la)
    _write(text, out, f"SEN2 {result.collection} ({len(result.rows)} plans)")


@click.group()
def stats() -> None:
    """The DfE's tables for our LA, computed from the plan history, and the pre-submission check."""


def _table_command(name: str, build: Any, doc: str) -> click.Command:
    @click.command(name=name, help=doc)
    @_year_option()
    @today_option()
    @click.option("--explain", metavar="COLUMN", help="List the plans (ids) and the events that put them in COLUMN.")
    @click.option("--csv", "as_csv", is_flag=True, help="Print the row as CSV.")
    @json_option()
    @click.pass_context
    def command(ctx: click.Context, year: int, today: str | None, explain: str | None, as_csv: bool,
                as_json: bool) -> None:
        if as_csv and as_json:
            raise UsageError("give --json or --csv, not both")
        with open_store(ctx) as store:
            table = build(store, year, as_day(today))
            row = table.row(store.config.la)
        if explain:
            _explain(table, explain, as_json)
        elif as_json:
            output.as_json(row)
        elif as_csv:
            click.echo(_csv_text(list(row), [row]), nl=False)
        else:
            output.data(f"{table.title}, {year} (as known on {table.as_of})")
            for k, v in row.items():
                if k not in ("time_period", "time_identifier", "geographic_level", "as_of"):
                    output.data(f"  {k:<34} {'' if v is None else v}")
    return command


def _explain(table: returns.Table, column: str, as_json: bool) -> None:
    if column not in table.members:
        raise UsageError(f"--explain: no column '{column[:60]}' in this table",
                         hint="Columns: " + ", ".join(table.members))
    members = table.explain(column)
    if as_json:
        output.as_json(members)
        return
    output.info(f"{column}: {len(members)} plans")
    for m in members:
        events = "; ".join(f"#{e['seq']} {e['event']} {e['date']}" for e in m["events"])
        output.data(f"{m['plan']}  {events}")


stats.add_command(_table_command("annual-reviews", returns.annual_reviews,
                                 "Our LA's row of the DfE's 'Number of annual reviews of EHC plans' table."))
stats.add_command(_table_command("phase-transfers", returns.phase_transfers,
                                 "Our LA's row of the DfE's phase-transfer table (number_plans, due_YY, final_YY)."))


@stats.command(name="check")
@_year_option()
@today_option()
@json_option()
@click.pass_context
def check(ctx: click.Context, year: int, today: str | None, as_json: bool) -> None:
    """Pre-submission checks: the DfE's identities, no negative counts, every undecided meeting listed, every
    cease with a reason, no outcome without a meeting. Exit code 1 when any fails; each failure names the plans."""
    with open_store(ctx) as store:
        result = returns.check(store, year, as_day(today))
    if as_json:
        output.as_json(result.as_json())
    else:
        for f in result.listed:
            output.data(f"listed: {f.detail}: {', '.join(f.plans)}")
        for f in result.failures:
            output.data(f"FAILED {f.check}: {f.detail}: {', '.join(f.plans) or '-'}")
        output.info(f"stats check {year}: " + ("every check passed" if result.ok else
                                               f"{len(result.failures)} checks failed"))
    if not result.ok:
        ctx.exit(CHECK_FAILED)


@click.command()
@today_option()
@click.option("--out", metavar="FILE", help="The HTML file (default: <store>/out/report-DATE.html).")
@click.option("--png", "png_dir", metavar="DIR", help="Also write every chart as a PNG file into DIR (for slides).")
@click.pass_context
def report(ctx: click.Context, today: str | None, out: str | None, png_dir: str | None) -> None:
    """The manager's dashboard: one self-contained HTML file, charts with text alternatives and tables."""
    from ehcp_docs.casework import dashboard
    from ehcp_docs.documents import dashboard_html

    day = as_day(today)
    with open_store(ctx) as store:
        figures = dashboard.figures(store, day)
        drawn = dashboard_html.images(figures, store)
        la = store.config.la
        path = Path(out) if out else store.out_dir(None) / f"report-{day}.html"
    written = dashboard_html.write(figures, la, path, Path(png_dir) if png_dir else None, drawn)
    output.made(written)
