"""The working document's cells as data: a proposal never loses the plan's wording, says exactly what its party
wants, sits beside the other party's, and can be agreed or withdrawn on its own."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ehcp_docs.model import working_text as wt

words = st.lists(st.sampled_from(["3", "sessions", "a", "week", "in", "term", "time,", "4", "daily", "(1:1)"]),
                 min_size=1, max_size=8).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(base=words, family=words, la=words)
def test_proposals_keep_the_plan_wording_and_say_what_each_party_wants(base, family, la):
    cell = wt.propose(wt.propose(wt.original(base), family, "family"), la, "la")
    assert wt.base_text(cell) == base  # the plan's own wording is all there, struck or not
    assert " ".join(wt.view(wt.withdraw(cell, "la"), "family").split()) == family
    assert " ".join(wt.view(wt.withdraw(cell, "family"), "la").split()) == la
    assert wt.withdraw(wt.withdraw(cell, "la"), "family") == wt.original(base)
    agreed = wt.agree(cell, "family")
    assert not [s for s in agreed if s["who"] == "family"]
    if family != base:  # the family's wording is now agreed, the LA's proposals on the cell withdrawn
        assert " ".join(wt.view(agreed, "nobody").split()) == family
    else:  # nothing of the family's to agree: the LA's proposals stay
        assert agreed == cell


def test_a_word_changed_is_struck_then_added():
    cell = wt.propose(wt.original("45 minutes a session"), "50 minutes a session", "la", "Report, A, 2026, p.1")
    assert wt.proposals(cell) == [("la", "del", "45"), ("la", "add", "50")]
    assert all(s.get("ev") == "Report, A, 2026, p.1" for s in cell if s["op"] != "keep")


def test_changes_between_versions_are_named_in_caseworker_terms():
    plan = {"id": "EHCP-T", "child": {"name": "Sam Test"}, "sections": {"F": {"provision": [
        {"id": "F1", "description": "Speech therapy for Sam", "frequency": "once a week"}]}}}
    cells = wt.cells_of(plan, ["F"])
    before = {c.key: wt.original(c.text) for c in cells}
    after = dict(before, **{"F1:frequency": wt.propose(before["F1:frequency"], "twice a week", "family")})
    lines = wt.changes_between(before, after, cells)
    assert lines == ["Section F, provision F1 (Speech therapy for the child), how often: the family proposes "
                     "removing \u201conce\u201d", "Section F, provision F1 (Speech therapy for the child), how often: "
                     "the family proposes adding \u201ctwice\u201d"]
