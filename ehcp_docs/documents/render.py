"""Renders Word documents from docxtpl templates: THE ONLY module that imports docxtpl.

Why one wrapper: docxtpl loses text silently when values are not escaped (`Tom & Jerry` -> `Tom  Jerry`; a
`<select>` in a value wiped most of a document), leaves undefined variables empty, and double-escapes document
properties set through tags (../shared/reference/library-pitfalls.md). So every document goes through
`render_document`, which renders in a sandboxed, autoescaping, StrictUndefined Jinja environment, strips
characters XML cannot hold, and saves through the one save pipeline (saving.py), which sets the properties,
records where the document came from, and re-reads the result to prove that the expected text is really there
before writing it atomically.

Callers pass plain data only: strings, numbers, booleans, None, dates, lists, dicts and `Picture`. No docxtpl
type ever leaves this module.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, pass_eval_context
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from lxml import etree

from ehcp_docs.documents.saving import Meta, save_docx
from ehcp_docs.errors import EhcpError, RenderError
from ehcp_docs.fileio import atomic_write, read_bytes
from ehcp_docs.resources import template_path

TEMPLATE_NAME = re.compile(r"^[a-z0-9-]{1,64}$")
MAX_TEMPLATE_BYTES = 50 * 1024 * 1024
MAX_PICTURE_BYTES = 10 * 1024 * 1024
# XML 1.0 cannot hold C0 controls (except tab, LF, CR), U+FFFE/U+FFFF or lone surrogates.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_PLAIN = (str, int, float, bool, type(None), dt.date, Decimal)

@dataclass(frozen=True)
class Picture:
    """An image to place in a document (e.g. a progress chart). `alt` is required: it is the text a screen
    reader speaks instead of the picture, so it must say what the picture shows."""

    png: bytes | Path
    width_mm: float
    alt: str


# ------------------------------------------------------------------------------------------------------------
# Templates
# ------------------------------------------------------------------------------------------------------------

def find_template(name: str, store_root: Path | None = None) -> Path:
    """The LA's override `<store>/templates/<name>.docx` if there is one, else the bundled template.
    Names are `^[a-z0-9-]+$`, so a name can never point outside the templates folder."""
    if not isinstance(name, str) or not TEMPLATE_NAME.fullmatch(name):
        raise RenderError(f"'{str(name)[:40]}' is not a template name",
                          hint="Template names use only lower-case letters, digits and hyphens, e.g. plan-areas.")
    if store_root is not None:
        override = _override(Path(store_root), name)
        if override is not None:
            return override
    try:
        bundled = template_path(f"{name}.docx")
    except FileNotFoundError as e:
        raise RenderError(f"template {name}: {e}") from None
    if bundled.is_file():
        return bundled
    raise RenderError(f"there is no template called {name}",
                      hint="Check the name, or run scripts/build_templates.py in a source checkout.")


def _override(store_root: Path, name: str) -> Path | None:
    folder = store_root / "templates"
    path = folder / f"{name}.docx"
    if path.is_symlink() or folder.is_symlink():
        raise RenderError(f"template {name}: the store's template is a symbolic link",
                          hint="Put the real .docx file in the store's templates folder.")
    return path if path.is_file() else None


def template_sha256(path: Path) -> str:
    return hashlib.sha256(_template_bytes(path)).hexdigest()


def _template_bytes(path: Path) -> bytes:
    try:
        return read_bytes(Path(path), limit=MAX_TEMPLATE_BYTES, what="template")
    except EhcpError as e:
        raise RenderError(e.message) from None


# ------------------------------------------------------------------------------------------------------------
# Context cleaning and pictures
# ------------------------------------------------------------------------------------------------------------

def clean_text(text: str) -> str:
    """Removes characters that cannot appear in a Word document and normalises line ends to \\n (which
    docxtpl turns into line breaks). Returns a plain str even for str subclasses such as Markup, so no
    caller can smuggle raw XML past autoescaping."""
    text = _NOT_XML.sub("", str.__str__(text))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_context(value: Any, picture: Callable[[Picture], Any] | None = None) -> Any:
    """A cleaned deep copy of the context: every string through `clean_text`, every Picture through
    `picture`. Anything that is not plain data is refused, because an object with `__html__` (Markup,
    docxtpl's RichText/InlineImage) would go into the XML unescaped."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Picture):
        if picture is None:
            raise RenderError("a picture cannot be used here")
        return picture(value)
    if isinstance(value, Mapping):
        return {clean_text(k) if isinstance(k, str) else k: clean_context(v, picture) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_context(v, picture) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(clean_context(v, picture) for v in value)
    if isinstance(value, _PLAIN):
        return value
    raise RenderError(f"a document value has the unsupported type {type(value).__name__}",
                      hint="Pass plain text, numbers, dates, lists, dicts or Picture.")


class _AltInlineImage(InlineImage):
    """docxtpl's InlineImage, plus alt text on the picture (wp:docPr/@descr and pic:cNvPr/@descr)."""

    def __init__(self, tpl: DocxTemplate, descriptor: io.BytesIO, width: int, alt: str):
        super().__init__(tpl, descriptor, width=width)
        self.alt = alt

    def _insert_image(self) -> str:
        inline = self.tpl.current_rendering_part.new_pic_inline(self.image_descriptor, self.width, self.height)
        inline.docPr.set("descr", self.alt)
        for c_nv_pr in inline.xpath(".//pic:cNvPr"):
            c_nv_pr.set("descr", self.alt)
        return (f"</w:t></w:r><w:r><w:drawing>{inline.xml}</w:drawing></w:r><w:r><w:t xml:space=\"preserve\">")


def image(tpl: DocxTemplate, png: bytes | Path, width_mm: float, alt_text: str) -> InlineImage:
    """An inline picture for `tpl` with alt text. Used by render_document for Picture values; callers
    outside this module pass Picture instead."""
    alt = clean_text(alt_text).strip()
    if not alt:
        raise RenderError("a picture has no alt text", hint="Describe what the picture shows, for screen readers.")
    if not 5 <= float(width_mm) <= 400:
        raise RenderError(f"a picture width of {width_mm} mm is outside 5-400 mm")
    data = png if isinstance(png, bytes) else _picture_bytes(Path(png))
    return _AltInlineImage(tpl, io.BytesIO(data), Mm(float(width_mm)), alt)


def _picture_bytes(path: Path) -> bytes:
    try:
        return read_bytes(path, limit=MAX_PICTURE_BYTES, what="picture")
    except EhcpError as e:
        raise RenderError(e.message) from None


# ------------------------------------------------------------------------------------------------------------
# Rendering
# ------------------------------------------------------------------------------------------------------------

MAX_RESULT = 100_000  # characters or items one template expression may build
MAX_ITERATIONS = 1_000_000  # items all the range()s of one render may hand out (nested loops multiply)
MAX_OUTPUT = 20_000_000  # characters one part of a document may render to (a 400-page plan is about 5 million)
MAX_RENDER_SECONDS = 30.0  # wall-clock time one document may take to fill in (a plan takes well under a second)
MAX_RENDER_MEMORY = 512 * 1024 ** 2  # bytes of address space one render may add (the largest plan ehcp accepts,
#                                      2 MB of YAML with 480 items of 4,000 characters, renders within 256 MB)
MAX_LIPSUM = 20  # paragraphs lipsum() may make
_PADDING = frozenset({"ljust", "rjust", "center", "zfill"})
_FORMAT_WIDTH = re.compile(r"%[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


class TemplateLimit(SecurityError):
    """A template went past one of the bounds that keep an LA's template from exhausting memory or time."""


class _Budget:
    """What one render may still spend: range() items and wall-clock time. Checked on every range item, every
    call and every piece of output, so a runaway loop stops within the limit."""

    def __init__(self) -> None:
        import time

        self._clock = time.monotonic
        self.deadline = self._clock() + MAX_RENDER_SECONDS
        self.iterations = 0

    def tick(self, items: int = 0) -> None:
        self.iterations += items
        if self.iterations > MAX_ITERATIONS:
            raise TemplateLimit(f"its loops go round more than {MAX_ITERATIONS:,} times")
        if self._clock() > self.deadline:
            raise TemplateLimit(f"it took longer than {MAX_RENDER_SECONDS:g} seconds to fill in")


class _CountedRange:
    """range() for templates: at most MAX_RESULT items, and every item handed out counts against the render's
    budget, so `range(100000)` nested in `range(100000)` stops instead of running for hours."""

    def __init__(self, budget: _Budget, *args: int) -> None:
        self._range = range(*args)
        if len(self._range) > MAX_RESULT:
            raise TemplateLimit(f"a range of {len(self._range):,} numbers is more than {MAX_RESULT:,}")
        self._budget = budget

    def __len__(self) -> int:
        return len(self._range)

    def __iter__(self) -> Any:
        for n in self._range:
            self._budget.tick(1)
            yield n

    def __reversed__(self) -> Any:
        for n in reversed(self._range):
            self._budget.tick(1)
            yield n

    def __getitem__(self, i: Any) -> Any:
        return self._range[i]

    def __contains__(self, n: Any) -> bool:
        return n in self._range


class _BoundedSandbox(SandboxedEnvironment):
    """The sandbox stops templates reaching Python internals but not from building a huge value or running
    forever (`{{ 'x'.ljust(1500000000) }}` took 1.5 GB, nested `range(100000)` loops ran for hours). Here every
    way a template can make something big is bounded before it is made: repetition and powers, the string
    methods and filters that pad, repeat, replace or format with a width, range(), lipsum(), batch/slice, the
    number of loop items, the size of the output and the time a render takes. Past a bound the render stops
    with TemplateLimit, which names the template."""

    intercepted_binops = frozenset({"*", "**", "//", "%", "+"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.budget = _Budget()
        self.globals["range"] = lambda *a: _CountedRange(self.budget, *a)
        self.globals["lipsum"] = _bounded_lipsum
        self.filters.update(_bounded_filters())

    def concat(self, pieces: Iterable[str]) -> str:
        """The template's output, stopped once it passes MAX_OUTPUT characters or the time limit."""
        out: list[str] = []
        size = 0
        for piece in pieces:
            size += len(piece)
            if size > MAX_OUTPUT:
                raise TemplateLimit(f"it produced more than {MAX_OUTPUT:,} characters")
            self.budget.tick()
            out.append(piece)
        return "".join(out)

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.budget.tick()
        _check_str_method(obj, args, kwargs)
        result = super().call(context, obj, *args, **kwargs)
        if _str_self(obj) is not None:
            _check_size(result)
        return result

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and (abs(_num(right)) > 64 or abs(_num(left)) > 10 ** 6):
            raise TemplateLimit("a power that large is not allowed in a template")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * max(n, 0) > MAX_RESULT:
                    raise TemplateLimit(f"a repetition of more than {MAX_RESULT:,} characters or items")
        if operator == "%" and isinstance(left, str):
            _check_percent_format(left)
        if operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            _check_size_estimate(len(left) + len(right))  # a value doubled in a loop (`ns.s = ns.s + ns.s`)
        return super().call_binop(context, operator, left, right)

    def compile(self, source: Any, name: str | None = None, filename: str | None = None, raw: bool = False,
                defer_init: bool = False) -> Any:
        """Compiled template code, cached by the template's text (see _CompiledTemplates)."""
        if raw:  # jinja's overloads are split on the literal value of raw
            return super().compile(source, name, filename, True, defer_init)
        if not isinstance(source, str):
            return super().compile(source, name, filename, False, defer_init)
        key = _COMPILED.key(self, source, name, filename, defer_init)
        code = _COMPILED.get(key)
        if code is None:
            code = super().compile(source, name, filename, raw, defer_init)
            _COMPILED.put(key, code)
        return code


class _CompiledTemplates:
    """docxtpl turns each part of a .docx into a Jinja template and compiles it on every render: 25 ms of the
    70 ms a plan takes, every time, for templates that change a few times a year. The compiled code is kept in
    memory (a batch compiles each template once per worker) and in a private per-user folder
    (~/.cache/ehcp-docs/templates, 0700; files 0600 and owned by the user, or ignored), keyed by a hash of the
    template's text, the sandbox's code and the Jinja and Python versions, so a changed template, a new release
    or a different sandbox never reuses old code. EHCP_TEMPLATE_CACHE=0 turns the folder off."""

    def __init__(self) -> None:
        self.memory: dict[str, Any] = {}
        self._folder: Path | None | bool = False  # False: not looked up yet

    def key(self, env: Any, source: str, name: str | None, filename: str | None, defer_init: bool) -> str:
        import sys

        import jinja2

        settings = (type(env).__qualname__, sorted(env.intercepted_binops), sorted(env.intercepted_unops),
                    env.autoescape if isinstance(env.autoescape, bool) else repr(env.autoescape),
                    env.block_start_string, env.block_end_string, env.variable_start_string,
                    env.variable_end_string, env.comment_start_string, env.comment_end_string,
                    env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
                    env.newline_sequence, env.keep_trailing_newline, env.optimized, env.is_async,
                    sorted(env.extensions), name, filename, defer_init)
        h = hashlib.sha256(f"{jinja2.__version__}|{sys.version}|{_module_sha()}|{settings!r}|".encode())
        h.update(source.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def folder(self) -> Path | None:
        if self._folder is False:
            self._folder = _private_cache_folder()
        return self._folder if isinstance(self._folder, Path) else None

    def get(self, key: str) -> Any:
        if key in self.memory:
            return self.memory[key]
        folder = self.folder()
        if folder is None:
            return None
        import marshal
        import types

        try:
            fd = os.open(folder / f"{key}.code", os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if st.st_uid != os.getuid() or st.st_mode & 0o077:
                return None
            with os.fdopen(fd, "rb") as fh:
                fd = -1
                code = marshal.loads(fh.read())
        except (OSError, ValueError, EOFError, TypeError):
            return None
        finally:
            if fd >= 0:
                os.close(fd)
        if not isinstance(code, types.CodeType):
            return None
        self.memory[key] = code
        return code

    def put(self, key: str, code: Any) -> None:
        self.memory[key] = code
        folder = self.folder()
        if folder is None:
            return
        import marshal

        with contextlib.suppress(OSError, ValueError):  # a full or read-only disk: compiled again next time
            atomic_write(folder / f"{key}.code", marshal.dumps(code), mode=0o600)


def _module_sha() -> str:
    """This module's own code (the sandbox's rules are compiled into the template code)."""
    global _MODULE_SHA
    if _MODULE_SHA is None:
        _MODULE_SHA = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return _MODULE_SHA


_MODULE_SHA: str | None = None


def _private_cache_folder() -> Path | None:
    if os.environ.get("EHCP_TEMPLATE_CACHE", "1").strip().lower() in ("0", "off", "no", "false"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "ehcp-docs" / "templates"
    try:
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
        st = folder.stat()
        if st.st_uid != os.getuid() or st.st_mode & 0o077:
            return None  # someone else's folder, or readable by others: do without
        return folder
    except OSError:
        return None


_COMPILED = _CompiledTemplates()


def _num(value: Any) -> float:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _check_size(value: Any) -> None:
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_RESULT:
        raise TemplateLimit(f"it built a value of {len(value):,} characters or items (the limit is {MAX_RESULT:,})")


def _str_self(method: Any) -> str | None:
    """The string a method belongs to (the sandbox hands out str.format wrapped, with the method in __wrapped__)."""
    target = getattr(method, "__self__", None)
    if not isinstance(target, str):
        target = getattr(getattr(method, "__wrapped__", None), "__self__", None)
    return target if isinstance(target, str) else None


def _width(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _check_str_method(obj: Any, args: tuple, kwargs: dict) -> None:
    """Refuses a call of a string method that would build more than MAX_RESULT characters, before it runs."""
    target = _str_self(obj)
    name = getattr(obj, "__name__", "")
    if not isinstance(target, str):
        return
    first = args[0] if args else next(iter(kwargs.values()), None)
    if name in _PADDING and _width(first) > MAX_RESULT:
        raise TemplateLimit(f"a padding to {_width(first):,} characters (the limit is {MAX_RESULT:,})")
    if name == "expandtabs":
        tab = _width(first) if args or kwargs else 8
        if len(target) + target.count("\t") * max(tab, 0) > MAX_RESULT:
            raise TemplateLimit(f"expanding tabs to more than {MAX_RESULT:,} characters")
    if name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        _check_replace(target, args[0], args[1])
    if name in ("format", "format_map"):
        _check_format_spec(target)
    if name == "join" and args and isinstance(args[0], (list, tuple)):
        _check_size_estimate(len(target) * len(args[0]) + sum(len(str(x)) for x in args[0][:MAX_RESULT + 1]))


def _check_size_estimate(size: int) -> None:
    if size > MAX_RESULT:
        raise TemplateLimit(f"it would build a value of {size:,} characters (the limit is {MAX_RESULT:,})")


def _check_replace(text: str, old: str, new: str) -> None:
    hits = text.count(old) if old else len(text) + 1
    _check_size_estimate(len(text) + hits * max(len(new) - len(old), 0))


def _check_format_spec(fmt: str) -> None:
    """str.format with a width (`'{:>2000000000}'`) or a nested width (`'{:{w}}'`) that could be huge."""
    import string

    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # the call itself raises the formatting error
    for _, _, spec, _ in fields:
        if spec and ("{" in spec or any(int(n) > MAX_RESULT for n in re.findall(r"\d+", spec))):
            raise TemplateLimit(f"a format width over {MAX_RESULT:,} characters (or set by a value)")


def _check_percent_format(fmt: str) -> None:
    """`'%2000000000d' % 1` and `'%*d' % (n, 1)`: widths in %-formatting (also the `format` filter)."""
    for m in _FORMAT_WIDTH.finditer(fmt):
        for part in m.groups():
            if part == "*" or (part and int(part) > MAX_RESULT):
                raise TemplateLimit(f"a format width over {MAX_RESULT:,} characters (or set by a value)")


def _bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002
    from jinja2.utils import generate_lorem_ipsum

    if _width(n) > MAX_LIPSUM or _width(min) > 1000 or _width(max) > 1000:
        raise TemplateLimit(f"lipsum() of more than {MAX_LIPSUM} paragraphs of 1,000 words")
    return generate_lorem_ipsum(n, html, min, max)


def _bounded_filters() -> dict[str, Any]:
    """The filters that pad, indent, repeat, replace, format, fill or join, with their sizes checked first."""
    from jinja2 import filters as jf

    center, indent, fmt, batch = jf.do_center, jf.do_indent, jf.do_format, jf.do_batch

    def bounded_center(value: Any, width: int = 80) -> str:
        if _width(width) > MAX_RESULT:
            raise TemplateLimit(f"a padding to {_width(width):,} characters (the limit is {MAX_RESULT:,})")
        return str(center(value, width))

    def bounded_indent(s: Any, width: Any = 4, first: bool = False, blank: bool = False) -> str:
        step = len(width) if isinstance(width, str) else _width(width)
        _check_size_estimate(len(str(s)) + (str(s).count("\n") + 1) * step)
        return str(indent(s, width, first, blank))

    def bounded_format(value: Any, *args: Any, **kwargs: Any) -> str:
        _check_percent_format(str(value))
        return str(fmt(value, *args, **kwargs))

    def bounded_batch(value: Any, linecount: int, fill_with: Any = None) -> Any:
        if _width(linecount) > MAX_RESULT:
            raise TemplateLimit(f"batches of more than {MAX_RESULT:,} items")
        return batch(value, linecount, fill_with)

    def bounded_slice(value: Any, slices: int, fill_with: Any = None) -> Any:
        if _width(slices) > MAX_RESULT:
            raise TemplateLimit(f"more than {MAX_RESULT:,} slices")
        return jf.sync_do_slice(value, slices, fill_with)

    @jf.pass_eval_context
    def bounded_replace(eval_ctx: Any, s: Any, old: Any, new: Any, count: Any = None) -> str:
        _check_replace(str(s), str(old), str(new))
        return str(jf.do_replace(eval_ctx, s, old, new, count))

    @jf.pass_environment
    def bounded_wordwrap(environment: Any, s: Any, width: int = 79, *args: Any, **kwargs: Any) -> str:
        if _width(width) > MAX_RESULT:
            raise TemplateLimit(f"a line width over {MAX_RESULT:,} characters")
        return str(jf.do_wordwrap(environment, s, width, *args, **kwargs))

    return {"center": bounded_center, "indent": bounded_indent, "format": bounded_format, "batch": bounded_batch,
            "slice": bounded_slice, "replace": bounded_replace, "wordwrap": bounded_wordwrap, "join": _bounded_join}


@pass_eval_context
def _bounded_join(eval_ctx: Any, value: Any, d: Any = "", attribute: Any = None) -> str:
    """The join filter, its result's size checked first (`('x'*50000)|list|join('x'*50000)` is 2.5 GB)."""
    from jinja2 import filters as jf

    items = list(value)  # from a bounded range() or a plan's own list
    joined = len(str(d)) * max(len(items) - 1, 0)
    if attribute is None:
        joined += sum(len(str(x)) for x in items[:MAX_RESULT + 1])
    _check_size_estimate(joined)
    return str(jf.sync_do_join(eval_ctx, items, d, attribute))


def jinja_env() -> SandboxedEnvironment:
    """Sandboxed (templates may come from the LA's store, so they are untrusted code) with bounded
    arithmetic, autoescaped (the only thing that stops `&` and `<` in values from destroying text) and strict
    (a missing value is an error, never an empty gap in a letter)."""
    return _BoundedSandbox(autoescape=True, undefined=StrictUndefined)


def render_document(template: Path, context: Mapping[str, Any], out: Path, meta: Meta, *,
                    expect: Iterable[str] = (), transform: Callable[[Any], None] | None = None) -> Path:
    """Renders `template` with `context` into `out` through the one save pipeline (saving.save_docx: properties,
    provenance with the template's name and hash added, the expected-text check, an atomic 0600 write) and returns
    `out`. Every string in `expect` must be in the rendered text, or RenderError is raised and nothing is
    written. `transform` changes the rendered python-docx Document before it is saved (the tracked plan turns its
    change markers into revisions there)."""
    template = Path(template)
    name = template.stem
    blob = _template_bytes(template)
    tpl = _open(blob, name)
    ctx = clean_context(dict(context), lambda p: image(tpl, p.png, p.width_mm, p.alt))
    _render(tpl, ctx, name)
    end_with_paragraph(tpl.docx)
    if transform is not None:
        transform(tpl.docx)
    stamped = replace(meta, provenance=replace(meta.provenance, template=name,
                                               template_sha256=hashlib.sha256(blob).hexdigest()))
    return save_docx(tpl.docx, out, stamped, expect=expect, write=tpl.save)


def end_with_paragraph(doc: Any) -> None:
    """A body that ends with a table gets an empty paragraph after it, as Word itself always writes: without one,
    LibreOffice shows the last table of a document with tracked changes (Section K of a tracked plan) as one big
    formatting change, in colour and bold."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    body = doc.element.body
    last = [child for child in body if child.tag != qn("w:sectPr")]
    if last and last[-1].tag == qn("w:tbl"):
        last[-1].addnext(OxmlElement("w:p"))


def _open(blob: bytes, name: str) -> DocxTemplate:
    try:
        tpl = DocxTemplate(io.BytesIO(blob))
        tpl.init_docx()
    except Exception as e:  # python-docx raises a variety of errors for a file that is not a .docx
        raise RenderError(f"template {name}: is not a Word (.docx) document ({type(e).__name__})",
                          hint="Save the template from Word as a .docx file.") from None
    return tpl


def _render(tpl: DocxTemplate, ctx: dict, name: str) -> None:
    try:
        with _time_limit(), _memory_limit():
            tpl.render(ctx, jinja_env(), autoescape=True)
    except TemplateError as e:
        raise _template_error(e, name) from None
    except MemoryError:
        raise _template_error(TemplateLimit(f"it needed more than {MAX_RENDER_MEMORY / 2 ** 20:,.0f} MB of "
                                            "memory"), name) from None
    except (OverflowError, RecursionError, ArithmeticError) as e:
        raise RenderError(f"template {name}: a calculation in the template failed ({type(e).__name__})",
                          hint="Templates may only print values and use if/for.") from None
    except etree.LxmlError as e:
        raise RenderError(f"template {name}: produced a damaged document ({e})",
                          hint="Check the template's tags; a tag may be split across a table or paragraph.") from None


@contextlib.contextmanager
def _time_limit() -> Any:
    """Stops a render that runs past MAX_RENDER_SECONDS even inside a loop that calls nothing the sandbox sees
    (`{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}`). A timer signal can only be used in the main
    thread; elsewhere the sandbox's own checks on calls, range items and output still stop it."""
    import signal
    import threading

    usable = (threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
              and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None))
    if not usable:
        yield
        return

    def stop(_signum: int, _frame: Any) -> None:
        raise TemplateLimit(f"it took longer than {MAX_RENDER_SECONDS:g} seconds to fill in")

    signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, MAX_RENDER_SECONDS + 1)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)


def _address_space() -> int | None:
    """The bytes of address space the process holds now (Linux: /proc/self/statm), or None where unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


@contextlib.contextmanager
def _memory_limit() -> Any:
    """An operating-system limit on the memory a render may take, beside the bounds on every value: while a
    template is filled in, the process's address space may grow by at most MAX_RENDER_MEMORY (RLIMIT_AS). Past
    it an allocation fails with MemoryError, which `_render` reports as a TemplateLimit naming the template, and
    the limit is lifted again when the render ends, however it ends. The limit is the whole process's, so it is
    set only in the main thread (as the timer is), never above a hard limit and never in place of a lower one
    already set; where the platform has no such limit the value bounds still apply."""
    import threading

    try:
        import resource
    except ImportError:  # not a Unix
        yield
        return
    now = _address_space()
    if now is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = now + MAX_RENDER_MEMORY
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY and soft <= limit:
        yield  # a tighter limit is already in force
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _template_error(e: TemplateError, name: str) -> RenderError:
    near = " ".join(s.strip() for s in getattr(e, "docx_context", []) or [] if s.strip())[:200]
    hint = f"Near: {near}" if near else None
    if isinstance(e, TemplateLimit):
        return RenderError(f"template {name}: stopped because {e.message}",
                           hint="Templates may print values and use if/for over the plan's items; "
                                "remove the tag that builds or repeats so much.")
    if isinstance(e, SecurityError):
        return RenderError(f"template {name}: uses something templates are not allowed to use ({e.message})",
                           hint="Templates may only print values and use if/for; remove the offending tag.")
    if isinstance(e, UndefinedError):
        return RenderError(f"template {name}: uses a value the document data does not provide ({e.message})",
                           hint=hint)
    if isinstance(e, TemplateSyntaxError):
        return RenderError(f"template {name}: has a broken tag ({e.message})", hint=hint)
    return RenderError(f"template {name}: could not be filled in ({e.message})", hint=hint)


def check_template(data: bytes, name: str) -> set[str]:
    """Checks that an LA's replacement template is a Word document whose tags parse; returns the variables it
    uses. Catches a broken template when it is installed, not when a letter is due."""
    import zipfile

    from jinja2 import TemplateError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if "word/document.xml" not in z.namelist():
                raise RenderError(f"{name}: is not a Word document (.docx)")
    except zipfile.BadZipFile:
        raise RenderError(f"{name}: is not a Word document (.docx)") from None
    try:
        return set(DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables(jinja_env()))
    except TemplateError as e:
        raise _template_error(e, name) from None
    except Exception as e:  # noqa: BLE001 - any parse failure of an untrusted file is a clear refusal
        raise RenderError(f"{name}: could not be read as a template ({type(e).__name__})") from None
