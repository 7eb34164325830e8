"""The child's side of the calendar: national curriculum year, end of compulsory school age, who decides, and
term dates. Pure functions (no I/O); the rules are ehcp-rules.md section 3.1.

Term names: "autumn-2026" is the autumn term that starts in September 2026; "spring-2027" and "summer-2027" are
the spring and summer terms of that school year, named by the CALENDAR year they fall in. So one school year is
autumn-Y, spring-(Y+1), summer-(Y+1), and `terms_for(Y)` (a calendar year) gives spring-Y, summer-Y, autumn-Y."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ehcp_docs.errors import UsageError

SEASONS = ("spring", "summer", "autumn")  # calendar order within a year
TERM_NAME = re.compile(r"^(spring|summer|autumn)-(\d{4})$")


# ---- age and year group ----------------------------------------------------------------------------------------
def school_year_start(on: date) -> int:
    """The calendar year in which the school year containing `on` began (school years start 1 September)."""
    return on.year if on.month >= 9 else on.year - 1


def cohort_year(dob: date) -> int:
    """Calendar year of birth, plus one for a birthday from 1 September to 31 December: those children start
    school a year later than their calendar-year peers (rules 3.1)."""
    return dob.year + (1 if dob.month >= 9 else 0)


def nc_year(dob: date, on: date, override: int | None = None) -> int:
    """National curriculum year on a date: S - Y - 4, 0 being Reception (rules 3.1). A year group recorded on the
    plan wins, because an LA may teach a child out of their chronological year; it is taken as the year group on
    any date asked about (the plan is corrected when the child moves up)."""
    if override is not None:
        return int(override)
    return school_year_start(on) - cohort_year(dob) - 4


def birthday(dob: date, age: int) -> date:
    """The day the child reaches `age`. Decision: someone born on 29 February has their birthday on 1 March in
    other years (the usual reading in England), so they are not treated as older a day early."""
    try:
        return dob.replace(year=dob.year + age)
    except ValueError:
        return date(dob.year + age, 3, 1)


def age_on(dob: date, on: date) -> int:
    """Age in whole years on a date."""
    years = on.year - dob.year
    return years if on >= birthday(dob, years) else years - 1


def is_under_five(dob: date, on: date) -> bool:
    """Under five on the day in question (rules 3.1): drives the interim-review guidance (CoP 9.178)."""
    return on < birthday(dob, 5)


def last_friday_of_june(year: int) -> date:
    d = date(year, 6, 30)
    return d - timedelta(days=(d.weekday() - 4) % 7)


def end_of_compulsory_school_age(dob: date) -> date:
    """The last Friday in June of the school year in which the child is in Year 11 (turns 16), rules 3.1. Set by
    date of birth alone: a recorded year group does not change compulsory school age."""
    year11_starts = cohort_year(dob) + 4 + 11
    return last_friday_of_june(year11_starts + 1)


def decision_maker(plan_or_dob: Mapping[str, Any] | date, on: date, lacks_capacity: bool = False) -> str:
    """Who letters go to and who decides: "parent" for a child; "young-person" from the day after compulsory
    school age ends, unless the plan records that the young person lacks capacity (CFA s.83; rules 1 and 3.1).

    Takes the plan (`decision_maker(plan, on)`) or, for older callers, a date of birth and the capacity flag."""
    if isinstance(plan_or_dob, date):
        dob = plan_or_dob
    else:
        child = plan_or_dob.get("child") or {}
        dob = date.fromisoformat(str(child["date_of_birth"]))
        lacks_capacity = lacks_capacity or bool(child.get("lacks_capacity"))
    if on > end_of_compulsory_school_age(dob) and not lacks_capacity:
        return "young-person"
    return "parent"


# ---- terms -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    name: str  # "autumn-2026", "spring-2027", "summer-2027"
    start: date
    end: date
    typical: bool = False  # True when computed from typical dates, not the LA's own [[terms]]

    @property
    def season(self) -> str:
        return self.name.split("-")[0]

    @property
    def year(self) -> int:
        return int(self.name.rsplit("-", 1)[1])

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end


def _weekday_on_or_after(d: date) -> date:
    return d + timedelta(days=max(0, 7 - d.weekday())) if d.weekday() >= 5 else d


def _weekday_on_or_before(d: date) -> date:
    return d - timedelta(days=d.weekday() - 4) if d.weekday() >= 5 else d


def typical_term(season: str, year: int) -> Term:
    """Typical English term dates, used when the LA has configured none: autumn from the first weekday of
    September to the last weekday on or before 20 December; spring from the first weekday on or after 5 January to
    the Thursday before Good Friday; summer from the Monday two weeks after Easter Monday to the last weekday on or
    before 22 July. Approximate by design: LAs that need exact lists set [[terms]] in ehcp.toml."""
    from dateutil.easter import easter

    if season == "autumn":
        start, end = _weekday_on_or_after(date(year, 9, 1)), _weekday_on_or_before(date(year, 12, 20))
    elif season == "spring":
        start, end = _weekday_on_or_after(date(year, 1, 5)), easter(year) - timedelta(days=3)
    elif season == "summer":
        start, end = easter(year) + timedelta(days=15), _weekday_on_or_before(date(year, 7, 22))
    else:
        raise UsageError(f"'{season}' is not a term (autumn, spring or summer)")
    return Term(f"{season}-{year}", start, end, typical=True)


def parse_terms(configured: list[Mapping[str, Any]] | None) -> dict[str, Term]:
    """The LA's own term dates from ehcp.toml [[terms]], checked, by name."""
    out: dict[str, Term] = {}
    problems: list[str] = []
    for i, t in enumerate(configured or [], 1):
        name = str(t.get("name", ""))
        if not TERM_NAME.match(name):
            problems.append(f"[[terms]] entry {i}: name '{name[:30]}' should look like autumn-2026 or spring-2027")
            continue
        try:
            start, end = date.fromisoformat(str(t["start"])), date.fromisoformat(str(t["end"]))
        except (KeyError, ValueError):
            problems.append(f"[[terms]] {name}: start and end must be dates (YYYY-MM-DD)")
            continue
        if end < start:
            problems.append(f"[[terms]] {name}: ends ({end}) before it starts ({start})")
        out[name] = Term(name, start, end)
    if problems:
        raise UsageError("ehcp.toml: the term dates are not usable", messages=problems,
                         hint="Fix the [[terms]] entries in ehcp.toml.")
    return out


