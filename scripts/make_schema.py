"""Writes schema/plan.schema.json. The schema is kept as Python here only because it is easier to read and
review than 600 lines of JSON; the JSON file is what ships and what the code reads."""
import json
from pathlib import Path

AREAS = ["communication-and-interaction", "cognition-and-learning",
         "social-emotional-and-mental-health", "sensory-and-physical"]
TRANSFER_KINDS = ["early-years-to-school", "infant-to-junior", "primary-to-middle", "primary-to-secondary",
                  "middle-to-secondary", "secondary-to-post16", "post16-to-post16"]


def text(title, description=None, min_length=1):
    d = {"type": "string", "title": title, "minLength": min_length, "maxLength": 20000}
    if description:
        d["description"] = description
    return d


def date(title, description=None):
    d = {"type": "string", "format": "date", "title": title}
    if description:
        d["description"] = description
    return d


ITEM_ID = {"type": "string", "title": "id", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$",
           "description": "a stable reference for this item, unique in the plan (for example F3)"}
AREA = {"type": "string", "title": "area of need", "enum": AREAS,
        "description": "the broad area of need this item belongs to"}
REFS = {"type": "array", "items": {"type": "string", "pattern": ITEM_ID["pattern"]}, "uniqueItems": True}

PERSON = {
    "type": "object", "additionalProperties": False, "required": ["name"],
    "properties": {
        "name": text("name"), "relationship": text("relationship"), "address": text("address"),
        "email": {"type": "string", "format": "email", "title": "email"}, "phone": text("telephone"),
        "role": text("role"),
        "no_letters": text("why this person is not sent letters",
                           "set when the plan records that this person must not be sent letters about the child "
                           "(for example, a court order); the reason is kept for the caseworker"),
    },
}

defs = {
    "need": {
        "type": "object", "title": "need", "additionalProperties": False,
        "required": ["id", "area", "description"],
        "properties": {"id": ITEM_ID, "area": AREA, "description": text("description of the need")},
    },
    "target": {
        "type": "object", "title": "interim target", "additionalProperties": False,
        "required": ["id", "description", "by_when", "measured_how"],
        "properties": {
            "id": ITEM_ID, "area": AREA,
            "description": text("interim target"),
            "by_when": date("by when", "the date by which the interim target should be met"),
            "measured_how": text("how progress is measured", "how, how often and by whom progress is checked"),
        },
    },
    "outcome": {
        "type": "object", "title": "outcome", "additionalProperties": False,
        "required": ["id", "area", "description", "by_when", "measured_how", "measured_by", "targets"],
        "properties": {
            "id": ITEM_ID, "area": AREA,
            "description": text("outcome", "what will be different for the child or young person"),
            "by_when": date("by when", "the date by which the outcome should be achieved"),
            "measured_how": text("how progress is measured"),
            "measured_by": text("who measures progress"),
            "preparing_for_adulthood": {
                "type": "string", "title": "preparation for adulthood",
                "enum": ["employment", "independent-living", "community-participation", "health"],
                "description": "the preparation-for-adulthood area this outcome serves (required from Year 9)"},
            "targets": {"type": "array", "title": "interim targets", "items": {"$ref": "#/$defs/target"}},
        },
    },
    "provision": {
        "type": "object", "title": "provision", "additionalProperties": False,
        "required": ["id", "area", "description", "delivered_by", "frequency", "duration", "group_size",
                     "location", "funded_by", "needs", "outcomes"],
        "properties": {
            "id": ITEM_ID, "area": AREA,
            "description": text("provision", "what will be provided"),
            "delivered_by": text("who delivers it", "the role of the person who delivers it"),
            "expertise": text("their expertise", "qualifications, training or supervision of who delivers it"),
            "frequency": text("how often"),
            "duration": text("how long", "how long each session lasts and for how long it runs"),
            "group_size": text("group size"),
            "location": text("where"),
            "funded_by": text("who funds it"),
            "needs": dict(REFS, title="needs it meets", minItems=1),
            "outcomes": dict(REFS, title="outcomes it serves"),
        },
    },
    "provision_section": {
        "type": "object", "additionalProperties": False, "required": ["provision"],
        "properties": {
            "notes": text("notes", min_length=0),
            "provision": {"type": "array", "title": "provision", "items": {"$ref": "#/$defs/provision"}},
        },
    },
    "needs_section": {
        "type": "object", "additionalProperties": False, "required": ["needs"],
        "properties": {
            "notes": text("notes", min_length=0),
            "needs": {"type": "array", "title": "needs", "items": {"$ref": "#/$defs/need"}},
        },
    },
}

