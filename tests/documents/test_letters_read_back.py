"""Issue 15 acceptance: every letter kind is made for a child (EHCP-0002, two parents) and for a young person who
is the decision maker (EHCP-0005), read back as text, and checked as a parent or young person would read it: the
voice, one appeal date only where the decision can be appealed, the decision's own timeline, the copies block, no
ISO dates, plain English (Flesch reading ease >= 70, textstat), and advice asked back before circulation."""
from __future__ import annotations

import re
from pathlib import Path

import textstat
import yaml

from conftest import filled_form, sample_files
from ehcp_docs.documents.saving import docx_text

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
APPEAL_DATE = "The last day to appeal is"
NOT_TO_FAMILY = ("plan", "plan-in-force", "proposed-plan", "proposed-plan-tracked", "schedule-of-amendments",
                 "final-amended-plan")


def _run(ehcp, *args) -> str:
    r = ehcp(*args)
    assert r.exit_code == 0, (args, r.stderr)
    return r.stderr


def child_set(ehcp, tmp_path: Path) -> dict[str, str]:
    """EHCP-0002: review -> amend -> representations answered -> issue; re-assessment refused; early review
    refused; personal budget agreed."""
    pid, out = "EHCP-0002", tmp_path / "out"
    _run(ehcp, "review", "schedule", pid, "--meeting", "2026-11-10", "--date", "2026-10-20", "--time", "14:00",
         "--venue", "School meeting room", "--out", out)
    _run(ehcp, "review", "record", pid, "--file", filled_form(ehcp, tmp_path, pid), "--date", "2026-11-10")
    _run(ehcp, "review", "report", pid, "--date", "2026-11-17", "--out", out)
    _run(ehcp, "review", "decide", pid, "--decision", "amend", "--date", "2026-11-24", "--reason",
         "The therapist advises more sessions.", "--out", out)
    plan = yaml.safe_load(ehcp("show", pid, "--json").stdout)
    plan["sections"]["F"]["provision"][0]["frequency"] = "4 sessions a week in term time"
    proposal = tmp_path / "proposed.yaml"
    proposal.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    _run(ehcp, "amend", "propose", pid, "--file", proposal, "--date", "2026-11-24", "--no-evidence",
         "The advice was in the review report.", "--out", out)
    said = _run(ehcp, "amend", "respond", pid, "--text", "We agree.", "--date", "2026-11-30")
    n = re.search(r"representations #(\d+)", said).group(1)
    _run(ehcp, "amend", "issue", pid, "--answer", f"{n}=accepted", "--why", f"{n}=Thank you.", "--date",
         "2026-12-01", "--out", out)
    _run(ehcp, "reassess", "request", pid, "--by", "parent", "--date", "2026-12-03")
    _run(ehcp, "reassess", "decide", pid, "--decision", "refuse", "--reason", "We assessed in May.", "--date",
         "2026-12-04", "--out", out)
    asked = _run(ehcp, "review", "request", pid, "--by", "parent", "--reason", "Things at home changed.", "--date",
                 "2026-12-05")
    n = re.search(r"#(\d+)", asked).group(1)
    _run(ehcp, "review", "request-decide", pid, n, "--decision", "refuse", "--reason", "The review was last "
         "month.", "--date", "2026-12-07", "--out", out)
    asked = _run(ehcp, "budget", "request", pid, "--by", "parent", "--details", "Pay for swimming.", "--date",
                 "2026-12-08")
    n = re.search(r"#(\d+)", asked).group(1)
    _run(ehcp, "budget", "decide", pid, n, "--decision", "agree", "--date", "2026-12-09", "--out", out)
    concerns(ehcp, pid, "parent", ("resolved", "early-review", "reassessment"), "2026-12-10", out)
    progress = yaml.safe_load(ehcp("progress", "add", pid, "--form").stdout)
    progress["returned_by"] = {"name": "Mr J Wallace", "role": "SENCO"}
    for row in progress["progress"]:
        row["status"], row["evidence"], row["next_steps"] = "on-track", "Class observation.", "Keep going."
        for t in row["targets"]:
            t["status"] = "on-track"
    returned = tmp_path / "progress.yaml"
    returned.write_text(yaml.safe_dump(progress, allow_unicode=True), encoding="utf-8")
    _run(ehcp, "progress", "add", pid, "--file", returned, "--date", "2026-12-11")
    _run(ehcp, "progress", "report", pid, "--out", out)
    return {p.name: docx_text(p) for p in (out / pid).glob("*.docx")}


