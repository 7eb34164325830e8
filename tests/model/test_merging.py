"""The three-way merge of a plan by field and item id."""
import copy

import yaml

from conftest import FIXTURES
from ehcp_docs.model.merging import merge_plans

BASE = yaml.safe_load((FIXTURES / "minimal_plan.yaml").read_text())


def changed(**fields):
    plan = copy.deepcopy(BASE)
    for path, value in fields.items():
        node = plan
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[int(k)] if isinstance(node, list) else node[k]
        node[keys[-1]] = value
    return plan


def test_different_fields_of_one_item_merge():
    mine = changed(sections__F__provision__0__frequency="2 sessions a week")
    theirs = changed(sections__F__provision__0__group_size="1:2")
    m = merge_plans(BASE, mine, theirs)
    item = m.plan["sections"]["F"]["provision"][0]
    assert m.conflicts == [] and (item["frequency"], item["group_size"]) == ("2 sessions a week", "1:2")


def test_same_field_two_values_is_one_conflict_in_caseworker_terms():
    mine = changed(sections__F__provision__0__frequency="2 sessions a week", sections__A__aspirations="Vet")
    theirs = changed(sections__F__provision__0__frequency="3 sessions a week")
    m = merge_plans(BASE, mine, theirs)
    assert len(m.conflicts) == 1 and m.plan["sections"]["A"]["aspirations"] == "Vet"
    assert m.conflicts[0].describe(m.plan, "Bea (2026-11-04)") == (
        "Section F, provision F1 (Individual speech and language therapy), how often: you: 2 sessions a week; "
        "Bea (2026-11-04): 3 sessions a week")
    assert merge_plans(BASE, mine, theirs, prefer="theirs").plan["sections"]["F"]["provision"][0]["frequency"] \
        == "3 sessions a week"


def test_items_added_on_both_sides_are_both_kept_in_place():
    mine, theirs = copy.deepcopy(BASE), copy.deepcopy(BASE)
    extra = dict(BASE["sections"]["F"]["provision"][0])
    mine["sections"]["F"]["provision"].append({**extra, "id": "F8"})
    theirs["sections"]["F"]["provision"].append({**extra, "id": "F9"})
    m = merge_plans(BASE, mine, theirs)
    assert [p["id"] for p in m.plan["sections"]["F"]["provision"]] == ["F1", "F8", "F9"] and not m.conflicts


def test_removed_on_one_side_changed_on_the_other_is_a_conflict():
    mine = copy.deepcopy(BASE)
    mine["sections"]["F"]["provision"] = []
    theirs = changed(sections__F__provision__0__frequency="Daily")
    assert len(merge_plans(BASE, mine, theirs).conflicts) == 1
