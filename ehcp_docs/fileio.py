"""Reading untrusted plan, meeting and evidence files, and writing files atomically.

Why a hand-rolled composer over PyYAML's event stream: the C parser is fast, but PyYAML's constructors resolve
YAML 1.1 types (`NO` -> False, `0123` -> 83, dates -> date objects), keep the last of duplicate keys, and let
alias bombs through to explode later. Building the tree from events ourselves lets us refuse anchors, aliases,
tags and duplicate keys, bound the nesting depth, and keep every scalar as the text the caseworker wrote, except
the YAML 1.2 core forms `null`, `true`/`false` and plain decimal integers."""
from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from ehcp_docs.errors import InputError

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_INT = re.compile(r"^[-+]?(0|[1-9][0-9]{0,17})$")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_STR_TAGS = {None, "!", "tag:yaml.org,2002:str"}
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff"
                          r"\ud800-\udfff]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SURROGATE = re.compile(r"[\ud800-\udfff]")
MAX_DIGITS = 18
SLIP_LINES = 40  # how far above where the YAML parser stopped an indentation slip is looked for


def read_bytes(path: Path, *, limit: int = MAX_FILE_BYTES, what: str = "file") -> bytes:
    """Reads a regular file no larger than `limit`, refusing links and devices, without reading more than needed.
    The file is opened with O_NOFOLLOW and O_NONBLOCK and checked again through its descriptor, so a link or a
    FIFO swapped in after the first check can neither redirect the read nor hang it."""
    import errno
    import stat

    name = printable(path.name)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise InputError(f"{what} {name}: not found") from None
    except OSError as e:
        raise InputError(f"{what} {name}: cannot be read ({e.strerror})") from None
    if stat.S_ISLNK(st.st_mode):
        raise InputError(f"{what} {name}: is a symbolic link; give the real file instead")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{what} {name}: is not a regular file")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise InputError(f"{what} {name}: is a symbolic link; give the real file instead") from None
        raise InputError(f"{what} {name}: cannot be read ({e.strerror})") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{what} {name}: is not a regular file")
        if st.st_size > limit:
            raise InputError(f"{what} {name}: is {st.st_size:,} bytes, over the limit of {limit:,} bytes")
        try:
            data = fh.read(limit + 1)
        except OSError as e:
            raise InputError(f"{what} {name}: cannot be read ({e.strerror})") from None
    if len(data) > limit:
        raise InputError(f"{what} {name}: is over the limit of {limit:,} bytes")
    return data


def printable(text: str) -> str:
    """Text safe to print in a message: control, bidirectional-override and other invisible or unencodable
    characters from a hostile file (a terminal escape in a key, a newline in an id) are shown as escapes."""
    return _UNPRINTABLE.sub(_escape, str(text))


def _escape(m: re.Match) -> str:
    c = m.group()
    return _ESCAPES.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def decode(data: bytes, name: str) -> str:
    name = printable(name)
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise InputError(f"{name}: is UTF-32 text; save it as UTF-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name}: is UTF-16 text; save it as UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{name}: is not UTF-8 text (bad byte at position {e.start})",
                         hint="Save the file as UTF-8 and try again.") from None
    m = _BAD_CHARS.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        raise InputError(f"{name}: line {line} contains a control character (U+{ord(m.group()):04X}) "
                         "that cannot appear in a document")
    return text


def parse_bytes(data: bytes, name: str) -> Any:
    """An untrusted file's bytes (a committed plan, a blob) as plain data: decoded as UTF-8, then parsed."""
    return parse_text(decode(data, name), name)


def load_document(path: Path, *, what: str = "file") -> Any:
    """Loads a YAML or JSON file from disk into plain dicts, lists, strings, ints, bools and None."""
    data = read_bytes(path, what=what)
    return parse_text(decode(data, path.name), path.name, json_only=path.suffix.lower() == ".json")


def parse_text(text: str, name: str, *, json_only: bool = False) -> Any:
    name = printable(name)
    if json_only or text.lstrip().startswith(("{", "[")) and name.lower().endswith(".json"):
        return _parse_json(text, name)
    return _parse_yaml(text, name)


