"""Shared option decorators and helpers for command modules, so every command spells --date, --out and --json
the same way."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date as Date
from pathlib import Path
from typing import Any, TypeVar

import click

from ehcp_docs.cli import output
from ehcp_docs.errors import CHECK_FAILED, EhcpError, UsageError
from ehcp_docs.model import plausible
from ehcp_docs.store import Store, permissions
from ehcp_docs.store.paths import check_id

_LINE = re.compile(r"\bline (\d+)")
_DAY_FIRST = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def to_iso(value: str) -> str:
    """A date as people type it: ISO (2027-01-31) or day first, as in England (31/01/2027). ValueError if not."""
    m = _DAY_FIRST.match(value)
    if m:
        return Date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
    return Date.fromisoformat(value.strip()).isoformat()


def parse_date(value: str | None, what: str = "date") -> str:
    if value is None:
        return Date.today().isoformat()
    try:
        return to_iso(value)
    except ValueError:
        raise UsageError(f"'{value[:40]}' is not a valid {what} (write it as 31/01/2027 or 2027-01-31)") from None


def _date_cb(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        day = Date.fromisoformat(to_iso(value))
    except ValueError:
        raise click.BadParameter(f"'{value[:40]}' is not a date (write it as 31/01/2027 or 2027-01-31)") from None
    problem = plausible.typed_date_problem(day)  # 9999-12-31 once gave a traceback (year 10000)
    if problem:
        raise click.BadParameter(problem)
    return day.isoformat()


def date_option(help_text: str = "The day this happened (default: today).") -> Callable:
    return click.option("--date", "when", metavar="DATE", callback=_date_cb, help=help_text)


def today_option() -> Callable:
    return click.option("--today", metavar="DATE", callback=_date_cb,
                        help="Work out deadlines as on this day (default: today).")


def out_option() -> Callable:
    return click.option("--out", "out", metavar="DIR", help="Folder for the documents (default: <store>/out/).")


def json_option() -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def plan_id_argument() -> Callable:
    def cb(ctx: click.Context, param: click.Parameter, value: str) -> str:
        try:
            pid = check_id(value)
        except UsageError as e:
            raise click.BadParameter(e.message) from None
        return _same_case(ctx, pid) if pid != pid.upper() else pid
    return click.argument("plan_id", metavar="ID", callback=cb, shell_complete=_complete_ids)


def _complete_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion of plan ids from the store (`--store`, $EHCP_STORE or the folder)."""
    from click.shell_completion import CompletionItem

    root = ctx.find_root()
    try:
        store = Store.open(root.params.get("store_path") or (root.obj or {}).get("store"))
    except EhcpError:
        return []
    try:
        return [CompletionItem(p) for p in store.plan_ids() if p.lower().startswith(incomplete.lower())]
    finally:
        store.close()


def _same_case(ctx: click.Context, pid: str) -> str:
    """A plan id typed in another case (ehcp-0002) is the plan the store spells EHCP-0002."""
    try:
        store = Store.open((ctx.find_root().obj or {}).get("store"))
    except EhcpError:
        return pid
    try:
        if store.has_plan(pid):
            return pid
        same = [p for p in store.plan_ids() if p.lower() == pid.lower()]
        return same[0] if len(same) == 1 else pid
    finally:
        store.close()


@contextmanager
def open_store(ctx: click.Context) -> Iterator[Store]:
    obj: dict[str, Any] = ctx.obj or {}
    store = Store.open(obj.get("store"))
    store.author_override = obj.get("author")
    store.force_reason = obj.get("force")
    loose = permissions.warning(store.root)
    if loose:
        output.warn(loose)
    before = _head(store)
    try:
        yield store
        if _head(store) != before and store.settings_uncommitted():
            output.warn("ehcp.toml has changes that are not committed: this step used them, but your colleagues "
                        "will not have them until you run `ehcp settings commit` (and `ehcp sync` waits for it)")
    finally:
        store.close()


def _head(store: Store) -> str | None:
    try:
        return store.head()
    except EhcpError:
        return None


def produce(store: Store, pid: str, kind: str, out: str | None, event: dict) -> list[Path]:
    """The documents of one kind, made from the event a command has just recorded. The document machinery is
    imported here, on first use: commands that only read (`ehcp diff`, `ehcp show`) never pay for it."""
    from ehcp_docs.documents import letters

    return letters.produce(store, pid, kind, store.out_dir(out), event=event)


def as_day(value: str | None) -> Date:
    """An option's date (already checked by its callback), or today when it was not given."""
    return Date.fromisoformat(value) if value else Date.today()


def date_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """For any date option: ISO or day first (31/01/2027)."""
    return _date_cb(ctx, param, value)


T = TypeVar("T")


def edit_until_valid(text: str, save: Callable[[str], T]) -> T | None:
    """Opens $EDITOR on `text` and saves what comes back; when the file is not valid, asks and re-opens it with
    the errors at the top (lines starting "#! ") and the caseworker's own text kept, never thrown away. None
    when the editor is closed without a file."""
    header = ""
    while True:
        edited = click.edit(header + text, extension=".yaml", require_save=False)
        if edited is None:
            return None
        body = "\n".join(line for line in edited.splitlines() if not line.startswith("#! ")) + "\n"
        try:
            return save(body)
        except EhcpError as e:
            if e.exit_code != CHECK_FAILED or not click.confirm(f"{e.message}. Edit again?", default=True,
                                                               err=True):
                raise
            header = _notes(e.messages or [e.message])
            text = body


def _notes(messages: list[str]) -> str:
    """The errors as "#! " lines to go above the text: each line number they give is moved down by as many
    lines, so it is the line the editor shows."""
    shift = len(messages)
    return "".join("#! " + _LINE.sub(lambda m: f"line {int(m.group(1)) + shift}", n) + "\n" for n in messages)


class Aliased(click.Option):
    """An option whose first name is the one spelling shown in help; the others are old spellings kept working
    (`--by` where "who" is now `--from` everywhere)."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None:
            return None
        names, text = record
        shown = ", ".join(n for n in names.split(", ") if not any(n.startswith(o) for o in self.opts[1:]))
        return shown, text


    def get_error_hint(self, ctx: click.Context | None) -> str:
        return f"'{self.opts[0]}'"  # the one spelling, never the old ones


class RoleChoice(click.Choice):
    """A role from a fixed list, with "did you mean" for a slip (`--from helth`)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            from ehcp_docs.errors import did_you_mean

            roles = [str(c) for c in self.choices]
            hint = did_you_mean(str(value), roles)
            self.fail(f"'{str(value)[:30]}' is not a role this command knows (one of {', '.join(roles)})"
                      + (f". {hint}" if hint else ""), param, ctx)


def who_option(choices: tuple[str, ...] | list[str] | None = None, help_text: str = "Who it came from.",
               dest: str = "by") -> Callable:
    """"Who": `--from ROLE` in every command (`--by`, the old spelling, still works)."""
    kind = RoleChoice(list(choices), case_sensitive=False) if choices else None
    return click.option("--from", "--by", dest, cls=Aliased, required=True, type=kind, metavar="ROLE",
                        help=help_text + (f" One of: {', '.join(choices)}." if choices else ""))
