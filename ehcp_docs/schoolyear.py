"""The child's side of the calendar: national curriculum year, end of compulsory school age, who decides, and
term dates. Pure functions; rules from ehcp-rules.md section 3.1."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ehcp_docs.errors import UsageError


def school_year_start(on: date) -> int:
    """The calendar year in which the school year containing `on` began (school years start 1 September)."""
    return on.year if on.month >= 9 else on.year - 1


def cohort_year(dob: date) -> int:
    """Calendar year of birth, plus one for September-December birthdays (they join the next cohort)."""
    return dob.year + (1 if dob.month >= 9 else 0)


def nc_year(dob: date, on: date, override: int | None = None) -> int:
    """National curriculum year on a date: S - Y - 4 (0 is Reception). A recorded year group wins, because an
    LA may place a child out of their chronological year."""
    if override is not None:
        return override
    return school_year_start(on) - cohort_year(dob) - 4


def last_friday_of_june(year: int) -> date:
    d = date(year, 6, 30)
    return d - timedelta(days=(d.weekday() - 4) % 7)


def end_of_compulsory_school_age(dob: date) -> date:
    """The last Friday in June of the school year in which the child is in Year 11 (turns 16)."""
    year11_starts = cohort_year(dob) + 4 + 11
    return last_friday_of_june(year11_starts + 1)


def decision_maker(dob: date, on: date, lacks_capacity: bool = False) -> str:
    """'parent' for a child; 'young-person' from the day after compulsory school age ends, unless the plan
    records that the young person lacks capacity (then the parent decides for them)."""
    if on > end_of_compulsory_school_age(dob) and not lacks_capacity:
        return "young-person"
    return "parent"


def age_on(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def is_under_five(dob: date, on: date) -> bool:
    return age_on(dob, on) < 5


@dataclass(frozen=True)
class Term:
    name: str  # "autumn-2026", "spring-2027", "summer-2027"
    start: date
    end: date
    typical: bool = False  # True when computed from typical dates, not the LA's own

    @property
    def season(self) -> str:
        return self.name.split("-")[0]


def _easter(year: int) -> date:
    from dateutil.easter import easter

    return easter(year)


def typical_terms(year: int) -> list[Term]:
    """Typical English term dates when the LA has set none: autumn from the first weekday of September to about
    20 December; spring from about 5 January to the Friday before Easter; summer from two weeks after Easter to
    about 22 July. Spring and summer are named by their calendar year."""
    def weekday_on_or_after(d: date) -> date:
        return d + timedelta(days=(7 - d.weekday()) % 7 if d.weekday() >= 5 else 0)
    easter = _easter(year)
    return [
        Term(f"spring-{year}", weekday_on_or_after(date(year, 1, 5)), easter - timedelta(days=2), True),
        Term(f"summer-{year}", easter + timedelta(days=15), date(year, 7, 22), True),
        Term(f"autumn-{year}", weekday_on_or_after(date(year, 9, 2)), date(year, 12, 19), True),
    ]


def terms(configured: list[dict] | None, around: int) -> list[Term]:
    if configured:
        out = [Term(t["name"], date.fromisoformat(str(t["start"])), date.fromisoformat(str(t["end"])))
               for t in configured]
        return sorted(out, key=lambda t: t.start)
    return [t for y in (around - 1, around, around + 1, around + 2) for t in typical_terms(y)]


def find_term(name: str, configured: list[dict] | None) -> Term:
    """A term by name (autumn-2026, spring-2027, summer-2027)."""
    try:
        season, year = name.rsplit("-", 1)
        y = int(year)
    except ValueError:
        raise UsageError(f"'{name[:30]}' is not a term name (write e.g. spring-2027, summer-2027, autumn-2027)") from None
    for t in terms(configured, y):
        if t.name == name:
            return t
    if configured:
        raise UsageError(f"term {name} is not in ehcp.toml's [[terms]]")
    raise UsageError(f"'{name[:30]}' is not a term name (write e.g. spring-2027, summer-2027, autumn-2027)")


def next_term(configured: list[dict] | None, today: date) -> Term:
    return next(t for t in terms(configured, today.year) if t.start > today)