def concerns(ehcp, pid: str, by: str, outcomes: tuple[str, ...], day: str, out: Path) -> None:
    """A concern raised and answered with each of `outcomes`: the answer to a concern is a family letter too."""
    for outcome in outcomes:
        said = _run(ehcp, "concern", "add", pid, "--from", by, "--text", "The speech therapy sessions have not "
                    "happened this term.", "--date", day)
        n = re.search(r"concern #(\d+)", said).group(1)
        _run(ehcp, "concern", "respond", pid, n, "--text", "The therapist was ill. A new therapist starts next "
             "week and will make up the missed sessions.", "--outcome", outcome, "--date", day, "--out", out)


def young_person_set(ehcp, tmp_path: Path) -> dict[str, str]:
    """EHCP-0005 (20, decides for himself): review -> maintain; re-assessment agreed; cease consulted, decided."""
    pid, out = "EHCP-0005", tmp_path / "out"
    _run(ehcp, "review", "schedule", pid, "--meeting", "2026-11-10", "--date", "2026-10-20", "--time", "10:30",
         "--venue", "College, room 4", "--out", out)
    _run(ehcp, "review", "record", pid, "--file", filled_form(ehcp, tmp_path, pid), "--date", "2026-11-10")
    _run(ehcp, "review", "report", pid, "--date", "2026-11-17", "--out", out)
    _run(ehcp, "review", "decide", pid, "--decision", "maintain", "--date", "2026-11-24", "--reason",
         "The plan is working well.", "--out", out)
    _run(ehcp, "reassess", "request", pid, "--by", "young-person", "--date", "2026-12-01")
    _run(ehcp, "reassess", "decide", pid, "--decision", "agree", "--date", "2026-12-08", "--out", out)
    _run(ehcp, "cease", "propose", pid, "--reason", "4", "--details", "A paid job has started.", "--date",
         "2027-01-11", "--out", out)
    concerns(ehcp, pid, "young-person", ("complaint", "mediation", "no-action"), "2026-12-10", out)
    _run(ehcp, "cease", "decide", pid, "--date", "2027-02-15", "--out", out)
    return {p.name: docx_text(p) for p in (out / pid).glob("*.docx")}


def kind_of(name: str) -> str:
    """The document kind of a file name: `2026-12-10-concern-response-17-copy-2.docx` -> `concern-response`."""
    return re.sub(r"^\d{4}-\d{2}-\d{2}-|(-\d+)?(-copy-\d+)?\.docx$", "", name)


def family(docs: dict[str, str]) -> dict[str, str]:
    """The letters a family reads (not the plan documents, not advice requests to professionals)."""
    return {n: t for n, t in docs.items()
            if kind_of(n) not in NOT_TO_FAMILY and not kind_of(n).startswith("advice-request")}


CONTACT = re.compile(r"https?://\S+|\S+@\S+|\b0\d{3,4}[ \d]{6,9}\b")


def body(text: str) -> str:
    """The sentences a family reads: lines of 6 words or more ending as a sentence (not the letterhead, address
    block, header, footer or signature), with web addresses, email addresses and phone numbers taken out: the
    syllables of "send@examplemediation.example.org" say nothing about how plainly a letter is written."""
    lines = [CONTACT.sub("", line) for line in text.splitlines() if line.rstrip().endswith((".", "?", ";", ":"))]
    return "\n".join(line for line in lines if len(line.split()) >= 6)


def test_every_letter_kind_read_back_for_a_child_and_a_young_person(ehcp, tmp_path):
    """One run of both sets (they take a while on a shared machine), then every check of issue 15."""
    _run(ehcp, "add", *sample_files())
    both = child_set(ehcp, tmp_path / "child"), young_person_set(ehcp, tmp_path / "yp")
    for check in (reads_easily_and_has_no_iso_dates, one_appeal_date_only_where_the_decision_can_be_appealed,
                  each_decision_has_its_own_timeline, a_young_person_who_decides_is_spoken_to,
                  every_parent_gets_their_own_letter_with_a_copies_block,
                  invitation_and_advice_requests_help_the_reader_act,
                  final_plan_letter_gives_an_account_of_what_the_family_said,
                  request_decisions_have_a_letter_with_reasons_and_next_steps):
        check(both)


def reads_easily_and_has_no_iso_dates(both):
    scores = {}
    for docs in both:
        for name, text in family(docs).items():
            assert not ISO.search(text), (name, ISO.search(text))
            assert "store commit" not in text, name
            scores[name] = textstat.flesch_reading_ease(body(text))
    assert len(scores) >= 20
    print("Flesch reading ease:", sorted(scores.items(), key=lambda kv: kv[1]))
    kinds = {kind_of(n) for n in scores}
    assert {"concern-response", "progress-update", "decision-maintain", "decision-amend", "what-happens-next",
            "invitation", "review-report", "amendment-notice", "amended-plan-letter", "reassessment-decision",
            "early-review-decision", "budget-decision", "cease-consultation", "cease-notice"} <= kinds, kinds
    low = {n: s for n, s in scores.items() if s < 70}
    assert not low, low


