"""The plan's journal, `plans/<ID>/events.jsonl`: one JSON object per line, append-only. This module is its format:
how lines are read (the one parser the store, the index and the calendar all use) and written.

The journal is the structured record the calendar is computed from; the git commit (with trailers) is the audit."""
from __future__ import annotations

import json
from typing import Any

from ehcp_docs.errors import StoreError
from ehcp_docs.model import events as eventsmod

FILENAME = "events.jsonl"


def parse(data: bytes) -> list[dict]:
    """Every line as the calendar and workflows read it (event names normalised, see model/events.py). Raises
    ValueError (or UnicodeDecodeError) for a damaged journal."""
    return [eventsmod.normalise(record) for record in parse_raw(data)]


def parse_raw(data: bytes) -> list[dict]:
    """Every line exactly as written: what a new line is appended to."""
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]


def encode(records: list[dict[str, Any]]) -> bytes:
    """The journal file for these records, one compact JSON object per line, in order."""
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in records).encode("utf-8")


def damaged(pid: str) -> StoreError:
    """The one message for a journal that cannot be read: it is refused, never appended to."""
    return StoreError(f"plan {pid}: its journal (events.jsonl) is damaged", hint="Run `ehcp doctor`.")
