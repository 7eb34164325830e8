"""The figures of the manager's dashboard (`ehcp report`), as data: each chart's categories, series, text
alternative and table. documents/dashboard_html.py draws and writes them; nothing here knows about HTML.

Why it is built this way:
- Every figure comes from the plan history as it stands: the review decisions from casework/returns.py, the
  overdue steps from the drift report, the reviews due from the due lists, and the drift trend recomputed for
  each month end from the journals (events after that day ignored), never from stored past reports.
- All of them are read through the calendar index, so on 20,000 plans a warm dashboard is a read-back.
- Lateness bands (0-4 weeks, 1-3 months, over 3 months) are reporting bands, not statutory periods."""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from ehcp_docs import statutory
from ehcp_docs.casework import caseload, returns
from ehcp_docs.store import Store
from ehcp_docs.store.index.facts import with_version_transfers

BANDS = ("0-4 weeks", "1-3 months", "more than 3 months")
BAND_LIMITS = (28, 91)  # days late at the top of the first two bands (reporting bands, not statutory periods)


@dataclass
class Chart:
    """One chart: `series` of values over `categories`, drawn as `kind` (bar, stacked or line)."""
    key: str
    title: str
    kind: str
    categories: list[str]
    series: dict[str, list[int]]
    alt: str
    headers: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""
    reference: float | None = None  # where to draw the statutory limit, in category units
    xlabel: str = ""
    ylabel: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "kind": self.kind, "categories": self.categories,
                "series": self.series, "alt": self.alt, "headers": self.headers, "rows": self.rows,
                "note": self.note}


@dataclass
class Figures:
    today: date
    plans: int
    charts: list[Chart]


def month_starts(today: date, n: int = 12) -> list[date]:
    """The first days of the last `n` months, oldest first, ending with today's month."""
    out = []
    y, m = today.year, today.month
    for _ in range(n):
        out.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def month_end(start: date) -> date:
    nxt = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def figures(store: Store, today: date, *, use_index: bool | None = None) -> Figures:
    """The dashboard's figures for `today`, as `combine` of every plan's part (`plan_part`): read back whole from
    the index when the plans have not changed since the same day's dashboard, and brought up to date plan by plan
    after a few commits (store/index/answers.py); every plan worked out without the index."""
    from ehcp_docs.store import index

    params, compute, plain = _question(store, today)
    terms = next_terms(store, today)

    def everything() -> list[tuple[str, Any]]:
        cached = caseload._indexed(store, "dashboard", params, use_index, compute)
        out = []
        for pid, f in (cached if cached is not None else ((p, None) for p in store.plan_ids())):
            out.append((pid, f if f is not None else caseload._plain(store, pid, store.plan(pid), plain)))
        return out

    def combine(parts: list[tuple[str, Any]]) -> dict[str, Any]:
        return figures_json(combined(parts, today, terms))

    if not index.enabled(use_index):
        return combined(everything(), today, terms)
    data = index.answer(store, "report", [today, store.config.data], "dashboard", params, compute,
                        lambda pid, f: f, combine, everything)
    return figures_from_json(data)


def _question(store: Store, today: date) -> tuple[list, Any, Any]:
    """The calendar context of the dashboard's per-plan parts, its computation, and the plain path's."""
    opts = caseload.options(store)
    terms = next_terms(store, today)
    days = trend_days(today)
    config_terms = store.config.terms

    def compute(plan: dict, events: list) -> dict[str, Any]:
        return plan_part(plan, events, today, opts, terms, days, config_terms)

    def plain(plan: dict, events: list) -> dict[str, Any]:
        return compute(plan, with_version_transfers(events, store.version_bytes))

    params = [today, store.config.rules, config_terms, [[t.name, t.start, t.end] for t in terms], days]
    return params, compute, plain


def plan_part(plan: dict, events: list, today: date, opts: statutory.Options, terms: list[statutory.Term],
              days: list[date], config_terms: Any) -> dict[str, Any]:
    """What one plan adds to each chart (JSON for the index): its decided reviews of the last 12 months, its
    overdue steps today, its reviews due in each of the next three terms, its amendments waiting for the final
    plan, its phase transfer of this round, and its overdue steps at each past month end."""
    f = returns.history(plan, events, today, opts)
    first = month_starts(today)[0].isoformat()
    year = transfer_round(today)
    pending = caseload._overdue_facts(plan, events, today, opts, today)["pending"]
    due = []
    for i, t in enumerate(terms):
        row = caseload._due_facts(plan, events, t.start, t.end, today, opts, config_terms)["row"]
        if row is not None and t.start.isoformat() <= row[1] <= t.end.isoformat():
            due.append([i, "phase-transfer" in row[3]])
    return {
        "reviews": [{"decided": r["decided"], "decision_due": r["decision_due"]} for r in f["reviews"]
                    if r["decided"] and first <= r["decided"] <= today.isoformat()],
        "pending_final": f["pending_final"],
        "transfers": [t for t in f["transfers"] if t["due"][:4] == str(year)],
        "overdue": [{"step": o["step"], "days_late": o["days_late"]} for o in pending],
        "due": due,
        "trend": [len(statutory.deadlines(plan, events, d, opts).overdue) for d in days],
    }


