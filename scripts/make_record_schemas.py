"""Writes schema/meeting.schema.json (the review meeting record) and schema/progress.schema.json (a setting's
termly progress return). Both share the per-outcome progress block, so a progress return can pre-fill the next
meeting record."""
import json
from pathlib import Path

STATUS = {"type": "string", "title": "status", "enum": ["achieved", "on-track", "not-on-track", "not-started"],
          "description": "achieved, on-track, not-on-track or not-started"}
TEXT = {"type": "string", "maxLength": 20000}
OPT_TEXT = {"type": ["string", "null"], "maxLength": 20000}
PERSON = {"type": "object", "title": "person", "additionalProperties": False, "required": ["role"],
          "properties": {"name": TEXT, "role": {**TEXT, "title": "role"}}}


def target(extra: dict) -> dict:
    return {"type": "object", "title": "interim target", "additionalProperties": False,
            "required": ["target", "status"],
            "properties": {"target": {**TEXT, "title": "target id"}, "description": OPT_TEXT, "status": STATUS,
                           "evidence": {**OPT_TEXT, "title": "evidence"}, **extra}}


def outcome(extra: dict, target_extra: dict) -> dict:
    return {"type": "object", "title": "outcome", "additionalProperties": False,
            "required": ["outcome", "status", "targets"],
            "properties": {"outcome": {**TEXT, "title": "outcome id"}, "description": OPT_TEXT, "status": STATUS,
                           "evidence": {**OPT_TEXT, "title": "evidence"},
                           "targets": {"type": "array", "items": target(target_extra)}, **extra}}


MEETING = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "review meeting record", "type": "object", "additionalProperties": False,
    "required": ["plan", "attended", "progress"],
    "properties": {
        "plan": {**TEXT, "title": "plan id"},
        "attended": {"type": "array", "title": "who attended", "items": PERSON, "minItems": 1},
        "apologies": {"type": "array", "title": "apologies", "items": PERSON},
        "child_views": {**OPT_TEXT, "title": "the child's or young person's views"},
        "family_views": {**OPT_TEXT, "title": "the parent's or young person's views"},
        "progress": {"type": "array", "title": "progress towards outcomes", "items": outcome(
            {"still_appropriate": {"type": "boolean", "title": "outcome still appropriate"},
             "comment": {**OPT_TEXT, "title": "comment"}}, {})},
        "recommendations": {"type": "array", "title": "recommended amendments", "items": {
            "type": "object", "additionalProperties": False, "required": ["item", "change"],
            "properties": {"item": {**TEXT, "title": "plan item or section"}, "change": {**TEXT, "title": "change"},
                           "reason": OPT_TEXT}}},
        "differences_of_opinion": {"type": "array", "title": "differences of opinion", "items": TEXT},
        "preparing_for_adulthood": {**OPT_TEXT, "title": "preparation for adulthood discussion"},
        "personal_budget_requests": {"type": "array", "title": "personal budget requests", "items": {
            "type": "object", "additionalProperties": False, "required": ["by", "details"],
            "properties": {"by": TEXT, "details": TEXT}}},
        "next_steps": {**OPT_TEXT, "title": "agreed next steps"},
    },
}

PROGRESS = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "progress return", "type": "object", "additionalProperties": False,
    "required": ["plan", "returned_by", "progress"],
    "properties": {
        "plan": {**TEXT, "title": "plan id"},
        "term": {**OPT_TEXT, "title": "term"},
        "returned_by": {**PERSON, "title": "returned by"},
        "progress": {"type": "array", "title": "progress towards outcomes", "items": outcome(
            {"next_steps": {**OPT_TEXT, "title": "next steps"}, "since_last_term": {**OPT_TEXT,
                                                                                     "title": "what changed"}},
            {"next_steps": {**OPT_TEXT, "title": "next steps"}})},
        "family_message": {**OPT_TEXT, "title": "message for the family"},
    },
}

if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent / "schema"
    for name, schema in (("meeting.schema.json", MEETING), ("progress.schema.json", PROGRESS)):
        (root / name).write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {root / name}")
