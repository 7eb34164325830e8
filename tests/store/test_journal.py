"""The journal's identity, order and merge: two clones' journals merge as the union of both, the same whichever
side merges, each side's order kept, numbers renumbered and references rewritten; old journals (no ids) too."""
import json

import pytest

from ehcp_docs.store import journal
from ehcp_docs.store.merge_driver import main as driver

NEEDED = {"contribution": {"role": "parent", "text": "T"}, "contribution-resolved": {"taken_up": True}}  # REQUIRED


def ev(seq, name, day, ident=None, at=None, **data):
    r = {"seq": seq, "event": name, "date": day, "recorded": day, "by": "By Hand", **NEEDED.get(name, {}), **data}
    if ident:
        r["id"], r["at"] = ident, at or f"{day}T09:00:00.000000"
    return r


BASE = [ev(1, "issued", "2026-01-10", "i1")]


def test_union_each_event_once_in_date_order_and_symmetric():
    ours = BASE + [ev(2, "contribution", "2026-11-03", "a1", text="A")]
    theirs = BASE + [ev(2, "concern", "2026-11-02", "b1", text="B")]
    one, other = journal.merge(BASE, ours, theirs), journal.merge(BASE, theirs, ours)
    assert one == other
    assert [(r["seq"], r["id"]) for r in one] == [(1, "i1"), (2, "b1"), (3, "a1")]


def test_references_follow_their_event():
    ours = BASE + [ev(2, "contribution", "2026-11-01", "a1")]
    theirs = BASE + [ev(2, "contribution", "2026-11-02", "b1"),
                     ev(3, "contribution-resolved", "2026-11-04", "b2", contribution=2, contribution_id="b1")]
    merged = journal.merge(BASE, ours, theirs)
    assert [r["id"] for r in merged] == ["i1", "a1", "b1", "b2"]
    assert merged[3]["contribution"] == 3


def test_references_without_ids_use_their_own_sides_numbers():
    ours = BASE + [ev(2, "concern", "2026-11-01", "a1")]
    theirs = BASE + [ev(2, "concern", "2026-11-02", "b1"), ev(3, "concern-response", "2026-11-03", "b2", concern=2)]
    assert journal.merge(BASE, ours, theirs)[3]["concern"] == 3


def test_each_sides_own_order_is_kept_even_against_the_dates():
    ours = BASE + [ev(2, "advice-received", "2026-11-05", "a1"), ev(3, "advice-circulated", "2026-11-01", "a2")]
    merged = journal.merge(BASE, ours, BASE)
    assert [r["id"] for r in merged] == ["i1", "a1", "a2"]


def test_old_journals_without_ids_merge_by_content():
    old = [ev(1, "issued", "2026-01-10"), ev(2, "contribution", "2026-02-01", text="x")]
    ours = old + [ev(3, "concern", "2026-03-01", "a1")]
    theirs = old + [ev(3, "contribution", "2026-03-02", "b1")]
    merged = journal.merge(old, ours, theirs)
    assert [r["seq"] for r in merged] == [1, 2, 3, 4] and merged[1]["text"] == "x" and len(merged) == 4


def test_repaired_dedupes_and_renumbers_a_hand_merge():
    hand = BASE + [ev(2, "contribution", "2026-11-01", "a1"), ev(2, "concern", "2026-11-02", "b1"),
                   ev(2, "contribution", "2026-11-01", "a1")]
    fixed = journal.repaired(hand)
    assert [(r["seq"], r["id"]) for r in fixed] == [(1, "i1"), (2, "a1"), (3, "b1")]
    assert journal.repaired(fixed) is None


def test_new_lines_get_an_identity_later_than_the_last(tmp_path):
    previous = [{**BASE[0], "at": "2999-01-01T00:00:00.000000"}]  # a clock set back must not reorder
    line = journal.with_identity(ev(2, "concern-response", "2026-11-02", concern=1), previous)
    assert len(line["id"]) == 32 and line["at"] > previous[0]["at"] and line["concern_id"] == "i1"


def test_merge_driver_writes_the_union_and_refuses_damage(tmp_path):
    files = {}
    for name, records in (("base", BASE), ("ours", BASE + [ev(2, "concern", "2026-11-02", "a1")]),
                          ("theirs", BASE + [ev(2, "contribution", "2026-11-01", "b1")])):
        files[name] = tmp_path / name
        files[name].write_bytes(journal.encode(records))
    assert driver(["journal", str(files["base"]), str(files["ours"]), str(files["theirs"]), "x"]) == 0
    merged = [json.loads(x) for x in files["ours"].read_text().splitlines()]
    assert [r["id"] for r in merged] == ["i1", "b1", "a1"]
    files["theirs"].write_text("{not json\n")
    before = files["ours"].read_bytes()
    assert driver(["journal", str(files["base"]), str(files["ours"]), str(files["theirs"]), "x"]) == 1
    assert files["ours"].read_bytes() == before


@pytest.mark.parametrize("field,value,words", [
    ("id", 42, r"identity \(id\)"), ("id", "", r"identity \(id\)"), ("contribution_id", ["x"], "identity"),
    ("at", "yesterday", "time of recording"), ("at", 20261101, "time of recording"),
    ("date_forced", "", "date_forced"), ("date_forced", None, "date_forced"),
])
def test_identity_fields_of_a_line_are_checked_when_read(field, value, words):
    """Issue 18's fields pass the event schema of issue 17 when they are sound, and damage in them is refused."""
    good = {"seq": 1, "event": "issued", "date": "2026-01-05", "id": "ab" * 16, "at": "2026-01-05T10:00:00.000001",
            "contribution_id": "cd" * 16, "date_forced": "typed from the paper file"}
    assert journal.parse_raw(journal.encode([good])) == [good]
    with pytest.raises(journal.JournalDamage, match=words):
        journal.parse_raw(journal.encode([{**good, field: value}]))


def test_a_journal_out_of_order_is_read_only_when_asked():
    lines = [{"seq": 1, "event": "issued", "date": "2026-01-05"}, {"seq": 1, "event": "issued", "date": "2026-01-06"}]
    with pytest.raises(journal.JournalDamage, match="where 2 was expected"):
        journal.parse_raw(journal.encode(lines))
    assert journal.parse_raw(journal.encode(lines), in_order=False) == lines
    with pytest.raises(journal.JournalDamage, match="1 or more"):
        journal.parse_raw(journal.encode([{**lines[0], "seq": 0}]), in_order=False)
