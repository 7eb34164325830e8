"""The Tribunal's working document (HESC; the Tribunal's "working document" practice): the plan in force, laid out by
section and item, with the Tribunal's key at the top and each party's changes in its styles: normal for the plan as
issued; underlined (struck through to remove) for changes agreed by both; bold for the parent's or young person's
proposals; italic for the LA's. Every proposed change has a footnote giving its evidence. No tracked changes and no
comments: the Tribunal asks for neither. The header carries the version and its date; every version written, and
every version the family returns, is kept in the store as evidence (one commit each).

Why python-docx and lxml rather than a template: the wording is a variable run of per-word formatting, and reading
a returned file back must see exactly the formatting each run carries (model/working_text.py holds the cells)."""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from ehcp_docs import fileio
from ehcp_docs.documents import template_blocks as k
from ehcp_docs.documents.letter_context import meta, out_path
from ehcp_docs.documents.plan_context import long_date
from ehcp_docs.documents.saving import clean, save_docx
from ehcp_docs.errors import InputError, InvalidPlan, NotFound, UsageError, WorkflowError
from ehcp_docs.model import working_text as wt
from ehcp_docs.model.events import Recorded
from ehcp_docs.model.plan import SECTION_TITLES
from ehcp_docs.model.validation import check_plan
from ehcp_docs.statutory import disagreement as rules
from ehcp_docs.statutory.journal import Journal
from ehcp_docs.store import Store
from ehcp_docs.store.paths import evidence_name

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTES_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
MAX_RETURNED = 20 * 1024 * 1024
MAX_UNZIPPED = 200 * 1024 * 1024
TRACKED = ("ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange")
KEY: tuple[tuple[str, dict[str, bool], str], ...] = (("Normal text", {}, "The plan as it was issued."),
       ("Underlined", {"u": True}, "Wording agreed by both parties to add."),
       ("Underlined and struck through", {"u": True, "s": True}, "Wording agreed by both parties to remove."),
       ("Bold", {"b": True}, "Wording the parent or young person proposes to add."),
       ("Bold and struck through", {"b": True, "s": True}, "Wording the parent or young person proposes to "
                                                            "remove."),
       ("Italic", {"i": True}, "Wording the local authority proposes to add."),
       ("Italic and struck through", {"i": True, "s": True}, "Wording the local authority proposes to remove."))
STYLE_OF = {"agreed": {"u": True}, "family": {"b": True}, "la": {"i": True}, "original": {}}
NO_EVIDENCE = "none given yet"
_VERSION = re.compile(r"version (\d+)\b", re.I)
_EV_PREFIX = re.compile(r"^Evidence for this (?:proposal|change)[^:]*:\s*")


def parse_evidence(values: Iterable[str]) -> dict[str, str]:
    """--evidence ITEM="report, author, date, page" -> {item: text}."""
    out = {}
    for v in values:
        item, sep, text = v.partition("=")
        if not sep or not item.strip() or not text.strip():
            raise UsageError(f"--evidence takes ITEM=\"REPORT, AUTHOR, DATE, PAGE\", not {fileio.printable(v)[:40]!r}")
        out[item.strip()] = " ".join(text.split())[:300]
    return out


# ---- the state in the journal -------------------------------------------------------------------------------------
def _appeal(j: Journal, pid: str) -> Any:
    appeal = rules.pending_appeal(j)
    if appeal is None:
        raise WorkflowError(f"plan {pid} has no appeal pending: the working document is for the Tribunal",
                            hint=f"Register the appeal first: `ehcp appeal register {pid} --against DECISION`.")
    return appeal


def _last_state(j: Journal, appeal_seq: int) -> tuple[int, wt.Cells, list[str]]:
    """The latest version number written, the cells as they now stand (after any returned version), and the
    sections in the document."""
    written = [e for e in j.all("working-document") if e.ref("appeal") == appeal_seq]
    state = [e for e in j.all("working-document", "working-document-returned") if e.ref("appeal") == appeal_seq]
    version = int(written[-1].get("version", 0)) if written else 0
    if not state:
        return version, {}, []
    return version, dict(state[-1].get("cells") or {}), list(written[-1].get("sections") or []) if written else []


