"""The child's side of the calendar (rules 3.1, 16): a recorded year group moves up each September."""
from datetime import date

import pytest

from ehcp_docs import statutory as ts

D = date.fromisoformat


def plan(**kw) -> dict:
    return {"id": "P1", "child": {"name": "Sam", "date_of_birth": "2012-10-05"}, "issued": "2026-01-10", **kw}


@pytest.mark.parametrize("basis,extra,on,year", [
    ("rules 3.1: no recorded year: by date of birth", {}, "2026-09-01", 9),
    ("recorded for 2026-27: that year", {"year_group": 8, "year_group_recorded_for": 2026}, "2027-06-30", 8),
    ("recorded for 2026-27: moves up next September", {"year_group": 8, "year_group_recorded_for": 2026},
     "2027-09-01", 9),
    ("recorded for 2026-27: two years on", {"year_group": 8, "year_group_recorded_for": 2026}, "2028-09-10", 10),
    ("without the school year: the plan's issue date's (2025-26)", {"year_group": 7}, "2026-07-01", 7),
    ("without the school year: moves up from the issue date's", {"year_group": 7}, "2026-09-01", 8),
])
def test_recorded_year_group_moves_up_each_september(basis, extra, on, year):
    p = plan(**extra)
    assert ts.year_group(p, D(on)) == year, basis
    assert ts.deadlines({**p, "first_issued": "2026-01-10"}, [], D(on)).nc_year == year, basis


def test_focus_from_year_9_follows_the_recorded_year_as_it_moves_up():
    p = {**plan(year_group=8, year_group_recorded_for=2026), "first_issued": "2026-01-10"}
    assert "preparation-for-adulthood" not in ts.review_focus(p, D("2027-03-01"))
    assert "preparation-for-adulthood" in ts.review_focus(p, D("2027-09-01"))
