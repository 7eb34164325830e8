"""The schedule of proposed amendments: the part of the amendment notice that specifies each change (reg 22(2)(b);
ehcp-rules.md section 5), with the reason and the evidence for it.

Why python-docx rather than a docxtpl template: the schedule is a variable list of runs with per-word formatting
(LAs show deleted wording struck through and new wording in bold), which Jinja tags cannot express safely. The
function takes any python-docx Document (or a docxtpl Subdoc, which forwards to one), so the letter can embed it.

Accessibility: strikethrough and bold are not announced by most screen readers and are lost when text is copied, so
every deletion is also written as "[deleted: …]" and every insertion as "[added: …]", and a legend says so. Bold is
used for nothing else in the schedule, and nothing is shown by colour alone.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby
from typing import Any

from docx.text.paragraph import Paragraph

from ehcp_docs.documents.plan_context import long_date
from ehcp_docs.documents.tracked import as_text, clean, sentence_ops
from ehcp_docs.model.diffing import Change, changes_by_section
from ehcp_docs.model.plan import ITEM_LISTS, SECTION_TITLES
from ehcp_docs.model.validation import field_title

LEGEND = ("How to read this schedule: wording we propose to remove is struck through and marked "
          "[deleted: …]; new wording is in bold and marked [added: …]. Wording without a mark stays as it is.")
NO_CHANGES = "We do not propose any changes to the plan."
TOP_LEVEL_HEADING = "Details of the child or young person and the plan"
EVIDENCE_HEADING = "Evidence for these changes"


def add_schedule(doc: Any, changes: Sequence[Change], *, reasons: Mapping[str, str] | None = None,
                 overall_reason: str | None = None, evidence: Iterable[str] = ()) -> None:
    """Appends the schedule to `doc`: a legend, the overall reason, then per section (Heading 2) each change's
    sentence with its wording marked up and the reason for the item, then the evidence list.

    `reasons` is keyed by item id (an interim target falls back to its outcome's reason) or, for changes to a
    section's own fields (Section A wording, Section I placement), by section letter."""
    reasons = reasons or {}
    _para(doc, LEGEND)
    if overall_reason:
        _para(doc, f"Why we propose these changes: {overall_reason}")
    if not changes:
        _para(doc, NO_CHANGES)
    for section, section_changes in changes_by_section(changes).items():
        _heading(doc, _section_heading(section), 2)
        for (_item, _parent), group in groupby(section_changes, key=lambda c: (c.item, c.parent)):
            _item_group(doc, list(group), reasons)
    _evidence(doc, list(evidence))


def _section_heading(section: str | None) -> str:
    if section is None:
        return TOP_LEVEL_HEADING
    return f"Section {section}: {SECTION_TITLES.get(section, section)}"


ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def words(value: Any, key: str = "") -> str:
    """A value as a family reads it: ISO dates in words ("16 April 2027"), the rest as tracked.as_text."""
    if isinstance(value, str) and ISO.fullmatch(value):
        return long_date(value)
    return as_text(value, key)


def _item_group(doc: Any, group: list[Change], reasons: Mapping[str, str]) -> None:
    """The changes to one item (or to one section's own fields), each shown once, then the reason once. A change
    of wording is labelled by where it is and shown marked; other changes are said in a sentence."""
    for c in group:
        if c.is_wording:
            label = c.description.split(" changed")[0]
            p = _para(doc, f"{label}: ", style="List Bullet")
            old, new = words(c.old), words(c.new)
            _marked_runs(p, sentence_ops(old, new) if not ISO.fullmatch(str(c.old)) else
                         [("delete", old), ("insert", new)])
            continue
        _para(doc, _in_words(c.description), style="List Bullet")
        _details(doc, c)
    first = group[0]
    reason = _reason(first, reasons)
    if reason:
        _para(doc, f"Reason: {reason}")


def _reason(c: Change, reasons: Mapping[str, str]) -> str | None:
    for key in (c.item, c.parent, None if c.item else c.section):
        if key and reasons.get(key):
            return reasons[key]
    return None


def _details(doc: Any, c: Change) -> None:
    """The wording itself: a word-by-word comparison for changed text, the whole content for added or removed
    items and fields. Moves and changes of references are fully said by the sentence."""
    if c.field is None and c.kind in ("added", "removed"):
        _whole_item(doc, c)
        return
    key = c.key[-1] if c.key else ""
    if c.kind == "added" and _printable(c.new):
        _labelled(doc, c.field or "", [("insert", words(c.new, key))])
    elif c.kind == "removed" and _printable(c.old):
        _labelled(doc, c.field or "", [("delete", words(c.old, key))])


def _whole_item(doc: Any, c: Change) -> None:
    item = c.new if c.kind == "added" else c.old
    op = "insert" if c.kind == "added" else "delete"
    if not isinstance(item, dict) or not c.section:
        return
    for title, key, value in _fields(c.section, item, nested=c.parent is not None):
        _labelled(doc, title, [(op, words(value, key))])
    for t in item.get("targets") or [] if c.parent is None else []:
        if isinstance(t, dict):
            for title, key, value in _fields(c.section, t, nested=True):
                _labelled(doc, f"interim target {t.get('id', '')}, {title}", [(op, words(value, key))])


def _fields(section: str, item: dict, *, nested: bool) -> list[tuple[str, str, Any]]:
    """(title, key, value) of an item's printable fields, in the order the plan stores them."""
    lst = ITEM_LISTS.get(section, ("",))[0]
    base: list[Any] = ["sections", section, lst, 0] + (["targets", 0] if nested else [])
    out = []
    for key, value in item.items():
        if key in ("id", "targets") or not _printable(value):
            continue
        out.append((field_title(base + [key]) or key.replace("_", " "), key, value))
    return out


def _printable(value: Any) -> bool:
    return value not in (None, "", []) and not isinstance(value, dict)


def _labelled(doc: Any, title: str, parts: list[tuple[str, str]]) -> None:
    p = _para(doc, f"{_cap(title)}: ")
    _marked_runs(p, parts)


def _marked_runs(p: Paragraph, parts: Iterable[tuple[str, str]]) -> None:
    """Unchanged words plain; deleted words struck through inside "[deleted: …]"; new words bold inside
    "[added: …]". Real Word formatting (w:strike, w:b), not colour, plus the bracketed text cue."""
    previous = "equal"
    for op, text in parts:
        text = clean(text)
        core = text.strip()
        if op == "equal" or not core:
            if op != "delete":  # a change of spacing alone is not worth a mark
                p.add_run(text)
            previous = "equal" if op != "delete" else previous
            continue
        lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        if previous != "equal" and not lead:
            lead = " "  # "[deleted: once] [added: three times]", never "][" run together
        p.add_run(lead + ("[deleted: " if op == "delete" else "[added: "))
        run = p.add_run(core)
        if op == "delete":
            run.font.strike = True
        else:
            run.bold = True
        p.add_run("]" + trail)
        previous = "equal" if trail else op


def _evidence(doc: Any, evidence: list[str]) -> None:
    _heading(doc, EVIDENCE_HEADING, 2)
    if not evidence:
        _para(doc, "No evidence documents are listed.")
    for name in evidence:
        _para(doc, name, style="List Bullet")


def _in_words(sentence: str) -> str:
    """ISO dates inside a sentence ("changed from '2027-07-16'") in words."""
    return re.sub(r"\b\d{4}-\d{2}-\d{2}\b", lambda m: long_date(m.group(0)), sentence)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _styles(doc: Any) -> set[str]:
    return {s.name for s in doc.styles}


def _para(doc: Any, text: str, *, style: str | None = None) -> Paragraph:
    """A plain paragraph; a style the document lacks (an LA template may not have it) falls back to Normal."""
    p = doc.add_paragraph(style=style if style and style in _styles(doc) else None)
    if text:
        p.add_run(clean(text))
    return p


def _heading(doc: Any, text: str, level: int) -> Paragraph:
    """A real heading (navigable by screen readers) where the document has the style, else a plain paragraph."""
    style = f"Heading {level}"
    return _para(doc, text, style=style if style in _styles(doc) else None)