def combined(parts: list[tuple[str, Any]], today: date, terms: list[statutory.Term]) -> Figures:
    charts = [decisions_by_month(parts, today), overdue_by_kind(parts), reviews_due(parts, terms),
              waiting_for_final(parts, today), phase_transfers(parts, today), drift_trend(parts, today)]
    return Figures(today, len(parts), charts)


def figures_json(f: Figures) -> dict[str, Any]:
    return {"today": f.today.isoformat(), "plans": f.plans, "charts": [asdict(c) for c in f.charts]}


def figures_from_json(data: dict[str, Any]) -> Figures:
    return Figures(date.fromisoformat(data["today"]), data["plans"], [Chart(**c) for c in data["charts"]])


# ---- review decisions by month --------------------------------------------------------------------------------
def decisions_by_month(facts: list[tuple[str, dict]], today: date) -> Chart:
    months = month_starts(today)
    labels = [f"{m:%b %Y}" for m in months]
    within, over = Counter[str](), Counter[str]()
    for _, f in facts:
        for r in f.get("reviews") or []:
            if not r["decided"]:
                continue
            decided = date.fromisoformat(r["decided"])
            if decided < months[0] or decided > today:
                continue
            label = f"{decided:%b %Y}"
            (within if r["decided"] <= r["decision_due"] else over)[label] += 1
    w, o = [within[m] for m in labels], [over[m] for m in labels]
    total_w, total_o = sum(w), sum(o)
    share = f"{round(100 * total_w / (total_w + total_o))}%" if total_w + total_o else "no decisions"
    worst = max(range(len(labels)), key=lambda i: o[i]) if total_o else None
    alt = (f"Bar chart of annual review decisions in each of the last 12 months, within and over 4 weeks of the "
           f"meeting. {total_w} of {total_w + total_o} decisions were within 4 weeks ({share})."
           + (f" The most late decisions were in {labels[worst]} ({o[worst]})." if worst is not None else ""))
    return Chart("decisions", "Review decisions within and over 4 weeks, by month", "stacked", labels,
                 {"within 4 weeks": w, "over 4 weeks": o}, alt, ["month", "within 4 weeks", "over 4 weeks"],
                 [[lab, a, b] for lab, a, b in zip(labels, w, o, strict=True)], ylabel="decisions")


# ---- overdue steps --------------------------------------------------------------------------------------------
def band(days_late: int) -> str:
    return BANDS[0] if days_late <= BAND_LIMITS[0] else BANDS[1] if days_late <= BAND_LIMITS[1] else BANDS[2]


def overdue_by_kind(parts: list[tuple[str, dict]]) -> Chart:
    counts: dict[str, Counter[str]] = {}
    for _, p in parts:
        for s in p["overdue"]:
            counts.setdefault(caseload.step_words(s["step"]), Counter())[band(s["days_late"])] += 1
    kinds = sorted(counts, key=lambda k: -sum(counts[k].values()))
    series = {b: [counts[k][b] for k in kinds] for b in BANDS}
    total = sum(sum(c.values()) for c in counts.values())
    alt = (f"Bar chart of the {total} steps overdue today, by kind and by how late they are." +
           (f" The most common is {kinds[0]} ({sum(counts[kinds[0]].values())})." if kinds else " None is overdue."))
    return Chart("overdue", "Overdue steps by kind and by how late", "stacked", kinds, series, alt,
                 ["kind of step", *BANDS], [[k, *(counts[k][b] for b in BANDS)] for k in kinds], ylabel="steps")


# ---- reviews due per term -------------------------------------------------------------------------------------
def next_terms(store: Store, today: date, n: int = 3) -> list[statutory.Term]:
    out, day = [], today
    for _ in range(n):
        t = statutory.next_term(store.config.terms, day)
        out.append(t)
        day = t.start
    return out


def reviews_due(parts: list[tuple[str, dict]], terms: list[statutory.Term]) -> Chart:
    counts, phase = [0] * len(terms), [0] * len(terms)
    for _, p in parts:
        for i, transfer in p["due"]:
            counts[i] += 1
            phase[i] += bool(transfer)
    labels = [t.name for t in terms]
    alt = ("Bar chart of the annual reviews due in each of the next three terms: " +
           "; ".join(f"{lab}: {c} ({p} with a phase transfer)" for lab, c, p in zip(labels, counts, phase,
                                                                                   strict=True)) + ".")
    return Chart("due", "Reviews due per term, next three terms", "bar", labels,
                 {"reviews due": counts, "of which phase transfer": phase}, alt,
                 ["term", "reviews due", "of which phase transfer"],
                 [[lab, c, p] for lab, c, p in zip(labels, counts, phase, strict=True)],
                 note="Counts reviews whose 12-month deadline falls in the term; overdue reviews are in the "
                      "overdue chart.", ylabel="reviews")


