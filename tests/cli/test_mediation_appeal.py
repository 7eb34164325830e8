"""`ehcp mediation ...` and `ehcp appeal ...` through the CLI: one commit per step with its trailers, refusals that
leave the store exactly as it was (caseworker words, exit codes), the calendar and drift report, and the letters
read back as a parent would get them."""
from __future__ import annotations

import json
import re

import pytest
import yaml

from ehcp_docs.documents.saving import docx_text, read_provenance
from tests.conftest import PLANS, amended_plan_issued, git, head, snapshot

PID = "EHCP-0004"


@pytest.fixture
def amended(ehcp, store_path, tmp_path):
    """EHCP-0004 with a final amended plan issued on 2026-10-23 (an appealable decision)."""
    amended_plan_issued(ehcp, tmp_path, PID)
    return store_path


def ok(r):
    assert r.exit_code == 0, r.stderr
    return r


def last_event(store):
    return json.loads((store / "plans" / PID / "events.jsonl").read_text().splitlines()[-1])


def test_each_step_is_one_commit_with_trailers(ehcp, amended):
    for args, event in ((("mediation", "contact", PID, "--wants-mediation", "yes", "--about", "education,health",
                          "--date", "2026-10-26"), "mediation-contact"),
                        (("mediation", "health-notified", PID, "--date", "2026-10-27"), "mediation-health-notified"),
                        (("mediation", "arranged", PID, "--date", "2026-11-02"), "mediation-arranged"),
                        (("mediation", "held", PID, "--outcome", "not-agreed", "--date", "2026-11-16"),
                         "mediation-held"),
                        (("mediation", "certificate", PID, "--date", "2026-11-18"), "mediation-certificate"),
                        (("appeal", "register", PID, "--against", "amended-plan", "--about", "F", "--date",
                          "2026-11-25"), "appeal-registered"),
                        (("appeal", "withdrawn", PID, "--date", "2026-12-01"), "appeal-withdrawn")):
        before = head(amended)
        ok(ehcp(*args))
        assert git(amended, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
        body = git(amended, "log", "-1", "--format=%B")
        assert f"EHCP-Event: {event}" in body and f"EHCP-Plan: {PID}" in body and "EHCP-Date: " in body
        assert "Kacper" not in body  # no child's name in the audit trail
        assert last_event(amended)["event"] == event


@pytest.mark.parametrize("args,code,words", [
    (("appeal", "register", PID, "--against", "review-report", "--date", "2026-11-01"), 2, "can be appealed"),
    (("appeal", "register", PID, "--against", "cease", "--date", "2026-11-01"), 1, "no such decision"),
    (("appeal", "register", PID, "--against", "amended-plan", "--about", "F", "--date", "2027-01-05"), 1,
     "after the deadline"),
    (("appeal", "register", PID, "--against", "amended-plan", "--about", "E", "--date", "2026-11-01"), 2,
     "--about cannot be"),
    (("appeal", "order", PID, "--order", "amend"), 1, "no appeal pending"),
    (("mediation", "certificate", PID), 1, "no mediation contact"),
])
def test_refusals_leave_the_store_as_it_was(ehcp, amended, args, code, words):
    before = snapshot(amended)
    r = ehcp(*args)
    assert r.exit_code == code and words in r.stderr and "Traceback" not in r.stderr
    assert snapshot(amended) == before


def test_late_appeal_recorded_when_the_tribunal_admits_it(ehcp, amended):
    r = ok(ehcp("appeal", "register", PID, "--against", "amended-plan", "--about", "F", "--date", "2027-01-05",
                "--late-permitted"))
    assert "late appeal" in r.stderr and last_event(amended)["late_permitted"] is True


def test_a_certificate_moves_the_appeal_deadline_and_the_letter_says_so(ehcp, amended, tmp_path):
    r = ok(ehcp("mediation", "contact", PID, "--wants-mediation", "yes", "--date", "2026-12-10", "--out", tmp_path))
    letter = docx_text(tmp_path / PID / "2026-12-10-mediation-acknowledgement.docx")
    assert "9 January 2027" in letter or "8 January 2027" in letter  # arrange within 30 days of 10 Dec
    assert "appeal" in letter and "certificate" in letter
    ok(ehcp("mediation", "held", PID, "--outcome", "not-agreed", "--date", "2027-01-05"))
    r = ok(ehcp("mediation", "certificate", PID, "--date", "2027-01-07"))
    moved = "2027-02-08"  # 1 month after 7 January is Sunday 7 February: the next working day (r.12(2))
    assert "moved from 2026-12-23" in r.stderr and last_event(amended)["appeal_deadline"] == moved
    d = json.loads(ok(ehcp("deadlines", PID, "--today", "2027-01-08", "--json")).stdout)
    assert d["appeal_deadline"] == moved and "mediation certificate" in d["appeal_deadline_reason"]
    # an appeal on 1 February is now in time (it was late after 23 December)
    ok(ehcp("appeal", "register", PID, "--against", "amended-plan", "--about", "F", "--date", "2027-02-01"))
    assert last_event(amended)["appeal_deadline"] == moved


def _appeal(ehcp):
    ok(ehcp("mediation", "contact", PID, "--wants-mediation", "no", "--date", "2026-10-26"))
    ok(ehcp("mediation", "certificate", PID, "--date", "2026-10-28"))
    ok(ehcp("appeal", "register", PID, "--against", "amended-plan", "--about", "F", "--date", "2026-11-25",
            "--reference", "EH123/26/00042"))


def test_order_to_compliance_through_the_amend_route(ehcp, amended, tmp_path):
    _appeal(ehcp)
    r = ok(ehcp("appeal", "order", PID, "--order", "amend", "--date", "2027-02-10"))
    assert "by 2027-03-17" in r.stderr
    d = json.loads(ok(ehcp("deadlines", PID, "--today", "2027-03-20", "--json")).stdout)
    step = next(s for s in d["steps"] if s["step"] == "order_amend")
    assert (step["due"], step["status"], step["key"]) == ("2027-03-17", "overdue", "order_amend_due")
    assert d["compliance_due"] == "2027-03-17"
    drift = json.loads(ok(ehcp("overdue", "--today", "2027-03-20", "--json")).stdout)
    assert drift["summary"].get("Tribunal order not complied with") == 1
    review_before = d["next_review_due"]
    plan = yaml.safe_load(ehcp("show", PID, "--json").stdout)
    plan["sections"]["F"]["provision"][0]["frequency"] = "4 sessions a week in term time"
    f = tmp_path / "ordered.yaml"
    f.write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    ok(ehcp("amend", "propose", PID, "--file", f, "--date", "2027-02-17", "--no-evidence", "the Tribunal order"))
    assert last_event(amended)["context"] == "tribunal-order"
    ok(ehcp("amend", "issue", PID, "--date", "2027-03-03", "--out", tmp_path))  # no 15-day wait
    letter = docx_text(tmp_path / PID / "2027-03-03-order-compliance.docx")
    assert "the Tribunal ordered on 10 February 2027" in letter and "17 March 2027 (on time)" in letter
    d = json.loads(ok(ehcp("deadlines", PID, "--today", "2027-03-20", "--json")).stdout)
    assert next(s for s in d["steps"] if s["step"] == "order_amend")["status"] == "done"
    assert d["next_review_due"] == review_before  # an ordered amendment does not restart the review clock
    st = json.loads(ok(ehcp("appeal", "status", PID, "--today", "2027-03-20", "--json")).stdout)
    assert st["appeal"]["pending"] is False and "amend" in st["appeal"]["outcome"]


def test_unopposed_appeal_letter_says_what_by_when(ehcp, amended, tmp_path):
    _appeal(ehcp)
    ok(ehcp("appeal", "concede", PID, "--kind", "amend", "--date", "2026-12-14", "--out", tmp_path))
    rev = head(amended)
    for kind in ("appeal-conceded", "order-compliance"):  # provenance, remade at a revision
        out = tmp_path / "at" / kind
        ok(ehcp("render", PID, "--doc", kind, "--at", rev, "--out", out))
        assert list(out.rglob("*.docx"))
        for doc in out.rglob("*.docx"):
            prov = read_provenance(doc)
            assert (prov["store_commit"], prov["plan"]) == (rev, PID), doc.name
            assert prov["plan_blob"] == git(amended, "rev-parse", f"{rev}:plans/{PID}/plan.yaml").strip()
    letter = docx_text(tmp_path / PID / "2026-12-14-appeal-conceded.docx")
    assert "EH123/26/00042" in letter and "18 January 2027" in letter  # 5 weeks (reg 45(4))
    assert flesch(_body(letter)) >= 70


def test_a_cease_appeal_keeps_the_plan_in_force(ehcp, store_path):
    ok(ehcp("add", *map(str, sorted(PLANS.glob("*.yaml")))))
    pid = "EHCP-0005"
    ok(ehcp("cease", "propose", pid, "--reason", "4", "--date", "2026-05-01"))
    ok(ehcp("cease", "decide", pid, "--date", "2026-05-11"))
    ok(ehcp("appeal", "register", pid, "--against", "cease", "--date", "2026-06-01"))
    d = json.loads(ok(ehcp("deadlines", pid, "--today", "2026-09-01", "--json")).stdout)
    assert d["ceased"] is None and d["appeal_pending"] == "cease" and d["next_review_due"]
    ok(ehcp("appeal", "order", pid, "--order", "cease", "--date", "2026-10-01"))
    d = json.loads(ok(ehcp("deadlines", pid, "--today", "2026-10-02", "--json")).stdout)
    assert d["ceased"] == "2026-10-01"


# ---- plain English (rules section 8): Flesch reading ease -----------------------------------------------------------
def _syllables(word: str) -> int:
    """Vowel groups, less a silent final e: the usual approximation (textstat 0.7.13 needs an NLTK download)."""
    w = word.lower()
    n = len(re.findall(r"[aeiouy]+", w))
    if w.endswith("e") and not w.endswith(("le", "ee")) and n > 1:
        n -= 1
    return max(n, 1)


def flesch(text: str) -> float:
    sentences = max(1, len(re.findall(r"[.!?:](?:\s|$)", text)))
    words = re.findall(r"[A-Za-z']+", text)
    return 206.835 - 1.015 * len(words) / sentences - 84.6 * sum(map(_syllables, words)) / max(1, len(words))


def _body(letter: str) -> str:
    """What a parent reads: from "Dear" to "Yours sincerely", without contact details (addresses, numbers)."""
    lines = letter.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Dear "))
    end = next(i for i, line in enumerate(lines) if line.startswith("Yours sincerely"))
    return "\n".join(line if line.rstrip().endswith((".", ":", "?")) else line + "."
                     for line in lines[start + 1:end] if "@" not in line and "http" not in line)


def test_disagreement_letters_are_plain_english(ehcp, amended, tmp_path):
    ok(ehcp("mediation", "contact", PID, "--wants-mediation", "yes", "--date", "2026-10-26", "--out", tmp_path))
    letter = tmp_path / PID / "2026-10-26-mediation-acknowledgement.docx"
    assert flesch(_body(docx_text(letter))) >= 70
    assert read_provenance(letter)["store_commit"] == head(amended)


# ---- rules section 8, item by item, in every disagreement letter (issue 19.6) -------------------------------------
SECTION_8 = {  # item: what the letter must print (from the store's ehcp.toml)
    "mediation adviser": ("Example Mediation Services", "0300 123 4567"),
    "disagreement resolution": ("Help to sort out a disagreement", "resolution@examplemediation.example.org"),
    "SENDIASS": ("Exampleshire SENDIASS", "01234 500600"),
    "caseworker": ("Your caseworker", "please contact Daniel Osei", "Phone: 01234 567822",
                   "Email: daniel.osei@exampleshire.example.org"),
    "words explained": ("The Tribunal is an independent court",),
}
APPEAL_ITEMS = {"right to appeal": ("Section B: the special educational needs", "Section I: the school"),
                "time limit": ("The last day to appeal is", "1 month from the date on it"),
                "mediation before appealing": ("you must talk to a mediation adviser",
                                               "only want to appeal about the school named in Section I")}


def _section_8(letter: str, items: dict) -> list[str]:
    return [item for item, needles in items.items() if not all(n in letter for n in needles)]


def test_every_disagreement_letter_has_what_section_8_asks(ehcp, amended, tmp_path):
    import textstat

    from tests.documents.letter_sets import body

    out = tmp_path / "out"
    ok(ehcp("mediation", "contact", PID, "--wants-mediation", "yes", "--date", "2026-10-26", "--out", out))
    ok(ehcp("mediation", "held", PID, "--outcome", "not-agreed", "--date", "2026-11-16"))
    ok(ehcp("mediation", "certificate", PID, "--date", "2026-11-18"))
    ok(ehcp("appeal", "register", PID, "--against", "amended-plan", "--about", "F", "--date", "2026-11-25",
            "--reference", "EH123/26/00042"))
    ok(ehcp("appeal", "concede", PID, "--kind", "amend", "--date", "2026-12-14", "--out", out))
    plan = yaml.safe_load(ehcp("show", PID, "--json").stdout)
    plan["sections"]["F"]["provision"][0]["frequency"] = "4 sessions a week in term time"
    f = tmp_path / "conceded.yaml"
    f.write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    ok(ehcp("amend", "propose", PID, "--file", f, "--date", "2026-12-21", "--no-evidence", "what we agreed",
            "--out", out))
    ok(ehcp("amend", "issue", PID, "--date", "2027-01-11", "--out", out))
    letters = {p.name: docx_text(p) for p in (out / PID).glob("*.docx")}
    ack = letters["2026-10-26-mediation-acknowledgement.docx"]
    conceded = letters["2026-12-14-appeal-conceded.docx"]
    notice = letters["2026-12-21-amendment-notice.docx"]
    compliance = letters["2027-01-11-order-compliance.docx"]
    final = letters["2027-01-11-amended-plan-letter.docx"]
    for name, text in (("acknowledgement", ack), ("not opposing", conceded), ("compliance", compliance)):
        assert not _section_8(text, SECTION_8), (name, _section_8(text, SECTION_8))
        assert "Yours sincerely" in text, name
        assert textstat.flesch_reading_ease(body(text)) >= 70, name
    # the plan that carries out the concession is an appealable decision: all of section 8 (and one date)
    assert not _section_8(compliance, APPEAL_ITEMS), _section_8(compliance, APPEAL_ITEMS)
    assert compliance.count("The last day to appeal is") == 1 and "The last day to appeal is 11 March 2027" in \
        compliance
    assert "changes that we told the Tribunal we would make, on 14 December 2026" in compliance
    assert "18 January 2027 (on time)" in compliance and "does not move it" in compliance
    assert "Tribunal ordered" not in compliance  # there was no order: the LA did not oppose
    # the acknowledgement: the decision's own deadline and what it counts from, said of the decision letter
    assert "Today, the last day to appeal is 23 December 2026" in ack
    assert "This is 2 months from the date of our decision letter." in ack and "date of this letter" not in ack
    # the notice and the final plan letter say they carry it out; no 15 days for views, no new review date
    assert "This makes the changes that we told the Tribunal we would make" in notice
    assert "you have 15 days" not in notice and "We must send you the final amended plan by 18 January 2027" \
        in notice
    assert "This plan makes the changes that we told the Tribunal we would make" in final
    assert "Changing the plan does not change this date" in final
