"""Plan-quality checks: every problem planted in tests/fixtures/vague_plan.yaml is found with the right rule, section
and item; the clean samples give nothing; broken plans never crash lint."""
from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from collections import Counter
from datetime import date

import pytest

from conftest import FIXTURES, ROOT
from ehcp_docs import fileio
from ehcp_docs.model import lint, validation

VAGUE = FIXTURES / "vague_plan.yaml"
SAMPLES = sorted((ROOT / "plans").glob("*.yaml"))
TODAY = date(2026, 11, 28)

# (rule, section, item) for every problem planted in the fixture (see its PLANTED comments), with repeats
PLANTED = Counter({
    ("need-without-provision", "B", "B3"): 1,
    ("need-without-provision", "C", "C1"): 1,
    ("vague-wording", "E", "E1"): 1,
    ("target-ongoing", "E", "E1.1"): 1,
    ("target-no-measure", "E", "E1.3"): 1,
    ("outcome-without-provision", "E", "E2"): 1,
    ("outcome-no-measure", "E", "E2"): 1,
    ("vague-wording", "E", "E2"): 1,
    ("outcome-date-passed", "E", "E3"): 1,
    ("no-pfa-outcome", "E", None): 1,
    ("vague-wording", "F", "F1"): 2,
    ("provision-no-expertise", "F", "F1"): 1,
    ("provision-vague-value", "F", "F1"): 1,
    ("provision-not-quantified", "F", "F1"): 1,
    ("vague-wording", "F", "F2"): 2,
    ("provision-vague-value", "F", "F2"): 3,
    ("vague-wording", "F", "F3"): 2,
    ("provision-not-quantified", "F", "F3"): 1,
    ("vague-wording", "G", "G1"): 2,
    ("provision-vague-value", "H1", "H1-1"): 1,
    ("no-placement", "I", None): 1,
})
# the phrase each vague finding must quote, per item
QUOTED = {
    "E1": ["regular"], "E2": ["as appropriate"], "F1": ["access to", "as required"],
    "F2": ["regular", "support from", "an adult", "flexible"], "F3": ["it is recommended", "opportunities to"],
    "G1": ["should have", "where possible"], "H1-1": ["tbc"],
}


@pytest.fixture
def vague() -> dict:
    return fileio.load_document(VAGUE)


@pytest.fixture
def clean() -> dict:
    return fileio.load_document(ROOT / "plans" / "EHCP-0002.yaml")


def triples(result: lint.LintResult) -> Counter:
    return Counter((f["rule"], f["section"], f["item"]) for f in result.as_json()["findings"])


def rules(plan: dict, today: date = TODAY, nc_year: int | None = 6) -> list[str]:
    return lint.lint_plan(plan, today, nc_year).rules()


# ---- the planted problems --------------------------------------------------------------------------------------
def test_fixture_is_valid_against_the_schema(vague):
    assert validation.plan_problems(vague) == []


def test_finds_every_planted_problem_and_nothing_else(vague):
    found = triples(lint.lint_plan(vague, TODAY, 10))
    assert found - PLANTED == Counter(), "unexpected findings"
    assert PLANTED - found == Counter(), "planted problems not found"


def test_year_group_is_worked_out_when_not_given(vague):
    assert triples(lint.lint_plan(vague, TODAY)) == PLANTED  # born Dec 2011: Year 10 in 2026/27


def test_vague_findings_quote_the_phrase(vague):
    findings = lint.lint_plan(vague, TODAY, 10).as_json()["findings"]
    for item, phrases in QUOTED.items():
        messages = " ".join(f["message"].lower() for f in findings
                            if f["item"] == item and f["rule"] in ("vague-wording", "provision-vague-value"))
        for phrase in phrases:
            assert f"'{phrase}'" in messages, (item, phrase)


