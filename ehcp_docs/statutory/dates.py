"""How the law's words about time become dates (ehcp-rules.md section 3). Pure functions, no I/O.

Every function returns THE LAST DAY ON WHICH A STEP IS STILL ON TIME, so a step done on that day is on time and a
step done the day after is one day late. All periods are calendar days, weeks or months unless the rule says
working days; months are calendar months clamped to the end of a short month (2024-01-31 + 1 month = 2024-02-29).
`ehcp_docs.timescales` re-exports all of these."""
from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=1 << 16)
def months_after(x: date, n: int) -> date:
    """"N months from/after X" (appeals, the under-5 interim review): X + N calendar months, clamped to the end
    of a short month (2026-01-31 + 1 month = 2026-02-28). Negative N counts back ("5 months before"). The same
    as dateutil's relativedelta(months=n) (a test holds them equal), in plain arithmetic and cached: the due
    list of a large store asks it a million times for a few thousand different dates."""
    total = x.month - 1 + n
    year, month = x.year + total // 12, total % 12 + 1
    return date(year, month, min(x.day, monthrange(year, month)[1]))


add_months = months_after


def within_weeks(x: date, n: int) -> date:
    """"within N weeks of X": X + 7N days (reg 20's 2 and 4 weeks, reg 22(3)'s 8 weeks, reg 27(2)'s 14)."""
    return x + timedelta(days=7 * n)


def within_days(x: date, n: int) -> date:
    """"within N days of X": X + N days (the 15 days to decide on a re-assessment request)."""
    return x + timedelta(days=n)


def period_beginning_with(x: date, n: int) -> date:
    """"a period of N days beginning with the day X": X is day 1, so reg 22(2)(c)'s 15 days end on X + 14."""
    if n < 1:
        raise ValueError("a period beginning with a day lasts at least 1 day")
    return x + timedelta(days=n - 1)


def within_months_starting(x: date, n: int) -> date:
    """"within the period of N months starting with X": (X + N calendar months) - 1 day."""
    return months_after(x, n) - ONE_DAY


def within_12_months_starting(x: date) -> date:
    """CFA s.44(1): the last day of the 12 months starting with X (2026-03-02 -> 2027-03-01)."""
    return within_months_starting(x, 12)


def at_least_weeks_before(x: date, n: int) -> date:
    """"at least N weeks before X": X - 7N days (2 weeks' notice of a review meeting, reg 20(3))."""
    return x - timedelta(days=7 * n)


def at_least_days_before(x: date, n: int) -> date:
    return x - timedelta(days=n)


def before_fixed_date(d: date) -> date:
    """"before D" for a fixed date such as 15 February: the last on-time day is the day before D."""
    return d - ONE_DAY


def before_fixed(year: int, month: int, day: int) -> date:
    return before_fixed_date(date(year, month, day))


def end_of_academic_year(d: date) -> date:
    """31 July ending the academic year (1 August to 31 July, as further education counts it) that contains d:
    the latest end of a plan kept past the 25th birthday (CFA s.46; reg 46; rules section 16)."""
    return date(d.year + (1 if d.month >= 8 else 0), 7, 31)


# ---- working days ----------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _bank_holidays() -> Any:
    """England's bank holidays (including substitute days), imported lazily: only the few rules that count
    working days need them, and the import costs about 0.1 s."""
    import holidays

    return holidays.country_holidays("GB", subdiv="ENG")


def is_bank_holiday(d: date) -> bool:
    return d in _bank_holidays()


def is_working_day(d: date) -> bool:
    """Monday to Friday and not a bank holiday (England and Wales, with substitute days), Christmas Day or Good
    Friday (HESC r.1(3); rules section 3.2: both are in the gov.uk list the `holidays` library follows)."""
    return d.weekday() < 5 and d not in _bank_holidays()


def next_working_day(d: date) -> date:
    """`d` itself when it is a working day, else the next one."""
    while not is_working_day(d):
        d += ONE_DAY
    return d


def add_working_days(d: date, n: int) -> date:
    """The Nth working day after d (d itself is not counted; n = 0 gives d). Negative n counts back."""
    step = ONE_DAY if n >= 0 else -ONE_DAY
    for _ in range(abs(n)):
        d += step
        while not is_working_day(d):
            d += step
    return d


# ---- appeals ---------------------------------------------------------------------------------------------------
def tribunal_extension(d: date) -> date:
    """The Tribunal's rules applied to the day a time limit ends (HESC r.12; rules section 3.2): a day in August
    moves to the first working day after 31 August, a day from 25 December to 1 January to the first working day
    after 1 January (r.12(3)(a)); any other day that is not a working day (a weekend, Christmas Day, Good Friday,
    a bank holiday) moves to the next working day (r.12(2)). A working day is unchanged."""
    return tribunal_move(d)[0]


def tribunal_move(d: date) -> tuple[date, str | None]:
    """`tribunal_extension`, and why the day moved: "august", "christmas", "closed" (r.12(2)) or None."""
    if d.month == 8:
        return next_working_day(date(d.year, 9, 1)), "august"
    if (d.month == 12 and d.day >= 25) or (d.month == 1 and d.day == 1):
        return next_working_day(date(d.year + (d.month == 12), 1, 2)), "christmas"
    if not is_working_day(d):
        return next_working_day(d), "closed"
    return d, None


def closed_day_words(d: date) -> str:
    """What kind of day the Tribunal is closed on, in words: "a Saturday", "Good Friday", "a bank holiday"."""
    name = _bank_holidays().get(d)
    if name and "Good Friday" in name:
        return "Good Friday"
    if name and "Christmas" in name and "observed" not in name:
        return "Christmas Day"
    if d.weekday() >= 5:
        return f"a {d:%A}"  # the caller's date in words already says which day it is
    return "a bank holiday"


def cease_from(appeal_end: date) -> date:
    """The first day a plan may cease: the day after the last day for appealing (CFA s.45(4); rules section 7)."""
    return appeal_end + ONE_DAY


def appeal_deadline(letter_date: date, mediation_certificate: date | None = None) -> date:
    """The last day to appeal a decision (rules sections 3.2 and 8): 2 months after the letter was sent, or 1
    month from the issue of a mediation certificate, whichever is later, then the Tribunal's rules for a time
    limit that ends on a day it is closed. Letters print this date, so the family never has to do the
    arithmetic. `statutory.appeals` works it out from a plan's journal, with the reason a date moved."""
    d = months_after(letter_date, 2)
    if mediation_certificate is not None:
        d = max(d, months_after(mediation_certificate, 1))
    return tribunal_extension(d)
