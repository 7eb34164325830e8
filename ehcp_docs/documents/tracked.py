"""The proposed plan written with real Word tracked changes (w:ins / w:del revisions).

Why: the amended plan must make clear which parts were amended (ehcp-rules.md section 5, "show what changed");
many LAs and families read that as Word's tracked changes, which they can then accept or reject. python-docx cannot
write revisions (library-pitfalls.md), so the revision elements are built here with OxmlElement. Every piece of user
text goes in through lxml's `.text` or attribute setters, which escape it: user text is never parsed as XML, so
`&`, `<` or `{{ x }}` in a plan come out literally.

The document lists every section and item of the NEW plan in reading order; removed items appear where they were as
wholly deleted paragraphs, added items as wholly inserted ones, and within a kept field only the changed words are
inside w:ins / w:del. Moved outcomes (E) and provision (F) appear deleted at their old place and inserted at the new
one, as Word shows a move when move tracking is off. `changes` (from diffing.diff_plans) decides which field
differences are shown as revisions, so a caller that filters the notice (diffing.for_notice) gets a matching
document.
"""
from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from ehcp_docs.documents.saving import Meta, save_docx
from ehcp_docs.model.diffing import ORDERED_SECTIONS, Change, Op, merged_order, normalise, word_diff
from ehcp_docs.model.plan import AREAS, ITEM_LISTS, SECTION_TITLES, SECTIONS
from ehcp_docs.model.validation import load_schema, subschema

LANG = "en-GB"
DASH = " \u2014 "
_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TOP_BLOCKS = ("child", "transfer")  # top-level parts of the plan shown before the sections
_SKIP_FIELDS = {"id", "targets"}
_NONE = {"need": "No needs are recorded in this section.", "outcome": "No outcomes are recorded.",
         "provision": "No provision is recorded in this section.", "budget item": "No budget items are recorded.",
         "advice": "No advice is listed."}
# w:settings children that must come after w:trackRevisions (ECMA-376 CT_Settings sequence), first few only
_AFTER_TRACK = {"doNotTrackMoves", "doNotTrackFormatting", "documentProtection", "autoFormatOverride",
                "styleLockTheme", "styleLockQFSet", "defaultTabStop", "autoHyphenation", "consecutiveHyphenLimit",
                "hyphenationZone", "doNotHyphenateCaps", "showEnvelope", "summaryLength", "clickAndTypeStyle",
                "defaultTableStyle", "evenAndOddHeaders", "bookFoldRevPrinting", "bookFold", "bookFoldPrinting",
                "characterSpacingControl", "compat", "docVars", "rsids", "mathPr", "themeFontLang",
                "clrSchemeMapping", "decimalSymbol", "listSeparator"}


def clean(text: str) -> str:
    """Removes characters that XML 1.0 cannot hold (lxml would refuse them); validation reports them earlier."""
    return _BAD.sub("", text)


