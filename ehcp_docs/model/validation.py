"""Validates plans (and other documents) against the JSON Schemas in schema/, and reports every problem at once
in caseworker terms. The validator is built once per process: jsonschema re-checks the schema on each
`validate()` call, which costs 30x more than reusing a validator."""
from __future__ import annotations

import itertools
import json
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ehcp_docs import fileio
from ehcp_docs.errors import InputError, InvalidPlan
from ehcp_docs.fileio import printable
from ehcp_docs.model import plan as planmod
from ehcp_docs.model import plausible
from ehcp_docs.resources import schema_path

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_ERRORS = 100  # schema errors reported per file (the CLI prints at most 200 lines)
MAX_NAMES = 12  # unknown field names listed in one message
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,59}")  # what a field's name looks like (shown; anything else is not)


def _no_remote(uri: str) -> Any:
    """Refuses to fetch any $ref over the network: schemas are local files only."""
    from referencing.exceptions import NoSuchResource

    # referencing's stubs (_attrs.pyi) mark its attrs classes with a private __dataclass_transform__ that mypy
    # does not read, so mypy sees no generated __init__ (true for Registry(retrieve=...) below too)
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # see above: the stubs hide the attrs __init__


@cache
def load_schema(name: str = "plan.schema.json") -> dict:
    return json.loads(schema_path(name).read_text(encoding="utf-8"))


@cache
def _ecma_pattern(pattern: str) -> re.Pattern:
    """JSON Schema patterns are ECMA-262 regexes, where `$` matches only at the very end. Python's `$` also
    matches before a final newline, so jsonschema would let the id "EHCP-0001\\n" through `^...$`."""
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern))


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict) -> Any:
    if validator.is_type(instance, "string") and not _ecma_pattern(pattern).search(instance):
        from jsonschema.exceptions import ValidationError

        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _unique_items(validator: Any, unique: bool, instance: Any, schema: dict) -> Any:
    """Linear time: jsonschema compares unsortable items (a dict among strings) pairwise, so a hostile list of
    4,000 items took 11 s. Items are plain JSON data here, so their canonical JSON text identifies them."""
    if unique and validator.is_type(instance, "array"):
        seen: set[str] = set()
        for item in instance:
            key = json.dumps(item, sort_keys=True, default=str)
            if key in seen:
                from jsonschema.exceptions import ValidationError

                yield ValidationError("has non-unique elements")
                return
            seen.add(key)


@cache
def validator(name: str = "plan.schema.json") -> Draft202012Validator:
    """Built once per process. jsonschema is imported here, not at the top: it costs 70 ms, and most commands
    (`diff`, `show`, `log`, `due`) read committed plans without checking them."""
    from jsonschema import Draft202012Validator, validators
    from referencing import Registry

    extended = validators.extend(Draft202012Validator, {"pattern": _pattern, "uniqueItems": _unique_items})
    return extended(load_schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER,
                    registry=Registry(retrieve=_no_remote))  # type: ignore[call-arg]  # stubs hide attrs __init__


def subschema(schema: dict, path: list[Any]) -> dict | None:
    """The schema node that governs a value at `path`, following $ref, properties and items."""
    node: Any = schema
    for p in path:
        node = _deref(schema, node)
        if not isinstance(node, dict):
            return None
        if isinstance(p, int):
            node = node.get("items")
        else:
            props = node.get("properties") or {}
            node = props.get(p)
        if node is None:
            return None
    return _deref(schema, node)


