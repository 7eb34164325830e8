"""Validation messages name the section, item and field in caseworker terms, and list every problem at once."""
import copy
import json

import pytest

from conftest import FIXTURES, ROOT
from ehcp_docs import fileio
from ehcp_docs.errors import InvalidPlan
from ehcp_docs.model import validation

FIXTURE = FIXTURES / "minimal_plan.yaml"


@pytest.fixture
def plan() -> dict:
    return fileio.load_document(FIXTURE)


def test_fixture_is_valid(plan):
    assert validation.plan_problems(plan) == []


def test_schema_file_matches_its_generator():
    import runpy

    schema = runpy.run_path(str(ROOT / "scripts" / "make_schema.py"))["schema"]
    assert json.loads((ROOT / "schema" / "plan.schema.json").read_text()) == schema


def test_every_problem_is_listed_in_caseworker_terms(plan):
    del plan["sections"]["F"]["provision"][0]["frequency"]
    plan["sections"]["E"]["outcomes"][0]["targets"][0]["by_when"] = "2027-02-30"
    plan["child"]["date_of_birth"] = "next July"
    plan["sections"]["I"]["urn"] = 12
    plan["sections"]["F"]["provision"][0]["colour"] = "x"
    assert validation.plan_problems(plan) == [
        "child's details: date of birth: is not a real date (write it as YYYY-MM-DD, e.g. 2027-01-10)",
        "Section E, interim target E1.1 (By December 2026 the child follows two-part…), by when: '2027-02-30' is not a "
        "real date (write it as YYYY-MM-DD, e.g. 2027-01-10)",
        "Section F, provision F1 (Individual speech and language therapy): unknown field colour",
        "Section F, provision F1 (Individual speech and language therapy): how often is missing",
        "Section I, URN: should be text, not the number 12",
    ]


def test_duplicate_ids_and_dangling_references(plan):
    plan["sections"]["C"]["needs"].append({"id": "B1", "area": "sensory-and-physical", "description": "Asthma."})
    plan["sections"]["F"]["provision"][0]["outcomes"] = ["E9"]
    assert validation.plan_problems(plan) == [
        "Section C, need B1 (Asthma): the id B1 is already used by Section B, need B1; every item needs its own id",
        "Section F, provision F1 (Individual speech and language therapy): refers to outcome E9, which is not in "
        "the plan",
    ]


def test_missing_section_and_wrong_types(plan):
    del plan["sections"]["G"]
    plan["year_group"] = "nine"
    problems = validation.plan_problems(plan)
    assert "sections: Section G: health provision is missing" in problems
    assert "year group: should be a whole number, not 'nine'" in problems


def test_check_plan_raises_with_file_prefix(plan):
    bad = copy.deepcopy(plan)
    bad["sections"]["F"]["provision"][0]["frequency"] = ""
    with pytest.raises(InvalidPlan) as e:
        validation.check_plan(bad, "p.yaml")
    assert e.value.messages == [
        "p.yaml (plan TEST-0001): Section F, provision F1 (Individual speech and language therapy), how often: "
        "is empty"]


def test_control_characters_from_json_escapes_are_refused(plan):
    plan["sections"]["A"]["about"] = "bell\u0007"
    assert validation.plan_problems(plan) == ["Section A, about: contains a control character that cannot be printed"]


def test_not_a_plan():
    assert validation.plan_problems(["x"]) == [
        "the file does not hold a plan (expected a set of fields such as id, child and sections)"]
