"""diff_plans on plain dicts: only real changes, described exactly as the amendment notice prints them."""
from __future__ import annotations

import copy
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from ehcp_docs.errors import InvalidPlan
from ehcp_docs.fileio import load_document
from ehcp_docs.model.diffing import (
    Change,
    amended_items,
    changed_sections,
    changes_by_section,
    diff_plans,
    for_notice,
    merged_order,
    word_diff,
)
from ehcp_docs.model.plan import ITEM_LISTS
from ehcp_docs.model.validation import plan_problems

FIXTURE = FIXTURES / "diff_base.yaml"
_BASE = load_document(FIXTURE)


def base() -> dict:
    return copy.deepcopy(_BASE)


def provision(plan: dict, section: str = "F") -> list[dict]:
    return plan["sections"][section]["provision"]


def outcomes(plan: dict) -> list[dict]:
    return plan["sections"]["E"]["outcomes"]


def summary(changes: list[Change]) -> list[tuple]:
    return [(c.section, c.item, c.field, c.kind) for c in changes]


def scale(plan: dict, times: int) -> dict:
    """A plan `times` the size: every id'd list repeated with suffixed ids, references rewritten to match."""
    big = copy.deepcopy(plan)
    for sec, (lst, _noun) in ITEM_LISTS.items():
        items = big["sections"][sec].get(lst) or []
        copies = []
        for n in range(1, times):
            for it in items:
                c = copy.deepcopy(it)
                c["id"] = f"{it['id']}x{n}"
                for ref in ("needs", "outcomes"):
                    if ref in c:
                        c[ref] = [f"{r}x{n}" for r in c[ref]]
                for t in c.get("targets") or []:
                    t["id"] = f"{t['id']}x{n}"
                copies.append(c)
        items.extend(copies)
    return big


def test_fixture_is_a_valid_plan() -> None:
    assert plan_problems(base()) == []


def test_identical_plans_give_no_changes() -> None:
    assert diff_plans(base(), base()) == []


def test_reordering_unordered_items_gives_no_change() -> None:
    new = base()
    new["sections"]["B"]["needs"].reverse()
    new["sections"]["K"]["advice"].reverse()
    outcomes(new)[0]["targets"].reverse()
    provision(new)[0]["needs"] = list(provision(new)[0]["needs"])
    assert diff_plans(base(), new) == []


def test_moving_provision_to_the_top_reports_one_move_only() -> None:
    new = base()
    provision(new).insert(0, provision(new).pop())
    changes = diff_plans(base(), new)
    assert summary(changes) == [("F", "F3", None, "moved")]
    assert (changes[0].old, changes[0].new) == (3, 1)
    assert changes[0].description == ("Section F, provision F3 (Lunchtime social skills group) moved from "
                                      "position 3 to position 1")


def test_reversing_outcomes_reports_the_minimum_moves() -> None:
    new = base()
    outcomes(new).reverse()
    changes = diff_plans(base(), new)
    assert {c.kind for c in changes} == {"moved"}
    assert len(changes) == 2  # 3 items reversed: one stays, two move


def test_delete_and_insert_at_the_same_index_is_one_removed_and_one_added() -> None:
    new = base()
    replacement = copy.deepcopy(provision(new)[1])
    replacement.update(id="F9", description="Precision teaching of reading.", frequency="three times a week")
    provision(new)[1] = replacement
    changes = diff_plans(base(), new)
    assert summary(changes) == [("F", "F2", None, "removed"), ("F", "F9", None, "added")]
    assert changes[0].old == provision(base())[1]
    assert changes[1].new == replacement
    assert changes[0].new is None and changes[1].old is None


def test_rewriting_every_field_of_an_item_is_field_changes_not_a_replacement() -> None:
    new = base()
    p = provision(new)[0]
    for k in ("description", "delivered_by", "expertise", "frequency", "duration", "group_size", "location",
              "funded_by"):
        p[k] = f"new {k}"
    changes = diff_plans(base(), new)
    assert {c.kind for c in changes} == {"changed"}
    assert {c.item for c in changes} == {"F1"}
    assert len(changes) == 8
    assert [c.field for c in changes][:3] == ["provision", "who delivers it", "their expertise"]  # schema order


def test_nested_interim_target_change_is_reported_against_the_target() -> None:
    new = base()
    outcomes(new)[0]["targets"][1]["by_when"] = "2027-04-30"
    [c] = diff_plans(base(), new)
    assert (c.section, c.item, c.field, c.kind, c.old, c.new, c.parent) == (
        "E", "E1.2", "by when", "changed", "2027-03-31", "2027-04-30", "E1")
    assert c.description == ("Section E, interim target E1.2 (Follows a two-part instruction without a visual…): "
                             "by when changed from '2027-03-31' to '2027-04-30'")
    assert amended_items([c]) == {"E1.2", "E1"}


