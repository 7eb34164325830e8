"""The `ehcp` command line. Thin: each command parses options, calls one core function and prints through
cli/output.py. Command groups load lazily (start-up stays fast), and EhcpError is turned into a message here and
nowhere else."""
from __future__ import annotations

import importlib
import re
import sys
from typing import Any

import click

from ehcp_docs import __version__
from ehcp_docs.errors import EhcpError

# command name -> "module:attribute". Listed here so `ehcp --help` needs no imports of the command modules.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("ehcp_docs.cli.plans:init", "Create a new plan store."),
    "add": ("ehcp_docs.cli.plans:add", "Add new plans to the store (one commit)."),
    "validate": ("ehcp_docs.cli.plans:validate", "Check plan files or the whole store."),
    "show": ("ehcp_docs.cli.plans:show", "Show a plan, as in force now or on a date."),
    "log": ("ehcp_docs.cli.plans:log", "List a plan's events, newest first."),
    "edit": ("ehcp_docs.cli.plans:edit", "Correct a plan (event `correction`)."),
    "render": ("ehcp_docs.cli.render:render", "Produce the plan or any letter as a Word document."),
    "deadlines": ("ehcp_docs.cli.calendar:deadlines", "Every statutory deadline for one plan."),
    "due": ("ehcp_docs.cli.calendar:due", "Plans whose review falls in a term or period."),
    "lists": ("ehcp_docs.cli.calendar:lists", "The statutory termly lists for settings, health and social care."),
    "overdue": ("ehcp_docs.cli.calendar:overdue", "The drift report: every late step across the store."),
    "review": ("ehcp_docs.cli.review:review", "Run the annual review: schedule, advice, record, report, decide."),
    "diff": ("ehcp_docs.cli.amend:diff", "What changed between two versions of a plan."),
    "amend": ("ehcp_docs.cli.amend:amend", "Propose, consult on and issue amendments."),
    "reassess": ("ehcp_docs.cli.reassess:reassess", "Re-assessment requests and decisions."),
    "cease": ("ehcp_docs.cli.cease:cease", "Consider and decide ceasing a plan."),
    "mediation": ("ehcp_docs.cli.disagreement:mediation", "Mediation before an appeal: contact, arranged, held, "
                  "certificate."),
    "appeal": ("ehcp_docs.cli.disagreement:appeal", "Appeals to the Tribunal, orders and the working document."),
    "progress": ("ehcp_docs.cli.between_reviews:progress", "Termly progress returns and updates for families."),
    "lint": ("ehcp_docs.cli.between_reviews:lint", "Plan quality checks."),
    "contribute": ("ehcp_docs.cli.between_reviews:contribute", "Record a suggestion between reviews."),
    "contribution": ("ehcp_docs.cli.between_reviews:contribution", "Resolve a contribution."),
    "concern": ("ehcp_docs.cli.between_reviews:concern", "Record and answer concerns about delivery."),
    "budget": ("ehcp_docs.cli.between_reviews:budget", "Personal budget requests and decisions."),
    "send": ("ehcp_docs.cli.time_limits:send", "Email a document to the family (or a service) and record its service."),
    "served": ("ehcp_docs.cli.time_limits:served", "Record when and how a notice or letter was served."),
    "exception": ("ehcp_docs.cli.time_limits:exception",
                  "Record an exception to a time limit (regs 27(3), 44, 45)."),
    "template": ("ehcp_docs.cli.templates:template", "The LA's own copies of the document templates."),
    "doctor": ("ehcp_docs.cli.admin:doctor", "Check and repair the store."),
    "maintenance": ("ehcp_docs.cli.admin:maintenance", "Keep the store fast (pack objects, commit-graph, index)."),
    "export": ("ehcp_docs.cli.admin:export", "Export a plan, optionally redacted."),
    "sync": ("ehcp_docs.cli.admin:sync", "Share the store with the team (pull, merge, push)."),
    "purge": ("ehcp_docs.cli.admin:purge", "Remove a plan and its history after retention."),
    "sen2": ("ehcp_docs.cli.stats:sen2", "The SEN2 return's fields from the plan history (CSV or XML)."),
    "stats": ("ehcp_docs.cli.stats:stats", "The DfE's annual-review and phase-transfer tables; pre-submission check."),
    "report": ("ehcp_docs.cli.stats:report", "The manager's dashboard: one HTML file with charts and tables."),
    "settings": ("ehcp_docs.cli.admin:settings", "Check and commit the store's settings (ehcp.toml)."),
    "status": ("ehcp_docs.cli.daily:status", "What next for a plan: every open step, its deadline, the command."),
    "open": ("ehcp_docs.cli.daily:open_", "What is open on a plan (contributions, concerns, requests), numbered."),
    "list": ("ehcp_docs.cli.daily:list_", "The plans: name, setting, next review, open processes."),
    "rules": ("ehcp_docs.cli.daily:rules", "Every statutory rule the calendar applies, with its legal basis."),
    "clone": ("ehcp_docs.cli.team:clone", "Make your own copy of the team's store from its git server."),
    "resolve": ("ehcp_docs.cli.team:resolve", "Finish a plan you and a colleague both changed (after sync)."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if not target:
            return None
        module, attr = target[0].split(":")
        try:
            return getattr(importlib.import_module(module), attr)
        except ModuleNotFoundError as e:
            if e.name == module:  # a command group not built yet
                return None
            raise

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None,
                                                                            list[str]]:
        """A mistyped command gets a suggestion (`ehcp reveiw` -> "Did you mean review?")."""
        name = args[0] if args else ""
        if args and name not in COMMANDS and not name.startswith("-"):
            from ehcp_docs.errors import did_you_mean

            hint = did_you_mean(name, list(COMMANDS))
            ctx.fail(f"No such command '{name[:40]}'." + (f" {hint}" if hint else " `ehcp --help` lists them."))
        return super().resolve_command(ctx, args)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """`--store PATH` works after the command as well as before it."""
        return super().parse_args(ctx, _store_first(args))

    def invoke(self, ctx: click.Context) -> Any:
        """The one place an EhcpError becomes a message and an exit code (also under CliRunner)."""
        _prewarm(ctx)
        try:
            return super().invoke(ctx)
        except EhcpError as e:
            from ehcp_docs.cli import output

            output.error(e.message, e.messages, e.hint)
            ctx.exit(e.exit_code)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(n, COMMANDS[n][1]) for n in self.list_commands(ctx)])