def one_appeal_date_only_where_the_decision_can_be_appealed(both):
    child, yp = both
    appealable = {"amended-plan-letter", "reassessment-decision", "decision-maintain", "cease-notice"}
    for docs, not_yet in ((child, {"decision-amend", "amendment-notice", "invitation", "review-report",
                                   "early-review-decision", "budget-decision"}),
                          (yp, {"cease-consultation", "invitation", "review-report"})):
        for name, text in family(docs).items():
            kind = re.sub(r"^\d{4}-\d{2}-\d{2}-|(-copy-\d+)?\.docx$", "", name)
            count = text.count(APPEAL_DATE)
            if kind in appealable and "reassessment" not in kind or (kind == "reassessment-decision"
                                                                     and "not to do" in text):
                assert count == 1, (name, count)
            elif kind in not_yet:
                assert count == 0, (name, count)
    amend = child["2026-11-24-decision-amend.docx"]
    assert "You cannot appeal yet" in amend
    cease = yp["2027-02-15-cease-notice.docx"]
    assert "appeal against our decision to stop your EHC plan" in cease and "Section B: the" not in cease


def each_decision_has_its_own_timeline(both):
    child, yp = both
    amend = child["2026-11-24-what-happens-next.docx"]
    assert "the last day to send us your views on the changes" in amend
    assert "the last day for us to send you the final amended plan" in amend
    maintain = yp["2026-11-24-what-happens-next.docx"]
    assert "the last day to appeal against this decision" in maintain and "next annual review" in maintain
    cease = yp["2027-01-11-cease-consultation.docx"]
    assert "the last day to send us your views" in cease and "How progress will be checked" not in cease
    agree = yp["2026-12-08-reassessment-decision.docx"]
    assert "stays in force while we do it" in agree and "the last day for us to issue the final plan" in agree
    assert "Exampleshire SENDIASS" in agree and "Your caseworker" in agree


def a_young_person_who_decides_is_spoken_to(both):
    _, yp = both
    for name, text in family(yp).items():
        if "-copy-" in name:
            assert "This is a copy of the letter we sent to Rhys Llewellyn-Carter." in text, name
            continue
        assert "Rhys\u2019s" not in text and "Rhys's" not in text, name
        assert "write to Rhys" not in text, name
    decision = yp["2026-11-24-decision-maintain.docx"]
    assert "keep your EHC plan as it is" in decision and "Dear Rhys Llewellyn-Carter" in decision
    assert "Copies to:" in decision and "Bethan Llewellyn (copy)" in decision


def every_parent_gets_their_own_letter_with_a_copies_block(both):
    child, _ = both
    first, second = child["2026-11-24-decision-amend.docx"], child["2026-11-24-decision-amend-copy-2.docx"]
    assert "Dear Sinéad Brennan" in first and "Dear Mark Hayes" in second
    assert "Copies to:" in first and "Mark Hayes" in first.split("Copies to:")[1]
    assert "Sinéad Brennan" in second.split("Copies to:")[1]


def invitation_and_advice_requests_help_the_reader_act(both):
    child, _ = both
    invitation = child["2026-10-20-invitation.docx"]
    assert "Time: 2pm" in invitation and "Place: School meeting room" in invitation
    assert "Please send the form back by 20 October 2026." in invitation or "send the form back by" in invitation
    health = child["2026-10-20-advice-request-health.docx"]
    assert "Dear Designated Clinical Officer" in health and "Dear NHS" not in health
    assert "Please send your advice by 20 October 2026." in health
    assert "by 27 October 2026, two weeks before the meeting" in health   # reply-by before circulation
    assert "How to send your advice" in health and "Outcome E1" in health


def final_plan_letter_gives_an_account_of_what_the_family_said(both):
    child, _ = both
    letter = child["2026-12-01-amended-plan-letter.docx"]
    assert "you said: We agree." in letter and "Our answer: we agree. Thank you." in letter


def request_decisions_have_a_letter_with_reasons_and_next_steps(both):
    child, _ = both
    early = child["2026-12-07-early-review-decision.docx"]
    assert "We have said no." in early and "The review was last month." in early and "What you can do next" in early
    budget = child["2026-12-09-budget-decision.docx"]
    assert "We have agreed." in budget and "a personal budget" in budget