def _sections(value: str | None, appeal: Any, previous: list[str]) -> list[str]:
    chosen = [s.strip() for s in value.split(",") if s.strip()] if value else (
        previous or [s for s in appeal.get("about") or [] if s in wt.SECTIONS] or list(wt.SECTIONS))
    bad = [s for s in chosen if s not in wt.SECTIONS]
    if bad:
        raise UsageError(f"--sections cannot include {', '.join(fileio.printable(b)[:5] for b in bad)}",
                         hint="The working document covers the appealable sections: B, F and I.")
    return [s for s in wt.SECTIONS if s in chosen]


def _proposal(file: Path, plan: dict) -> dict:
    raw = fileio.read_bytes(file, what="proposed plan")
    proposal = fileio.parse_text(fileio.decode(raw, file.name), file.name, json_only=file.suffix.lower() == ".json")
    check_plan(proposal, file.name)
    if proposal.get("id") != plan["id"]:
        raise InvalidPlan(f"the proposal is for plan {proposal.get('id')}, not {plan['id']}")
    return proposal


def _evidence_for(evidence: dict[str, str], cell: wt.Cell) -> str | None:
    return evidence.get(cell.key) or evidence.get(cell.item)


def next_cells(plan: dict, sections: list[str], cells: wt.Cells, proposal: dict | None, evidence: dict[str, str],
               agree: Sequence[str]) -> tuple[list[wt.Cell], wt.Cells]:
    """The cells of the next version: the previous state, the LA's (counter-)proposals from the proposed plan,
    and the family's proposals the LA agrees (by item id or cell key)."""
    layout = wt.cells_of(plan, sections)
    state = {c.key: [dict(s) for s in cells.get(c.key) or wt.original(c.text)] for c in layout}
    for item in agree:
        keys = [c.key for c in layout if item in (c.item, c.key)]
        if not keys:
            raise UsageError(f"--agree {fileio.printable(item)[:20]}: no such item in the working document",
                             hint="Give an item id from the document's first column, such as F1.")
        for key in keys:
            state[key] = wt.agree(state[key], "family")
    if proposal is not None:
        wanted = {c.key: c for c in wt.cells_of(proposal, sections)}
        for c in layout:
            target = wanted.get(c.key)
            state[c.key] = wt.propose(state[c.key], target.text if target else "", "la", _evidence_for(evidence, c))
        for key, c in wanted.items():
            if key not in state:  # an item the LA proposes to add
                layout.append(c)
                state[key] = wt.propose(cells.get(key) or [], c.text, "la", _evidence_for(evidence, c))
    else:
        for key in cells:
            if key not in state:
                state[key] = cells[key]
    unknown_ev = sorted(set(evidence) - {c.key for c in layout} - {c.item for c in layout})
    if unknown_ev:
        raise UsageError(f"--evidence names {', '.join(unknown_ev)}, which is not an item of the document")
    return layout, state


# ---- writing --------------------------------------------------------------------------------------------------------
def write_version(store: Store, pid: str, when: date, *, sections: str | None, proposed: Path | None,
                  evidence: dict[str, str], agree: Sequence[str], folder: Path) -> tuple[Recorded, Path]:
    plan = store.checked_plan(pid)
    j = Journal(store.events(pid), date.max)
    appeal = _appeal(j, pid)
    version, cells, previous = _last_state(j, appeal.seq)
    chosen = _sections(sections, appeal, previous)
    proposal = _proposal(proposed, plan) if proposed is not None else None
    layout, state = next_cells(plan, chosen, cells, proposal, evidence, agree)
    version += 1
    doc = build(plan, layout, state, version, when)
    out = out_path(folder, pid, when.isoformat(), "working-document", f"v{version}")
    title = f"Tribunal working document {pid} version {version}"
    save_docx(doc, out, meta(store, title, store.head(), plan), expect=[f"version {version}", *KEY_LABELS])
    data = out.read_bytes()
    rel = f"evidence/{when.isoformat()}-working-document-v{version}.docx"
    changes = wt.changes_between(cells or {c.key: wt.original(c.text) for c in layout}, state, layout)
    with store.transaction("working-document", summary=f"version {version}") as txn:
        rel = txn.write_evidence(pid, rel, data)  # two appeals' version 1 on one day: each its own file
        ev = txn.add_event(pid, "working-document", when.isoformat(), {
            "appeal": appeal.seq, "version": version, "file": rel, "sections": chosen,
            "cells": state, "agreed": list(agree), "changes": changes}, by=txn.by)
    return Recorded(txn.commit, ev, notes=changes), out