def _parse_json(text: str, name: str) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict:
        out: dict = {}
        for k, v in items:
            if k in out:
                raise InputError(f"{name}: the key '{printable(k[:60])}' appears twice in one object")
            out[k] = v
        return out

    def no_constant(c: str) -> Any:
        raise InputError(f"{name}: '{c}' is not a valid JSON value")

    def whole(s: str) -> int:  # Python refuses over 4,300 digits with a ValueError; YAML keeps 18 at most
        if len(s.lstrip("-")) > MAX_DIGITS:
            raise InputError(f"{name}: a number with {len(s.lstrip('-')):,} digits is too long "
                             f"(at most {MAX_DIGITS}); put it in quotes if it is text")
        return int(s)

    try:
        value = json.loads(text, object_pairs_hook=pairs, parse_constant=no_constant, parse_float=str,
                           parse_int=whole)
    except json.JSONDecodeError as e:
        raise InputError(f"{name}: is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
    except RecursionError:
        raise InputError(f"{name}: is nested too deeply") from None
    _check_depth(value, name)
    return value


def _check_depth(value: Any, name: str) -> None:
    """Bounds the nesting, and refuses lone UTF-16 surrogates (`"\\ud800"`): JSON escapes can make them, but no
    file, journal or document can hold them (UTF-8 encoding fails)."""
    stack = [(value, 0)]
    while stack:
        v, d = stack.pop()
        if d > MAX_DEPTH:
            raise InputError(f"{name}: is nested more than {MAX_DEPTH} levels deep")
        if isinstance(v, str) and _SURROGATE.search(v):
            raise InputError(f"{name}: holds a broken character escape (a lone \\ud800-\\udfff surrogate); "
                             "write the character itself instead")
        if isinstance(v, dict):
            stack.extend((k, d + 1) for k in v)
            stack.extend((x, d + 1) for x in v.values())
        elif isinstance(v, list):
            stack.extend((x, d + 1) for x in v)


def _line(ev: Any) -> int:
    """The 1-based line an event starts on (0 when the parser gives no position)."""
    mark = getattr(ev, "start_mark", None)
    return mark.line + 1 if mark is not None else 0


def _scalar(ev: yaml.ScalarEvent, name: str) -> Any:
    if ev.tag not in _STR_TAGS:
        raise InputError(f"{name}: line {_line(ev)}: the tag '{printable(ev.tag or '')}' is not allowed")
    v = ev.value
    if not ev.implicit[0] or ev.style or ev.tag is not None:  # quoted, block or tagged: always text
        return v
    if v in _NULL:
        return None
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    if _INT.match(v):
        return int(v)
    return v


def _parse_yaml(text: str, name: str) -> Any:
    """Composes the document from parser events iteratively, so nesting depth cannot exhaust the stack."""
    stack: list[tuple[Any, Any]] = []  # (container, pending key for mappings)
    root: Any = None
    docs = 0
    try:
        for ev in yaml.parse(text, Loader=_LOADER):
            if isinstance(ev, yaml.AliasEvent) or getattr(ev, "anchor", None):
                raise InputError(f"{name}: line {_line(ev)}: anchors and aliases (& and *) "
                                 "are not allowed; write the text out in full")
            if isinstance(ev, yaml.DocumentStartEvent):
                docs += 1
                if docs > 1:
                    raise InputError(f"{name}: holds more than one YAML document")
                continue
            if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if ev.tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                    raise InputError(f"{name}: line {_line(ev)}: the tag '{printable(ev.tag or '')}' "
                                     "is not allowed")
                if len(stack) >= MAX_DEPTH:
                    raise InputError(f"{name}: is nested more than {MAX_DEPTH} levels deep")
                node: Any = {} if isinstance(ev, yaml.MappingStartEvent) else []
                stack.append((node, _NOKEY))
                continue
            if isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                node, _ = stack.pop()
                root = _attach(stack, node, ev, name, root)
                continue
            if isinstance(ev, yaml.ScalarEvent):
                root = _attach(stack, _scalar(ev, name), ev, name, root, is_scalar=True)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        err = InputError(f"{name}: is not valid YAML{where}: {problem}")
        context = getattr(e, "context_mark", None)
        err.yaml_mark = YamlMark(name, mark.line + 1, mark.column + 1, str(problem),
                                 context.line + 1 if context is not None else None) if mark else None
        raise err from None
    return root


class YamlMark:
    """Where the YAML parser stopped (1-based line and column) and the line of the construct it was reading
    (`context`), for a message that names the line where an indentation slip happened."""

    def __init__(self, name: str, line: int, column: int, problem: str, context: int | None):
        self.name, self.line, self.column, self.problem, self.context = name, line, column, problem, context


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def line_paths(text: str) -> dict[int, list[Any]]:
    """For valid YAML: each line (1-based) on which a key or value starts, and its path in the document
    (`['sections', 'F', 'provision', 2, 'frequency']`). {} when the text does not parse."""
    out: dict[int, list[Any]] = {}
    stack: list[list[Any]] = []  # [is_mapping, path, pending key (None: a key comes next), next index]
    try:
        for ev in yaml.parse(text, Loader=_LOADER):
            if not isinstance(ev, (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent,
                                   yaml.SequenceStartEvent)):
                if isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)) and stack:
                    stack.pop()
                continue
            path: list[Any] = []
            if stack:
                top = stack[-1]
                if not top[0]:
                    path, top[3] = [*top[1], top[3]], top[3] + 1
                elif top[2] is None:
                    top[2] = str(getattr(ev, "value", "?"))
                    out.setdefault(_line(ev), [*top[1], top[2]])
                    if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                        stack.append([isinstance(ev, yaml.MappingStartEvent), [*top[1], top[2]], None, 0])
                    continue
                else:
                    path, top[2] = [*top[1], top[2]], None
            out.setdefault(_line(ev), path)
            if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                stack.append([isinstance(ev, yaml.MappingStartEvent), path, None, 0])
    except yaml.YAMLError:
        return {}
    return out


