"""Plausible dates: the one place that says which dates are slips of the keyboard (issues 17 and 18).

A plan dated 9999-12-31 once passed every check and then broke every calendar command for the whole store, and
`--date 2072-01-12` or `1999-01-12` on a step was recorded without a word. Three checks, all defined here:
- a date typed on the command line (`--date`, `--today`, ...) outside the years 2000-2100 is a usage error;
- a plan's own dates: no version more than a year ahead of today, a date of birth up to 26 years before the plan
  was first issued (plans are for children and young people up to 25), never after it;
- a step's date between the plan's first issue and a year from today (`--force REASON` records one outside it)."""
from __future__ import annotations

from datetime import date

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100  # a typed date outside these years is a typing error
MAX_AGE_AT_FIRST_ISSUE_YEARS = 26  # CFA 2014 s.83(2): plans end at 25


def typed_date_problem(day: date) -> str | None:
    """What is wrong with a date typed on the command line, or None."""
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        return f"{day.isoformat()} is outside the years {EARLIEST_YEAR}-{LATEST_YEAR}"
    return None


def year_ahead(today: date) -> date:
    """The latest plausible date: the same day a calendar year on (28 February for 29 February). This is a
    sanity bound, not a statutory period."""
    if (today.month, today.day) == (2, 29):
        return today.replace(year=today.year + 1, day=28)
    return today.replace(year=today.year + 1)


def plan_date_problems(plan: dict, today: date | None = None) -> list[str]:
    """Dates that are real but impossible for an EHC plan, named by field (never by value)."""
    today = today or date.today()
    out: list[str] = []
    try:
        dob = date.fromisoformat(plan["child"]["date_of_birth"])
        first = date.fromisoformat(plan["first_issued"])
        issued = date.fromisoformat(plan["issued"])
    except (KeyError, TypeError, ValueError):
        return out
    latest = year_ahead(today)
    for name, value in (("first issued", first), ("issued", issued)):
        if value > latest:
            out.append(f"{name}: is more than a year ahead of today")
    if dob > first:
        out.append("child, date of birth: is after the plan was first issued")
    elif first.year - dob.year > MAX_AGE_AT_FIRST_ISSUE_YEARS:
        out.append(f"child, date of birth: is more than {MAX_AGE_AT_FIRST_ISSUE_YEARS} years before the plan was "
                   "first issued (plans are for children and young people up to 25)")
    return out


def step_date_range(day: str, first_issued: str, today: date) -> tuple[str, str] | None:
    """The plausible range (first issue, a year from today) of a step dated `day` when it falls outside it."""
    latest = year_ahead(today).isoformat()
    if (not first_issued or day >= first_issued) and day <= latest:
        return None
    return first_issued, latest
