"""Issue 17, item 14: a Latin-1 ehcp.toml, `lint --all` on a hand-committed plan with a bad date of birth or no
`child`, and plan ids that differ only in case: a clear message each, never a traceback."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import PLANS, git, snapshot


def test_a_latin1_settings_file_is_a_message(ehcp, store_path: Path):
    toml = store_path / "ehcp.toml"
    toml.write_bytes(toml.read_bytes() + "\n# Café des Écoles\n".encode("latin-1"))
    for argv in (("due", "--term", "spring-2027"), ("doctor",), ("validate", "--all")):
        r = ehcp(*argv)
        assert r.exit_code == 1, (argv, r.stderr)
        assert "ehcp.toml: line" in r.stderr and "is not UTF-8 text" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr


@pytest.mark.parametrize("old, new", [("date_of_birth: '2015-11-04'", "date_of_birth: 'soon'"),
                                      ("date_of_birth: '2015-11-04'", "date_of_birth: '2015-02-30'"),
                                      ("child:\n", "kid:\n")])
def test_lint_all_names_a_broken_plan(ehcp, store_path: Path, old: str, new: str):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    path = store_path / "plans" / "EHCP-0002" / "plan.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    git(store_path, "commit", "-qam", "by hand")
    r = ehcp("lint", "--all")
    assert r.exit_code == 1, r.stderr
    assert "plan EHCP-0002" in r.stderr and "Traceback" not in r.stderr


def test_ids_are_unique_whatever_their_case(ehcp, store_path: Path, tmp_path: Path):
    assert ehcp("add", PLANS / "EHCP-0002.yaml").exit_code == 0
    lower = tmp_path / "lower.yaml"
    lower.write_text((PLANS / "EHCP-0002.yaml").read_text(encoding="utf-8").replace("id: EHCP-0002", "id: ehcp-0002"),
                     encoding="utf-8")
    before = snapshot(store_path)
    r = ehcp("add", lower)
    assert r.exit_code == 1 and "already in the store (as EHCP-0002" in r.stderr, r.stderr
    assert snapshot(store_path) == before
    other = tmp_path / "other.yaml"
    other.write_text((PLANS / "EHCP-0001.yaml").read_text(encoding="utf-8").replace("id: EHCP-0001", "id: ehcp-0001"),
                     encoding="utf-8")
    r = ehcp("add", PLANS / "EHCP-0001.yaml", other)
    assert r.exit_code == 1 and "is also used by" in r.stdout + r.stderr