def as_text(value: Any, key: str = "") -> str:
    """A field value as printed: references joined with commas, booleans as yes/no, areas of need by name."""
    if key == "area" and isinstance(value, str):
        return AREAS.get(value, value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(as_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(as_text(v) for v in value.values())
    return str(value)


def iso_datetime(date: str) -> str:
    """w:date must be an xsd:dateTime; a plain ISO date becomes midnight UTC."""
    return f"{date}T00:00:00Z" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else date


class _Revisions:
    """Makes revision elements with one author and date, and ids unique within the document."""

    def __init__(self, author: str, date: str):
        self.author = clean(author)
        self.date = iso_datetime(date)
        self._ids = itertools.count(1)

    def mark(self, tag: str) -> Any:
        el = OxmlElement(tag)
        el.set(qn("w:id"), str(next(self._ids)))
        el.set(qn("w:author"), self.author)
        el.set(qn("w:date"), self.date)
        return el

    def run(self, text: str, *, deleted: bool = False) -> Any:
        """A w:r holding `text`, with line breaks as w:br; deleted text must be w:delText to count as deleted."""
        r = OxmlElement("w:r")
        for n, line in enumerate(clean(text).split("\n")):
            if n:
                r.append(OxmlElement("w:br"))
            if line:
                t = OxmlElement("w:delText" if deleted else "w:t")
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                t.text = line
                r.append(t)
        return r

    def plain(self, p: Paragraph, text: str) -> None:
        if text:
            p._p.append(self.run(text))

    def inserted(self, p: Paragraph, text: str) -> None:
        if text:
            ins = self.mark("w:ins")
            ins.append(self.run(text))
            p._p.append(ins)

    def deleted(self, p: Paragraph, text: str) -> None:
        if text:
            d = self.mark("w:del")
            d.append(self.run(text, deleted=True))
            p._p.append(d)

    def paragraph_mark(self, p: Paragraph, tag: str) -> None:
        """Marks the paragraph mark itself inserted or deleted, so a whole paragraph comes or goes with it."""
        rpr = OxmlElement("w:rPr")
        rpr.append(self.mark(tag))
        p._p.get_or_add_pPr().append(rpr)


class _Writer:
    """Walks the two plans in reading order and writes one paragraph per field."""

    def __init__(self, doc: Document, revs: _Revisions, changes: Iterable[Change], old: dict, new: dict):
        self.doc, self.revs = doc, revs
        self.old, self.new = normalise(old), normalise(new)
        self.marked: set[tuple[str | None, str | None, tuple[str, ...]]] = set()
        self.moved: set[tuple[str | None, str | None]] = set()
        for c in changes:
            if c.kind == "moved":
                self.moved.add((c.section, c.item))
            elif c.field is not None:
                self.marked.add((c.section, c.item, tuple(c.key)))

    # -- building blocks

    def heading(self, text: str, level: int, state: str = "same") -> None:
        p = self._para(style=f"Heading {level}" if level else "Title")
        self.text(p, text, state)

    def _para(self, style: str | None = None) -> Paragraph:
        names = {s.name for s in self.doc.styles}
        return self.doc.add_paragraph(style=style if style in names else None)

    def text(self, p: Paragraph, text: str, state: str) -> None:
        """Whole-paragraph text: plain, wholly inserted or wholly deleted (with its paragraph mark)."""
        if state == "added":
            self.revs.inserted(p, text)
            self.revs.paragraph_mark(p, "w:ins")
        elif state == "removed":
            self.revs.deleted(p, text)
            self.revs.paragraph_mark(p, "w:del")
        else:
            self.revs.plain(p, text)

    def field(self, label: str, old: Any, new: Any, *, state: str, marked: bool, key: str = "") -> None:
        """One "label: value" paragraph. In a kept item, only the words that differ are revisions."""
        old, new = (None if v is None else as_text(v, key) for v in (old, new))
        missing_old, missing_new = old is None or old == "", new is None or new == ""
        if state == "same" and marked and missing_old and not missing_new:
            state = "added"
        elif state == "same" and marked and missing_new and not missing_old:
            state = "removed"
        value = old if state == "removed" else new
        if state != "same" or not marked or old == new:
            if not value:
                return
            self.text(self._para(), f"{label}: {value}", state)
            return
        p = self._para()
        self.revs.plain(p, f"{label}: ")
        for op, chunk in word_diff(old or "", new or ""):
            {"equal": self.revs.plain, "delete": self.revs.deleted, "insert": self.revs.inserted}[op](p, chunk)

    # -- plan parts

    def block(self, scope: tuple[str | None, str | None], prefix: str, schema_path: Sequence[Any],
              old: dict | None, new: dict | None, state: str) -> None:
        """Every field of one dict (an item, a section's own fields, the child's details) in schema order;
        lists of items are left to items()."""
        old, new = old or {}, new or {}
        for key in _field_order(schema_path, old, new):
            o, n = old.get(key), new.get(key)
            if _has_dicts(o) or _has_dicts(n) or _title_is_item_list(schema_path, key):
                continue
            title = _title(tuple(schema_path) + (key,)) or key.replace("_", " ")
            self.field(f"{prefix}{title}", o, n, state=state, marked=(*scope, (key,)) in self.marked, key=key)

    def top(self) -> None:
        for key in _TOP_BLOCKS:
            o, n = self.old.get(key), self.new.get(key)
            if not isinstance(o, dict) and not isinstance(n, dict):
                continue
            self.heading((_title((key,)) or key).capitalize(), 1)
            for sub in _field_order((key,), o or {}, n or {}):
                so, sn = (o or {}).get(sub), (n or {}).get(sub)
                title = _title((key, sub)) or sub.replace("_", " ")
                self.field(title, so, sn, state="same", marked=(None, None, (key, sub)) in self.marked)

    def section(self, sec: str) -> None:
        old_s = (self.old.get("sections") or {}).get(sec) or {}
        new_s = (self.new.get("sections") or {}).get(sec) or {}
        self.heading(f"Section {sec}: {SECTION_TITLES.get(sec, sec)}", 1)
        self.block((sec, None), "", ("sections", sec), old_s, new_s, "same")
        if sec in ITEM_LISTS:
            lst, noun = ITEM_LISTS[sec]
            if not old_s.get(lst) and not new_s.get(lst):
                self.revs.plain(self._para(), _NONE.get(noun, "None recorded."))
                return
            self.items(sec, None, noun, ("sections", sec, lst, 0), old_s.get(lst) or [], new_s.get(lst) or [],
                       "same")

    def items(self, sec: str, parent: str | None, noun: str, schema_path: tuple, old: list, new: list,
              outer: str) -> None:
        """Items in merged reading order; inside a removed or added outer item everything follows its state."""
        old_by = {str(i.get("id")): i for i in old if isinstance(i, dict)}
        new_by = {str(i.get("id")): i for i in new if isinstance(i, dict)}
        track = parent is None and sec in ORDERED_SECTIONS
        for iid, status in merged_order(list(old_by), list(new_by), track_moves=track):
            if status in ("moved_from", "moved_to") and (sec, iid) not in self.moved:
                if status == "moved_from":
                    continue
                status = "same"
            state = outer if outer != "same" else {"moved_from": "removed", "moved_to": "added"}.get(status, status)
            self.item(sec, parent, noun, schema_path, iid, old_by.get(iid), new_by.get(iid), state)

    def item(self, sec: str, parent: str | None, noun: str, schema_path: tuple, iid: str, old: dict | None,
             new: dict | None, state: str) -> None:
        old_v, new_v = (old, None) if state == "removed" else (None, new) if state == "added" else (old, new)
        self.heading(f"{noun[:1].upper()}{noun[1:]} {iid}", 2 if parent is None else 3, state)
        self.block((sec, iid), f"{iid}{DASH}", schema_path, old_v, new_v, state)
        if sec == "E" and parent is None:
            self.items(sec, iid, "interim target", schema_path + ("targets", 0),
                       (old_v or {}).get("targets") or [], (new_v or {}).get("targets") or [], state)


def _has_dicts(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(v, dict) for v in value)


def _title_is_item_list(schema_path: Sequence[Any], key: str) -> bool:
    """True for a section's list of items (even an empty one), which is not a field to print."""
    return len(schema_path) == 2 and ITEM_LISTS.get(str(schema_path[1]), ("",))[0] == key


def _title(path: tuple) -> str | None:
    sub = subschema(load_schema(), list(path))
    return sub.get("title") if isinstance(sub, dict) else None


def _field_order(schema_path: Sequence[Any], old: dict, new: dict) -> list[str]:
    """Schema property order, then any unknown keys, without ids and nested item lists."""
    sub = subschema(load_schema(), list(schema_path))
    known = list((sub or {}).get("properties") or {})
    present = set(old) | set(new)
    extra = sorted(present - set(known))
    return [k for k in known + extra if k in present and k not in _SKIP_FIELDS]


def _set_language(doc: Document) -> None:
    """en-GB as the proofing language (docDefaults), so Word and screen readers use British English."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANG)
    lang.set(qn("w:eastAsia"), LANG)
    doc.core_properties.language = LANG


def track_further_edits(doc: Document) -> None:
    """Turns on Track Changes, so the family's or setting's own edits to the proposal are tracked too."""
    settings = doc.settings.element
    if settings.find(qn("w:trackRevisions")) is not None:
        return
    el = OxmlElement("w:trackRevisions")
    for child in settings:
        if isinstance(child.tag, str) and child.tag.split("}")[-1] in _AFTER_TRACK:
            child.addprevious(el)
            return
    settings.append(el)


def tracked_changes_document(changes: Iterable[Change], old_plan: dict, new_plan: dict, out: Path, *,
                             meta: Meta, date: str) -> Path:
    """Writes `out` through the one save pipeline: the proposed plan with the differences from the plan in force
    as tracked changes by `meta.author` (the LA) on `date` (ISO date or datetime). Returns `out`."""
    doc = new_docx()
    _set_language(doc)
    track_further_edits(doc)
    author, title = meta.author, meta.title
    revs = _Revisions(author, date)
    w = _Writer(doc, revs, list(changes), old_plan, new_plan)
    w.heading(clean(title), 0)
    revs.plain(doc.add_paragraph(), f"The changes proposed by {author} are shown as tracked changes, which Word "
                                    "and LibreOffice list under Review and can accept or reject one by one.")
    w.top()
    for sec in SECTIONS:
        w.section(sec)
    return save_docx(doc, out, meta)


# ------------------------------------------------------------------------------------------------------------
# The proposed plan in the plan's own layout (issue 16): the issued plan's template, with the differences from
# the plan in force as real w:ins / w:del inside its paragraphs and table cells.
#
# How: the template context of the plan in force and of the proposal are merged value by value; a changed value
# carries private-use markers around its inserted and deleted words (never valid in a plan: validation refuses
# nothing here, the markers are added after it); after rendering, every run holding markers is split into plain
# runs, w:ins runs and w:del runs (w:delText). So the tracked plan has exactly the template's structure.
# ------------------------------------------------------------------------------------------------------------

INS_START, INS_END, DEL_START, DEL_END = "\ue000", "\ue001", "\ue002", "\ue003"
_MARKERS = re.compile("[\ue000-\ue003]")
MOSTLY_CHANGED = 0.5  # when this share of a sentence is deleted, the whole old wording goes and the new comes
SENTENCE_WORDS = 5  # ...in a sentence; a short value ("once a week") keeps its word-level marks


def sentence_ops(old: str, new: str) -> list[tuple[Op, str]]:
    """Word-level changes for a small edit; the whole old wording deleted and the whole new one inserted where
    most of it changed (a rewritten sentence is unreadable as a word-by-word diff)."""
    ops = word_diff(old, new)
    gone = sum(len(t.strip()) for op, t in ops if op == "delete")
    sentence = len(old.split()) >= SENTENCE_WORDS
    if sentence and gone >= MOSTLY_CHANGED * len(old.strip()) and any(op == "insert" for op, _ in ops):
        whole: list[tuple[Op, str]] = [("delete", old), ("insert", new)]
        return [(op, t) for op, t in whole if t]
    return ops


def _marked(old: str, new: str) -> str:
    if old == new:
        return new
    wrap = {"equal": ("", ""), "delete": (DEL_START, DEL_END), "insert": (INS_START, INS_END)}
    return "".join(wrap[op][0] + text + wrap[op][1] for op, text in sentence_ops(old, new))


def _wrap_all(value: Any, start: str, end: str) -> Any:
    if isinstance(value, str):
        return f"{start}{value}{end}" if value else value
    if isinstance(value, dict):
        return {k: v if k in ("id", "key", "area") else _wrap_all(v, start, end) for k, v in value.items()}
    if isinstance(value, list):
        return [_wrap_all(v, start, end) for v in value]
    return value


def _key(item: Any) -> str | None:
    if isinstance(item, dict):
        for k in ("id", "key"):
            if isinstance(item.get(k), str):
                return str(item[k])
    return None


def merge_contexts(old: Any, new: Any) -> Any:
    """The proposal's template context with every difference from the plan in force marked: changed text
    word by word (or whole, when most of it changed), added items inserted and removed items deleted where they
    were. Values that are not text (flags, numbers) come from the proposal."""
    if isinstance(old, str) and isinstance(new, str):
        return _marked(old, new)
    if isinstance(old, dict) and isinstance(new, dict):
        return {k: merge_contexts(old[k], v) if k in old else _wrap_all(v, INS_START, INS_END)
                for k, v in new.items()}
    if isinstance(old, list) and isinstance(new, list) and all(_key(i) for i in old + new) and (old or new):
        old_by = {_key(i): i for i in old}
        new_by = {_key(i): i for i in new}
        out = []
        for key, status in merged_order([str(k) for k in old_by], [str(k) for k in new_by], track_moves=False):
            if status == "removed":
                out.append(_wrap_all(old_by[key], DEL_START, DEL_END))
            elif status == "added":
                out.append(_wrap_all(new_by[key], INS_START, INS_END))
            else:
                out.append(merge_contexts(old_by[key], new_by[key]))
        return out
    if old is None and new is not None:
        return _wrap_all(new, INS_START, INS_END)
    return new


def apply_revisions(doc: Any, author: str, date: str) -> int:
    """Turns the markers in `doc`'s body into revisions; returns how many revision elements were written."""
    revs = _Revisions(author, date)
    made = 0
    for run in list(doc.element.body.iter(qn("w:r"))):
        if not any(_MARKERS.search(t.text or "") for t in run.iter(qn("w:t"))):
            continue
        made += _split_run(run, revs)
    for t in doc.element.body.iter(qn("w:t")):  # a marker left outside a run's text would show as a box
        if t.text and _MARKERS.search(t.text):
            t.text = _MARKERS.sub("", t.text)
    return made


def _pieces(run: Any) -> list[tuple[str, Any]]:
    """A run's content as (state, text or a w:br / w:tab element), the state set by the markers."""
    pieces: list[tuple[str, Any]] = []
    state = "plain"
    for child in list(run):
        if child.tag != qn("w:t"):
            if child.tag != qn("w:rPr"):
                pieces.append((state, child))
            continue
        for token in re.split("([\ue000-\ue003])", child.text or ""):
            if token in (INS_START, DEL_START, INS_END, DEL_END):
                state = {INS_START: "ins", DEL_START: "del"}.get(token, "plain")
            elif token:
                pieces.append((state, token))
    return pieces


def _split_run(run: Any, revs: _Revisions) -> int:
    """One run with markers -> plain runs, w:ins-wrapped runs and w:del-wrapped runs (w:delText), in order."""
    rpr = run.find(qn("w:rPr"))
    pieces = _pieces(run)
    made = 0
    anchor = run
    for state, group in itertools.groupby(pieces, key=lambda p: p[0]):
        new_run = OxmlElement("w:r")
        if rpr is not None:
            new_run.append(copy.deepcopy(rpr))
        for _, value in group:
            if isinstance(value, str):
                t = OxmlElement("w:delText" if state == "del" else "w:t")
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                t.text = value
                new_run.append(t)
            else:
                new_run.append(value)
        element = new_run
        if state != "plain":
            element = revs.mark("w:ins" if state == "ins" else "w:del")
            element.append(new_run)
            made += 1
        anchor.addnext(element)
        anchor = element
    run.getparent().remove(run)
    return made
