"""The child's side of the calendar: national curriculum year, end of compulsory school age and who decides.
Pure functions (no I/O); the rules are ehcp-rules.md section 3.1."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from ehcp_docs.statutory.dates import end_of_academic_year


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


def plan_ends(dob: date) -> date:
    """The latest day a plan may be kept: the end of the academic year in which the young person turns 25
    (CFA s.46; reg 46 for a further education institution, 31 July; rules section 16). Decision: the further
    education end (31 July) is used for every plan, as no course end date is recorded."""
    return end_of_academic_year(birthday(dob, 25))


def year_group(plan: Mapping[str, Any], on: date) -> int:
    """The child's year group on a date: the national curriculum year (rules 3.1), unless the plan records that
    the child is taught out of their year group. A recorded year group is for one school year
    (`year_group_recorded_for`; when missing, the school year of the plan's `issued` date) and moves up each
    September, so a child taught a year behind is still a year behind next year."""
    child = plan.get("child") or {}
    dob = date.fromisoformat(str(child["date_of_birth"]))
    recorded = plan.get("year_group")
    if recorded is None:
        return nc_year(dob, on)
    since = plan.get("year_group_recorded_for")
    if since is None:
        issued = plan.get("issued")
        since = school_year_start(date.fromisoformat(str(issued))) if issued else school_year_start(on)
    return int(recorded) + school_year_start(on) - int(since)


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


# ---- keeping records -------------------------------------------------------------------------------------------
RETENTION_YEARS_FROM_BIRTH = 31  # IRMS toolkit for schools: SEN records kept until date of birth + 31 years


def retention_ends(dob: date) -> date:
    """The first day a plan's records may be erased: the child's date of birth + 31 years (IRMS toolkit), with
    the same 29 February reading as `birthday`."""
    return birthday(dob, RETENTION_YEARS_FROM_BIRTH)
