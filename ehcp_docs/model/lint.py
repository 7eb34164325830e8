"""Plan-quality checks ("lint"): is the provision specified and quantified, are the outcomes SMART, does every
need have provision and every outcome something that serves it? The standard is ehcp-rules.md sections 2 and 10
(CoP 9.61-9.69; L v Clarke and Somerset 1998; Worcestershire CC v SE 2020).

Pure: no files, no click, no store. The only data read is the phrase list bundled in the package
(`lint_phrases.json`, loaded once; a caller may pass its own `Phrases`). Robust on partially-invalid plans: a
missing section, a wrong type or an item without an id never raises, it is just checked as far as it goes.

    result = lint_plan(plan, today, nc_year)      # nc_year None: worked out from the date of birth
    result.as_json() -> {"plan": "EHCP-0001", "score": 87,
                         "findings": [{"rule", "section", "item", "message"}, ...]}

Score: 100 minus the sum of the weights of every finding, floored at 0 (weights in RULES below: 15 for a legal
gap such as a need with no provision, 10 for provision whose frequency, duration or deliverer is missing, 8 for an
outcome that cannot be measured, 5 for vague wording and undated targets, 3 for minor gaps)."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from ehcp_docs import statutory
from ehcp_docs.model import plan as planmod

PHRASES_FILE = Path(__file__).resolve().parent / "lint_phrases.json"


@dataclass(frozen=True)
class Rule:
    name: str
    weight: int
    summary: str


RULES: dict[str, Rule] = {r.name: r for r in (
    Rule("need-without-provision", 15,
         "A need in Section B with no provision in Section F that names it (every need must have provision; "
         "also a need in C or D with no provision in any of F, G, H1, H2)."),
    Rule("no-placement", 15,
         "Section I names neither a school or institution nor a type (or only 'TBC'), in a plan that has been "
         "issued (reg 12(1)(i))."),
    Rule("no-pfa-outcome", 10,
         "Year 9 or above, but no outcome in Section E is marked as preparing for adulthood "
         "(reg 20(6); CoP 9.179)."),
    Rule("provision-no-delivered-by", 10, "Provision that does not say who delivers it."),
    Rule("provision-no-frequency", 10, "Provision that does not say how often."),
    Rule("provision-no-duration", 10, "Provision that does not say how long each session lasts or runs for."),
    Rule("outcome-no-date", 8, "An outcome with no date (or no real date) by which it should be achieved."),
    Rule("outcome-no-measure", 8,
         "An outcome that does not say how progress is measured, or by whom (or says only 'TBC')."),
    Rule("outcome-without-provision", 8, "An outcome that no provision in Sections F, G, H1 or H2 serves."),
    Rule("provision-no-group-size", 5, "Provision that does not give a group size."),
    Rule("provision-no-location", 5, "Provision that does not say where it is delivered."),
    Rule("provision-no-funder", 5, "Provision that does not say who funds it."),
    Rule("provision-vague-value", 5,
         "A provision detail (who, expertise, how often, how long, group size, where, who funds) that is itself "
         "vague, such as 'as required', 'regular', 'flexible' or 'TBC'."),
    Rule("provision-not-quantified", 5,
         "A frequency, duration or group size with no number in it (e.g. 'small group', 'in term time')."),
    Rule("vague-wording", 5,
         "Vague wording ('access to', 'regular', 'as required', 'opportunities to', 'support from', 'it is "
         "recommended', ...) in provision or outcome text; the list is in lint_phrases.json."),
    Rule("target-ongoing", 5,
         "An interim target, or its date, that is only 'ongoing', 'continuous', 'TBC' or 'n/a'."),
    Rule("target-no-date", 5, "An interim target with no date (or no real date)."),
    Rule("outcome-date-passed", 3,
         "An outcome whose date has passed: record whether it was met and set the next one at the review."),
    Rule("provision-no-expertise", 3,
         "Provision that does not say what training, qualification or supervision the person delivering it has."),
    Rule("target-no-measure", 3, "An interim target that does not say how progress is measured (or says 'TBC')."),
)}

# provision detail fields: (field, schema title, "missing" rule, what to write)
DETAILS: tuple[tuple[str, str, str, str], ...] = (
    ("delivered_by", "who delivers it", "provision-no-delivered-by",
     "does not say who delivers it — name the role, e.g. 'speech and language therapist'"),
    ("expertise", "their expertise", "provision-no-expertise",
     "does not say what expertise the person delivering it has — give their qualification, training or "
     "supervision, e.g. 'HCPC-registered' or 'trained and supervised by the therapist each half term'"),
    ("frequency", "how often", "provision-no-frequency",
     "no frequency — say how often, e.g. '3 sessions a week in term time'"),
    ("duration", "how long", "provision-no-duration",
     "no duration — say how long each session lasts and for how long it runs, e.g. '30 minutes a session "
     "for the school year'"),
    ("group_size", "group size", "provision-no-group-size",
     "no group size — say e.g. 'individual (1:1)' or 'a group of no more than 4 pupils'"),
    ("location", "where", "provision-no-location",
     "does not say where it is delivered — e.g. 'a quiet room at school'"),
    ("funded_by", "who funds it", "provision-no-funder",
     "does not say who funds it — e.g. 'LA top-up funding (high needs block)'"),
)
# what a clear value looks like, per provision detail field (used when the value is vague or has no number)
INSTEAD = {
    "delivered_by": "name the role, e.g. 'speech and language therapist' or 'trained teaching assistant'",
    "expertise": "give their qualification, training or supervision, e.g. 'HCPC-registered'",
    "frequency": "say exactly how often, e.g. '3 sessions a week in term time'",
    "duration": "say exactly how long, e.g. '30 minutes a session, for the school year'",
    "group_size": "give the size, e.g. 'individual (1:1)' or 'a group of no more than 4 pupils'",
    "location": "say exactly where, e.g. 'a quiet room at school'",
    "funded_by": "name who funds it, e.g. 'LA top-up funding (high needs block)'",
}
QUANTIFIED = ("frequency", "duration", "group_size")  # must contain a number (or a word such as 'daily')
OUTCOME_TEXT = (("description", "outcome"), ("measured_how", "how progress is measured"),
                ("measured_by", "who measures progress"))
TARGET_TEXT = (("description", "interim target"), ("measured_how", "how progress is measured"))
PFA_AREAS = ("employment", "independent-living", "community-participation", "health")
# need section -> provision sections whose items count as meeting it. Section F must specify the provision for
# every need in B (reg 12(1)(f); CoP 9.69); health and social care needs may be met from any provision section.
MEETS = {"B": ("F",), "C": planmod.PROVISION_SECTIONS, "D": planmod.PROVISION_SECTIONS}


# ---- results ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    rule: str
    section: str | None
    item: str | None  # None for a plan-level or section-level finding
    message: str

    def as_json(self) -> dict:
        return {"rule": self.rule, "section": self.section, "item": self.item, "message": self.message}


@dataclass
class LintResult:
    plan: str | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def score(self) -> int:
        """100 minus the weight of every finding (RULES), never below 0."""
        return max(0, 100 - sum(RULES[f.rule].weight for f in self.findings))

    @property
    def clean(self) -> bool:
        return not self.findings

    def rules(self) -> list[str]:
        return [f.rule for f in self.findings]

    def as_json(self) -> dict:
        return {"plan": self.plan, "score": self.score, "findings": [f.as_json() for f in self.findings]}


def lint_rules() -> list[dict]:
    """Every rule, heaviest first, for help text: [{"rule", "weight", "description"}]."""
    return [{"rule": r.name, "weight": r.weight, "description": r.summary} for r in RULES.values()]


# ---- phrases ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Phrases:
    vague: tuple[tuple[str, str], ...]          # (phrase, hint): any provision or outcome text
    vague_values: tuple[tuple[str, str], ...]   # (phrase, hint): provision detail fields only
    not_a_target: frozenset[str]
    quantity_words: frozenset[str]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Phrases:
        def pairs(key: str) -> tuple[tuple[str, str], ...]:
            out = []
            for p in data.get(key) or []:
                phrase, hint = (p.get("phrase"), p.get("hint", "")) if isinstance(p, dict) else (p, "")
                if isinstance(phrase, str) and phrase.strip():
                    out.append((" ".join(phrase.lower().split()), str(hint or "")))
            return tuple(out)

        return cls(pairs("vague_phrases"), pairs("vague_values"),
                   frozenset(_norm(w) for w in data.get("not_a_target") or []),
                   frozenset(str(w).lower() for w in data.get("quantity_words") or []))

    @property
    def for_details(self) -> tuple[tuple[str, str], ...]:
        seen = {p for p, _ in self.vague_values}
        return self.vague_values + tuple(x for x in self.vague if x[0] not in seen)


@cache
def default_phrases() -> Phrases:
    return Phrases.from_json(json.loads(PHRASES_FILE.read_text(encoding="utf-8")))


@cache
def _pattern(phrases: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    """One alternation, longest phrases first, on whole words: not inside a longer word or hyphenated word
    ('regular' does not match 'irregular' or 'non-regular'); spaces match any whitespace (block scalars)."""
    alts = sorted({p for p, _ in phrases}, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in alts) or r"(?!x)x"
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


def find_phrases(text: str, phrases: tuple[tuple[str, str], ...]) -> list[tuple[str, str, str]]:
    """Vague phrases in `text`, in order, each once: [(phrase as listed, as written in the text, hint)]."""
    hints = dict(phrases)
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for m in _pattern(phrases).finditer(text):
        key = " ".join(m.group().lower().split())
        if key not in seen:
            seen.add(key)
            out.append((key, " ".join(m.group().split()), hints.get(key, "")))
    return out


def _norm(value: Any) -> str:
    return " ".join(str(value).lower().split()).strip(" .,;:!")


# ---- the checks ------------------------------------------------------------------------------------------------
def lint_plan(plan: Any, today: date, nc_year: int | None = None, phrases: Phrases | None = None) -> LintResult:
    """Every quality finding in a plan. `today` decides whether an outcome's date has passed; `nc_year` is the
    child's national curriculum year on `today` (None: worked out from the date of birth and any recorded
    year_group; the Year 9 rule is skipped when neither is known)."""
    ph = phrases or default_phrases()
    if not isinstance(plan, dict):
        return LintResult(None, [])
    pid = plan.get("id") if isinstance(plan.get("id"), str) else None
    sections = _dict(plan.get("sections"))
    found: list[Finding] = []
    found += _outcome_findings(plan, sections, today, ph)
    found += _provision_findings(plan, sections, ph)
    found += _coverage_findings(plan, sections)
    if not isinstance(nc_year, int) or isinstance(nc_year, bool):
        nc_year = _nc_year(plan, today)
    if nc_year is not None and nc_year >= 9 and not any(
            o.get("preparing_for_adulthood") in PFA_AREAS for _, o in _listed(sections, "E", "outcomes")):
        found.append(Finding("no-pfa-outcome", "E", None,
                             f"Section E: no outcome is marked as preparing for adulthood, but the child or young "
                             f"person is in Year {nc_year} — from Year 9 the plan must include outcomes for "
                             "employment, independent living, community participation or health "
                             "(reg 20(6); CoP 9.179)"))
    placement = _dict(sections.get("I"))
    if _has(plan.get("issued")) and _blank(placement.get("name"), ph) and _blank(placement.get("type"), ph):
        said = _said(placement.get("type")) or _said(placement.get("name"))
        found.append(Finding("no-placement", "I", None,
                             f"Section I: the plan has been issued but names no school or institution and no type "
                             f"of setting{said} — an issued plan must say at least the type (reg 12(1)(i))"))
    order = {s: i for i, s in enumerate(planmod.SECTIONS)}
    found.sort(key=lambda f: order.get(f.section or "", len(order)))  # stable: document order within a section
    return LintResult(pid, found)


def _outcome_findings(plan: dict, sections: dict, today: date, ph: Phrases) -> Iterator[Finding]:
    for i, o in _listed(sections, "E", "outcomes"):
        path = ["sections", "E", "outcomes", i]
        place = planmod.where(plan, path)
        oid = _id(o)
        when = _date(o.get("by_when"))
        if when is None:
            got = f" ('{_show(o.get('by_when'))}' is not a date)" if _has(o.get("by_when")) else ""
            yield Finding("outcome-no-date", "E", oid,
                          f"{place}: no date{got} — say by when it should be achieved, e.g. 2027-07-16")
        elif when < today:
            yield Finding("outcome-date-passed", "E", oid,
                          f"{place}: its date {when.isoformat()} has passed — record whether it was achieved "
                          "and agree the next outcome at the review")
        if _blank(o.get("measured_how"), ph):
            yield Finding("outcome-no-measure", "E", oid,
                          f"{place}: does not say how progress is measured{_said(o.get('measured_how'))} — e.g. "
                          "'class teacher's weekly observation log, reported each term'")
        if _blank(o.get("measured_by"), ph):
            yield Finding("outcome-no-measure", "E", oid,
                          f"{place}: does not say who measures progress{_said(o.get('measured_by'))} — name the "
                          "role, e.g. 'SENCO'")
        yield from _wording(plan, path, o, OUTCOME_TEXT, ph, oid, "E")
        targets = _list(o.get("targets"))
        for j, t in enumerate(targets):
            if isinstance(t, dict):
                yield from _target_findings(plan, path + ["targets", j], t, ph)


def _target_findings(plan: dict, path: list, t: dict, ph: Phrases) -> Iterator[Finding]:
    place = planmod.where(plan, path)
    tid = _id(t)
    placeholders = {f for f in ("description", "by_when") if _has(t.get(f)) and _blank(t.get(f), ph)}
    if placeholders:
        said = _show(t.get(sorted(placeholders)[0]))
        yield Finding("target-ongoing", "E", tid,
                      f"{place}: '{said}' is not a target — give a dated, measurable step, e.g. 'By December "
                      "2026: uses a visual help card without prompting in 3 of 5 lessons (SENCO observation, "
                      "fortnightly)'")
    if _date(t.get("by_when")) is None and "by_when" not in placeholders:
        got = f" ('{_show(t.get('by_when'))}' is not a date)" if _has(t.get("by_when")) else ""
        yield Finding("target-no-date", "E", tid,
                      f"{place}: no date{got} — say by when it should be met, e.g. 2027-02-12")
    if _blank(t.get("measured_how"), ph):
        yield Finding("target-no-measure", "E", tid,
                      f"{place}: does not say how progress is measured{_said(t.get('measured_how'))} — say how, "
                      "how often and by whom, e.g. 'SENCO observation, fortnightly'")
    yield from _wording(plan, path, t, TARGET_TEXT, ph, tid, "E")


def _provision_findings(plan: dict, sections: dict, ph: Phrases) -> Iterator[Finding]:
    details = ph.for_details
    for sec in planmod.PROVISION_SECTIONS:
        for i, p in _listed(sections, sec, "provision"):
            path = ["sections", sec, "provision", i]
            place = planmod.where(plan, path)
            pid = _id(p)
            for fld, title, missing_rule, advice in DETAILS:
                value = p.get(fld)
                if not _has(value):
                    yield Finding(missing_rule, sec, pid, f"{place}: {advice}")
                    continue
                text = _text(value)
                hits = find_phrases(text, details)
                for _key, written, _hint in hits:
                    yield Finding("provision-vague-value", sec, pid,
                                  f"{planmod.where(plan, path + [fld], title)}: '{written}' is vague — "
                                  f"{INSTEAD[fld]}")
                if not hits and fld in QUANTIFIED and not _quantified(text, ph):
                    yield Finding("provision-not-quantified", sec, pid,
                                  f"{planmod.where(plan, path + [fld], title)}: '{_show(value)}' gives no number "
                                  f"— {INSTEAD[fld]}")
            yield from _wording(plan, path, p, (("description", "provision"),), ph, pid, sec)


def _wording(plan: dict, path: list, item: dict, fields: Iterable[tuple[str, str]], ph: Phrases,
             item_id: str | None, sec: str) -> Iterator[Finding]:
    for fld, title in fields:
        value = item.get(fld)
        if _blank(value, ph):  # reported by its own rule (no measure, target-ongoing)
            continue
        for _key, written, hint in find_phrases(_text(value), ph.vague):
            place = planmod.where(plan, path) if fld == "description" else planmod.where(plan, path + [fld], title)
            yield Finding("vague-wording", sec, item_id,
                          f"{place}: '{written}' is vague wording — "
                          f"{hint or 'say exactly what, how often and by whom'}")


def _coverage_findings(plan: dict, sections: dict) -> Iterator[Finding]:
    served_needs: dict[str, set[str]] = {s: set() for s in planmod.PROVISION_SECTIONS}
    served_outcomes: set[str] = set()
    for sec in planmod.PROVISION_SECTIONS:
        for _, p in _listed(sections, sec, "provision"):
            served_needs[sec] |= set(_refs(p.get("needs")))
            served_outcomes |= set(_refs(p.get("outcomes")))
    for sec, providers in MEETS.items():
        for i, n in _listed(sections, sec, "needs"):
            nid = _id(n)
            if nid and any(nid in served_needs[s] for s in providers):
                continue
            where_text = "Section F" if providers == ("F",) else "Sections F, G, H1 or H2"
            yield Finding("need-without-provision", sec, nid,
                          f"{planmod.where(plan, ['sections', sec, 'needs', i])}: no provision in {where_text} "
                          f"meets this need — add provision that lists {nid or 'it'} under the needs it meets")
    for i, o in _listed(sections, "E", "outcomes"):
        oid = _id(o)
        if oid and oid in served_outcomes:
            continue
        yield Finding("outcome-without-provision", "E", oid,
                      f"{planmod.where(plan, ['sections', 'E', 'outcomes', i])}: no provision in Sections F, G, "
                      f"H1 or H2 serves this outcome — add {oid or 'it'} to the outcomes of the provision that "
                      "will help achieve it")


# ---- helpers ---------------------------------------------------------------------------------------------------
def _listed(sections: dict, sec: str, key: str) -> Iterator[tuple[int, dict]]:
    """(index, item) for every dict in sections[sec][key], whatever is missing or of the wrong type."""
    node = sections.get(sec)
    lst = node.get(key) if isinstance(node, dict) else None
    if isinstance(lst, list):
        for i, it in enumerate(lst):
            if isinstance(it, dict):
                yield i, it


def _id(item: dict) -> str | None:
    v = item.get("id")
    return str(v) if isinstance(v, (str, int)) and not isinstance(v, bool) and str(v) else None


def _refs(value: Any) -> list[str]:
    return [str(r) for r in value if isinstance(r, (str, int))] if isinstance(value, list) else []


def _has(value: Any) -> bool:
    """Something is written: not missing, not blank, not an empty list."""
    if value is None or isinstance(value, bool):
        return value is True
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, dict)):
        return bool(value)
    return True


def _blank(value: Any, ph: Phrases) -> bool:
    """Nothing written, or only a placeholder such as 'TBC', 'n/a' or 'ongoing' (lint_phrases.json not_a_target)."""
    return not _has(value) or _norm(_text(value)) in ph.not_a_target


def _said(value: Any) -> str:
    """' (it says 'TBC')' for a placeholder, '' when nothing is written."""
    return f" (it says '{_show(value)}')" if _has(value) else ""


def _text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return " ".join(_text(v) for v in value.values())
    return str(value)


def _show(value: Any, limit: int = 60) -> str:
    s = " ".join(_text(value).split())
    return s if len(s) <= limit else s[:limit].rsplit(" ", 1)[0] + "…"


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


_NUMBER = re.compile(r"\d")


def _quantified(text: str, ph: Phrases) -> bool:
    if _NUMBER.search(text):
        return True
    words = re.findall(r"[\w:/-]+", text.lower())
    return any(w in ph.quantity_words or any(part in ph.quantity_words for part in w.split("-")) for w in words)


def _dict(value: Any) -> dict:
    """A part of a plan that should be a set of fields, or an empty one: lint runs on broken plans too."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    """A part of a plan that should be a list, or an empty one."""
    return value if isinstance(value, list) else []


def _nc_year(plan: dict, today: date) -> int | None:
    child = _dict(plan.get("child"))
    override = plan.get("year_group")
    dob = _date(child.get("date_of_birth"))
    if isinstance(override, int) and not isinstance(override, bool):
        since = plan.get("year_group_recorded_for")
        issued = _date(plan.get("issued"))
        if not isinstance(since, int) or isinstance(since, bool):
            since = statutory.school_year_start(issued) if issued else statutory.school_year_start(today)
        return override + statutory.school_year_start(today) - since  # moves up each September (rules 3.1)
    return statutory.nc_year(dob, today) if dob else None


def lint_one(plan: dict, today: date) -> dict[str, Any]:
    """One plan's findings as JSON data, with the year group the child is in on `today` (PfA from Year 9)."""
    return lint_plan(plan, today, statutory.year_group(plan, today)).as_json()


def warnings(plan: dict, on: date) -> list[str]:
    """Plan-quality findings as warnings for the caseworker when a review is scheduled or amendments are
    proposed. Never blocking: a lint failure must not stop a statutory step."""
    try:
        return [f"plan quality: {f['message']}" for f in lint_one(plan, on)["findings"]]
    except Exception:  # noqa: BLE001
        return []
