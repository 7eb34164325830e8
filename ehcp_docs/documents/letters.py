"""Every kind of document a plan has, in one explicit registry: its template, the journal event it is made from,
and the function that builds it. `produce` makes the documents of one kind from the store as at a revision, so
`ehcp render ID --doc KIND --at REV` gives exactly the letter that was sent.

The builders live beside their casework: review_letters.py, amendment_letters.py, live_letters.py and
plan_document.py; letter_context.py holds what they share."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ehcp_docs.documents import amendment_letters, disagreement_letters, live_letters, plan_document, review_letters
from ehcp_docs.documents.live_letters import progress_update
from ehcp_docs.documents.plan_document import render_plan
from ehcp_docs.errors import NotFound, UsageError
from ehcp_docs.store import Store

__all__ = ["KINDS", "Kind", "produce", "progress_update", "render_plan"]

# store, plan, events, the event it is made from (None for a plan or a leaflet made from the plan alone),
# template, folder, revision -> the files made
Builder = Callable[[Store, dict, list[dict], Any, str, Path, str], list[Path]]


@dataclass(frozen=True)
class Kind:
    name: str  # as `render --doc` takes it
    template: str  # templates/<template>.docx, or the LA's override
    event: str | None  # the journal event it is made from (the latest one, unless a command passes its own)
    build: Builder


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("plan", "plan", None, plan_document.plan_document),
    Kind("invitation", "review-invitation", "review-scheduled", review_letters.invitation),
    Kind("advice-request", "advice-request", "review-scheduled", review_letters.advice_request),
    Kind("review-report", "review-report", "review-report", review_letters.review_report),
    Kind("decision", "decision", "review-decision", review_letters.decision),
    Kind("what-happens-next", "what-happens-next", None, review_letters.what_happens_next),
    Kind("progress-update", "progress-update", "progress-update", live_letters.progress_update_letter),
    Kind("concern-response", "concern-response", "concern-response", live_letters.concern_response),
    Kind("amendment-notice", "amendment-notice", "amendment-proposed", amendment_letters.amendment_notice),
    Kind("amended-plan", "amended-plan-letter", "amended-plan-issued", amendment_letters.amended_plan),
    Kind("amendment-withdrawn", "amendment-withdrawn", "amendment-withdrawn", amendment_letters.amendment_withdrawn),
    Kind("reassessment-decision", "reassessment-decision", "reassessment-decision",
         amendment_letters.reassessment_decision),
    Kind("cease-consultation", "cease-consultation", "cease-proposed", amendment_letters.cease_consultation),
    Kind("cease-notice", "cease-notice", "cease-decision", amendment_letters.cease_notice),
    Kind("mediation-acknowledgement", "mediation-acknowledgement", "mediation-contact",
         disagreement_letters.mediation_acknowledgement),
    Kind("appeal-conceded", "appeal-conceded", "appeal-conceded", disagreement_letters.appeal_conceded),
    Kind("order-compliance", "order-compliance", "amended-plan-issued", disagreement_letters.order_compliance),
    Kind("early-review-decision", "request-decision", "early-review-decision", amendment_letters.request_decision),
    Kind("budget-decision", "request-decision", "personal-budget-decision", amendment_letters.request_decision),
)}


def produce(store: Store, pid: str, kind: str, folder: Path, *, rev: str | None = None,
            event: dict | None = None) -> list[Path]:
    """Makes the documents of one kind from the store as at `rev` (default HEAD)."""
    found = KINDS.get(kind)
    if found is None:
        raise UsageError(f"unknown document kind {kind}", hint=f"Kinds: {', '.join(KINDS)}")
    asked = rev
    rev = rev or store.head()
    plan = store.plan(pid, rev) if asked else store.checked_plan(pid)  # remade as sent, or from the plan in force
    events = store.events(pid, rev)
    if found.event and event is None:
        event = next((e for e in reversed(events) if e["event"] == found.event), None)
        if event is None:
            raise NotFound(f"plan {pid} has no {found.event.replace('-', ' ')} to make a {kind} from"
                           + (f" at {asked[:10]}" if asked else ""))
    return found.build(store, plan, events, event, found.template, folder, rev)
