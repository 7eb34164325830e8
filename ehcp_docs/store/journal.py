"""The plan's journal, `plans/<ID>/events.jsonl`: one JSON object per line, append-only. This module is its format:
how lines are read (the one parser the store, the index and the calendar all use) and written.

Every line is checked against the journal's schema when it is read: a JSON object, a known event, `seq` the whole
number 1, 2, 3... in order, and real ISO dates. A journal committed by hand with plain git may hold anything (a
bare number, `seq: "x"`, NaN, a 100,000-deep array, 2024-02-30): such a journal is refused with its line and the
problem, never appended to, and every command that reads many plans names it and carries on with the others.

The journal is the structured record the calendar is computed from; the git commit (with trailers) is the audit."""
from __future__ import annotations

import contextlib
import json
import re
import secrets
from datetime import UTC, date, datetime
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


def parse_raw(data: bytes, *, in_order: bool = True) -> list[dict]:
    """Every line exactly as written (what a new line is appended to), each checked (see line_problem). Without
    `in_order` the numbers need not run 1, 2, 3 (a journal merged by hand, which `doctor --repair` renumbers);
    everything else is still checked."""
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
        problem = line_problem(record, len(records) + 1 if in_order else None)
        if problem:
            raise JournalDamage(n, problem)
        records.append(record)
    if not records:
        raise JournalDamage(1, "is missing: the journal holds no events (every plan starts with `issued`)")
    return records


def line_problem(record: Any, seq: int | None) -> str | None:
    """What is wrong with one journal line (the `seq`-th; None: any positive number), in words, or None."""
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
    if seq is None and number < 1:
        return f"has number (seq) {number} where 1 or more was expected"
    if seq is not None and number != seq:
        return f"has number (seq) {number} where {seq} was expected"
    for key in DATE_FIELDS:
        if key == "date" or key in record:
            value = record.get(key)
            if not (isinstance(value, str) and _ISO.fullmatch(value) and _real(value)):
                return f"has a {key} that is not a real date (YYYY-MM-DD)"
    return _data_problem(record) or _identity_problem(record)