def test_interim_target_added_and_removed() -> None:
    new = base()
    targets = outcomes(new)[0]["targets"]
    targets.pop(0)
    targets.append({"id": "E1.3", "description": "Follows a three-part instruction with a prompt.",
                    "by_when": "2027-05-28", "measured_how": "SENCO observation, fortnightly."})
    changes = diff_plans(base(), new)
    assert [c.description for c in changes] == [
        "Section E, interim target E1.1 (Follows a two-part instruction with a visual…) removed from "
        "outcome E1",
        "Section E, interim target E1.3 (Follows a three-part instruction with a prompt) added to outcome E1",
    ]


def test_provision_added_and_linked_to_an_outcome() -> None:
    new = base()
    added = {"id": "F4", "area": "cognition-and-learning", "description": "Daily reading with an adult.",
             "delivered_by": "Teaching assistant", "frequency": "daily in term time", "duration": "15 minutes",
             "group_size": "1:1", "location": "in class", "funded_by": "the school", "needs": ["B2"],
             "outcomes": ["E2"]}
    provision(new).append(added)
    assert plan_problems(new) == []
    changes = diff_plans(base(), new)
    assert summary(changes) == [("F", "F4", None, "added")]
    assert changes[0].new == added
    assert changes[0].description == "Section F, provision F4 (Daily reading with an adult) added"
    assert amended_items(changes) == {"F4"}
    assert changed_sections(changes) == ["F"]


def test_linking_existing_provision_to_more_needs_changes_the_reference_list() -> None:
    new = base()
    provision(new)[0]["needs"] = ["B1", "B2"]
    provision(new)[0]["outcomes"] = []
    changes = diff_plans(base(), new)
    assert [c.description for c in changes] == [
        "Section F, provision F1 (Individual speech and language therapy): needs it meets changed from B1 to B1, B2",
        "Section F, provision F1 (Individual speech and language therapy): outcomes it serves changed from E1 "
        "to none",
    ]
    assert (changes[0].old, changes[0].new) == (["B1"], ["B1", "B2"])


def test_section_i_changed() -> None:
    new = base()
    new["sections"]["I"].update(name="Hillside Academy", urn="123456")
    changes = diff_plans(base(), new)
    assert [c.as_json() for c in changes] == [
        {"section": "I", "item": None, "field": "name of the school or institution", "kind": "changed",
         "old": "Riverside Primary School", "new": "Hillside Academy",
         "description": "Section I: name of the school or institution changed from 'Riverside Primary School' "
                        "to 'Hillside Academy'"},
        {"section": "I", "item": None, "field": "URN", "kind": "added", "old": None, "new": "123456",
         "description": "Section I: URN added: '123456'"},
    ]


def test_type_noise_is_not_a_change() -> None:
    old, new = base(), base()
    old["first_issued"] = dt.date(2024, 1, 10)
    old["child"]["date_of_birth"] = dt.date(2016, 3, 14)
    outcomes(old)[0]["targets"][0]["by_when"] = dt.date(2026, 12, 18)
    old["sections"]["K"]["advice"][0]["date"] = dt.date(2023, 11, 2)
    old["year_group"], new["year_group"] = 4, 4.0
    old["sections"]["A"]["about"] = new["sections"]["A"]["about"].replace(".", ".\r\n", 1)
    new["sections"]["A"]["about"] = new["sections"]["A"]["about"].replace(".", ".\n", 1)
    assert diff_plans(old, new) == []


