"""The one way a document leaves ehcp-docs: every .docx and .xlsx is saved here, with the same properties (title,
author, language) and the same provenance (the store commit it was made from, the plan and the blob id of the plan
version, the template and its hash, the ehcp-docs version), then checked and written atomically (mode 0600).

Why one function: a letter is a legal record. When a family, a SENCO or the Tribunal asks "which plan was this made
from?", every document must answer the same way, whoever made it (a docxtpl template, python-docx for the
schedule and the tracked-changes plan, openpyxl for the termly lists). The provenance is in the document
properties (Word: File > Info > Properties; Excel: the same), never in the text a family reads.

Also here: reading a saved document back as text (`docx_text`, `saved_text`), which every render uses to prove
that the expected passages really came out (docxtpl loses text silently: library-pitfalls.md)."""
from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from ehcp_docs import __version__
from ehcp_docs.errors import RenderError
from ehcp_docs.fileio import atomic_write

LANGUAGE = "en-GB"
PREFIX = "ehcp-"  # custom property names
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_HEADER_FOOTER = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/header",
                  "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer")


@dataclass(frozen=True)
class Provenance:
    """Where a document came from. `store_commit` is the full commit id of the store revision it was made from;
    `plan_blob` the git blob id of the plan version it shows; `template` and `template_sha256` the template
    (render.render_document fills them in)."""
    store_commit: str = ""
    plan: str = ""
    plan_blob: str = ""
    template: str = ""
    template_sha256: str = ""

    def as_properties(self) -> dict[str, str]:
        """generator first, then every field that is known."""
        return {"generator": f"ehcp-docs {__version__}", **{k: v for k, v in asdict(self).items() if v}}


@dataclass(frozen=True)
class Meta:
    """What every saved document carries in its properties."""
    title: str
    author: str
    provenance: Provenance = Provenance()
    subject: str | None = None


def clean(text: str | None) -> str:
    """Text an XML property can hold: characters XML 1.0 cannot hold removed."""
    return _NOT_XML.sub("", str.__str__(text or ""))


def _fit(text: str | None, limit: int = 255) -> str:
    """Core properties hold at most 255 characters."""
    t = clean(text)
    return t if len(t) <= limit else t[: limit - 1] + "\u2026"


# ---- Word ------------------------------------------------------------------------------------------------------
def save_docx(doc: Any, out: Path, meta: Meta, *, expect: Iterable[str] = (),
              write: Callable[[IO[bytes]], None] | None = None) -> Path:
    """Sets the properties and provenance of a python-docx Document, saves it, checks that every `expect`ed
    passage is in its text (else RenderError, and nothing is written), and writes it atomically. `write` saves
    the document into a buffer when something other than `doc.save` must do it (docxtpl's own save)."""
    from lxml import etree

    _docx_properties(doc, meta)
    buf = io.BytesIO()
    try:
        (write or doc.save)(buf)
    except (ValueError, etree.LxmlError) as e:
        raise RenderError(f"{meta.provenance.template or 'document'}: could not be saved ({e})") from None
    data = buf.getvalue()
    check_expected(data, expect, meta.provenance.template or "document")
    atomic_write(Path(out), data, mode=0o600)
    return Path(out)


def _docx_properties(doc: Any, meta: Meta) -> None:
    """Core and custom properties, set with python-docx after rendering (set through template tags they come out
    double-escaped)."""
    props = doc.core_properties
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    provenance = meta.provenance.as_properties()
    props.title = _fit(meta.title)
    props.author = props.last_modified_by = _fit(meta.author)
    props.subject = _fit(meta.subject)
    props.language = LANGUAGE
    props.created = props.modified = now
    props.revision = 1
    props.keywords = _fit("ehcp-docs; " + "; ".join(f"{k}={v}" for k, v in provenance.items() if k != "generator"))
    props.comments = _fit("Made by " + "; ".join(f"{k}={v}" for k, v in provenance.items()))
    _custom_properties(doc, provenance)


