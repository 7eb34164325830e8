"""The plan's journal, `plans/<ID>/events.jsonl`: one JSON object per line, append-only. This module is its format:
how lines are read (the one parser the store, the index and the calendar all use) and written.

Every line is checked against the journal's schema when it is read: a JSON object, a known event, `seq` the whole
number 1, 2, 3... in order, and real ISO dates. A journal committed by hand with plain git may hold anything (a
bare number, `seq: "x"`, NaN, a 100,000-deep array, 2024-02-30): such a journal is refused with its line and the
problem, never appended to, and every command that reads many plans names it and carries on with the others.

The journal is the structured record the calendar is computed from; the git commit (with trailers) is the audit."""
from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from ehcp_docs.errors import StoreError
from ehcp_docs.model import events as eventsmod

FILENAME = "events.jsonl"
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_FIELDS = ("date", "recorded")


class JournalDamage(ValueError):
    """A journal line that does not follow the format: which line, and what is wrong with it."""

    def __init__(self, line: int, problem: str):
        super().__init__(f"line {line} {problem}")
        self.line, self.problem = line, problem


def parse(data: bytes) -> list[dict]:
    """Every line as the calendar and workflows read it (event names normalised, see model/events.py). Raises
    JournalDamage (a ValueError) for a damaged journal."""
    return [eventsmod.normalise(record) for record in parse_raw(data)]


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def parse_raw(data: bytes) -> list[dict]:
    """Every line exactly as written (what a new line is appended to), each checked (see line_problem)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise JournalDamage(data[: e.start].count(b"\n") + 1, "is not UTF-8 text") from None
    records: list[dict] = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line, parse_constant=_constant)
        except RecursionError:
            raise JournalDamage(n, "is nested too deeply to be a journal line") from None
        except ValueError:
            raise JournalDamage(n, "is not valid JSON (or holds NaN or Infinity)") from None
        problem = line_problem(record, len(records) + 1)
        if problem:
            raise JournalDamage(n, problem)
        records.append(record)
    if not records:
        raise JournalDamage(1, "is missing: the journal holds no events (every plan starts with `issued`)")
    return records


def line_problem(record: Any, seq: int) -> str | None:
    """What is wrong with one journal line (the `seq`-th), in words, or None."""
    if not isinstance(record, dict):
        return "is not a set of fields (a JSON object)"
    event = record.get("event")
    if not isinstance(event, str) or not event:
        return "has no event name"
    if eventsmod.normalise(record)["event"] not in eventsmod.EVENTS:
        return f"has an unknown event ({''.join(c for c in event[:40] if c.isprintable())})"
    number = record.get("seq")
    if type(number) is not int:
        return "has a number (seq) that is not a whole number"
    if number != seq:
        return f"has number (seq) {number} where {seq} was expected"
    for key in DATE_FIELDS:
        if key == "date" or key in record:
            value = record.get(key)
            if not (isinstance(value, str) and _ISO.fullmatch(value) and _real(value)):
                return f"has a {key} that is not a real date (YYYY-MM-DD)"
    return None


def _real(text: str) -> bool:
    try:
        date.fromisoformat(text)
        return True
    except ValueError:
        return False


def encode(records: list[dict[str, Any]]) -> bytes:
    """The journal file for these records, one compact JSON object per line, in order (never NaN or Infinity,
    which are not JSON)."""
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=False, allow_nan=False) + "\n"
                   for r in records).encode("utf-8")


def damaged(pid: str, damage: BaseException | None = None) -> StoreError:
    """The one message for a journal that cannot be read: it is refused, never appended to."""
    where = f": {damage}" if isinstance(damage, JournalDamage) else ""
    return StoreError(f"plan {pid}: its journal (events.jsonl) is damaged{where}",
                      hint=f"Nothing is recorded on plan {pid} until its journal is put right (`git log -p "
                           f"plans/{pid}/events.jsonl` shows who changed it); run `ehcp doctor`.")
