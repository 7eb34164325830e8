"""A read-only view of a plan's journal (events.jsonl) for the pure calendar: events parsed once, dates as
`date`, look-ups by name and seq. No I/O: callers pass the list of journal records they already read."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ehcp_docs.errors import InvalidPlan, StoreError

NEVER = 10 ** 12  # a seq after every event

@dataclass(frozen=True)
class Event:
    seq: int
    name: str
    day: date
    data: Mapping[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        if key in self.data:
            return self.data[key]
        nested = self.data.get("data")
        return nested.get(key, default) if isinstance(nested, Mapping) else default

    def date_of(self, key: str) -> date | None:
        value = self.get(key)
        if value in (None, "", True, False):
            return None
        return to_date(value, lambda: StoreError(
            f"journal entry {self.seq} ({self.name}): {key} '{str(value)[:20]}' is not a date (YYYY-MM-DD)"))

    def ref(self, key: str) -> int | None:
        try:
            return int(self.get(key))
        except (TypeError, ValueError):
            return None


def to_date(value: Any, error: Callable[[], Exception]) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise error() from None


class Journal:
    """The plan's events up to `today`, in seq order, with the look-ups the rules need."""

    def __init__(self, events: Iterable[Mapping[str, Any]], today: date):
        parsed = [self._parse(e) for e in events]
        self.events = sorted((e for e in parsed if e.day <= today), key=lambda e: e.seq)

    @staticmethod
    def _parse(e: Mapping[str, Any]) -> Event:
        seq, name = e.get("seq"), str(e.get("event", ""))
        day = to_date(e.get("date"), lambda: StoreError(
            f"journal entry {seq} ({name}): date '{str(e.get('date'))[:20]}' is not a date (YYYY-MM-DD)"))
        return Event(int(seq or 0), name, day, e)

    def all(self, *names: str, after: int = 0, before: int = NEVER) -> list[Event]:
        return [e for e in self.events if e.name in names and after < e.seq < before]

    def between(self, after: int, before: int = NEVER) -> list[Event]:
        return [e for e in self.events if after < e.seq < before]

    def first(self, *names: str, after: int = 0, before: int = NEVER,
              where: Callable[[Event], bool] | None = None) -> Event | None:
        return next((e for e in self.all(*names, after=after, before=before) if where is None or where(e)), None)

    def last(self, *names: str, after: int = 0, before: int = NEVER) -> Event | None:
        found = self.all(*names, after=after, before=before)
        return found[-1] if found else None


def seq_of(e: Event | None, default: int = NEVER) -> int:
    return e.seq if e else default


def plan_date(plan: Mapping[str, Any], *path: str) -> date | None:
    node: Any = plan
    for key in path:
        node = node.get(key) if isinstance(node, Mapping) else None
    if node in (None, ""):
        return None
    return to_date(node, lambda: InvalidPlan(f"plan {plan.get('id', '')}: {' '.join(path).replace('_', ' ')} "
                                              f"'{str(node)[:20]}' is not a date (YYYY-MM-DD)"))
