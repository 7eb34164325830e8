"""The fictional sample plans in plans/: valid, realistic, covering the ages and transfers the calendar cares about,
and written to the 'strong' standard of ehcp-rules.md section 2 (so `lint` finds nothing in them)."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta

from conftest import ROOT
from ehcp_docs import fileio
from ehcp_docs.model import lint, validation
from ehcp_docs.model import plan as planmod

SAMPLES = sorted((ROOT / "plans").glob("*.yaml"))
TODAY = date(2026, 11, 28)
SCHOOL_YEAR = 2026  # the school year starting September 2026


def load(path: Path) -> dict:
    return fileio.load_document(path)


def by_id() -> dict[str, dict]:
    return {p["id"]: p for p in map(load, SAMPLES)}


def dob(plan: dict) -> date:
    return date.fromisoformat(plan["child"]["date_of_birth"])


def nc_year(plan: dict, school_year_start: int = SCHOOL_YEAR) -> int:
    """Rules 3.1, written out independently of ehcp_docs.schoolyear: S - Y - 4, Y = birth year (+1 Sep-Dec)."""
    d = dob(plan)
    return school_year_start - (d.year + (1 if d.month >= 9 else 0)) - 4


def age(plan: dict, on: date = TODAY) -> int:
    d = dob(plan)
    return on.year - d.year - ((on.month, on.day) < (d.month, d.day))


def pfa(plan: dict) -> list[str]:
    return [o["preparing_for_adulthood"] for o in planmod.outcomes(plan) if o.get("preparing_for_adulthood")]


def test_there_are_at_least_six_samples():
    assert len(SAMPLES) >= 6
    assert {f"EHCP-000{i}" for i in range(1, 7)} <= set(by_id())


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_sample_loads_and_validates(path: Path):
    plan = load(path)
    validation.check_plan(plan, str(path))  # raises InvalidPlan listing every problem
    assert plan["id"] == path.stem


def test_plan_ids_are_unique():
    ids = [load(p)["id"] for p in SAMPLES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_item_ids_are_unique_within_each_plan(path: Path):
    ids = [i.id for i in planmod.items(load(path))]
    assert all(ids) and len(ids) == len(set(ids))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_sample_is_complete(path: Path):
    plan = load(path)
    s = plan["sections"]
    assert set(planmod.SECTIONS) <= set(s)
    assert plan["child"]["name"] and plan["caseworker"]["name"] and plan["caseworker"]["email"]
    assert plan["parents"], "every sample names a parent"
    for parent in plan["parents"]:
        assert parent["address"] and parent["phone"] and parent["email"].endswith("@example.org"), parent["name"]
    assert s["A"]["about"] and s["A"]["child_views"] and s["A"]["aspirations"]
    assert s["B"]["needs"] and s["E"]["outcomes"] and s["F"]["provision"] and s["K"]["advice"]
    assert s["I"]["type"]
    if s["I"].get("name"):
        for key in ("urn", "address", "head", "senco"):
            assert s["I"].get(key), f"Section I {key}"
    assert plan["first_issued"] <= plan["issued"] <= TODAY.isoformat()
    assert plan.get("last_reviewed", plan["first_issued"]) <= TODAY.isoformat()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_every_need_and_outcome_has_provision(path: Path):
    plan = load(path)
    provision = [i.data for i in planmod.items(plan) if i.kind == "provision"]
    in_f = {n for p in plan["sections"]["F"]["provision"] for n in p["needs"]}
    assert {n["id"] for n in plan["sections"]["B"]["needs"]} <= in_f
    for sec in ("C", "D"):
        assert {n["id"] for n in plan["sections"][sec]["needs"]} <= {n for p in provision for n in p["needs"]}
    assert {o["id"] for o in planmod.outcomes(plan)} <= {o for p in provision for o in p["outcomes"]}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_outcomes_are_smart_with_dated_targets(path: Path):
    for o in planmod.outcomes(load(path)):
        assert o["by_when"] > TODAY.isoformat() and o["measured_how"] and o["measured_by"]
        assert o["targets"], f"outcome {o['id']} has interim targets"
        for t in o["targets"]:
            assert t["id"].startswith(o["id"] + ".")
            assert t["by_when"] <= o["by_when"] and t["measured_how"]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_sample_lints_clean(path: Path):
    plan = load(path)
    result = lint.lint_plan(plan, TODAY, nc_year(plan))
    assert result.as_json()["findings"] == []
    assert result.as_json()["score"] == 100


def test_under_five_in_nursery_starting_school_in_2027():
    p = by_id()["EHCP-0001"]
    assert 2022 <= dob(p).year <= 2023 and age(p) < 5
    assert nc_year(p) < 0 and nc_year(p, 2027) == 0  # Reception from September 2027
    assert p["transfer"]["kind"] == "early-years-to-school" and p["transfer"]["date"] == "2027-09-01"
    assert "nursery" in p["sections"]["I"]["type"].lower() or "early years" in p["sections"]["I"]["type"].lower()
    assert p["sections"]["I"]["urn"].startswith("EY")


def test_year_6_moving_to_secondary():
    p = by_id()["EHCP-0002"]
    assert date(2015, 9, 1) <= dob(p) <= date(2016, 8, 31) and nc_year(p) == 6
    assert p["transfer"] == {"date": "2027-09-01", "kind": "primary-to-secondary",
                             "next_setting": p["transfer"]["next_setting"]}
    assert p["transfer"]["next_setting"]


def test_year_9_has_preparation_for_adulthood_outcomes():
    p = by_id()["EHCP-0003"]
    assert date(2012, 9, 1) <= dob(p) <= date(2013, 8, 31) and nc_year(p) == 9
    assert pfa(p)


def test_year_11_moving_to_college():
    p = by_id()["EHCP-0004"]
    assert date(2010, 9, 1) <= dob(p) <= date(2011, 8, 31) and nc_year(p) == 11
    assert p["transfer"]["kind"] == "secondary-to-post16" and p["transfer"]["date"] == "2027-09-01"
    assert p["transfer"]["next_setting"]
    assert pfa(p)


def test_twenty_year_old_at_college_decides_for_himself():
    p = by_id()["EHCP-0005"]
    assert age(p) == 20 and not p["child"].get("lacks_capacity")
    assert p["child"]["email"].endswith("@example.org") and p["child"]["address"]
    assert "college" in p["sections"]["I"]["type"].lower()
    assert pfa(p) and p["sections"]["H2"]["provision"]


def test_no_school_placement():
    p = by_id()["EHCP-0006"]
    i = p["sections"]["I"]
    assert i.get("name", "") == "" and "otherwise than in a school" in i["type"] and "section 61" in i["type"]
    assert any("'" in parent["name"] for parent in p["parents"])


def test_names_exercise_apostrophes_and_accents():
    people = [n for p in by_id().values() for n in [p["child"]["name"]] + [x["name"] for x in p["parents"]]]
    assert any("'" in n for n in people)
    assert any(any(ord(c) > 127 for c in n) for n in people)
    assert not any("&" in n for n in people)


def test_variety_of_health_social_care_and_budgets():
    plans = by_id().values()
    assert sum(bool(p["sections"]["G"]["provision"]) for p in plans) >= 4
    assert sum(bool(p["sections"]["H1"]["provision"] or p["sections"]["H2"]["provision"]) for p in plans) >= 3
    assert sum(bool(p["sections"]["J"].get("items")) for p in plans) >= 2
    assert sum(bool(p["sections"]["C"]["needs"]) for p in plans) >= 4


def test_review_calendar_is_interesting():
    """Next review due 12 months (less a day) after the last review, or after first issue (rules 3, 4.1)."""
    due = {}
    for pid, p in by_id().items():
        start = date.fromisoformat(p.get("last_reviewed") or p["first_issued"])
        due[pid] = start + relativedelta(months=12) - timedelta(days=1)
    overdue = [pid for pid, d in due.items() if d < TODAY]
    spring_2027 = [pid for pid, d in due.items() if date(2027, 1, 1) <= d <= date(2027, 4, 30)]
    assert overdue == ["EHCP-0006"]
    assert len(spring_2027) >= 3
    transfers = [p for p in by_id().values() if p.get("transfer")]
    assert {p["transfer"]["kind"] for p in transfers} >= {"early-years-to-school", "primary-to-secondary",
                                                        "secondary-to-post16"}