def test_messages_are_in_caseworker_terms(vague):
    by = {(f["rule"], f["item"]): f["message"] for f in lint.lint_plan(vague, TODAY, 10).as_json()["findings"]}
    assert by[("provision-vague-value", "F1")] == (
        "Section F, provision F1 (Access to speech and language therapy as…), how often: 'as required' is vague — "
        "say exactly how often, e.g. '3 sessions a week in term time'")
    assert by[("need-without-provision", "B3")].startswith(
        "Section B, need B3 (the child becomes anxious and withdrawn at…): no provision in Section F meets this need")
    assert by[("target-ongoing", "E1.1")].startswith("Section E, interim target E1.1 (Ongoing): 'Ongoing.' is not")
    assert by[("no-pfa-outcome", None)].startswith("Section E: no outcome is marked as preparing for adulthood, "
                                                   "but the child or young person is in Year 10")
    assert by[("no-placement", None)].startswith("Section I:")
    assert by[("provision-vague-value", "H1-1")].startswith(
        "Section H1, provision H1-1 (Short breaks at a holiday play scheme), who funds it: 'TBC' is vague")


def test_json_shape_and_score(vague):
    out = lint.lint_plan(vague, TODAY, 10).as_json()
    assert list(out) == ["plan", "score", "findings"] and out["plan"] == "VAGUE-0001"
    assert all(list(f) == ["rule", "section", "item", "message"] for f in out["findings"])
    assert out["score"] == 0  # floored: the planted weights add up to far more than 100
    json.dumps(out)


def test_score_subtracts_the_weight_of_each_finding(clean):
    p = copy.deepcopy(clean)
    p["sections"]["F"]["provision"][0]["frequency"] = "as required"
    p["sections"]["F"]["provision"][1]["description"] += " Regular checks."
    result = lint.lint_plan(p, TODAY, 6)
    assert result.rules() == ["provision-vague-value", "vague-wording"]
    assert result.score == 100 - lint.RULES["provision-vague-value"].weight - lint.RULES["vague-wording"].weight


def test_findings_come_in_section_order(vague):
    order = ["B", "C", "E", "F", "G", "H1", "I"]
    sections = [f.section for f in lint.lint_plan(vague, TODAY, 10).findings]
    assert sections == sorted(sections, key=order.index)


# ---- no false positives ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_clean_samples_have_no_findings(path):
    plan = fileio.load_document(path)
    result = lint.lint_plan(plan, TODAY)  # year group worked out from the date of birth
    assert result.findings == [] and result.score == 100 and result.clean


def test_lint_does_not_change_the_plan(vague):
    before = copy.deepcopy(vague)
    lint.lint_plan(vague, TODAY)
    assert vague == before


# ---- each rule on its own --------------------------------------------------------------------------------------
@pytest.mark.parametrize("field,rule", [
    ("delivered_by", "provision-no-delivered-by"), ("frequency", "provision-no-frequency"),
    ("duration", "provision-no-duration"), ("group_size", "provision-no-group-size"),
    ("location", "provision-no-location"), ("funded_by", "provision-no-funder"),
    ("expertise", "provision-no-expertise"),
])
@pytest.mark.parametrize("how", ["deleted", "empty", "blank"])
def test_missing_provision_detail(clean, field, rule, how):
    p = clean["sections"]["F"]["provision"][2]
    if how == "deleted":
        del p[field]
    else:
        p[field] = "" if how == "empty" else "   "
    result = lint.lint_plan(clean, TODAY, 6).as_json()
    assert [(f["rule"], f["section"], f["item"]) for f in result["findings"]] == [(rule, "F", "F3")]
    assert result["findings"][0]["message"].startswith("Section F, provision F3 (An enhanced transition programme")


def test_missing_frequency_message(clean):
    del clean["sections"]["G"]["provision"][0]["frequency"]
    [f] = lint.lint_plan(clean, TODAY, 6).findings
    assert f.message == ("Section G, provision G1 (Occupational therapy review of the child's…): no "
                         "frequency — say how often, e.g. '3 sessions a week in term time'")


@pytest.mark.parametrize("value", ["As required", "as needed", "Regular", "when appropriate", "flexible", "TBC",
                                   "tbc", "n/a", "weekly, or as and when needed"])
def test_vague_frequency_values(clean, value):
    clean["sections"]["F"]["provision"][0]["frequency"] = value
    assert set(rules(clean)) == {"provision-vague-value"}


@pytest.mark.parametrize("field,value", [("frequency", "in term time"), ("duration", "a session"),
                                         ("group_size", "small group"), ("group_size", "a small group")])
