"""The Tribunal appeal deadline of a plan's decisions, read from its journal (ehcp-rules.md sections 3.2, 7, 8).
Pure: no I/O.

Why it is built this way: the time limit has limbs (2 months after the decision was sent; 1 month from the issue
of a mediation certificate, if later), each read from the journal by one function in `LIMBS`. The latest limb is
the raw end of the time limit; the Tribunal's rules then move it off a day the Tribunal is closed
(`dates.tribunal_move`), once. So a new limb (a mediation certificate recorded against the decision) is one more
function in `LIMBS`, and `deadlines`, every letter and the cease-from date follow it. The cease-from date is in
`cease_from_for` for the same reason: an appeal lodged holds it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ehcp_docs.statutory.dates import cease_from, closed_day_words, months_after, tribunal_move
from ehcp_docs.statutory.journal import Event, Journal

# events whose letters give an appealable decision (rules section 8), with the decisions that are not appealable
APPEALABLE = {"review-decision": (), "amended-plan-issued": (), "amendment-withdrawn": (),
              "reassessment-decision": ("agree",), "cease-decision": ("continue",)}


@dataclass(frozen=True)
class Limb:
    """One limb of the time limit: what it runs from, when, and the raw last day (before r.12)."""
    name: str  # "letter", "mediation-certificate"
    start: date
    end: date
    words: str  # "2 months from the date of this letter"


@dataclass(frozen=True)
class AppealTime:
    """The time to appeal one decision: its limbs, the raw end (the latest limb), and the printed deadline."""
    decision: str  # the event name
    seq: int
    limbs: tuple[Limb, ...]
    raw: date
    deadline: date
    moved: str | None  # "august", "christmas", "closed" (r.12(2)) or None

    @property
    def limb(self) -> Limb:
        """The limb that gives the raw end (the later one, rules 3.2)."""
        return max(self.limbs, key=lambda lb: lb.end)

    @property
    def reason(self) -> str:
        """One plain sentence saying what the deadline is counted from and, when it moved, why (letters print it
        beside the date; `deadlines` shows it). Never says "2 months from the letter" about a date that is not."""
        raw = _words(self.raw)
        if self.moved is None:
            return f"This is {self.limb.words}."
        words = self.limb.words
        ends = f"The {words} {'ends' if words.startswith('1 ') else 'end'} on {raw}"
        if self.moved == "august":
            return f"{ends}, in August, so the Tribunal gives you until the first working day after 31 August."
        if self.moved == "christmas":
            return (f"{ends}, between Christmas and New Year, so the Tribunal gives you until the first working "
                    "day after 1 January.")
        kind = closed_day_words(self.raw)
        day = "" if kind.startswith("a ") and kind[2:] in raw else f", {kind}"
        return f"{ends}{day}, when the Tribunal is closed, so you have until the next working day."

    def as_json(self) -> dict[str, object]:
        return {"decision": self.decision, "seq": self.seq, "raw": self.raw.isoformat(),
                "deadline": self.deadline.isoformat(), "moved": self.moved, "reason": self.reason,
                "limbs": [{"limb": lb.name, "from": lb.start.isoformat(), "ends": lb.end.isoformat()}
                          for lb in self.limbs]}


def _words(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


# ---- the limbs: each reads the journal for one decision ----------------------------------------------------------
def _letter_limb(j: Journal | None, decision: Event) -> Limb | None:
    """HESC r.20(1)(c)(i): 2 months after written notice of the decision was sent (the letter's date)."""
    return Limb("letter", decision.day, months_after(decision.day, 2), "2 months from the date of this letter")


LIMBS: list[Callable[[Journal | None, Event], Limb | None]] = [_letter_limb]


def appeal_time(decision: Event, journal: Journal | None = None) -> AppealTime:
    """The time to appeal `decision` (an event of the journal): every limb, the later one, then r.12 once."""
    limbs = tuple(lb for f in LIMBS if (lb := f(journal, decision)) is not None)
    raw = max(lb.end for lb in limbs)
    deadline, moved = tribunal_move(raw)
    return AppealTime(decision.name, decision.seq, limbs, raw, deadline, moved)


def appeal_time_on(sent: date, event: str = "review-decision") -> AppealTime:
    """The time to appeal a decision sent on `sent`, before it is in a journal (what a letter made today prints)."""
    return appeal_time(Event(0, event, sent, {}))


def appealable(e: Event) -> bool:
    """Whether the event gives a decision the family can appeal (its letter carries appeal rights)."""
    return e.name in APPEALABLE and e.get("decision") not in APPEALABLE[e.name]


def appeal_times(j: Journal) -> list[AppealTime]:
    """The time to appeal every appealable decision in the journal, oldest first."""
    return [appeal_time(e, j) for e in j.events if appealable(e)]


def latest_appeal(j: Journal) -> AppealTime | None:
    """The time to appeal the latest appealable decision (deadlines --json `appeal_deadline`)."""
    times = appeal_times(j)
    return times[-1] if times else None


def cease_from_for(j: Journal, decision: Event) -> date | None:
    """The first day a plan may cease after the cease decision (CFA s.45(4); rules 7): the day after the last day
    for appealing it, with every limb and r.12. None while that cannot be known (an appeal lodged and not yet
    decided: the disagreements work adds that here)."""
    return cease_from(appeal_time(decision, j).deadline)