def terms_for(year: int, configured: list[Mapping[str, Any]] | None = None) -> list[Term]:
    """The three terms falling in calendar year `year` (spring-Y, summer-Y, autumn-Y), the LA's own dates where
    configured and typical dates otherwise (each Term says which)."""
    own = parse_terms(configured)
    return [own.get(f"{s}-{year}") or typical_term(s, year) for s in SEASONS]


def find_term(name: str, configured: list[Mapping[str, Any]] | None = None) -> Term:
    """A term by name (autumn-2026, spring-2027, summer-2027)."""
    m = TERM_NAME.match(str(name).strip().lower())
    if not m:
        raise UsageError(f"'{str(name)[:30]}' is not a term name",
                         hint="Write e.g. autumn-2026, spring-2027 or summer-2027 (spring and summer are named "
                              "by calendar year).")
    return next(t for t in terms_for(int(m.group(2)), configured) if t.name == m.group(0))


def terms(configured: list[Mapping[str, Any]] | None, around: int) -> list[Term]:
    """Every term from the year before `around` to two years after, in date order."""
    return [t for y in range(around - 1, around + 3) for t in terms_for(y, configured)]


def next_term(configured: list[Mapping[str, Any]] | None, today: date) -> Term:
    """The first term starting after `today`."""
    return next(t for t in terms(configured, today.year) if t.start > today)


def term_window(term: Term, configured: list[Mapping[str, Any]] | None = None) -> tuple[date, date]:
    """The term plus the holiday after it: a deadline in a holiday belongs to the term before, because the
    meeting has to be held before the school breaks up."""
    later = [t.start for t in terms(configured, term.year) if t.start > term.start]
    return term.start, (min(later) - timedelta(days=1)) if later else term.end


def meeting_term(d: date, configured: list[Mapping[str, Any]] | None = None) -> Term:
    """The term in which a meeting due by `d` must be held: the term containing d, or, when d falls in a
    holiday, the term before it."""
    candidates = [t for t in terms(configured, d.year - 1) if t.start <= d]
    return max(candidates, key=lambda t: t.start)
