"""Shared option decorators and helpers for command modules, so every command spells --date, --out and --json
the same way."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date as Date
from pathlib import Path
from typing import Any

import click

from ehcp_docs.cli import output
from ehcp_docs.errors import UsageError
from ehcp_docs.store import Store, permissions
from ehcp_docs.store.paths import check_id


def parse_date(value: str | None, what: str = "date") -> str:
    if value is None:
        return Date.today().isoformat()
    try:
        return Date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageError(f"'{value[:40]}' is not a valid {what} (write it as YYYY-MM-DD, e.g. 2027-01-10)") from None


EARLIEST_YEAR, LATEST_YEAR = 2000, 2100  # a --date or --today outside these years is a typing error


def _date_cb(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        day = Date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value[:40]}' is not a date (write it as YYYY-MM-DD)") from None
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:  # 9999-12-31 once gave a traceback (year 10000)
        raise click.BadParameter(f"{day.isoformat()} is outside the years {EARLIEST_YEAR}-{LATEST_YEAR}")
    return day.isoformat()


def date_option(help_text: str = "The day this happened (default: today).") -> Callable:
    return click.option("--date", "when", metavar="YYYY-MM-DD", callback=_date_cb, help=help_text)


def today_option() -> Callable:
    return click.option("--today", metavar="YYYY-MM-DD", callback=_date_cb,
                        help="Work out deadlines as on this day (default: today).")


def out_option() -> Callable:
    return click.option("--out", "out", metavar="DIR", help="Folder for the documents (default: <store>/out/).")


def json_option() -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def plan_id_argument() -> Callable:
    def cb(ctx: click.Context, param: click.Parameter, value: str) -> str:
        try:
            return check_id(value)
        except UsageError as e:
            raise click.BadParameter(e.message) from None
    return click.argument("plan_id", metavar="ID", callback=cb)


@contextmanager
def open_store(ctx: click.Context) -> Iterator[Store]:
    obj: dict[str, Any] = ctx.obj or {}
    store = Store.open(obj.get("store"))
    store.author_override = obj.get("author")
    loose = permissions.warning(store.root)
    if loose:
        output.warn(loose)
    try:
        yield store
    finally:
        store.close()


def produce(store: Store, pid: str, kind: str, out: str | None, event: dict) -> list[Path]:
    """The documents of one kind, made from the event a command has just recorded. The document machinery is
    imported here, on first use: commands that only read (`ehcp diff`, `ehcp show`) never pay for it."""
    from ehcp_docs.documents import letters

    return letters.produce(store, pid, kind, store.out_dir(out), event=event)


def as_day(value: str | None) -> Date:
    """An option's date (already checked by its callback), or today when it was not given."""
    return Date.fromisoformat(value) if value else Date.today()