def test_unquantified_values(clean, field, value):
    clean["sections"]["F"]["provision"][0][field] = value
    assert rules(clean) == ["provision-not-quantified"]


@pytest.mark.parametrize("field,value", [("frequency", "daily"), ("frequency", "twice a week"),
                                         ("duration", "forty-five minutes"), ("group_size", "individual"),
                                         ("group_size", "1:1"), ("duration", "throughout the school day")])
def test_quantified_values(clean, field, value):
    clean["sections"]["F"]["provision"][0][field] = value
    assert rules(clean) == []


def test_outcome_without_date_or_measure(clean):
    o = clean["sections"]["E"]["outcomes"][0]
    del o["by_when"]
    o["measured_how"] = ""
    del o["measured_by"]
    found = triples(lint.lint_plan(clean, TODAY, 6))
    assert found == Counter({("outcome-no-date", "E", "E1"): 1, ("outcome-no-measure", "E", "E1"): 2})


@pytest.mark.parametrize("value", ["July 2027", "2027-02-30", "ongoing", 2027])
def test_outcome_date_that_is_not_a_date(clean, value):
    clean["sections"]["E"]["outcomes"][0]["by_when"] = value
    found = lint.lint_plan(clean, TODAY, 6).findings
    assert [(f.rule, f.item) for f in found] == [("outcome-no-date", "E1")]
    assert f"'{value}' is not a date" in found[0].message


def test_outcome_date_passed_depends_on_today(clean):
    assert rules(clean, today=date(2027, 7, 16)) == []
    assert rules(clean, today=date(2027, 7, 17)).count("outcome-date-passed") == 2  # E1 and E2


@pytest.mark.parametrize("value", ["Ongoing", "on-going.", "Continuous", "TBC", "n/a", "  ongoing  "])
def test_ongoing_targets(clean, value):
    clean["sections"]["E"]["outcomes"][0]["targets"][0]["description"] = value
    found = lint.lint_plan(clean, TODAY, 6).findings
    assert [(f.rule, f.section, f.item) for f in found] == [("target-ongoing", "E", "E1.1")]


def test_ongoing_target_date_is_one_finding(clean):
    clean["sections"]["E"]["outcomes"][0]["targets"][0]["by_when"] = "ongoing"
    assert rules(clean) == ["target-ongoing"]


@pytest.mark.parametrize("value", [None, "", "next term", "2026-13-01"])
def test_undated_targets(clean, value):
    t = clean["sections"]["E"]["outcomes"][1]["targets"][0]
    if value is None:
        del t["by_when"]
    else:
        t["by_when"] = value
    found = lint.lint_plan(clean, TODAY, 6).findings
    assert [(f.rule, f.item) for f in found] == [("target-no-date", "E2.1")]


def test_target_without_measure(clean):
    del clean["sections"]["E"]["outcomes"][1]["targets"][0]["measured_how"]
    assert triples(lint.lint_plan(clean, TODAY, 6)) == Counter({("target-no-measure", "E", "E2.1"): 1})


def test_need_must_be_met_in_section_f(clean):
    """A need in B met only by health provision is still a gap in Section F; a C need may be met from F."""
    f = clean["sections"]["F"]["provision"]
    f[1]["needs"] = ["B1"]  # B2 now only...
    clean["sections"]["G"]["provision"][0]["needs"] = ["B2"]  # ...in Section G; and C1 only in F:
    f[3]["needs"] = ["B3", "C1"]
    assert triples(lint.lint_plan(clean, TODAY, 6)) == Counter({("need-without-provision", "B", "B2"): 1})


def test_social_care_need_without_provision(clean):
    clean["sections"]["D"]["needs"] = [{"id": "D1", "area": "social-emotional-and-mental-health",
                                        "description": "Short breaks."}]
    assert triples(lint.lint_plan(clean, TODAY, 6)) == Counter({("need-without-provision", "D", "D1"): 1})


