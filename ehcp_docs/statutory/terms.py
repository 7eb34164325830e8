"""School terms: the LA's own term dates from ehcp.toml, or typical English ones, and which term a date belongs to.
Pure functions (no I/O).

Term names: "autumn-2026" is the autumn term that starts in September 2026; "spring-2027" and "summer-2027" are
the spring and summer terms of that school year, named by the CALENDAR year they fall in. So one school year is
autumn-Y, spring-(Y+1), summer-(Y+1), and `terms_for(Y)` (a calendar year) gives spring-Y, summer-Y, autumn-Y."""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ehcp_docs.errors import UsageError

SEASONS = ("spring", "summer", "autumn")  # calendar order within a year
TERM_NAME = re.compile(r"^(spring|summer|autumn)-(\d{4})$")


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

    @property
    def words(self) -> str:
        """The term as families say it: "Autumn 2026"."""
        return f"{self.season.capitalize()} {self.year}"

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


def parse_terms(configured: Sequence[Mapping[str, Any]] | None) -> dict[str, Term]:
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


def terms_for(year: int, configured: Sequence[Mapping[str, Any]] | None = None) -> list[Term]:
    """The three terms falling in calendar year `year` (spring-Y, summer-Y, autumn-Y), the LA's own dates where
    configured and typical dates otherwise (each Term says which)."""
    own = parse_terms(configured)
    return [own.get(f"{s}-{year}") or typical_term(s, year) for s in SEASONS]


def find_term(name: str, configured: Sequence[Mapping[str, Any]] | None = None) -> Term:
    """A term by name (autumn-2026, spring-2027, summer-2027)."""
    m = TERM_NAME.match(str(name).strip().lower())
    if not m:
        raise UsageError(f"'{str(name)[:30]}' is not a term name",
                         hint="Write e.g. autumn-2026, spring-2027 or summer-2027 (spring and summer are named "
                              "by calendar year).")
    return next(t for t in terms_for(int(m.group(2)), configured) if t.name == m.group(0))


def terms(configured: Sequence[Mapping[str, Any]] | None, around: int) -> list[Term]:
    """Every term from the year before `around` to two years after, in date order."""
    return [t for y in range(around - 1, around + 3) for t in terms_for(y, configured)]


def next_term(configured: Sequence[Mapping[str, Any]] | None, today: date) -> Term:
    """The first term starting after `today`."""
    return next(t for t in terms(configured, today.year) if t.start > today)


def term_window(term: Term, configured: Sequence[Mapping[str, Any]] | None = None) -> tuple[date, date]:
    """The term plus the holiday after it: a deadline in a holiday belongs to the term before, because the
    meeting has to be held before the school breaks up."""
    later = [t.start for t in terms(configured, term.year) if t.start > term.start]
    return term.start, (min(later) - timedelta(days=1)) if later else term.end


def meeting_term(d: date, configured: Sequence[Mapping[str, Any]] | None = None) -> Term:
    """The term in which a meeting due by `d` must be held: the term containing d, or, when d falls in a
    holiday, the term before it."""
    candidates = [t for t in terms(configured, d.year - 1) if t.start <= d]
    return max(candidates, key=lambda t: t.start)
