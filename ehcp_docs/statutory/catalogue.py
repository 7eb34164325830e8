"""Every rule the calendar applies, as people read it: what it times, its legal basis, the dates it applies from
and to, and the local option (ehcp.toml [rules]) that changes it. `ehcp rules` prints it and docs/rules.md is
generated from it (a test keeps the file current). Pure."""
from __future__ import annotations

from typing import Any

from ehcp_docs.statutory.rules import DEFAULT_OPTIONS, all_rules

# rule name -> the [rules] options that change it
OPTIONS: dict[str, tuple[str, ...]] = {
    "review": ("review_clock_from",),
    "meeting_recommended": ("meeting_lead_days",),
    "interim_review": ("under5_interval_months",),
    "advice_circulation": ("advice_return_days_before_meeting",),
    "concern_response": ("concern_response_working_days",),
    "early_review_decision": ("early_review_decision_days",),
    "personal_budget_decision": ("personal_budget_decision_days",),
    "phase_transfer": ("phase_transfer_meeting_term",),
    "phase_transfer_post16": ("phase_transfer_meeting_term",),
}
KIND_WORDS = {"statutory": "the LA's legal duty", "local": "the LA's own standard", "guidance": "guidance",
              "family": "the family's period"}


def rules() -> list[dict[str, Any]]:
    """Every version of every rule, in the order they were written, with when each applies."""
    every = all_rules()
    out = []
    for r in every:
        later = sorted(v.effective_from for v in every if v.name == r.name and v.effective_from > r.effective_from)
        out.append({"rule": r.name, "step": r.step, "description": r.description, "basis": r.basis,
                    "counts_from": r.trigger, "kind": r.kind, "effective_from": r.effective_from.isoformat(),
                    "effective_to": later[0].isoformat() if later else None,
                    "options": [{"name": o, "default": getattr(DEFAULT_OPTIONS, o)} for o in OPTIONS.get(r.name, ())]})
    return out


def markdown() -> str:
    """docs/rules.md: the same rules as a page."""
    lines = ["# The statutory rules ehcp applies", "",
             "Generated from `ehcp_docs/statutory/rules.py` by `ehcp rules --markdown` (a test keeps this page "
             "current). `ehcp rules --json` gives the same data. Local options are set in `ehcp.toml`'s `[rules]` "
             "table.", "",
             "| rule | what | legal basis | counts from | whose step | applies | local option |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rules():
        applies = f"from {r['effective_from']}" + (f" to {r['effective_to']}" if r["effective_to"] else "")
        opts = ", ".join(f"`{o['name']}` (default {o['default']})" for o in r["options"]) or "-"
        cells = [f"`{r['rule']}`", r["description"], r["basis"], r["counts_from"], KIND_WORDS.get(r["kind"], r["kind"]),
                 applies, opts]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
