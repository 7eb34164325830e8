"""Exports of a plan for sharing outside the LA (suppliers, trainers, researchers): with --redact, names, the date of
birth, addresses and contact details are replaced, in the structured fields and inside free text.

Free text is what caseworkers and families actually write, so matching is forgiving on purpose: every name recorded in
the plan (child, parents, professionals, caseworker, head, SENCO, advice authors) is found whatever its case, with or
without accents, composed or decomposed Unicode, and with a possessive. Contact details and identifiers are removed by
pattern wherever they appear (emails, UK phone numbers, UPNs, NHS numbers, postcodes), and the date of birth in any
common writing. Redaction errs towards removing: a word that is also someone's name goes."""
from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date as Date
from typing import Any

PLACEHOLDER_EMAIL = "redacted@example.org"
NAME = "[name]"
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "rev", "revd"})

# A word: letters and combining accents, with inner apostrophes (O'Brien, Oliver's) and nothing else.
_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+(?:['\u2019](?:[^\W\d_]|[\u0300-\u036f])+)*['\u2019]?")
_JOINED_NAMES = re.compile(r"\[name\](?:[ \t\-]+\[name\])+")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])(?:\+44[\s.-]?(?:\(0\)[\s.-]?)?\(?|\(?0)(?:\d[\s.)-]{0,2}){8,9}\d(?!\d)")
_UPN = re.compile(r"\b[A-Z]\s?(?:\d\s?){11}[0-9A-Z]\b", re.IGNORECASE)
_NHS = re.compile(r"(?<![\d-])\d{3}[\s-]?\d{3}[\s-]?\d{4}(?![\d-])")
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d(?!st|nd|rd|th)[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE_PATTERNS = (
    re.compile(r"\b(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})\b"),
    re.compile(r"\b(?P<a>\d{1,2})\s?[-/.]\s?(?P<b>\d{1,2})\s?[-/.]\s?(?P<y>\d{4}|\d{2})\b"),
    re.compile(rf"\b(?P<d>{_DAY})(?:\s+of)?[\s-]+(?P<mn>{_MONTH})[\s,-]+(?P<y>\d{{4}}|'?\d{{2}})\b", re.IGNORECASE),
    re.compile(rf"\b(?P<mn>{_MONTH})\s+(?P<d>{_DAY}),?\s+(?P<y>\d{{4}})\b", re.IGNORECASE),
)


def redact(plan: dict) -> dict:
    """Replaces names, date of birth, addresses and contact details, including every recorded name inside free
    text. The date of birth becomes 1 September of the same school year, so year groups and review focus still
    compute the same."""
    out = copy.deepcopy(plan)
    names = recorded_names(plan)
    child = _part(out, "child")
    dob = _iso(child.get("date_of_birth"))
    if dob is not None:
        child["date_of_birth"] = f"{dob.year - (1 if dob.month < 9 else 0)}-09-01"
    child["name"] = "Child A"
    for k in ("known_as", "address", "email", "phone", "upn", "nhs_number"):
        child.pop(k, None)
    for i, p in enumerate(_dicts(out.get("parents"))):
        _person(p, f"Parent {i + 1}")
    for i, p in enumerate(_dicts(out.get("professionals"))):
        _person(p, str(p.get("role") or f"Professional {i + 1}"))
    if isinstance(out.get("caseworker"), dict):
        _person(out["caseworker"], "Caseworker")
    sections = _part(out, "sections")
    sec_i = _part(sections, "I")
    for k in ("head", "senco"):
        if sec_i.get(k):
            sec_i[k] = "[name removed]"
    sec_k = _part(sections, "K")
    for adv in _dicts(sec_k.get("advice")):
        adv["author"] = adv.get("role") or "[author removed]"
    scrub = free_text_scrubber(names, dob)
    return _walk(out, scrub)


def recorded_names(plan: dict) -> set[str]:
    """Every name recorded in the plan, as folded words (and hyphenated wholes): the child's name and known-as
    name, parents, professionals, the caseworker, the head and SENCO in Section I and the authors of advice."""
    people: list[Any] = [plan.get("child"), plan.get("caseworker")]
    people += _dicts(plan.get("parents")) + _dicts(plan.get("professionals"))
    sections = _part(plan, "sections")
    sec_i = _part(sections, "I")
    sec_k = _part(sections, "K")
    raw = [p.get(k) for p in people if isinstance(p, dict) for k in ("name", "known_as")]
    raw += [sec_i.get("head"), sec_i.get("senco")] + [a.get("author") for a in _dicts(sec_k.get("advice"))]
    words: set[str] = set()
    for value in raw:
        for token in _WORD.findall(str(value or "")):
            words.update(_name_forms(fold(token)))
    return {w for w in words if len(w) > 1 and w not in TITLES}


def fold(text: str) -> str:
    """The form names are compared in: decomposed, accents dropped, case folded, curly apostrophes made straight."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).casefold().replace("\u2019", "'")


def free_text_scrubber(names: set[str], dob: Date | None) -> Callable[[str], str]:
    """A function removing names, contact details, identifiers and the date of birth from one piece of text."""
    def scrub(text: str) -> str:
        text = unicodedata.normalize("NFC", text)
        text = _EMAIL.sub(lambda m: m.group(0) if m.group(0) == PLACEHOLDER_EMAIL else "[email removed]", text)
        if dob is not None:
            text = _remove_dob(text, dob)
        text = _UPN.sub("[UPN removed]", text)
        text = _PHONE.sub("[phone removed]", text)
        text = _NHS.sub("[NHS number removed]", text)
        text = _POSTCODE.sub("[postcode removed]", text)
        text = _WORD.sub(lambda m: _name_or_word(m.group(0), names), text)
        return _JOINED_NAMES.sub(NAME, text)
    return scrub


def _name_forms(word: str) -> Iterable[str]:
    """A folded word and, for a possessive or a hyphenated name, its parts."""
    yield word
    base = _without_possessive(word)
    yield base
    yield from base.split("-")


def _without_possessive(word: str) -> str:
    for ending in ("'s", "'"):
        if word.endswith(ending):
            return word[: -len(ending)]
    return word


def _name_or_word(token: str, names: set[str]) -> str:
    folded = fold(token)
    base = _without_possessive(folded)
    if folded in names or base in names:
        return NAME + token[len(base):] if base != folded else NAME
    if base.endswith("s") and base[:-1] in names:  # "Olivers" written for "Oliver's"
        return NAME + "s"
    return token


def _remove_dob(text: str, dob: Date) -> str:
    for pattern in _DATE_PATTERNS:
        text = pattern.sub(lambda m: "[date of birth removed]" if dob in _readings(m) else m.group(0), text)
    return text


def _readings(m: re.Match[str]) -> set[Date]:
    """The dates a written date can mean (04/11/2015 is 4 November in the UK, 11 April in the US: both count)."""
    g = m.groupdict()
    year = int(g["y"].lstrip("'"))
    year += 2000 if year < 50 else 1900 if year < 100 else 0
    if g.get("mn"):
        month = next((i + 1 for i, name in enumerate(_MONTHS) if name.startswith(g["mn"].lower().rstrip(".")[:3])), 0)
        pairs = [(month, int(re.sub(r"\D", "", g["d"])))]
    elif g.get("a"):
        a, b = int(g["a"]), int(g["b"])
        pairs = [(b, a), (a, b)]
    else:
        pairs = [(int(g["m"]), int(g["d"]))]
    found: set[Date] = set()
    for month, day in pairs:
        try:
            found.add(Date(year, month, day))
        except ValueError:
            continue
    return found


def _iso(value: Any) -> Date | None:
    if isinstance(value, Date):
        return value
    try:
        return Date.fromisoformat(str(value)) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def _part(container: dict, key: str) -> dict:
    """A part of the plan that should be a mapping ({} when a hand-edited plan has something else there)."""
    value = container.get(key)
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict]:
    return [p for p in value if isinstance(p, dict)] if isinstance(value, list) else []


def _person(p: dict, label: str) -> None:
    p["name"] = label
    for k in ("address", "phone"):
        if k in p:
            p[k] = "[removed]"
    if "email" in p:
        p["email"] = PLACEHOLDER_EMAIL


def _walk(value: Any, scrub: Callable[[str], str]) -> Any:
    if isinstance(value, dict):
        return {k: _walk(x, scrub) for k, x in value.items()}
    if isinstance(value, list):
        return [_walk(x, scrub) for x in value]
    if isinstance(value, str):
        return scrub(value)
    return value