KEY_LABELS = [label for label, _f, _m in KEY]


def build(plan: dict, layout: list[wt.Cell], state: wt.Cells, version: int, when: date) -> Any:
    """The document: header (version, date), title, the key, then each section's table of items."""
    doc = k.base_document()
    pid = plan["id"]
    header = doc.sections[0].header.paragraphs[0]
    header.text = f"Working document {pid} - version {version} - {long_date(when.isoformat())}"
    k.heading(doc, f"Working document for the Tribunal: EHC plan {pid}", 1)
    k.para(doc, f"This is the plan in force for {clean(plan['child']['name'])}, issued on "
                f"{long_date(plan.get('issued'))}, with each party's proposed changes shown in the Tribunal's styles. "
                "It has no tracked changes and no comments.")
    k.heading(doc, "Key", 2)
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "How the text looks", "What it means"
    k.mark_header_row(table)
    for label, fmt, meaning in KEY:
        row = table.add_row().cells
        _format(row[0].paragraphs[0].add_run(label), fmt)
        row[1].text = meaning
    k.para(doc, "Each proposed change has a footnote with its evidence: the report, its author, its date and the "
                "page.")
    notes: list[str] = []
    for sec in wt.SECTIONS:
        rows = [c for c in layout if c.section == sec]
        if not rows:
            continue
        k.heading(doc, f"Section {sec}: {SECTION_TITLES[sec]}", 2)
        t = doc.add_table(rows=1, cols=2)
        t.style = "Table Grid"
        t.rows[0].cells[0].text, t.rows[0].cells[1].text = "Item", "Wording"
        k.mark_header_row(t)
        k.set_widths(t, (38, 132))
        for c in rows:
            r = t.add_row().cells
            r[0].text = c.label
            _wording(r[1].paragraphs[0], state.get(c.key) or [], notes)
    _add_footnotes(doc, notes)
    return doc


def _format(run: Any, fmt: dict[str, bool]) -> None:
    run.bold = True if fmt.get("b") else None
    run.italic = True if fmt.get("i") else None
    run.underline = True if fmt.get("u") else None
    run.font.strike = True if fmt.get("s") else None


def _wording(p: Any, segments: list[wt.Segment], notes: list[str]) -> None:
    """The runs of one cell, a footnote after each group of changes by one party with one piece of evidence."""
    for n, s in enumerate(segments):
        _format(p.add_run(clean(s["t"])), {**STYLE_OF[s["who"]], "s": s["op"] == "del"})
        nxt = segments[n + 1] if n + 1 < len(segments) else None
        if s["op"] != "keep" and not (nxt and nxt["op"] != "keep" and nxt["who"] == s["who"]
                                      and nxt.get("ev") == s.get("ev")):
            who = {"agreed": "agreed by both", "family": "the parent's or young person's proposal",
                   "la": "the local authority's proposal"}[s["who"]]
            notes.append(f"Evidence for this change ({who}): {clean(s.get('ev') or NO_EVIDENCE)}")
            _footnote_reference(p, len(notes))


def _footnote_reference(p: Any, number: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    va = OxmlElement("w:vertAlign")
    va.set(qn("w:val"), "superscript")
    rpr.append(va)
    r.append(rpr)
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(number))
    r.append(ref)
    p._p.append(r)