# ---- amendments waiting for the final plan --------------------------------------------------------------------
def waiting_for_final(facts: list[tuple[str, dict]], today: date) -> Chart:
    weeks: Counter[int] = Counter()
    late = 0
    limit_weeks = (statutory.due("final_plan", today) - today).days / 7  # reg 22(3): from the rules, not here
    for _, f in facts:
        for a in f.get("pending_final") or []:
            served = date.fromisoformat(a["served"])
            due = date.fromisoformat(a["due"])
            weeks[(today - served).days // 7] += 1
            late += due < today
    top = max([*weeks, 12])
    labels = [str(w) for w in range(top + 1)]
    values = [weeks[w] for w in range(top + 1)]
    total = sum(values)
    alt = (f"Bar chart of the {total} amendments waiting for their final plan, by weeks since the notice was "
           f"served; {late} are past the 8 weeks allowed.")
    return Chart("waiting", "Amendments waiting for a final plan, against the 8 weeks", "bar", labels,
                 {"amendments waiting": values}, alt, ["weeks since the notice", "amendments waiting"],
                 [[lab, v] for lab, v in zip(labels, values, strict=True) if v],
                 note=f"{late} of {total} are past the 8-week limit (reg 22(3)).",
                 reference=limit_weeks - 0.5,  # between the last bar on time and the first late one
                 xlabel="weeks since the amendment notice was served", ylabel="amendments")


# ---- phase transfers ------------------------------------------------------------------------------------------
TRANSFER_WORDS = {"phase_transfer": "by 15 February", "phase_transfer_post16": "by 31 March (post-16)",
                  "phase_transfer_post16_other": "5 months before (post-16 moves)"}


def transfer_round(today: date) -> int:
    """The year whose 15 February and 31 March deadlines the dashboard follows: this year's until 31 March is
    past, then next year's."""
    return today.year if (today.month, today.day) <= (3, 31) else today.year + 1


def phase_transfers(facts: list[tuple[str, dict]], today: date) -> Chart:
    year = transfer_round(today)
    groups = list(TRANSFER_WORDS)
    states = ("done on time", "done late", "not done yet", "missed")
    counts: dict[str, Counter[str]] = {g: Counter() for g in groups}
    for _, f in facts:
        tr = next((t for t in f.get("transfers") or [] if date.fromisoformat(t["due"]).year == year), None)
        if not tr:
            continue
        if tr["done"]:
            state = states[0] if tr["done"] <= tr["due"] else states[1]
        else:
            state = states[3] if tr["missed"] else states[2]
        counts[tr["rule"]][state] += 1
    labels = [TRANSFER_WORDS[g] for g in groups]
    series = {s: [counts[g][s] for g in groups] for s in states}
    alt = ("Bar chart of the phase transfers due in " + str(year) + ": " + "; ".join(
        f"{TRANSFER_WORDS[g]}: {sum(counts[g].values())} due, {counts[g][states[0]] + counts[g][states[1]]} done"
        for g in groups) + ".")
    return Chart("transfers", f"Phase transfers due in {year} and how many are done", "stacked", labels, series,
                 alt, ["deadline", *states], [[TRANSFER_WORDS[g], *(counts[g][s] for s in states)] for g in groups],
                 ylabel="plans")


# ---- the drift trend ------------------------------------------------------------------------------------------
def trend_days(today: date) -> list[date]:
    """The last day of each of the 11 months before this one (one snapshot for the whole month in the index)."""
    return [month_end(m) for m in month_starts(today)[:-1]]


def drift_trend(parts: list[tuple[str, dict]], today: date) -> Chart:
    """Overdue steps and plans with one at each past month end, recomputed from the journals as they stood, and
    today's (the drift report itself)."""
    n = len(trend_days(today))
    steps, plans = [0] * (n + 1), [0] * (n + 1)
    for _, p in parts:
        for i, k in enumerate([*p["trend"], len(p["overdue"])]):
            steps[i] += k
            plans[i] += k > 0
    labels = [f"{d:%d %b %Y}" for d in [*trend_days(today), today]]
    alt = (f"Line chart of the drift report over the last 12 months, recomputed from the history: "
           f"{steps[0]} overdue steps in {plans[0]} plans on {labels[0]}, {steps[-1]} in {plans[-1]} plans today.")
    return Chart("trend", "The drift report over the last 12 months", "line", labels,
                 {"overdue steps": steps, "plans with an overdue step": plans}, alt,
                 ["as on", "overdue steps", "plans with an overdue step"],
                 [[lab, s, p] for lab, s, p in zip(labels, steps, plans, strict=True)],
                 note="Each point is worked out again from the journals as they stood on that day.",
                 ylabel="overdue")


def prepare(store: Store, day: date) -> str:
    """For `ehcp maintenance`: what the first `stats`, `sen2` and `report` of `day` would otherwise compute for
    every plan (the plans' facts as known that day, and the dashboard)."""
    returns.facts(store, day)
    figures(store, day)
    return f"{day}: management information and dashboard"
