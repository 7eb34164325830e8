"""Issue 17, items 12 and 13: validation messages never echo personal data, and names and ids with control or
direction-changing characters are refused (and escaped in every terminal output)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import PLANS, snapshot
from ehcp_docs.model import validation


def _plan_file(tmp_path: Path, change) -> Path:
    plan = yaml.safe_load((PLANS / "EHCP-0002.yaml").read_text(encoding="utf-8"))
    change(plan)
    f = tmp_path / "EHCP-0002.yaml"
    f.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return f


PERSONAL = {  # a wrong value in a personal field -> the value, which must never appear in the message
    "parents-as-text": (lambda p: p.__setitem__("parents", "Sinéad Brennan and Mark Hayes"),
                        "Sinéad Brennan and Mark Hayes"),
    "dob-words": (lambda p: p["child"].__setitem__("date_of_birth", "4 November 2015"), "4 November 2015"),
    "email-list": (lambda p: p["parents"][0].__setitem__("email", ["sinead.brennan@example.org"]),
                   "sinead.brennan@example.org"),
    "name-number": (lambda p: p["child"].__setitem__("name", 20151104), "20151104"),
    "caseworker-name": (lambda p: p["caseworker"].__setitem__("name", ["Daniel Osei"]), "Daniel Osei"),
    "child-as-text": (lambda p: p.__setitem__("child", "Oliver Brennan-Hayes"), "Oliver Brennan-Hayes"),
    "caseworker-as-text": (lambda p: p.__setitem__("caseworker", "Daniel Osei"), "Daniel Osei"),
    "professionals-as-text": (lambda p: p.__setitem__("professionals", "Priya Ramanathan"), "Priya Ramanathan"),
    "dob-a-name": (lambda p: p["child"].__setitem__("date_of_birth", "Oliver Brennan-Hayes"), "Oliver"),
    "email-words": (lambda p: p["parents"][0].__setitem__("email", "Sinéad at home"), "Sinéad"),
    "phone-number": (lambda p: p["parents"][0].__setitem__("phone", 7700900202), "7700900202"),
    "address-list": (lambda p: p["child"].__setitem__("address", ["7 Chapel Lane"]), "Chapel"),
    "upn-a-name": (lambda p: p["child"].__setitem__("upn", "Oliver Brennan-Hayes"), "Oliver"),
    "head-list": (lambda p: p["sections"]["I"].__setitem__("head", ["Mrs O'Neill"]), "O'Neill"),
    "known-as-too-long": (lambda p: p["child"].__setitem__("known_as", "Ollie " * 5000), "Ollie"),
    "a-name-typed-as-a-key": (lambda p: p["parents"][0].__setitem__("Sinéad Brennan", "mother"), "Sinéad"),
}


@pytest.mark.parametrize("case", sorted(PERSONAL))
def test_messages_name_the_field_not_the_value(ehcp, tmp_path: Path, case: str):
    change, value = PERSONAL[case]
    r = ehcp("validate", _plan_file(tmp_path, change))
    assert r.exit_code == 1, r.stderr
    assert value not in r.stderr and value not in r.stdout, r.stderr
    assert "Traceback" not in r.stderr


CONTROL = {"cr": "\r", "lf": "\n", "rlo": "\u202e", "csi": "\u009b", "del": "\x7f", "lri": "\u2066"}


@pytest.mark.parametrize("case", sorted(CONTROL))
@pytest.mark.parametrize("field", ["child", "parent", "setting"])
def test_names_with_control_characters_are_refused(ehcp, store_path: Path, tmp_path: Path, case: str, field: str):
    bad = f"Ann{CONTROL[case]}INJ-9999 FAKE"

    def change(p: dict) -> None:
        {"child": p["child"], "parent": p["parents"][0], "setting": p["sections"]["I"]}[field]["name"] = bad
    f = _plan_file(tmp_path, change)
    r = ehcp("validate", f)
    assert r.exit_code == 1 and "which a name or id may not" in r.stdout + r.stderr, r.stdout
    before = snapshot(store_path)
    r = ehcp("add", f)
    assert r.exit_code == 1 and snapshot(store_path) == before


def test_names_committed_by_hand_are_escaped_in_terminal_output(ehcp, store_path: Path, tmp_path: Path):
    from conftest import git

    assert ehcp("add", PLANS / "EHCP-0002.yaml").exit_code == 0
    path = store_path / "plans" / "EHCP-0002" / "plan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Oliver Brennan-Hayes",
                                                             'name: "Ann\\nINJ-9999 FAKE\\u202e\\x9b"'),
                    encoding="utf-8")
    git(store_path, "commit", "-qam", "by hand")
    for argv in (("due", "--from", "2026-01-01", "--to", "2027-12-31", "--today", "2026-11-28"),
                 ("due", "--from", "2026-01-01", "--to", "2027-12-31", "--today", "2026-11-28", "--json"),
                 ("due", "--from", "2026-01-01", "--to", "2027-12-31", "--today", "2026-11-28", "--format", "csv"),
                 ("lists", "--term", "spring-2027", "--today", "2026-11-28", "--jobs", "1"),
                 ("overdue", "--today", "2026-11-28"), ("list",), ("status", "EHCP-0002"), ("open", "EHCP-0002"),
                 ("log", "EHCP-0002"), ("deadlines", "EHCP-0002", "--today", "2026-11-28"), ("doctor",),
                 ("validate", "--all"), ("review", "status", "EHCP-0002"), ("lint", "EHCP-0002"),
                 ("show", "EHCP-0002", "--contributions"), ("show", "EHCP-0002")):
        r = ehcp(*argv)
        for stream in (r.stdout, r.stderr):
            assert not any(line.startswith("INJ-9999") for line in stream.splitlines()), (argv, stream)
            assert "\u202e" not in stream and "\x9b" not in stream, argv
    rows = json.loads(ehcp("due", "--from", "2026-01-01", "--to", "2027-12-31", "--today", "2026-11-28",
                           "--json").stdout)
    assert rows and rows[0]["name"] == "Ann\nINJ-9999 FAKE\u202e\x9b"  # the data itself is unchanged


def test_personal_paths():
    assert validation.personal(["child", "name"]) and validation.personal(["parents", 0])
    assert validation.personal(["sections", "I", "head"])
    assert not validation.personal(["sections", "F", "provision", 0, "frequency"])


@pytest.mark.parametrize("field, value, words", [
    ("issued", "9999-12-31", "issued: is more than a year ahead"),
    ("first_issued", "9999-12-31", "more than a year ahead"),
    ("date_of_birth", "0001-01-01", "more than 26 years before"),
    ("date_of_birth", "9999-12-31", "is after the plan was first issued"),
])
def test_impossible_and_extreme_plan_dates_are_refused(ehcp, store_path: Path, tmp_path: Path, field: str,
                                                       value: str, words: str):
    def change(p: dict) -> None:
        (p["child"] if field == "date_of_birth" else p)[field] = value
    f = _plan_file(tmp_path, change)
    before = snapshot(store_path)
    r = ehcp("add", f)
    assert r.exit_code == 1 and words in r.stdout + r.stderr and "Traceback" not in r.stderr, r.stderr
    assert value not in r.stderr or field != "date_of_birth"
    assert snapshot(store_path) == before


@pytest.mark.parametrize("option", ["--date", "--today"])
def test_extreme_option_dates_are_usage_errors(ehcp, store_path: Path, option: str):
    assert ehcp("add", PLANS / "EHCP-0002.yaml").exit_code == 0
    argv = (("contribute", "EHCP-0002", "--from", "parent", "--text", "Hi.") if option == "--date"
            else ("deadlines", "EHCP-0002"))
    r = ehcp(*argv, option, "9999-12-31")
    assert r.exit_code == 2 and "outside the years" in r.stderr and "Traceback" not in r.stderr