def _add_footnotes(doc: Any, notes: list[str]) -> None:
    """word/footnotes.xml (python-docx has no footnote API): the two separators Word expects, then one footnote
    per proposed change."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from lxml import etree

    root = etree.Element(f"{_W}footnotes", nsmap={"w": W_NS})
    for fid, kind, mark in (("-1", "separator", "separator"), ("0", "continuationSeparator",
                                                              "continuationSeparator")):
        fn = etree.SubElement(root, f"{_W}footnote", {f"{_W}type": kind, f"{_W}id": fid})
        etree.SubElement(etree.SubElement(etree.SubElement(fn, f"{_W}p"), f"{_W}r"), f"{_W}{mark}")
    for n, text in enumerate(notes, 1):
        fn = etree.SubElement(root, f"{_W}footnote", {f"{_W}id": str(n)})
        p = etree.SubElement(fn, f"{_W}p")
        r = etree.SubElement(p, f"{_W}r")
        etree.SubElement(etree.SubElement(r, f"{_W}rPr"), f"{_W}vertAlign", {f"{_W}val": "superscript"})
        etree.SubElement(r, f"{_W}footnoteRef")
        t = etree.SubElement(etree.SubElement(p, f"{_W}r"), f"{_W}t")
        t.text = " " + text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    doc.part.relate_to(Part(PackURI("/word/footnotes.xml"), FOOTNOTES_CT, blob, doc.part.package), FOOTNOTES_RT)


def copy_version(store: Store, pid: str, version: int, folder: Path) -> Path:
    """A version already written, exactly as kept in the store."""
    j = Journal(store.events(pid), date.max)
    ev = next((e for e in reversed(j.all("working-document")) if e.get("version") == version), None)
    if ev is None:
        raise NotFound(f"plan {pid} has no working document version {version}")
    data = store.read_file(f"{store.plan_path(pid)}/{ev.get('file')}")
    if data is None:
        raise NotFound(f"plan {pid}: working document version {version} is missing from the store")
    out = out_path(folder, pid, ev.day.isoformat(), "working-document", f"v{version}")
    out.parent.mkdir(parents=True, exist_ok=True)
    fileio.atomic_write(out, data)
    return out


# ---- reading a returned version ----------------------------------------------------------------------------------
class Returned:
    """What a returned .docx holds: its version, the item rows (label -> runs), the other text, footnotes."""

    def __init__(self, data: bytes, name: str):
        from lxml import etree

        self.name = name
        z = _open_docx(data, name)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        try:
            body = etree.fromstring(z.read("word/document.xml"), parser)
            self.footnotes = _footnotes(z, parser)
            self.comments = _comments(z, parser)
            self.header = " ".join(" ".join(etree.fromstring(z.read(n), parser).itertext())
                                   for n in z.namelist() if re.fullmatch(r"word/header\d*\.xml", n))
        except (etree.XMLSyntaxError, KeyError, ValueError) as e:
            raise InputError(f"{name} is damaged and cannot be read ({str(e)[:80]})",
                             hint="Open it in Word, save it again as a .docx, and send it again.") from None
        tracked = sorted({el.tag.split("}")[1] for t in TRACKED for el in body.iter(f"{_W}{t}")})
        if tracked:
            raise InputError(f"{name} has tracked changes ({', '.join(tracked)}); the Tribunal asks for none",
                             hint="In Word: Review > Accept all changes (keeping the Tribunal's styles for your "
                                  "proposals), save, and send it again.")
        self.rows: list[tuple[str, list[tuple[str, dict[str, bool], list[str]]]]] = []
        self.other: list[str] = []
        self._read(body)
        m = _VERSION.search(self.header)
        self.version = int(m.group(1)) if m else None

    def _read(self, body: Any) -> None:
        main = body.find(f"{_W}body")
        for el in main if main is not None else []:
            if el.tag == f"{_W}p":
                self.other.append(_text(el))
            elif el.tag == f"{_W}tbl":
                for tr in el.iter(f"{_W}tr"):
                    tcs = tr.findall(f"{_W}tc")
                    if len(tcs) == 2:
                        self.rows.append((_text(tcs[0]), _runs(tcs[1], self.footnotes)))
                    else:
                        self.other.append(" | ".join(_text(tc) for tc in tcs))


def _open_docx(data: bytes, name: str) -> zipfile.ZipFile:
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise InputError(f"{name} is an old Word (.doc) file, not a .docx",
                         hint="Open it in Word and save it as a Word Document (.docx).")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(f"{name} is not a Word document (.docx)", hint="Ask for the .docx file itself.")
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, ValueError) as e:
        raise InputError(f"{name} is damaged and cannot be read ({e})") from None
    if sum(i.file_size for i in infos) > MAX_UNZIPPED:
        raise InputError(f"{name} unpacks to more than {MAX_UNZIPPED // 2 ** 20} MB: refused")
    if "word/document.xml" not in z.namelist():
        raise InputError(f"{name} is not a Word document (.docx): it has no document body")
    try:
        z.testzip()
    except (zipfile.BadZipFile, OSError) as e:
        raise InputError(f"{name} is damaged and cannot be read ({e})") from None
    return z


def _footnotes(z: zipfile.ZipFile, parser: Any) -> dict[str, str]:
    from lxml import etree

    if "word/footnotes.xml" not in z.namelist():
        return {}
    root = etree.fromstring(z.read("word/footnotes.xml"), parser)
    return {fn.get(f"{_W}id", ""): " ".join("".join(t.text or "" for t in fn.iter(f"{_W}t")).split())
            for fn in root.iter(f"{_W}footnote") if fn.get(f"{_W}type") is None}


def _comments(z: zipfile.ZipFile, parser: Any) -> list[str]:
    from lxml import etree

    if "word/comments.xml" not in z.namelist():
        return []
    root = etree.fromstring(z.read("word/comments.xml"), parser)
    return [" ".join("".join(t.text or "" for t in c.iter(f"{_W}t")).split()) for c in root.iter(f"{_W}comment")]


def _on(rpr: Any, tag: str) -> bool:
    el = rpr.find(f"{_W}{tag}") if rpr is not None else None
    if el is None:
        return False
    val = el.get(f"{_W}val")
    return val not in ("0", "false", "off", "none")


def _text(el: Any) -> str:
    return " ".join("".join(t.text or "" for t in el.iter(f"{_W}t")).split())


def _runs(tc: Any, footnotes: dict[str, str]) -> list[tuple[str, dict[str, bool], list[str]]]:
    """(text, formatting, footnote texts after it) for every run of a cell; paragraphs joined by a space."""
    out: list[tuple[str, dict[str, bool], list[str]]] = []
    for n, p in enumerate(tc.iter(f"{_W}p")):
        if n and out:
            out.append((" ", {}, []))
        for r in p.iter(f"{_W}r"):
            rpr = r.find(f"{_W}rPr")
            refs = [footnotes.get(f.get(f"{_W}id", ""), "") for f in r.iter(f"{_W}footnoteReference")]
            text = "".join(t.text or "" if t.tag == f"{_W}t" else " " for t in r.iter(f"{_W}t", f"{_W}tab", f"{_W}br"))
            if refs and out:
                out[-1][2].extend(refs)
            if text:
                out.append((text, {"b": _on(rpr, "b"), "i": _on(rpr, "i"), "u": _on(rpr, "u"),
                                   "s": _on(rpr, "strike") or _on(rpr, "dstrike")}, []))
    return out


def segments_of(runs: list[tuple[str, dict[str, bool], list[str]]]) -> tuple[list[wt.Segment], bool]:
    """Runs -> segments in the Tribunal's key (underline > bold > italic), and whether any text was struck through
    without one of the key's styles (read as the family's deletion)."""
    out: list[wt.Segment] = []
    plain_strike = False
    pending_ev: str | None = None
    for text, fmt, refs in runs:
        who = "agreed" if fmt.get("u") else "family" if fmt.get("b") else "la" if fmt.get("i") else "original"
        if who == "original" and fmt.get("s"):
            who, plain_strike = "family", True
        op = "del" if fmt.get("s") else "keep" if who == "original" else "add"
        seg: wt.Segment = {"t": text, "who": who, "op": op}
        out.append(seg)
        if refs:
            pending_ev = "; ".join(_EV_PREFIX.sub("", r) for r in refs if r) or None
            for s in reversed(out):  # the footnote belongs to the change just before it
                if s["op"] == "keep" or s["who"] != who:
                    break
                if pending_ev and pending_ev != NO_EVIDENCE:
                    s["ev"] = pending_ev
    return wt.normalise(out), plain_strike


def read_returned(store: Store, pid: str, file: Path, when: date) -> tuple[Recorded, list[str]]:
    """Records a version the family returned: their bold wording as their proposals, underlined as agreed; prints
    what changed since the last version. Text outside a known item is listed, never dropped."""
    plan = store.checked_plan(pid)
    j = Journal(store.events(pid), date.max)
    appeal = _appeal(j, pid)
    raw = fileio.read_bytes(file, limit=MAX_RETURNED, what="returned working document")
    doc = Returned(raw, fileio.printable(file.name)[:80])
    version, cells, sections = _last_state(j, appeal.seq)
    if version == 0:
        raise WorkflowError(f"plan {pid} has no working document written yet to be returned",
                            hint=f"Write version 1 first: `ehcp appeal working-document {pid}`.")
    layout, _ = next_cells(plan, sections, cells, None, {}, [])
    fixed = _fixed_texts(store, pid, j, doc.version or version)
    new_state, notes, unplaced = _merge(doc, layout, cells)
    unplaced += [t for t in doc.other if t and t not in fixed]
    unplaced += [f"a comment: {c}" for c in doc.comments if c]
    changes = wt.changes_between(cells, new_state, layout)
    rel = evidence_name(when.isoformat(), f"working-document-returned-v{doc.version or version}", "returned.docx",
                        appeal.seq)
    with store.transaction("working-document-returned", summary=f"version {doc.version or version}") as txn:
        rel = txn.write_evidence(pid, rel, raw)  # a second returned copy of one version on one day: its own file
        ev = txn.add_event(pid, "working-document-returned", when.isoformat(), {
            "appeal": appeal.seq, "version": doc.version or version, "file": rel, "cells": new_state,
            "unplaced": unplaced, "changes": changes, "notes": notes}, by=txn.by)
    lines = [f"Changes since version {doc.version or version}: {len(changes)}"] + [f"  {c}" for c in changes]
    lines += [f"  note: {n}" for n in notes]
    if unplaced:
        lines.append(f"Text that could not be placed in an item ({len(unplaced)}): check it by hand")
        lines += [f"  {u}" for u in unplaced]
    warnings = [] if doc.version in (None, version) else [
        f"the family returned version {doc.version}; the latest version is {version}"]
    return Recorded(txn.commit, ev, warnings), lines


def _fixed_texts(store: Store, pid: str, j: Journal, version: int) -> set[str]:
    """The text of the version as written, outside the items (title, key, headings): not the family's."""
    ev = next((e for e in reversed(j.all("working-document")) if e.get("version") == version), None)
    data = store.read_file(f"{store.plan_path(pid)}/{ev.get('file')}") if ev else None
    if not data:
        return set()
    written = Returned(data, "the version written")
    return {t for t in written.other} | {f"{label} | {''.join(r[0] for r in runs)}" for label, runs in written.rows}


