"""The LA's settings, kept in the store's ehcp.toml: who the LA is, who families contact (caseworker, SENDIASS,
mediation adviser), the Local Offer, term dates and local options for the statutory rules. Letters print these
details, so they live in the store, versioned with everything else."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ehcp_docs.errors import StoreError

DEFAULT_TOML = """\
# ehcp-docs settings for this plan store. Letters print these details: keep them current.

[la]
name = "Exampleshire County Council"
service = "SEND Statutory Assessment and Review Team"
address = "County Hall, 1 Market Street, Exampletown, EX1 1AA"
phone = "01234 567890"
email = "send.reviews@exampleshire.example.org"
website = "https://www.exampleshire.example.org/send"
local_offer = "https://www.exampleshire.example.org/localoffer"

[caseworker]
# the default contact printed on letters when a plan names no caseworker
name = "SEN Review Team"
email = "send.reviews@exampleshire.example.org"
phone = "01234 567890"

[sendiass]
name = "Exampleshire SENDIASS"
phone = "01234 500600"
email = "sendiass@exampleshire.example.org"
website = "https://www.exampleshire-sendiass.example.org"

[mediation]
name = "Example Mediation Services"
phone = "0300 123 4567"
email = "send@examplemediation.example.org"
website = "https://www.examplemediation.example.org"

[disagreement_resolution]
name = "Example Mediation Services (disagreement resolution)"
phone = "0300 123 4567"
email = "resolution@examplemediation.example.org"

[health]
name = "NHS Example Integrated Care Board"
email = "send.health@exampleicb.example.org"

[social_care]
name = "Exampleshire Children with Disabilities Team"
email = "cwd.socialcare@exampleshire.example.org"

[rules]
# review_clock_from = "decision"          # or "meeting": what counts as "the date of the review"
# under5_interval_months = 6
# meeting_lead_days = 28
# advice_return_days_before_meeting = 14
# advice_reply_working_days_before_circulation = 5   # advice asked back this many working days before circulation
# concern_response_working_days = 20
# posted_served_working_days = 2          # Decision: a posted notice is served on the 2nd working day after posting

# Email (`ehcp send`): the LA's SMTP relay. TLS is required: "starttls" (usually port 587) or "implicit" (465).
# The password is never kept here: name an environment variable, or a file outside the store only you can read.
# [smtp]
# host = "smtp.exampleshire.example.org"
# port = 587
# security = "starttls"
# from = "send.reviews@exampleshire.example.org"
# username = "send.reviews"
# password_env = "EHCP_SMTP_PASSWORD"      # or password_file = "~/.config/ehcp/smtp-password" (chmod 600)
# ca_file = "/etc/ssl/certs/exampleshire-ca.pem"   # only if the relay's certificate is from the LA's own CA

# Who letters are written to. Termly lists go to the head teacher named here ("Dear Mrs A Jones"), else
# "Dear Head teacher"; children educated otherwise than in a school are listed for the EOTAS lead; an advice
# request says "Dear" to the adviser named for its role, else to the role ("Dear Designated Clinical Officer").
# [settings."Exampletown Park School"]
# head = "Mrs A Jones"
# reference = "URN 100001"
# email = "office@exampletownpark.example.sch.uk"
# [eotas]
# name = "Ms B Lead"
# role = "EOTAS lead"
# email = "eotas@exampleshire.example.org"
# [advice.health]
# name = "Dr C Patel"
# role = "Designated Clinical Officer"

[dates]
# Plausible dates: a date outside them is refused as a slip of the keyboard, naming the field and the range
# (`ehcp --force REASON ...` records a step dated outside them, with the reason).
# step_days_ahead = 7     # a step's --date (the day it happened) at most this many days after today
# years_ahead = 1         # a plan's dates, and a date a step looks ahead to (a meeting), at most this many years ahead
# birth_years = 26        # a date of birth at most this many years before the plan was first issued