def _data_problem(record: dict) -> str | None:
    """The data fields the event needs (model/events.py REQUIRED): present, and of their kind."""
    event = eventsmod.normalise(record)["event"]
    for key, kind in eventsmod.REQUIRED.get(event, {}).items():
        if key not in record:
            return f"has no {key} (a {event} line needs one)"
        value = record[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            return f"has a {key} field that is not {eventsmod.KINDS.get(kind, 'of the right kind')}"
        item = eventsmod.ITEMS.get(event, {}).get(key)
        if item is not None and isinstance(value, list) and not all(isinstance(x, item) for x in value):
            return f"has an entry in {key} that is not {eventsmod.KINDS.get(item, 'of the right kind')}"
    return None


def _identity_problem(record: dict) -> str | None:
    """The fields issue 18's merges rely on (see "identity, order and merging" below): an `id` and the `*_id`
    references are non-empty text, `at` a real time of recording, `date_forced` the reason given with --force."""
    for key in ("id", *(f"{f}_id" for f in REFS)):
        if key in record and not (isinstance(record[key], str) and 0 < len(record[key]) <= 64
                                  and record[key].isprintable()):
            return f"has an identity ({key}) that is not a short piece of text"
    if "at" in record:
        at = record["at"]
        try:
            if not isinstance(at, str) or len(at) > 40:
                raise ValueError(at)
            datetime.fromisoformat(at)
        except ValueError:
            return "has a time of recording (at) that is not a real date and time"
    if "date_forced" in record and not (isinstance(record["date_forced"], str) and record["date_forced"].strip()):
        return "has a reason for an unusual date (date_forced) that is not text"
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


# ---- identity, order and merging ---------------------------------------------------------------------------------
# Two clones can both append event number 25 to the same plan. Every line written now carries an `id` no other
# clone can produce and an `at` (when it was recorded, to the microsecond, UTC). A merge keeps every event of both
# sides exactly once and in each side's own order; where the sides interleave, events go by date, then when they
# were recorded, then id, and are numbered 1, 2, 3 in that order. Lines written before ids existed are matched by
# their content, so old journals stay readable and mergeable.

# fields that name another event by its number (rewritten when a merge renumbers)
REFS = ("contribution", "concern", "request", "notice", "meeting", "reschedules", "document", "ref", "decision",
        "contact", "appeal")


def new_identity() -> str:
    """An event identity two clones cannot both produce (128 random bits)."""
    return secrets.token_hex(16)


def recorded_at(previous: list[dict[str, Any]]) -> str:
    """When a line is recorded (UTC, microseconds), always after the journal's last line, so that a clock set back
    never puts a new event before an older one of the same date."""
    now = datetime.now(UTC).replace(tzinfo=None)
    last = next((r.get("at") for r in reversed(previous) if isinstance(r.get("at"), str)), None)
    if last:
        with contextlib.suppress(ValueError):
            now = max(now, datetime.fromisoformat(last) + datetime.resolution)  # one tick later
    return now.isoformat(timespec="microseconds")


def identity(record: dict[str, Any]) -> str:
    """What makes a line the same event on two clones: its id, or (lines from before ids) its content."""
    rid = record.get("id")
    if isinstance(rid, str) and rid:
        return rid
    return "content:" + json.dumps({k: v for k, v in record.items() if k != "seq"}, sort_keys=True,
                                   ensure_ascii=False)


def order_key(record: dict[str, Any]) -> tuple[str, str, str]:
    return (str(record.get("date", "")), str(record.get("at") or record.get("recorded") or ""), identity(record))


def merge(base: list[dict], ours: list[dict], theirs: list[dict]) -> list[dict]:
    """The union of two journals that grew from `base`: every event once, each side's own order kept, and where
    the two sides interleave, the earlier date (then the earlier recording, then the id) first; the numbers other
    events refer to (a contribution resolved, a concern answered) are rewritten to match. The same two journals
    give the same result whichever side merges them."""
    del base  # an append-only journal needs no base: what both sides hold is the same event
    chosen: dict[str, tuple[dict, int]] = {}
    after: dict[str, set[str]] = {}
    for side, records in enumerate((ours, theirs)):
        previous = None
        for r in records:
            key = identity(r)
            chosen.setdefault(key, (r, side))
            after.setdefault(key, set())
            if previous is not None and previous != key:
                after[key].add(previous)
            previous = key
    ordered: list[tuple[dict, int]] = []
    placed: set[str] = set()
    waiting = dict(after)
    while waiting:
        ready = [k for k, before in waiting.items() if before <= placed] or list(waiting)  # a loop: by date
        key = min(ready, key=lambda k: order_key(chosen[k][0]))
        ordered.append(chosen[key])
        placed.add(key)
        del waiting[key]
    return renumber(ordered, (ours, theirs))


def renumber(records: list[tuple[dict, int]], sides: tuple[list[dict], ...]) -> list[dict]:
    """Numbers the records 1, 2, 3 in the order given and rewrites each reference to a number: by the id the
    reference names where it has one, else by what that number meant on the record's own side."""
    new_seq = {identity(r): n for n, (r, _) in enumerate(records, start=1)}
    by_side = [{r.get("seq"): new_seq.get(identity(r)) for r in side} for side in sides]
    out = []
    for n, (r, side) in enumerate(records, start=1):
        fixed = {**r, "seq": n}
        for field in REFS:
            old = r.get(field)
            if not isinstance(old, int) or isinstance(old, bool):
                continue
            target = r.get(f"{field}_id")
            moved = new_seq.get(target) if isinstance(target, str) else by_side[side].get(old)
            if moved is not None:
                fixed[field] = moved
        out.append(fixed)
    return out


def repaired(records: list[dict]) -> list[dict] | None:
    """A journal whose numbers are out of order (a merge made by hand) with every event once, in the order the file
    holds them, numbered 1, 2, 3; None when it is already in order."""
    seen: set[str] = set()
    unique = []
    for r in records:
        if identity(r) not in seen:
            seen.add(identity(r))
            unique.append(r)
    if [r.get("seq") for r in records] == list(range(1, len(records) + 1)) and len(unique) == len(records):
        return None
    return renumber([(r, 0) for r in unique], (unique,))


def merge_files(base: bytes, ours: bytes, theirs: bytes) -> bytes:
    """What the merge driver writes: the merged journal (ValueError when a side cannot be read)."""
    return encode(merge(parse_raw(base), parse_raw(ours), parse_raw(theirs)))


def with_identity(record: dict[str, Any], previous: list[dict[str, Any]]) -> dict[str, Any]:
    """A new line with its identity, its time of recording, and the ids of the events its numbers refer to."""
    out = {**record, "id": new_identity(), "at": recorded_at(previous)}
    by_seq = {r.get("seq"): r.get("id") for r in previous if isinstance(r.get("id"), str)}
    for field in REFS:
        target = by_seq.get(record.get(field)) if isinstance(record.get(field), int) else None
        if target:
            out[f"{field}_id"] = target
    return out