def _merge(doc: Returned, layout: list[wt.Cell], cells: wt.Cells) -> tuple[wt.Cells, list[str], list[str]]:
    state = {c.key: [dict(s) for s in cells.get(c.key) or wt.original(c.text)] for c in layout}
    notes, unplaced, seen = [], [], set()
    for label, runs in doc.rows:
        key = wt.label_key(label, layout)
        if key is None:
            text = " | ".join([label, "".join(r[0] for r in runs)])
            if label not in ("Item", "How the text looks") and label not in KEY_LABELS:
                unplaced.append(text)
            continue
        seen.add(key)
        cell = next(c for c in layout if c.key == key)
        segs, plain = segments_of(runs)
        prev = state[key]
        if " ".join(wt.base_text(segs).split()) != " ".join(wt.base_text(prev).split()):
            notes.append(f"{cell.where}: wording changed without the Tribunal's styles; read as the family's "
                         "proposal")
            segs = wt.propose(wt.withdraw(prev, "family"), wt.view(segs, "family"), "family")
        if plain:
            notes.append(f"{cell.where}: text struck through without bold; read as the family's deletion")
        state[key] = _keep_evidence(segs, prev)
    for c in layout:
        if c.key not in seen:
            unplaced.append(f"{c.where}: its row is missing from the returned document; kept as it was")
    return state, notes, unplaced


def _keep_evidence(segs: list[wt.Segment], prev: list[wt.Segment]) -> list[wt.Segment]:
    """What Word cannot show survives the round trip: the evidence of an unchanged proposal, and the other party's
    wish to remove the same words."""
    known = {(s["who"], s["op"], s["t"]): s for s in prev}
    out = []
    for s in segs:
        before = known.get((s["who"], s["op"], s["t"]))
        extra = {k: before[k] for k in ("ev", "also") if before and before.get(k) and not s.get(k)}
        out.append({**s, **extra})
    return out