def test_golden_descriptions_in_reading_order() -> None:
    new = base()
    new["child"]["known_as"] = "Lexi"
    new["issued"] = "2026-02-01"
    new["sections"]["A"]["aspirations"] = "To work with animals, perhaps as a vet."
    provision(new)[0]["frequency"] = "three times a week"
    del provision(new)[0]["expertise"]
    provision(new)[1]["expertise"] = "Level 3 phonics training"
    new["sections"]["J"]["in_place"] = True
    new["sections"]["K"]["advice"].append({"id": "K3", "title": "Occupational therapy advice", "author": "O T",
                                           "date": "2026-01-05"})
    changes = diff_plans(base(), new)
    assert [c.description for c in changes] == [
        "Child or young person: known as changed from 'Alex' to 'Lexi'",
        "Issued changed from '2025-01-09' to '2026-02-01'",
        "Section A: aspirations for the future changed from 'To work with animals.' to "
        "'To work with animals, perhaps as a vet.'",
        "Section F, provision F1 (Individual speech and language therapy): their expertise removed "
        "(was 'HCPC-registered')",
        "Section F, provision F1 (Individual speech and language therapy): how often changed from 'once a week' "
        "to 'three times a week'",
        "Section F, provision F2 (Structured phonics programme): their expertise added: 'Level 3 phonics training'",
        "Section J: personal budget in place changed from no to yes",
        "Section K, advice K3 (Occupational therapy advice) added",
    ]
    assert for_notice(changes) == [c for c in changes if c.field != "issued"]
    by_section = changes_by_section(changes)
    assert list(by_section) == [None, "A", "F", "J", "K"]
    assert changed_sections(changes) == ["A", "F", "J", "K"]


def test_long_wording_is_not_quoted_in_the_sentence() -> None:
    new = base()
    new["sections"]["A"]["about"] += " Alex enjoys helping in the school garden and looking after the class pets."
    [c] = diff_plans(base(), new)
    assert c.description == "Section A: about me changed"
    assert c.is_wording and c.new.startswith(c.old)


def test_removed_items_are_listed_where_they_were() -> None:
    new = base()
    del provision(new)[1]
    provision(new)[0]["frequency"] = "twice a week"
    provision(new)[1]["frequency"] = "three times a week"
    assert summary(diff_plans(base(), new)) == [
        ("F", "F1", "how often", "changed"), ("F", "F2", None, "removed"), ("F", "F3", "how often", "changed")]


def test_duplicate_ids_are_refused_rather_than_hidden() -> None:
    new = base()
    provision(new).append(copy.deepcopy(provision(new)[0]))
    with pytest.raises(InvalidPlan, match="F1"):
        diff_plans(base(), new)


def test_a_plan_five_times_the_size_diffs_correctly() -> None:
    old = scale(base(), 5)
    assert plan_problems(old) == []
    new = copy.deepcopy(old)
    provision(new)[7]["frequency"] = "every day"                     # F2x2
    outcomes(new)[10]["targets"][0]["by_when"] = "2027-01-29"        # E2x3's target E2.1x3
    del new["sections"]["B"]["needs"][4]                             # B1x2
    new["sections"]["K"]["advice"].reverse()                         # order of advice does not matter
    provision(new).insert(0, provision(new).pop(12))                 # F1x4 to the top
    changes = diff_plans(old, new)
    assert summary(changes) == [
        ("B", "B1x2", None, "removed"),
        ("E", "E2.1x3", "by when", "changed"),
        ("F", "F1x4", None, "moved"),
        ("F", "F2x2", "how often", "changed"),
    ]


def test_word_diff_keeps_whitespace_and_groups_changed_words() -> None:
    assert word_diff("the quick brown fox", "the slow red fox") == [
        ("equal", "the "), ("delete", "quick brown"), ("insert", "slow red"), ("equal", " fox")]
    assert word_diff("once a week", "three times a week") == [
        ("delete", "once"), ("insert", "three times"), ("equal", " a week")]
    assert word_diff("by 2027-03-31", "by 2027-04-30") == [
        ("equal", "by "), ("delete", "2027-03-31"), ("insert", "2027-04-30")]
    assert word_diff("same", "same") == [("equal", "same")]


@given(st.text(alphabet="ab .,\n-'", max_size=30), st.text(alphabet="ab .,\n-'", max_size=30))
@settings(max_examples=200, deadline=None)
def test_word_diff_reassembles_both_wordings(old: str, new: str) -> None:
    parts = word_diff(old, new)
    assert "".join(t for op, t in parts if op != "insert") == old
    assert "".join(t for op, t in parts if op != "delete") == new


@given(st.permutations(["E1", "E2", "E3", "E4", "E5", "E6"]))
@settings(max_examples=100, deadline=None)
def test_merged_order_shows_every_item_once_per_place(new_order: list[str]) -> None:
    old_order = ["E1", "E2", "E3", "E4", "E5", "E6"]
    merged = merged_order(old_order, new_order, track_moves=True)
    assert [i for i, s in merged if s in ("same", "moved_to")] == new_order
    assert [i for i, s in merged if s in ("same", "moved_from")] == old_order
    plain = merged_order(old_order, new_order, track_moves=False)
    assert [i for i, _s in plain] == new_order and {s for _i, s in plain} == {"same"}
