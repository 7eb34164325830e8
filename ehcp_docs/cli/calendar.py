"""The statutory calendar: deadlines, due, lists, overdue."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ehcp_docs import statutory
from ehcp_docs.casework import caseload, daily
from ehcp_docs.cli import output
from ehcp_docs.cli.common import as_day, json_option, open_store, out_option, plan_id_argument, to_iso, today_option
from ehcp_docs.errors import CHECK_FAILED, UsageError


@click.command()
@plan_id_argument()
@today_option()
@json_option()
@click.pass_context
def deadlines(ctx: click.Context, plan_id: str, today: str | None, as_json: bool) -> None:
    """Every statutory deadline for plan ID: each step, its last on-time day, days left or late, legal basis."""
    with open_store(ctx) as store:
        d = caseload.plan_deadlines(store, plan_id, as_day(today))
    if as_json:
        output.as_json(d.as_json())
        return
    output.data(f"{d.plan}  as of {d.as_of:%d %B %Y}  decision maker: {d.decision_maker}  "
                f"year group: {d.nc_year}  focus: {caseload.focus_text(d.review_focus)}")
    output.data(f"{'step':<58} {'deadline':<10} {'status':<18} basis")
    done = [s for s in d.steps if not s.pending]
    for s in [s for s in d.steps if s.pending] + done[-6:]:
        if s.pending:
            status = _left(s.due, d.as_of) if s.status(d.as_of) != "past due" else "past (guidance)"
        else:
            status = f"{s.status(d.as_of)} {s.done}"
        output.data(f"{s.description[:58]:<58} {s.due} {status:<18} {s.basis}")
    if d.meeting_recommended_by:
        lead = (d.review_must_meet - d.meeting_recommended_by).days if d.review_must_meet else 0
        output.data(f"Meeting recommended by {d.meeting_recommended_by} ({lead} days before {d.review_must_meet}, "
                    "the earliest deadline this review must meet)")
    if d.appeal:
        output.data(f"Appeal deadline {d.appeal.deadline} ({d.appeal.decision}): {d.appeal.reason}")
    for line in daily.service_lines(d.steps):
        output.data(line)
    output.data(f"Plan ends by {d.plan_ends} at the latest (end of the academic year of the 25th birthday)")
    for w in d.warnings:
        output.warn(w)


def _exception(s: dict) -> str:
    return f", with an exception: {s['exception']}" if s.get("exception") else ""


def _left(due: date, as_of: date) -> str:
    n = (due - as_of).days
    return f"{n} days left" if n >= 0 else f"{-n} days LATE"


def _period(store, term: str | None, start: str | None, end: str | None) -> tuple[date, date, str]:
    if term:
        if start or end:
            raise UsageError("give --term or --from/--to, not both")
        t = statutory.find_term(term, store.config.terms)
        note = "" if not t.typical else " (typical English term dates: set [[terms]] in ehcp.toml for your own)"
        return t.start, t.end, f"{t.name}: {t.start} to {t.end}{note}"
    if not (start and end):
        raise UsageError("give --term NAME, or both --from D and --to D")
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    if a > b:
        raise UsageError("--from must be on or before --to")
    return a, b, f"{a} to {b}"


@click.command()
@click.option("--term", help="A term, e.g. spring-2027.")
@click.option("--from", "start", metavar="YYYY-MM-DD", callback=lambda c, p, v: _iso(v))
@click.option("--to", "end", metavar="YYYY-MM-DD", callback=lambda c, p, v: _iso(v))
@today_option()
@click.option("--setting", help="Only plans whose setting name contains this text.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "xlsx", "json"]), default="table")
@out_option()
@json_option()
@click.pass_context
def due(ctx: click.Context, term: str | None, start: str | None, end: str | None, today: str | None,
        setting: str | None, fmt: str, out: str | None, as_json: bool) -> None:
    """Plans whose review falls in a term or period, sorted by due date; overdue reviews always first."""
    fmt = "json" if as_json else fmt
    skipped: list[str] = []
    with open_store(ctx) as store:
        a, b, label = _period(store, term, start, end)
        rows = caseload.due_rows(store, a, b, as_day(today), setting, skipped=skipped)
        if fmt == "xlsx":
            path = Path(out) if out and out.endswith(".xlsx") else store.out_dir(out) / f"due-{a}-{b}.xlsx"
            from ehcp_docs.documents import spreadsheets  # the document machinery, only when a file is made

            spreadsheets.write_xlsx(rows, path, spreadsheets.list_meta(store, f"Reviews due {label}"))
            output.made([path])
            _end_skipped(ctx, skipped)
            return
    if "typical" in label:
        output.warn("no term dates in ehcp.toml: using typical English term dates")
    if fmt == "json":
        output.as_json([r.as_json() for r in rows])
    elif fmt == "csv":
        from ehcp_docs.documents import spreadsheets

        output.data(spreadsheets.due_csv(rows))
    else:
        output.info(f"Reviews due {label}: {len(rows)}")
        output.table(["review due", "meet by", "plan", "name", "setting", "focus"],
                     [[r.review_due.isoformat(), r.meeting_recommended_by.isoformat(), r.plan, r.name, r.setting,
                       caseload.focus_text(r.focus)] for r in rows], late=[r.overdue for r in rows])
    _end_skipped(ctx, skipped)


def _end_skipped(ctx: click.Context, skipped: list[str]) -> None:
    """A store-wide command names the plans it could not read, after the rest, and exits 1."""
    output.skipped(skipped)
    if skipped:
        ctx.exit(CHECK_FAILED)


def _iso(v: str | None) -> str | None:
    if v is None:
        return None
    try:
        return to_iso(v)
    except ValueError:
        raise click.BadParameter(f"'{v[:40]}' is not a date (write it as 31/01/2027 or 2027-01-31)") from None


@click.command()
@click.option("--term", required=True, help="The coming term, e.g. spring-2027.")
@click.option("--jobs", type=click.IntRange(1, 64), help="Worker processes (default: one per core).")
@today_option()
@out_option()
@click.pass_context
def lists(ctx: click.Context, term: str, jobs: int | None, today: str | None, out: str | None) -> None:
    """The statutory termly lists: one per setting (XLSX and a covering letter), one for health, one for social care."""
    from ehcp_docs.documents import termly_lists

    now = as_day(today)
    skipped: list[str] = []
    with open_store(ctx) as store:
        t = statutory.find_term(term, store.config.terms)
        rows = caseload.due_rows(store, t.start, t.end, now, skipped=skipped)
        folder = store.out_dir(out) / f"lists-{t.name}"
        root, settings = store.root, len(termly_lists.group_by_setting(rows))
    with output.progress(f"Writing the {t.name} lists", settings + 2) as tick:
        result = termly_lists.write_lists(root, t, rows, folder, now, jobs=jobs, tick=tick)
    output.made(result.made)
    output.failures(result.failed)
    send_by = termly_lists.send_by(t.start)
    output.info(f"{len(rows)} reviews in {t.name}; {_lists_written(settings, dict(result.failed))}. "
                f"Send by {send_by:%d %B %Y} (2 weeks before the term starts).")
    if now > send_by:
        output.warn(f"the send-by date {send_by} has passed: send the lists today")
    if t.typical:
        output.warn("no term dates in ehcp.toml: using typical English term dates")
    if result.failed:
        output.skipped(skipped)
        ctx.exit(CHECK_FAILED)
    _end_skipped(ctx, skipped)


def _lists_written(settings: int, failed: dict[str, str]) -> str:
    """'lists for 12 setting(s), health and social care', saying which were not written when some failed."""
    from ehcp_docs.documents import termly_lists

    whole = {"health": termly_lists.HEALTH, "social care": termly_lists.SOCIAL_CARE}
    lost = len(set(failed) - set(whole.values()))
    words = [f"lists for {settings - lost} of {settings} setting(s)" if lost else f"lists for {settings} setting(s)"]
    words += [what for what, name in whole.items() if name not in failed]
    text = ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]
    return text + (f"; {len(failed)} could not be written (listed above)" if failed else "")


@click.command()
@today_option()
@json_option()
@click.pass_context
def overdue(ctx: click.Context, today: str | None, as_json: bool) -> None:
    """The drift report: every overdue step across the store, and steps done late in the last year."""
    skipped: list[str] = []
    with open_store(ctx) as store:
        report = caseload.overdue_report(store, as_day(today), skipped=skipped)
    if as_json:
        output.as_json(report.as_json())
        _end_skipped(ctx, skipped)
        return
    rows = [[p["plan"], _step_words(s["step"]), s["due"],
             "not done" if s["status"] == "pending" else f"done {s['done']}", f"{s['days_late']} days late",
             s["basis"] + _exception(s)] for p in report.plans for s in p["overdue"] + p["late"]]
    if rows:
        output.table(["plan", "step", "due", "", "late by", "basis"], rows,
                     late=[r[3] == "not done" for r in rows])
    output.info("Summary:" if report.summary else "Nothing overdue.")
    for words, n in report.summary.items():
        output.info(f"  {words}: {n}")
    _end_skipped(ctx, skipped)


def _step_words(step: str) -> str:
    """A step as people say it (never the internal name, such as phase_transfer)."""
    from ehcp_docs.statutory import rules

    try:
        return rules.rule_or_first(step, date.today()).description
    except KeyError:
        return step.replace("_", " ")
