"""Plausible dates: the one place that says which dates are slips of the keyboard (issues 17 and 18).

A plan dated 9999-12-31 once passed every check and then broke every calendar command for the whole store, and
`--date 2072-01-12` or `1999-01-12` on a step was recorded without a word. Every check of a date's plausibility is
defined here, with its bounds in one `Window` (the defaults below, or the store's `[dates]` table in ehcp.toml):
- a date typed on the command line (`--date`, `--today`, ...) outside the years 2000-2100 is a usage error;
- a plan's own dates: no version more than `years_ahead` (1) year ahead of today, a date of birth up to
  `birth_years` (26) years before the plan was first issued (plans are for children and young people up to 25),
  never after it;
- a step's date (`--date`, the day it happened): from the plan's first issue to `step_days_ahead` (7) days after
  the real today;
- a date a step looks ahead to (the meeting a review is scheduled for, the day of a mediation): from the plan's
  first issue to `years_ahead` year(s) ahead of today.
`--force REASON` records a step whose date is outside its range, with the reason in the journal line."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100  # a typed date outside these years is a typing error


@dataclass(frozen=True)
class Window:
    """The plausible range of each kind of date. The defaults are issue 17's; an LA (or a test store that records
    dated examples) may set them in ehcp.toml's `[dates]` table."""
    step_days_ahead: int = 7  # a step's --date at most this many days after the real today
    years_ahead: int = 1  # a plan's dates, and the dates a step looks ahead to, at most this many years ahead
    birth_years: int = 26  # CFA 2014 s.83(2): plans end at 25; a date of birth at most this long before first issue

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> Window:
        """The window of a store's `[dates]` table (its values checked when ehcp.toml is read, config.DATES;
        missing keys keep the defaults)."""
        return cls(**{k: int(v) for k, v in (settings or {}).items() if k in KEYS})


DEFAULT = Window()
KEYS = tuple(f.name for f in fields(Window))


def typed_date_problem(day: date) -> str | None:
    """What is wrong with a date typed on the command line, or None."""
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        return f"{day.isoformat()} is outside the years {EARLIEST_YEAR}-{LATEST_YEAR}"
    return None


def years_on(today: date, years: int = 1) -> date:
    """The same day `years` calendar years on (28 February for 29 February). A sanity bound, not a statutory
    period."""
    if (today.month, today.day) == (2, 29):
        return today.replace(year=today.year + years, day=28)
    return today.replace(year=today.year + years)


def _ahead_words(window: Window) -> str:
    return "a year" if window.years_ahead == 1 else f"{window.years_ahead} years"


def plan_date_problems(plan: dict, today: date | None = None, window: Window = DEFAULT) -> list[str]:
    """Dates that are real but impossible for an EHC plan, named by field (never by value)."""
    today = today or date.today()
    out: list[str] = []
    try:
        dob = date.fromisoformat(plan["child"]["date_of_birth"])
        first = date.fromisoformat(plan["first_issued"])
        issued = date.fromisoformat(plan["issued"])
    except (KeyError, TypeError, ValueError):
        return out
    latest = years_on(today, window.years_ahead)
    for name, value in (("first issued", first), ("issued", issued)):
        if value > latest:
            out.append(f"{name}: is more than {_ahead_words(window)} ahead of today (the plausible range ends "
                       f"{latest.isoformat()})")
    if dob > first:
        out.append("child, date of birth: is after the plan was first issued")
    elif first.year - dob.year > window.birth_years:
        out.append(f"child, date of birth: is more than {window.birth_years} years before the plan was "
                   "first issued (plans are for children and young people up to 25)")
    return out


@dataclass(frozen=True)
class OutOfRange:
    """A date outside its plausible range, in caseworker terms: which date, and the range with its reasons."""
    field: str
    day: str
    earliest: str
    latest: str
    latest_why: str

    def message(self, pid: str) -> str:
        start = f"{self.earliest} (the plan's first issue)" if self.earliest else "the plan's first issue"
        return (f"plan {pid}: {self.field} {self.day} is outside the plausible range, {start} to {self.latest} "
                f"({self.latest_why})")


def step_date_problem(day: str, first_issued: str, today: date, window: Window = DEFAULT,
                      field: str = "the step's date (--date)") -> OutOfRange | None:
    """A step dated `day` (the day it happened) outside first issue .. `step_days_ahead` days after today."""
    latest = (today + timedelta(days=window.step_days_ahead)).isoformat()
    if _within(day, first_issued, latest):
        return None
    n = window.step_days_ahead
    why = "today" if n == 0 else f"{n} day{'s' if n != 1 else ''} from today"
    return OutOfRange(field, day, first_issued, latest, why)


def ahead_date_problem(day: str, first_issued: str, today: date, window: Window = DEFAULT,
                       field: str = "the date") -> OutOfRange | None:
    """A date a step looks ahead to (a meeting, a mediation) outside first issue .. `years_ahead` from today."""
    latest = years_on(today, window.years_ahead).isoformat()
    if _within(day, first_issued, latest):
        return None
    return OutOfRange(field, day, first_issued, latest, f"{_ahead_words(window)} from today")


def _within(day: str, first_issued: str, latest: str) -> bool:
    """ISO dates compare as strings; a plan with no first issue in its journal has no lower bound."""
    return (not first_issued or day >= first_issued) and day <= latest


# the dates a step's data looks ahead to, typed by the caseworker: by event, the journal field and its words
AHEAD_FIELDS: dict[str, dict[str, str]] = {
    "review-scheduled": {"meeting": "the meeting date (--meeting)"},
    "mediation-arranged": {"mediation_date": "the mediation date (--mediation-date)"},
}