def test_outcome_served_by_health_provision_only_is_served(clean):
    clean["sections"]["F"]["provision"][1]["outcomes"] = []  # E2 was served by F2 only
    assert triples(lint.lint_plan(clean, TODAY, 6)) == Counter({("outcome-without-provision", "E", "E2"): 1})
    clean["sections"]["G"]["provision"][0]["outcomes"].append("E2")
    assert rules(clean) == []


@pytest.mark.parametrize("nc_year,expected", [(8, []), (9, ["no-pfa-outcome"]), (13, ["no-pfa-outcome"]),
                                              (-1, [])])
def test_preparation_for_adulthood_from_year_9(clean, nc_year, expected):
    assert rules(clean, nc_year=nc_year) == expected


def test_recorded_year_group_wins_over_date_of_birth(clean):
    clean["year_group"] = 9
    assert rules(clean, nc_year=None) == ["no-pfa-outcome"]
    del clean["year_group"]
    del clean["child"]["date_of_birth"]
    assert rules(clean, nc_year=None) == []  # year unknown: the rule is skipped


def test_one_pfa_outcome_is_enough(clean):
    clean["sections"]["E"]["outcomes"][2]["preparing_for_adulthood"] = "community-participation"
    assert rules(clean, nc_year=9) == []


@pytest.mark.parametrize("placement,expected", [
    ({"name": "", "type": ""}, ["no-placement"]),
    ({"type": "  "}, ["no-placement"]),
    ({"name": "", "type": "TBC"}, ["no-placement"]),
    ({"name": "n/a", "type": "to be confirmed"}, ["no-placement"]),
    ({}, ["no-placement"]),
    (None, ["no-placement"]),
    ({"name": "", "type": "Education otherwise than in a school (EOTAS), section 61"}, []),
    ({"name": "Example School", "type": ""}, []),
])
def test_empty_placement_in_an_issued_plan(clean, placement, expected):
    if placement is None:
        del clean["sections"]["I"]
    else:
        clean["sections"]["I"] = placement
    assert rules(clean) == expected


def test_empty_placement_is_fine_in_a_draft(clean):
    clean["sections"]["I"] = {"name": "", "type": ""}
    del clean["issued"]
    assert rules(clean) == []


def test_every_rule_is_documented_and_exercised(vague, clean):
    triggered = set(lint.lint_plan(vague, TODAY, 10).rules())
    p = copy.deepcopy(clean)
    f = p["sections"]["F"]["provision"][0]
    for fld in ("delivered_by", "frequency", "duration", "group_size", "location", "funded_by"):
        del f[fld]
    del p["sections"]["E"]["outcomes"][0]["by_when"]
    del p["sections"]["E"]["outcomes"][0]["targets"][0]["by_when"]
    triggered |= set(lint.lint_plan(p, TODAY, 6).rules())
    assert triggered == set(lint.RULES)


# ---- rules list, phrases, word boundaries ----------------------------------------------------------------------
def test_lint_rules_for_help_text():
    described = lint.lint_rules()
    names = [r["rule"] for r in described]
    assert len(names) == len(set(names)) == len(lint.RULES)
    for r in described:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r["rule"])
        assert r["weight"] > 0 and r["description"].endswith(".")
    weights = [r["weight"] for r in described]
    assert weights == sorted(weights, reverse=True)


def test_phrase_list_holds_the_phrases_the_rules_name():
    data = json.loads(lint.PHRASES_FILE.read_text(encoding="utf-8"))
    vague = [p["phrase"] for p in data["vague_phrases"]]
    for phrase in ("access to", "regular", "as required", "opportunities to", "support from", "it is recommended",
                   "as appropriate", "where possible", "may benefit", "should have"):
        assert phrase in vague
    for key in ("vague_phrases", "vague_values"):
        listed = [p["phrase"] if isinstance(p, dict) else p for p in data[key]]
        assert len(listed) == len(set(listed)) and all(p == p.lower().strip() for p in listed), key


