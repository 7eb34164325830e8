"""The writer every command prints through: data to stdout, messages to stderr. Keeping this in one place is
what lets scripts pipe `--json` output safely while people still see warnings."""
from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.console import Console

    from ehcp_docs.model.events import Recorded


def terminal_safe(text: str) -> str:
    """Text from plans, line by line, with every control and direction-changing character shown as an escape: a
    name of `Ann\\nINJ-9999 FAKE` once printed a fake row of `ehcp due`, and U+202E reverses what follows."""
    import re

    from ehcp_docs.fileio import printable

    parts = re.split(r"(\r?\n)", str(text))  # line ends (CSV's \r\n too) are kept; what lies between is escaped
    return "".join(part if i % 2 else printable(part) for i, part in enumerate(parts))


def one_line(value: object) -> str:
    """A value from a plan shown inside one line of a table: every line break and control character escaped."""
    from ehcp_docs.fileio import printable

    return printable(str(value))


def data(text: str) -> None:
    click.echo(terminal_safe(text))


_RAW_IN_JSON = None


def as_json(value: Any) -> None:
    """JSON with control and direction-changing characters escaped (`\\u202e`), so none reaches the terminal
    raw; the data a script reads back is unchanged. (json escapes only U+0000-U+001F itself.)"""
    import re

    global _RAW_IN_JSON
    if _RAW_IN_JSON is None:
        _RAW_IN_JSON = re.compile(r"[\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    click.echo(_RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def form(doc: Any, json_mode: bool) -> None:
    """A fill-in form (meeting record, progress return): YAML for people to edit, or JSON for scripts."""
    if json_mode:
        as_json(doc)
    else:
        from ehcp_docs.fileio import dump_yaml

        data(dump_yaml(doc).rstrip())


def info(text: str) -> None:
    click.echo(terminal_safe(text), err=True)


def warn(text: str) -> None:
    click.echo(click.style("warning: ", fg="yellow", bold=True) + terminal_safe(text), err=True)


def made(paths: list, what: str = "Wrote") -> None:
    for p in paths:
        info(f"{what} {p}")


def error(message: str, details: list[str], hint: str | None) -> None:
    click.echo(click.style("error: ", fg="red", bold=True) + terminal_safe(message), err=True)
    for d in details[:200]:
        click.echo(f"  - {terminal_safe(d)}", err=True)
    if len(details) > 200:
        click.echo(f"  ... and {len(details) - 200} more", err=True)
    if hint:
        click.echo(f"hint: {terminal_safe(hint)}", err=True)


def is_tty() -> bool:
    return sys.stdout.isatty()


def can_ask() -> bool:
    """Whether a person is at a terminal to answer a question (a script or a pipe never is)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def go_ahead(question: str) -> bool:
    """Asks a yes/no question at a terminal (default no); False when nobody can answer it."""
    return can_ask() and click.confirm(question, default=False, err=True)


def stderr_console() -> Console:
    """A rich console on stderr, so progress bars never mix with data on stdout."""
    from rich.console import Console

    return Console(stderr=True)


@contextmanager
def progress(description: str, total: int) -> Iterator[Callable[[str, bool], None]]:
    """A progress bar on stderr for a batch (ehcp_docs.batch); yields the tick to call as each job ends."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=stderr_console(), transient=False) as bar:
        task = bar.add_task(description, total=total)
        yield lambda name, ok: bar.advance(task)


def failures(failed: list[tuple[str, str]]) -> None:
    """What went wrong in a batch, one line per job, in name order (jobs finish in any order)."""
    for name, err in sorted(failed):
        warn(f"{one_line(name)}: {err}")  # a job's name is a setting's or plan's: never a line of its own


def recorded(result: Recorded, what: str, docs: list | None = None) -> None:
    """The report every recording command ends with: warnings, notes, documents made, then what was recorded."""
    for w in result.warnings:
        warn(w)
    for n in result.notes:
        info(n)
    made(docs or [])
    info(f"Recorded: {what}" + (f" (commit {result.commit[:10]})" if result.commit else ""))


CELL_LIMIT = 60  # characters of a cell in plain output before it is cut (at a word, with an ellipsis)


def cut(text: str, limit: int = CELL_LIMIT) -> str:
    """Long text cut at a word boundary with an ellipsis, never mid-word."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return head.rstrip(",;:") + "…"


def table(headers: list[str], rows: list[list[str]], late: list[bool] | None = None,
          whole: tuple[str, ...] = ("run",)) -> None:
    """A table on stdout: through rich, sized to the terminal, for a person at a terminal; plain aligned text
    when stdout is a file or a pipe, or NO_COLOR is set. Late rows are marked in a column of their own, so the
    columns stay straight. Columns named in `whole` (commands to copy) are never cut."""
    import os

    marks = ["LATE" if x else "" for x in (late or [False] * len(rows))]
    with_marks = any(marks)
    rows = [[one_line(c) for c in row] for row in rows]  # a name holding a line break cannot fake a row
    if is_tty() and not os.environ.get("NO_COLOR"):
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        t = Table(show_header=True, header_style="bold", show_lines=False)
        for h in ([""] if with_marks else []) + headers:
            t.add_column(h, overflow="fold" if h in whole else "ellipsis", no_wrap=h not in whole)
        for mark, row in zip(marks, rows, strict=True):
            t.add_row(*(Text(c) for c in ([mark] if with_marks else []) + row),  # Text: no markup in plan data
                      style="red" if mark else None)
        Console().print(t)
        return
    body = [(([m] if with_marks else []) + [c if h in whole else cut(c) for h, c in zip(headers, row, strict=True)])
            for m, row in zip(marks, rows, strict=True)]
    head = ([""] if with_marks else []) + headers
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    for r in [head, *body]:
        data("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())


def skipped(problems: list[str]) -> None:
    """The plans a store-wide command could not read: named, after everything else was done."""
    for p in problems:
        warn(p)
    if problems:
        warn(f"{len(problems)} plan(s) left out: they could not be read; correct each with `ehcp edit ID` "
             "(`ehcp doctor` names them all)")