def _deref(root: dict, node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            return None
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def field_title(path: list[Any], schema_name: str = "plan.schema.json") -> str | None:
    sub = subschema(load_schema(schema_name), path)
    return sub.get("title") if isinstance(sub, dict) else None


_TYPE_WORDS = {"string": "text", "integer": "a whole number", "boolean": "true or false", "array": "a list",
               "object": "a set of fields"}


def _message(doc: Any, err: ValidationError, schema_name: str) -> tuple[list, str]:
    """One schema error as a caseworker reads it: the place in the plan, then the problem in plain words."""
    path = list(err.absolute_path)
    if err.validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", err.message)
        name = missing[0] if missing else "a field"
        title = field_title(path + [name], schema_name) or name.replace("_", " ")
        return path, f"{planmod.where(doc, path)}: {title} is missing" if path else f"{title} is missing"
    if err.validator == "additionalProperties":
        extra = re.findall(r"'([^']+)'", err.message.split("(")[-1])
        place = planmod.where(doc, path) if path else "the file"
        if personal(path):  # a key where personal data is kept may be a value typed as one (`Sinéad Brennan: mother`)
            hidden = len([e for e in extra if not _FIELD_NAME.fullmatch(e)])
            extra = [e for e in extra if _FIELD_NAME.fullmatch(e)]
            if hidden:
                said = (f"{hidden} key{'s' if hidden > 1 else ''} that {'are' if hidden > 1 else 'is'} not a field "
                        "name (a value typed before a colon?)")
                return path, f"{place}: {said}" + (f"; unknown field{'s' if len(extra) > 1 else ''} "
                                                   f"{', '.join(e for e in extra[:MAX_NAMES])}" if extra else "")
        shown = ", ".join(e[:60] for e in extra[:MAX_NAMES]) + (f" and {len(extra) - MAX_NAMES:,} more"
                                                              if len(extra) > MAX_NAMES else "")
        return path, f"{place}: unknown field{'s' if len(extra) > 1 else ''} {shown}"
    place = planmod.where(doc, path, field_title(path, schema_name)) if path else "the file"
    return path, f"{place}: {_problem(err)}"


# Fields that hold personal data: a message names the field and the problem, never the value (a `parents:` of
# "Sinéad Brennan and Mark Hayes" was once echoed back in full).
PERSONAL_TOP = ("child", "parents", "professionals", "caseworker")
PERSONAL_KEYS = ("name", "known_as", "date_of_birth", "address", "email", "phone", "upn", "nhs_number", "head",
                 "senco", "author", "postcode")
# Names and ids may hold no control or direction-changing character (CR, LF, DEL, C1 controls such as U+009B,
# U+202E): printed in a list they forge rows or reverse text.
NAME_KEYS = ("id", "name", "known_as", "head", "senco", "author")
_NAME_CTRL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def personal(path: list) -> bool:
    """Whether a place in a plan holds personal data (its value is then never shown in a message)."""
    return bool(path) and (path[0] in PERSONAL_TOP or any(p in PERSONAL_KEYS for p in path if isinstance(p, str)))


def _problem(err: ValidationError) -> str:
    """The words for what is wrong with a value, by the schema keyword it broke (without the value, where the
    field holds personal data)."""
    v, value, limit = err.validator, err.instance, err.validator_value
    if personal(list(err.absolute_path)):
        return _private_problem(str(v), value, limit)
    if v == "format":
        return (f"'{value}' is not a real date (write it as YYYY-MM-DD, e.g. 2027-01-10)" if limit == "date"
                else f"'{value}' is not a valid {limit}")
    words = {
        "type": lambda: f"should be {_TYPE_WORDS.get(str(limit), limit)}, not {_show(value)}",
        "enum": lambda: f"'{value}' is not one of: {', '.join(str(o) for o in limit)}",
        "minLength": lambda: "is empty",
        "maxLength": lambda: f"is longer than {limit} characters",
        "pattern": lambda: f"'{str(value)[:60]}' is not in the expected form",
        "minItems": lambda: f"needs at least {limit} entry",
        "minimum": lambda: f"{value} is out of range",
        "maximum": lambda: f"{value} is out of range",
        "uniqueItems": lambda: "lists the same entry twice",
    }
    return words[str(v)]() if str(v) in words else err.message[:200]


def _private_problem(v: str, value: Any, limit: Any) -> str:
    kind = ("text" if isinstance(value, str) else "a number" if isinstance(value, (int, float))
            and not isinstance(value, bool) else _show(value))
    words = {
        "format": "is not a real date (write it as YYYY-MM-DD, e.g. 2027-01-10)" if limit == "date"
        else f"is not a valid {limit}",
        "type": f"should be {_TYPE_WORDS.get(str(limit), limit)}, not {kind}",
        "enum": f"is not one of: {', '.join(str(o) for o in limit)}" if isinstance(limit, list) else "is not allowed",
        "minLength": "is empty", "maxLength": f"is longer than {limit} characters",
        "pattern": "is not in the expected form", "minItems": f"needs at least {limit} entry",
        "minimum": "is out of range", "maximum": "is out of range", "uniqueItems": "lists the same entry twice",
    }
    return words.get(v, "is not valid here")


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    if value is None:
        return "empty"
    return f"'{str(value)[:60]}'"


def schema_problems(doc: Any, schema_name: str = "plan.schema.json") -> list[str]:
    """Every problem, up to MAX_ERRORS: a hostile file with 60,000 bad items would otherwise take 20 s and
    600 MB to report (and uniqueItems over unsortable items is quadratic; the cap stops before it runs)."""
    errors = list(itertools.islice(validator(schema_name).iter_errors(doc), MAX_ERRORS + 1))
    more = len(errors) > MAX_ERRORS
    errors = sorted(errors[:MAX_ERRORS], key=lambda e: [str(p) for p in e.absolute_path])
    seen: set[str] = set()
    out = []
    for e in errors:
        _, msg = _message(doc, e, schema_name)
        if msg not in seen:
            seen.add(msg)
            out.append(msg)
    if more:
        out.append(f"and more problems after these {MAX_ERRORS}: fix these, then check the file again")
    return out


def text_problems(doc: Any, path: tuple = ()) -> list[str]:
    """Control characters cannot appear in a Word document; JSON can smuggle them in as escapes."""
    out: list[str] = []
    stack = [(doc, path)]
    while stack:
        v, p = stack.pop()
        if isinstance(v, dict):
            stack.extend((x, p + (k,)) for k, x in v.items())
        elif isinstance(v, list):
            stack.extend((x, p + (i,)) for i, x in enumerate(v))
        elif isinstance(v, str) and (_CTRL.search(v) or (p and p[-1] in NAME_KEYS and _NAME_CTRL.search(v))):
            if len(out) == MAX_ERRORS:
                out.append("and more text with control characters after these")
                break
            what = ("contains a control character that cannot be printed" if _CTRL.search(v) else
                    "contains a line break, control or direction-changing character, which a name or id may not")
            out.append(f"{planmod.where(doc, list(p))}: {what}")
    return out


def reference_problems(plan: dict) -> list[str]:
    """What JSON Schema cannot check: ids unique across the whole plan, and provision pointing at real items."""
    out: list[str] = []
    seen: dict[str, planmod.Item] = {}
    for it in planmod.items(plan):
        if not it.id:
            continue
        if it.id in seen:
            first = seen[it.id]
            out.append(f"Section {it.section}, {planmod.name_item(it, plan)}: the id {it.id} is already used by "
                       f"Section {first.section}, {first.kind} {first.id}; every item needs its own id")
        else:
            seen[it.id] = it
    needs = {i.id for i in planmod.items(plan) if i.kind == "need"}
    outcome_ids = {i.id for i in planmod.items(plan) if i.kind == "outcome"}
    for it in planmod.items(plan):
        for field, valid, noun in (("needs", needs, "need"), ("outcomes", outcome_ids, "outcome")):
            for ref in it.data.get(field) or [] if it.kind in ("provision", "budget item") else []:
                if isinstance(ref, str) and ref not in valid:
                    out.append(f"Section {it.section}, {planmod.name_item(it, plan)}: refers to {noun} {ref}, "
                               f"which is not in the plan")
    return out


def plan_problems(plan: Any, window: plausible.Window = plausible.DEFAULT, today: date | None = None) -> list[str]:
    """Every problem of a plan; its dates judged by `window` (the store's [dates] settings, model/plausible.py)
    as of `today` (the real today unless given)."""
    if not isinstance(plan, dict):
        return ["the file does not hold a plan (expected a set of fields such as id, child and sections)"]
    problems = schema_problems(plan) + text_problems(plan)
    if not problems:
        problems += reference_problems(plan)
        if plan.get("issued", "") < plan.get("first_issued", ""):
            problems.append("issued: the version in force cannot be issued before the plan was first issued")
        problems += plausible.plan_date_problems(plan, today, window)
    return problems


def problems_error(label: str, problems: list[str]) -> InvalidPlan:
    """One error listing every problem, each prefixed with the file or plan it came from."""
    capped = bool(problems) and problems[-1].startswith("and more problems")
    n = len(problems) - capped
    count = f"more than {n} problems" if capped else f"{n} problem{'s' if n != 1 else ''}"
    return InvalidPlan(printable(f"{label}: {count}"), messages=[printable(f"{label}: {p}") for p in problems])


def check_plan(plan: Any, source: str, window: plausible.Window = plausible.DEFAULT,
               today: date | None = None) -> dict:
    """Raises InvalidPlan listing every problem, each prefixed with the file or plan it came from."""
    problems = plan_problems(plan, window, today)
    if problems:
        pid = plan.get("id") if isinstance(plan, dict) and isinstance(plan.get("id"), str) else None
        label = source if not pid or pid in source else f"{source} (plan {pid[:70]})"
        raise problems_error(label, problems)
    return plan


def check_document(doc: Any, schema_name: str, source: str) -> Any:
    problems = schema_problems(doc, schema_name) + text_problems(doc)
    if problems:
        raise problems_error(source, problems)
    return doc


def parse_plan_text(text: str, name: str, *, original: str | None = None, json_only: bool = False) -> Any:
    """Parses a plan file a caseworker typed or edited. YAML that does not parse is named at the line where the
    slip happened, and the section and item that line is in: against `original` (the text it was edited from)
    the line whose indentation changed, else the part of the plan just before where the parser stopped, which
    can be the start of the next item (an indentation slip under F3 is only noticed at `- id: F4`)."""
    try:
        return fileio.parse_text(text, name, json_only=json_only)
    except InputError as e:
        mark = e.yaml_mark
        if not isinstance(mark, fileio.YamlMark):
            raise
        raise InputError(yaml_message(text, mark, original), hint=e.hint) from None


def yaml_message(text: str, mark: fileio.YamlMark, original: str | None) -> str:
    stopped = f"line {mark.line}, column {mark.column}: {mark.problem}"
    slip = fileio.indentation_slip(text, original, mark) if original else None
    if original is not None and slip is not None:
        line, now, was, old = slip
        place = _place(original, fileio.path_at(fileio.line_paths(original), old))
        return (f"{mark.name}: is not valid YAML: line {line}{place} is indented by {now} spaces where it had "
                f"{was} (the file cannot be read from there on; the parser stopped at {stopped})")
    before = "\n".join(text.split("\n")[:mark.line - 1])  # everything above the line the parser stopped at
    place = _place(before, fileio.path_at(fileio.line_paths(before), mark.line - 1))
    return f"{mark.name}: is not valid YAML ({stopped}){place}: check the indentation of that line and those above it"


def _place(text: str, path: list[Any]) -> str:
    """", in Section F, provision F3 (...)": the section and item a path is in, named from the text (valid
    YAML); "" when it is in none."""
    if path[:1] != ["sections"] or len(path) < 2:
        return ""
    try:
        doc = fileio.parse_text(text, "plan")
    except InputError:
        return ""
    last = max((i for i in range(3, len(path)) if isinstance(path[i], int) and not isinstance(path[i], bool)
                and isinstance(path[i - 1], str)), default=None)
    words = planmod.where(doc, path[:last + 1] if last is not None else path[:2])
    return f", in {words}" if words and words != "the plan" else ""


def schema_file(name: str) -> Path:
    return schema_path(name)