# Term dates. Without them, typical English term dates are used (and the commands say so).
# [[terms]]
# name = "spring-2027"
# start = "2027-01-05"
# end = "2027-03-26"
"""

_REQUIRED = {"la": ["name", "address", "local_offer"], "sendiass": ["name", "phone"],
             "mediation": ["name", "phone"]}
_CONTACT = ("name", "phone", "email", "website", "address")
# every table and key ehcp reads: anything else is a typing slip ([la] phon, [[term]]) that would silently do
# nothing, so it is an error, as unknown [rules] options already are (statutory.rules.RuleOptions)
KNOWN: dict[str, tuple[str, ...]] = {
    "la": ("name", "service", "address", "phone", "email", "website", "local_offer"),
    "caseworker": ("name", "email", "phone", "role"), "sendiass": _CONTACT, "mediation": _CONTACT,
    "disagreement_resolution": _CONTACT, "health": _CONTACT, "social_care": _CONTACT,
    "rules": (), "terms": ("name", "start", "end"), "plan": ("layout",),
    "dates": ("step_days_ahead", "years_ahead", "birth_years"),
    "smtp": ("host", "port", "security", "from", "reply_to", "username", "password_env", "password_file", "ca_file",
             "timeout"),
    "eotas": (*_CONTACT, "role"),
}
# tables of tables, one inner table for each setting ([settings."Exampletown Park School"]) or adviser's role
# ([advice.health]): who a termly list and an advice request are written to (documents/termly_lists.py,
# documents/review_letters.py)
NESTED: dict[str, tuple[str, ...]] = {
    "settings": ("head", "reference", "email", "phone", "address"),
    "advice": ("name", "role", "email", "phone", "address"),
}
# the allowed values of the [dates] table (their meaning: model/plausible.py Window)
DATES: dict[str, tuple[int, int]] = {"step_days_ahead": (0, 3660), "years_ahead": (1, 50), "birth_years": (18, 120)}


def dates_problems(data: dict[str, Any], name: str) -> list[str]:
    table = data.get("dates", {})
    if not isinstance(table, dict):
        return [f"{name}: [dates] should be a table of settings"]
    out = []
    for key, (low, high) in DATES.items():
        value = table.get(key, low)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            out.append(f"{name}: [dates] {key} should be a whole number from {low} to {high}")
    return out


def plan_problems(data: dict[str, Any], name: str) -> list[str]:
    """[plan] layout: the layout every proposed and issued plan is made in ("classic", sections A to K, or
    "areas", grouped by broad area of need)."""
    table = data.get("plan", {})
    if not isinstance(table, dict):
        return [f"{name}: [plan] should be a table of settings"]
    if table.get("layout", "classic") not in ("classic", "areas"):
        return [f"{name}: [plan] layout should be \"classic\" or \"areas\""]
    return []


def unknown_keys(data: dict[str, Any], name: str) -> list[str]:
    """Every table or key in the settings that ehcp does not know, with the nearest one it does."""
    from ehcp_docs.errors import did_you_mean

    out = []
    for table, value in data.items():
        if table in NESTED:
            out += _nested_problems(table, value, name)
            continue
        if table not in KNOWN:
            hint = did_you_mean(table, [*KNOWN, *NESTED])
            out.append(f"{name}: [{table}] is not a settings table" + (f" ({hint})" if hint else ""))
            continue
        if table == "rules":
            continue  # checked, with their allowed ranges, by statutory.rules.RuleOptions
        for entry in value if isinstance(value, list) else [value]:
            for key in entry if isinstance(entry, dict) else []:
                if table == "smtp" and key == "password":
                    out.append(f"{name}: [smtp] password must never be kept in the settings (they are committed "
                               "and shared): remove it, change the password, and use password_env or "
                               "password_file")
                elif key not in KNOWN[table]:
                    hint = did_you_mean(key, list(KNOWN[table]))
                    out.append(f"{name}: [{table}] {key} is not a setting" + (f" ({hint})" if hint else ""))
    return out


def _nested_problems(table: str, value: Any, name: str) -> list[str]:
    """[settings."<name>"] and [advice.<role>]: each inner table holds only the keys its letters read, as text."""
    from ehcp_docs.errors import did_you_mean

    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        inner = "setting's name" if table == "settings" else "adviser's role"
        return [f"{name}: [{table}] should hold one table for each {inner}, such as "
                + ('[settings."Exampletown Park School"]' if table == "settings" else "[advice.health]")]
    out = []
    for inner, entry in value.items():
        for key, text in entry.items():
            where = f'[{table}."{inner[:60]}"]' if table == "settings" else f"[advice.{inner[:40]}]"
            if key not in NESTED[table]:
                hint = did_you_mean(key, list(NESTED[table]))
                out.append(f"{name}: {where} {key[:40]} is not a setting" + (f" ({hint})" if hint else ""))
            elif not isinstance(text, str):
                out.append(f"{name}: {where} {key} should be text in quotes")
    return out


@dataclass(frozen=True)
class Config:
    data: dict[str, Any]
    path: Path | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def la(self) -> dict[str, Any]:
        """Everything a letter needs about the LA, in one mapping (`la.name`, `la.sendiass.phone`, ...)."""
        la = dict(self.data.get("la", {}))
        for key in ("sendiass", "mediation", "disagreement_resolution", "health", "social_care"):
            la[key] = dict(self.data.get(key, {}))
        return la

    @property
    def caseworker(self) -> dict[str, Any]:
        return dict(self.data.get("caseworker", {}))

    @property
    def rules(self) -> dict[str, Any]:
        return dict(self.data.get("rules", {}))

    @property
    def dates(self) -> dict[str, Any]:
        """The plausible range of dates (`[dates]`; model/plausible.py Window gives them their meaning)."""
        return dict(self.data.get("dates", {}))

    @property
    def plan_layout(self) -> str:
        """The layout proposed and issued plans are made in ([plan] layout: "classic" or "areas")."""
        return "areas" if (self.data.get("plan") or {}).get("layout") == "areas" else "classic"

    @property
    def terms(self) -> list[dict[str, Any]]:
        return list(self.data.get("terms", []))


def parse(text: str, path: Path | None = None) -> Config:
    name = path.name if path else "ehcp.toml"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise StoreError(f"{name}: is not valid TOML ({e})", hint="Fix the settings file and try again.") from None
    problems = [f"{name}: [{table}] {key} is missing"
                for table, keys in _REQUIRED.items() for key in keys
                if not str(data.get(table, {}).get(key, "")).strip()]
    problems += unknown_keys(data, name) + dates_problems(data, name) + plan_problems(data, name)
    if problems:
        raise StoreError(f"{name}: {len(problems)} problem(s) in the settings", messages=problems,
                         hint="Letters print these details: correct ehcp.toml (`ehcp settings check` checks it).")
    for t in data.get("terms", []):
        if not isinstance(t, dict) or not {"name", "start", "end"} <= set(t):
            raise StoreError(f"{name}: each [[terms]] entry needs name, start and end")
        for k in ("start", "end"):
            t[k] = str(t[k])
    return Config(data=data, path=path)


def load(path: Path) -> Config:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise StoreError(f"{path.name}: cannot be read ({e.strerror})") from None
    except UnicodeDecodeError as e:
        line = path.read_bytes()[: e.start].count(b"\n") + 1
        raise StoreError(f"{path.name}: line {line} is not UTF-8 text (it may have been saved as Latin-1 or "
                         "Windows-1252)", hint="Save the settings file as UTF-8 and try again.") from None
    return parse(text, path)