def _prewarm(ctx: click.Context) -> None:
    """Lets git start reading the store on the other core while the command's modules are imported."""
    import os

    path = ctx.params.get("store_path") or os.environ.get("EHCP_STORE")
    words = [*getattr(ctx, "_protected_args", []), *ctx.args]  # click 8.2 keeps the command name apart
    if path and words and words[0] in COMMANDS and words[0] not in ("init", "add"):
        from pathlib import Path

        from ehcp_docs import store

        store.prewarm(Path(path))


def _store_first(args: list[str]) -> list[str]:
    """Moves `--store PATH` and `--force REASON` given after the command to the front, where the group reads them."""
    words = list(args)
    for option in ("--store", "--force"):
        first = next((n for n, w in enumerate(words) if not w.startswith("-") and
                      (n == 0 or words[n - 1] not in ("--store", "--author", "--force"))), len(words))
        for n in range(len(words) - 1, first, -1):
            if words[n] == option and n + 1 < len(words):
                words = [option, words[n + 1]] + words[:n] + words[n + 2:]
                break
            if words[n].startswith(option + "="):
                words = [words[n]] + words[:n] + words[n + 1:]
                break
    return words


_AUTHOR = re.compile(r"^\s*([^<>]+?)\s*<([^<>\s]+@[^<>\s]+)>\s*$")


def _author(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    m = _AUTHOR.match(value)
    if not m:
        raise click.BadParameter("write it as \"Your Name <you@example.org>\"")
    return m.group(1), m.group(2)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--store", "store_path", metavar="PATH", help="The plan store (default: $EHCP_STORE, or search "
              "upwards from here for ehcp.toml).")
@click.option("--author", metavar="\"NAME <EMAIL>\"", callback=_author, help="Who is making the change "
              "(default: your git identity).")
@click.option("--force", "force", metavar="REASON", help="Record a step dated outside the plausible range (before "
              "the plan's first issue, or more than a week ahead: ehcp.toml [dates]) or taken out of order, keeping "
              "REASON in the journal.")
@click.version_option(__version__, prog_name="ehcp")
@click.pass_context
def cli(ctx: click.Context, store_path: str | None, author: tuple[str, str] | None, force: str | None) -> None:
    """ehcp: EHC plan reviews, amendments and letters, with every plan kept as data in a git store."""
    ctx.obj = {"store": store_path, "author": author, "force": force}


def main(argv: list[str] | None = None) -> Any:
    """Entry point for the console script and `python -m ehcp_docs`."""
    try:
        return cli.main(args=argv, prog_name="ehcp")
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