@pytest.mark.parametrize("text,expected", [
    ("Regular sessions", ["regular"]),
    ("REGULAR sessions", ["regular"]),
    ("irregular verbs", []),               # part of a longer word
    ("a non-regular timetable", []),       # part of a hyphenated word
    ("regular-ish", []),
    ("checked regularly", ["regularly"]),  # its own entry, not 'regular'
    ("(regular) checks", ["regular"]),
    ("regular, regular and Regular", ["regular"]),  # each phrase once per field
    ("access\n   to the hall", ["access to"]),     # a line break inside a phrase still matches
    ("accessible toilets", []),
    ("have access to a laptop", ["have access"]),  # overlapping phrases: the first, longest, wins
    ("It is recommended that", ["it is recommended"]),
    ("supported from Year 7", []),
    ("he may benefit from", ["may benefit"]),
    ("as required.", ["as required"]),
])
def test_phrase_matching_is_on_whole_words(text, expected):
    phrases = lint.default_phrases()
    assert [k for k, _, _ in lint.find_phrases(text, phrases.vague)] == expected


def test_detail_values_use_the_wider_list():
    phrases = lint.default_phrases()
    assert [k for k, _, _ in lint.find_phrases("Cost: n/a", phrases.for_details)] == ["n/a"]
    assert lint.find_phrases("flexible seating", phrases.vague) == []
    assert [k for k, _, _ in lint.find_phrases("flexible", phrases.for_details)] == ["flexible"]


def test_phrases_can_be_supplied_by_the_caller(clean):
    data = json.loads(lint.PHRASES_FILE.read_text(encoding="utf-8"))
    data["vague_phrases"] = [{"phrase": "Trains", "hint": "say which trains"}]  # an LA's own list
    own = lint.Phrases.from_json(data)
    clean["sections"]["A"]["about"] = "Trains."  # Section A is never checked
    result = lint.lint_plan(clean, TODAY, 6, phrases=own)
    assert result.rules() == []
    clean["sections"]["F"]["provision"][0]["description"] += " Model trains."
    assert lint.lint_plan(clean, TODAY, 6, phrases=own).rules() == ["vague-wording"]


# ---- robustness ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("plan", [None, [], "EHCP-0001", 3, {}, {"id": 5}, {"sections": None},
                                  {"sections": []}, {"sections": {"E": []}}, {"sections": {"F": {"provision": None}}},
                                  {"sections": {"B": {"needs": "B1"}, "F": {"provision": ["F1", None, 3]}}}])
def test_broken_plans_do_not_crash(plan):
    result = lint.lint_plan(plan, TODAY, 10)
    out = result.as_json()
    assert 0 <= out["score"] <= 100
    json.dumps(out)


def test_missing_sections_do_not_crash(clean):
    for sec in list(clean["sections"]):
        del clean["sections"][sec]
        lint.lint_plan(clean, TODAY, 10).as_json()
    assert lint.lint_plan(clean, TODAY, 10).rules() == ["no-pfa-outcome", "no-placement"]


def test_wrong_types_and_missing_ids_do_not_crash(clean):
    s = clean["sections"]
    f = s["F"]["provision"]
    f[0]["frequency"] = 3                   # a number: present and quantified
    f[0]["needs"] = "B1"                    # not a list: meets nothing
    f[1]["outcomes"] = [None, {"id": "E2"}]  # rubbish references are ignored
    del f[2]["id"]
    f[2]["duration"] = ["as required"]
    s["E"]["outcomes"][0]["targets"] = "none"
    s["E"]["outcomes"].append("E9")
    s["B"]["needs"].append({"area": "cognition-and-learning", "description": "No id."})
    s["G"]["provision"][0]["description"] = None
    s["H1"] = "none"
    clean["issued"] = True
    found = lint.lint_plan(clean, TODAY, 6).as_json()["findings"]
    got = Counter((f["rule"], f["item"]) for f in found)
    assert got == Counter({("need-without-provision", "B1"): 1, ("need-without-provision", None): 1,
                           ("outcome-without-provision", "E2"): 1, ("provision-vague-value", None): 1})
    nameless = [f["message"] for f in found if f["item"] is None and f["rule"] == "need-without-provision"]
    assert nameless == ["Section B, need number 4: no provision in Section F meets this need — add "
                        "provision that lists it under the needs it meets"]


def test_lint_is_pure():
    code = ("import sys, ehcp_docs.model.lint; bad = {'click', 'git', 'docxtpl', 'deepdiff'} & set(sys.modules); "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