def _custom_properties(doc: Any, values: dict[str, str]) -> None:
    """Full provenance as custom document properties (no 255-character limit). Keeps any custom properties the
    template already had, replacing only ours."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from lxml import etree

    package = doc.part.package
    part = next((r.target_part for r in package.rels.values() if r.reltype == _CUSTOM_REL), None)
    root = (etree.fromstring(part.blob) if part is not None
            else etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS, "vt": _VT_NS}))
    for prop in root.findall(f"{{{_CUSTOM_NS}}}property"):
        if prop.get("name", "").startswith(PREFIX):
            root.remove(prop)
    pid = max([int(p.get("pid", "1")) for p in root] + [1])
    for key, value in values.items():
        pid += 1
        prop = etree.SubElement(root, f"{{{_CUSTOM_NS}}}property", fmtid=_FMTID, pid=str(pid),
                                name=PREFIX + clean(key))
        etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = clean(value)
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if part is None:
        package.relate_to(Part(PackURI("/docProps/custom.xml"), _CUSTOM_CT, blob, package), _CUSTOM_REL)
    else:
        part._blob = blob


# ---- Excel -----------------------------------------------------------------------------------------------------
def save_xlsx(wb: Any, out: Path, meta: Meta) -> Path:
    """Sets an openpyxl Workbook's properties and provenance (custom document properties, as in Word) and
    writes it atomically."""
    from openpyxl.packaging.custom import StringProperty

    provenance = meta.provenance.as_properties()
    wb.properties.title = _fit(meta.title)
    wb.properties.creator = wb.properties.lastModifiedBy = _fit(meta.author)
    wb.properties.subject = _fit(meta.subject)
    wb.properties.language = LANGUAGE
    wb.properties.keywords = _fit("ehcp-docs; " + "; ".join(f"{k}={v}" for k, v in provenance.items()
                                                             if k != "generator"))
    for name in [p.name for p in wb.custom_doc_props.props if p.name.startswith(PREFIX)]:
        del wb.custom_doc_props[name]
    for key, value in provenance.items():
        wb.custom_doc_props.append(StringProperty(name=PREFIX + key, value=clean(value)))
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write(Path(out), buf.getvalue(), mode=0o600)
    return Path(out)


# ---- reading back ----------------------------------------------------------------------------------------------
def read_provenance(path: Path | bytes) -> dict[str, str]:
    """The provenance a saved .docx or .xlsx carries (generator, store_commit, plan, plan_blob, template, ...)."""
    from lxml import etree

    data = path if isinstance(path, bytes) else Path(path).read_bytes()
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if "docProps/custom.xml" not in z.namelist():
            return {}
        root = etree.fromstring(z.read("docProps/custom.xml"), parser)
    return {p.get("name")[len(PREFIX):]: "".join(p.itertext())
            for p in root.findall(f"{{{_CUSTOM_NS}}}property") if p.get("name", "").startswith(PREFIX)}


def docx_text(path: Path | bytes) -> str:
    """All text of a document, one line per paragraph in document order (table cells included, since they
    hold paragraphs), then the headers and footers. Line breaks read as \\n and tabs as \\t."""
    return saved_text(path if isinstance(path, bytes) else Path(path).read_bytes())


def saved_text(data: bytes) -> str:
    """The text of a saved .docx, read from its zip with lxml alone (1 ms; python-docx takes 8 ms to load every
    part): the body, then each header and footer."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        types = etree.fromstring(z.read("[Content_Types].xml"), parser)
        main = next((o.get("PartName", "").lstrip("/") for o in types.iter(f"{_CT_NS}Override")
                     if o.get("ContentType", "").endswith(".document.main+xml")), "word/document.xml")
        lines = [_para_text(p) for p in etree.fromstring(z.read(main), parser).iter(f"{_W}p")]
        folder, name = posixpath.split(main)
        rels_name = posixpath.join(folder, "_rels", f"{name}.rels")
        if rels_name in z.namelist():
            for rel in etree.fromstring(z.read(rels_name), parser).iter(f"{_REL_NS}Relationship"):
                if rel.get("Type") in _HEADER_FOOTER and rel.get("TargetMode") != "External":
                    target = rel.get("Target", "")
                    part = target.lstrip("/") if target.startswith("/") else \
                        posixpath.normpath(posixpath.join(folder, target))
                    lines += [_para_text(p) for p in etree.fromstring(z.read(part), parser).iter(f"{_W}p")]
    return "\n".join(lines)


_T, _TAB, _BR, _CR, _R = (f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}r")


def _para_text(p: Any) -> str:
    """Run text of one paragraph, including runs inside hyperlinks and tracked insertions (w:ins)."""
    out = []
    for el in p.iter(_T, _TAB, _BR, _CR):
        if el.getparent().tag != _R:
            continue  # e.g. a tab-stop definition in the paragraph properties
        out.append(el.text or "" if el.tag == _T else "\t" if el.tag == _TAB else "\n")
    return "".join(out)


def check_expected(doc: Path | bytes, expect: Iterable[str], name: str = "document") -> None:
    """Raises RenderError listing every expected passage missing from the document (silent text loss)."""
    wanted = [s for s in (clean(s).replace("\r\n", "\n").replace("\r", "\n").strip() for s in expect) if s]
    if not wanted:
        return
    text = docx_text(doc)
    missing = [s for s in wanted if s not in text]
    if missing:
        raise RenderError(f"template {name}: {len(missing)} passage{'s' if len(missing) > 1 else ''} of the "
                          "document data did not come out in the document",
                          messages=[f"missing: {s[:80]}" for s in missing],
                          hint="Nothing was written. The template may have a broken tag; check it in Word.")
