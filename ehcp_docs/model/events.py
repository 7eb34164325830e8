"""The events a plan's history is made of. Each is one commit (trailer `EHCP-Event: <name>`) and one line in the
plan's journal (plans/<ID>/events.jsonl). The words are used in commit subjects and `ehcp log`; they never
include a child's name.

Data fields each event's journal line carries (besides seq, event, date, recorded, by):
  issued                  {}                                   (date = the plan's `issued`)
  correction              {"note"?}
  review-scheduled        {"meeting", "invitations_sent", "advice_due", "venue", "invitees": [{role, name}],
                           "short_notice": bool, "reschedules"?: seq, "time"?: "2pm"}
  advice-received         {"role", "file" (path in the store, relative to the plan folder), "received"}
  advice-circulated       {}
  review-meeting          {"record": {...meeting record...}, "steps_missing"?: ["invitations"]}
                                                               (date = the meeting date)
  review-report           {}                                   (date = the day the report was sent)
  review-decision         {"decision": "maintain"|"amend"|"cease", "reason", "steps_missing"?: ["review_report"],
                           "order_forced"?: reason}   (a step taken out of order: --without-report, --force)
  amendment-started       {}                                   (proposed.yaml: a draft, not yet served)
  amendment-proposed      {"context": "review"|"outside-review"|"reassessment", "reason", "reasons": {item: text},
                           "evidence": [paths], "changes": int, "evidence_meta": [{title, author, dated}],
                           "no_evidence": reason}         (date = the day the notice was served)
  representations         {"text", "file"?, "school_request"?, "meeting_request": bool}
  amended-plan-issued     {"context", "answers": [{representation: seq, answer, why}], "meeting"?: held|declined}
                                                               (date = the day the final plan was issued)
  amendment-withdrawn     {"reason"}
  reassessment-requested  {"by"}                               (date = the day the request was received)
  reassessment-decision   {"decision": "agree"|"refuse", "reason"}
  cease-proposed          {"reason_code": 1..9, "reason"}
  cease-decision          {"decision": "cease"|"continue", "reason_code", "effective", "views"?: [text],
                           "support"?: text}
  progress-update         {"return": {...progress return...}}
  contribution            {"role", "text", "file"?}
  contribution-resolved   {"contribution": seq, "taken_up": bool, "reason"}
  concern                 {"role", "text", "response_due"}
  concern-response        {"concern": seq, "text", "outcome"}
  early-review-requested  {"by", "reason"}
  early-review-decision   {"request": seq, "decision": "agree"|"refuse", "reason"}
  personal-budget-request {"by", "details"}
  personal-budget-decision {"request": seq, "decision": "agree"|"refuse", "reason"}
  document-served         {"document": seq, "document_event", "how": "hand"|"email"|"post", "served",
                           by `ehcp send`: "kind", "sent_at" (UTC), "recipients": [{role, email, message_id,
                           files}]}
                           (date = the day it was handed over, emailed or posted; served = the day of service)
  time-limit-exception    {"step", "ref": seq, "ground" (the regulation's reason), "basis", "from", "to", "days",
                           "details"}
  mediation-contact       {"wants_mediation": bool, "about": [education|health|social-care], "decision": seq,
                           "against"}                           (the family contacted the mediation adviser)
  mediation-health-notified {"contact": seq}                   (the ICB was told: health is in issue)
  mediation-arranged      {"contact": seq, "mediation_date"?}
  mediation-held          {"contact": seq, "outcome": agreed|partly|not-agreed, "agreement"?: path,
                           "actions": [{"kind", "description"}]}
  mediation-certificate   {"contact": seq, "decision": seq, "appeal_deadline"}
  appeal-registered       {"against": maintain|amended-plan|refuse-amend|refuse-reassess|cease, "decision": seq,
                           "about": [B|F|I], "reference", "late_permitted": bool, "appeal_deadline"}
  appeal-withdrawn        {"appeal": seq}
  appeal-conceded         {"appeal": seq, "kind"}              (reg 45: the LA will not oppose)
  tribunal-order          {"appeal": seq, "order": kind, "sections": [...], "file"?, "details"?}
  working-document        {"appeal": seq, "version", "file", "sections", "cells", "agreed": [...]}
  working-document-returned {"appeal": seq, "version", "file", "cells", "unplaced": [...], "changes": [...]}
  conflict-resolved       {"took": "mine"|"theirs"|"file", "plan_blob"}  (two colleagues' changes finished)
  template-override       {}                                   (store-wide, no plan)
  settings-changed        {}                                   (store-wide, no plan: ehcp.toml committed)

Every line written now also carries "id" (an identity no other clone can produce) and "at" (when it was
recorded, UTC to the microsecond), and "<field>_id" beside each number that names another event (for example
"contribution_id"): store/journal.py merges two clones' journals by them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

EVENTS: dict[str, str] = {
    "init": "plan store created",
    "issued": "plan issued",
    "correction": "plan corrected",
    "review-scheduled": "review meeting scheduled",
    "advice-received": "review advice received",
    "advice-circulated": "review advice circulated",
    "review-meeting": "review meeting recorded",
    "review-report": "review report sent",
    "review-decision": "review decision made",
    "amendment-started": "amendment draft started",
    "amendment-proposed": "proposed amendments served",
    "amendment-proposed-outside-review": "proposed amendments served (outside a review)",
    "representations": "representations recorded",
    "amended-plan-issued": "final amended plan issued",
    "amended-plan-issued-outside-review": "final amended plan issued (outside a review)",
    "amendment-withdrawn": "proposed amendments withdrawn",
    "reassessment-requested": "re-assessment requested",
    "reassessment-decision": "re-assessment decision made",
    "cease-proposed": "ceasing proposed",
    "cease-decision": "ceasing decision made",
    "progress-update": "progress return recorded",
    "contribution": "contribution recorded",
    "contribution-resolved": "contribution resolved",
    "concern": "concern recorded",
    "concern-response": "concern answered",
    "early-review-requested": "early review requested",
    "early-review-decision": "early review request decided",
    "personal-budget-request": "personal budget requested",
    "personal-budget-decision": "personal budget request decided",
    "document-served": "document served",
    "time-limit-exception": "exception to a time limit recorded",
    "mediation-contact": "family contacted the mediation adviser",
    "mediation-health-notified": "health service told about mediation",
    "mediation-arranged": "mediation arranged",
    "mediation-held": "mediation held",
    "mediation-certificate": "mediation certificate issued",
    "appeal-registered": "appeal to the Tribunal registered",
    "appeal-withdrawn": "appeal withdrawn",
    "appeal-conceded": "appeal not opposed (reg 45)",
    "tribunal-order": "Tribunal order recorded",
    "working-document": "Tribunal working document written",
    "working-document-returned": "returned working document recorded",
    "conflict-resolved": "colleagues' changes merged",
    "journal-repaired": "journal numbered in order again",
    "template-override": "LA template changed",
    "settings-changed": "LA settings changed",
    "purged": "plan purged after its retention period",
}


OUTSIDE_REVIEW = "-outside-review"

# The data fields an event's line must carry, with their kind, where the commands read them without a default
# (store/journal.py `line_problem` checks them when the journal is read): a contribution typed by hand without its
# text once stopped `status`, `open` and `show --contributions` with a traceback. Every line ehcp writes has them.
REQUIRED: dict[str, dict[str, type]] = {
    "contribution": {"role": str, "text": str},
    "contribution-resolved": {"contribution": int, "taken_up": bool},
    "mediation-held": {"actions": list},
}
# The kind of every item of a list field above (an action typed as text stopped `render` with a traceback).
ITEMS: dict[str, dict[str, type]] = {"mediation-held": {"actions": dict}}
KINDS = {str: "text", int: "a whole number", bool: "true or false", list: "a list", dict: "a set of fields"}


def amendment_event(base: str, context: str) -> str:
    """Amendments outside a review follow the same procedure (reg 22) but are recorded under their own event
    name, so the audit trail tells them apart at a glance."""
    return base + OUTSIDE_REVIEW if context == "outside-review" else base


def normalise(record: dict) -> dict:
    """A journal line as the calendar and workflows read it: one event name per procedure step, the variant
    kept in `context`."""
    name = record.get("event", "")
    if isinstance(name, str) and name.endswith(OUTSIDE_REVIEW) and name[: -len(OUTSIDE_REVIEW)] in EVENTS:
        return {**record, "event": name[: -len(OUTSIDE_REVIEW)], "recorded_as": name, "context": "outside-review"}
    return record


def words(event: str) -> str:
    return EVENTS.get(event, event.replace("-", " "))


@dataclass
class Recorded:
    """What a command recorded: its commit (None if nothing changed), the journal line, and what the caseworker
    should be told (warnings: late or short steps; notes: what to do next)."""
    commit: str | None
    event: dict
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