def path_at(paths: dict[int, list[Any]], line: int) -> list[Any]:
    """The path of the last key or value starting on or before `line`."""
    found = [n for n in paths if n <= line]
    return paths[max(found)] if found else []


def aligned_lines(text: str, original: str) -> dict[int, int]:
    """Each line of `text` (1-based) whose words are those of a line of `original` it was edited from, matched in
    order as a diff does, mapped to that line of `original` (indentation ignored)."""
    import difflib

    new, old = [x.strip() for x in text.split("\n")], [x.strip() for x in original.split("\n")]
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return {block.b + k + 1: block.a + k + 1 for block in matcher.get_matching_blocks() for k in range(block.size)
            if new[block.b + k]}


def indentation_slip(text: str, original: str, mark: YamlMark) -> tuple[int, int, int, int] | None:
    """The line of `text` where an indentation slip happened, found against the text it was edited from: the
    nearest line at or before where the parser stopped (a slip is noticed a line or two later, often at the next
    item's `- id:`) with the words of a line of `original` but indented differently. (line, its indentation,
    the original line's indentation, the original line's number); None when no such line moved."""
    new, old = text.split("\n"), original.split("\n")
    moved = [(n, _indent(new[n - 1]), _indent(old[o - 1]), o) for n, o in aligned_lines(text, original).items()
             if _indent(new[n - 1]) != _indent(old[o - 1]) and mark.line - SLIP_LINES <= n <= mark.line]
    return max(moved) if moved else None


class _NoKey:
    pass


_NOKEY = _NoKey()


def _attach(stack: list, value: Any, ev: Any, name: str, root: Any, is_scalar: bool = False) -> Any:
    if not stack:
        return value
    container, key = stack[-1]
    if isinstance(container, list):
        container.append(value)
    elif key is _NOKEY:
        if not is_scalar:
            raise InputError(f"{name}: line {_line(ev)}: a key must be plain text")
        k = "" if value is None else str(value) if not isinstance(value, bool) else str(value).lower()
        if k in container:
            raise InputError(f"{name}: line {_line(ev)}: the key '{printable(k[:60])}' appears twice")
        stack[-1] = (container, k)
    else:
        container[key] = value
        stack[-1] = (container, _NOKEY)
    return root


def dump_yaml(value: Any) -> str:
    """Writes plain data as YAML that our loader reads back identically (strings that look like other types
    are quoted), keeping key order so plan files diff cleanly in git."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(value, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Temp file, fsync, rename: a crash leaves either the old file or the new one, never half of either."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".ehcp-tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