sections = {
    "A": {
        "type": "object", "title": "Section A: views, interests and aspirations", "additionalProperties": False,
        "required": ["about", "child_views", "parent_views", "aspirations"],
        "properties": {
            "about": text("about me", "a one-page-profile style summary"),
            "child_views": text("the child's or young person's views"),
            "parent_views": text("the parents' views", min_length=0),
            "interests": text("interests", min_length=0),
            "aspirations": text("aspirations for the future"),
        },
    },
    "B": dict(defs["needs_section"], title="Section B: special educational needs"),
    "C": dict(defs["needs_section"], title="Section C: health needs"),
    "D": dict(defs["needs_section"], title="Section D: social care needs"),
    "E": {
        "type": "object", "title": "Section E: outcomes", "additionalProperties": False, "required": ["outcomes"],
        "properties": {"outcomes": {"type": "array", "title": "outcomes", "items": {"$ref": "#/$defs/outcome"}}},
    },
    "F": dict(defs["provision_section"], title="Section F: special educational provision"),
    "G": dict(defs["provision_section"], title="Section G: health provision"),
    "H1": dict(defs["provision_section"], title="Section H1: social care provision (CSDPA 1970 s.2)"),
    "H2": dict(defs["provision_section"], title="Section H2: other social care provision"),
    "I": {
        "type": "object", "title": "Section I: placement", "additionalProperties": False, "required": ["type"],
        "properties": {
            "name": text("name of the school or institution", min_length=0),
            "type": text("type of school or institution"),
            "urn": {"type": "string", "title": "URN", "pattern": r"^((EY)?[0-9]{6,7})?$",
                    "description": "the setting's unique reference number (EY number for early years)"},
            "address": text("address", min_length=0),
            "head": text("head teacher or principal", min_length=0),
            "senco": text("SENCO", min_length=0),
        },
    },
    "J": {
        "type": "object", "title": "Section J: personal budget", "additionalProperties": False,
        "required": ["in_place"],
        "properties": {
            "in_place": {"type": "boolean", "title": "personal budget in place"},
            "direct_payments": {"type": "boolean", "title": "direct payments"},
            "organised_arrangements": {"type": "boolean", "title": "arrangements organised by the LA"},
            "summary": text("summary", min_length=0),
            "items": {"type": "array", "title": "budget items", "items": {
                "type": "object", "title": "budget item", "additionalProperties": False,
                "required": ["id", "description", "amount"],
                "properties": {"id": ITEM_ID, "description": text("what it pays for"),
                               "amount": text("amount"), "needs": dict(REFS, title="needs it meets"),
                               "outcomes": dict(REFS, title="outcomes it serves")}}},
        },
    },
    "K": {
        "type": "object", "title": "Section K: advice and information", "additionalProperties": False,
        "required": ["advice"],
        "properties": {"advice": {"type": "array", "title": "advice", "items": {
            "type": "object", "title": "advice", "additionalProperties": False,
            "required": ["id", "title", "author", "date"],
            "properties": {"id": ITEM_ID, "title": text("title"), "author": text("author"),
                           "role": text("role"), "date": date("date")}}}},
    },
}

schema = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://ehcp-docs.example/schema/plan.schema.json",
    "title": "EHC plan",
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "child", "first_issued", "issued", "sections"],
    "properties": {
        "id": {"type": "string", "title": "plan id", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"},
        "child": {
            "type": "object", "title": "child or young person", "additionalProperties": False,
            "required": ["name", "date_of_birth"],
            "properties": {
                "name": text("name"),
                "known_as": text("known as"),
                "date_of_birth": date("date of birth"),
                "gender": text("gender"),
                "address": text("address"),
                "email": {"type": "string", "format": "email", "title": "email"},
                "phone": text("telephone"),
                "upn": {"type": "string", "title": "UPN", "pattern": r"^[A-Z][0-9]{11}[0-9A-Z]$"},
                "lacks_capacity": {"type": "boolean", "title": "lacks capacity to make decisions",
                                   "description": "a young person who lacks capacity: the parent decides for them"},
            },
        },
        "parents": {"type": "array", "title": "parents or carers", "items": PERSON},
        "professionals": {"type": "array", "title": "other people to invite", "items": PERSON},
        "caseworker": PERSON,
        "first_issued": date("first issued", "the date the plan was first made; starts the review clock"),
        "issued": date("issued", "the date this version of the plan was issued"),
        "last_reviewed": date("last reviewed", "the last review decision made before the plan came into the store"),
        "transfer": {
            "type": "object", "title": "phase transfer", "additionalProperties": False,
            "required": ["date", "kind"],
            "properties": {"date": date("transfer date"),
                           "kind": {"type": "string", "title": "kind of transfer", "enum": TRANSFER_KINDS},
                           "next_setting": text("next school or institution", min_length=0)},
        },
        "year_group": {"type": "integer", "title": "year group", "minimum": -3, "maximum": 20,
                       "description": "set only when the child is taught out of their chronological year group; "
                                      "it moves up each September from the school year it was recorded for"},
        "year_group_recorded_for": {
            "type": "integer", "title": "school year the year group was recorded for", "minimum": 1990,
            "maximum": 2100, "description": "the calendar year in which that school year began (2026 for "
                                            "2026-27); when missing, the school year of the plan's issue date"},
        "sections": {
            "type": "object", "title": "sections", "additionalProperties": False,
            "required": list(sections), "properties": sections,
        },
    },
    "$defs": defs,
}

if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "schema" / "plan.schema.json"
    out.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
