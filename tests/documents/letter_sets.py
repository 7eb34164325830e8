"""The two letter sets of issue 15, made once per test that needs them: every document kind for a child
(EHCP-0002, two parents) and for a young person who is the decision maker (EHCP-0005), on fixed dates, so that the
read-back checks (test_letters_read_back.py) and the golden texts (test_letters_golden.py) read the same letters."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from conftest import filled_form, sample_files
from ehcp_docs.documents.saving import docx_text

NOT_TO_FAMILY = ("plan", "plan-in-force", "proposed-plan", "proposed-plan-tracked", "schedule-of-amendments",
                 "final-amended-plan")


def run(ehcp, *args) -> str:
    r = ehcp(*args)
    assert r.exit_code == 0, (args, r.stderr)
    return r.stderr


def child_set(ehcp, tmp_path: Path) -> dict[str, str]:
    """EHCP-0002: review -> amend -> representations answered -> issue; re-assessment refused; early review
    refused; personal budget agreed."""
    pid, out = "EHCP-0002", tmp_path / "out"
    run(ehcp, "review", "schedule", pid, "--meeting", "2026-11-10", "--date", "2026-09-29", "--time", "14:00",
         "--venue", "School meeting room", "--out", out)
    run(ehcp, "review", "record", pid, "--file", filled_form(ehcp, tmp_path, pid), "--date", "2026-11-10")
    run(ehcp, "review", "report", pid, "--date", "2026-11-17", "--out", out)
    run(ehcp, "review", "decide", pid, "--decision", "amend", "--date", "2026-11-24", "--reason",
         "The therapist advises more sessions.", "--out", out)
    propose_f1(ehcp, tmp_path, pid, "4 sessions a week in term time", "2026-11-24", out, "--no-evidence",
               "The advice was in the review report.")
    said = run(ehcp, "amend", "respond", pid, "--text", "We agree.", "--date", "2026-11-30")
    n = re.search(r"representations #(\d+)", said).group(1)
    run(ehcp, "amend", "issue", pid, "--answer", f"{n}=accepted", "--why", f"{n}=Thank you.", "--date",
         "2026-12-01", "--out", out)
    run(ehcp, "reassess", "request", pid, "--by", "parent", "--date", "2026-12-03")
    run(ehcp, "reassess", "decide", pid, "--decision", "refuse", "--reason", "We assessed in May.", "--date",
         "2026-12-04", "--out", out)
    asked = run(ehcp, "review", "request", pid, "--by", "parent", "--reason", "Things at home changed.", "--date",
                 "2026-12-05")
    n = re.search(r"#(\d+)", asked).group(1)
    run(ehcp, "review", "request-decide", pid, n, "--decision", "refuse", "--reason", "The review was last "
         "month.", "--date", "2026-12-07", "--out", out)
    asked = run(ehcp, "budget", "request", pid, "--by", "parent", "--details", "Pay for swimming.", "--date",
                 "2026-12-08")
    n = re.search(r"#(\d+)", asked).group(1)
    run(ehcp, "budget", "decide", pid, n, "--decision", "agree", "--date", "2026-12-09", "--out", out)
    concerns(ehcp, pid, "parent", ("resolved", "early-review", "reassessment"), "2026-12-10", out)
    progress = yaml.safe_load(ehcp("progress", "add", pid, "--form").stdout)
    progress["returned_by"] = {"name": "Mr J Wallace", "role": "SENCO"}
    for row in progress["progress"]:
        row["status"], row["evidence"], row["next_steps"] = "on-track", "Class observation.", "Keep going."
        for t in row["targets"]:
            t["status"] = "on-track"
    returned = tmp_path / "progress.yaml"
    returned.write_text(yaml.safe_dump(progress, allow_unicode=True), encoding="utf-8")
    run(ehcp, "progress", "add", pid, "--file", returned, "--date", "2026-12-11")
    run(ehcp, "progress", "report", pid, "--out", out)
    return {p.name: docx_text(p) for p in (out / pid).glob("*.docx")}


def propose_f1(ehcp, tmp_path: Path, pid: str, frequency: str, day: str, out: Path, *options: str) -> None:
    """Proposes the plan in force with its first Section F item's frequency changed (`amend propose`, with
    `options`), its letters written to `out`."""
    plan = yaml.safe_load(ehcp("show", pid, "--json").stdout)
    plan["sections"]["F"]["provision"][0]["frequency"] = frequency
    tmp_path.mkdir(parents=True, exist_ok=True)
    proposal = tmp_path / f"proposed-{pid}-{day}.yaml"
    proposal.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    run(ehcp, "amend", "propose", pid, "--file", proposal, "--date", day, *options, "--out", out)


def concerns(ehcp, pid: str, by: str, outcomes: tuple[str, ...], day: str, out: Path) -> None:
    """A concern raised and answered with each of `outcomes`: the answer to a concern is a family letter too."""
    for outcome in outcomes:
        said = run(ehcp, "concern", "add", pid, "--from", by, "--text", "The speech therapy sessions have not "
                    "happened this term.", "--date", day)
        n = re.search(r"concern #(\d+)", said).group(1)
        run(ehcp, "concern", "respond", pid, n, "--text", "The therapist was ill. A new therapist starts next "
             "week and will make up the missed sessions.", "--outcome", outcome, "--date", day, "--out", out)


def young_person_set(ehcp, tmp_path: Path) -> dict[str, str]:
    """EHCP-0005 (20, decides for himself): review -> maintain; re-assessment agreed; cease consulted, decided."""
    pid, out = "EHCP-0005", tmp_path / "out"
    run(ehcp, "review", "schedule", pid, "--meeting", "2026-11-10", "--date", "2026-09-29", "--time", "10:30",
         "--venue", "College, room 4", "--out", out)
    run(ehcp, "review", "record", pid, "--file", young_person_meeting(ehcp, tmp_path), "--date", "2026-11-10")
    run(ehcp, "review", "report", pid, "--date", "2026-11-17", "--out", out)
    run(ehcp, "review", "decide", pid, "--decision", "maintain", "--date", "2026-11-24", "--reason",
         "The plan is working well.", "--out", out)
    run(ehcp, "reassess", "request", pid, "--by", "young-person", "--date", "2026-12-01")
    run(ehcp, "reassess", "decide", pid, "--decision", "agree", "--date", "2026-12-08", "--out", out)
    run(ehcp, "cease", "propose", pid, "--reason", "4", "--details", "A paid job has started.", "--date",
         "2027-01-11", "--out", out)
    concerns(ehcp, pid, "young-person", ("complaint", "mediation", "no-action"), "2026-12-10", out)
    run(ehcp, "cease", "decide", pid, "--date", "2027-02-15", "--out", out)
    return {p.name: docx_text(p) for p in (out / pid).glob("*.docx")}


def young_person_meeting(ehcp, tmp_path: Path) -> Path:
    """EHCP-0005's meeting record: every status set (conftest.filled_form), and Rhys, his mother and the
    caseworker came; his views are his own."""
    path = filled_form(ehcp, tmp_path, "EHCP-0005")
    form = yaml.safe_load(path.read_text(encoding="utf-8"))
    form.update(attended=[{"name": "Rhys Llewellyn-Carter", "role": "young person"},
                          {"name": "Bethan Llewellyn", "role": "parent"},
                          {"name": "Priya Shah", "role": "LA SEN officer"}],
                child_views="I like my job at the café. I want more shifts on my own.",
                family_views="Bethan is proud of how Rhys copes at work.",
                preparing_for_adulthood="Rhys wants paid work and his own flat within two years.")
    for row in form["progress"]:
        row["evidence"] = "Job coach's shift record."
    path.write_text(yaml.safe_dump(form, allow_unicode=True), encoding="utf-8")
    return path


def disagreement_set(ehcp, tmp_path: Path) -> dict[str, str]:
    """EHCP-0004 (Year 11): an amendment whose representation is not accepted, the family's mediation contact,
    an appeal the LA does not oppose, and the plan amended to comply; EHCP-0001: an amendment withdrawn. The
    letters of a disagreement, pinned as the review letters are. {"<plan>/<file name>": text}."""
    pid, out = "EHCP-0004", tmp_path / "out"
    propose_f1(ehcp, tmp_path, pid, "3 sessions a week in term time", "2026-10-12", out, "--context",
               "outside-review", "--reason", "New advice from the specialist teacher.", "--no-evidence",
               "The advice was given at a meeting with the family.")
    said = run(ehcp, "amend", "respond", pid, "--text", "We want five sessions a week.", "--date", "2026-10-20")
    n = re.search(r"representations #(\d+)", said).group(1)
    run(ehcp, "amend", "issue", pid, "--answer", f"{n}=not-accepted", "--why", f"{n}=The specialist teacher "
        "advises three sessions; five would take Kacper out of too many lessons.", "--date", "2026-10-23",
        "--out", out)
    run(ehcp, "mediation", "contact", pid, "--wants-mediation", "yes", "--about", "education", "--date",
        "2026-10-26", "--out", out)
    run(ehcp, "mediation", "held", pid, "--outcome", "not-agreed", "--date", "2026-11-16")
    run(ehcp, "mediation", "certificate", pid, "--date", "2026-11-18")
    run(ehcp, "appeal", "register", pid, "--against", "amended-plan", "--about", "F", "--date", "2026-11-25",
        "--reference", "EH123/26/00042")
    run(ehcp, "appeal", "concede", pid, "--kind", "amend", "--date", "2026-12-14", "--out", out)
    propose_f1(ehcp, tmp_path, pid, "5 sessions a week in term time", "2026-12-21", out, "--no-evidence",
               "The change is the one the appeal asked for.")
    run(ehcp, "amend", "issue", pid, "--date", "2027-01-11", "--out", out)
    propose_f1(ehcp, tmp_path, "EHCP-0001", "2 sessions a week", "2026-11-02", out, "--context", "outside-review",
               "--no-evidence", "The nursery asked for this change.")
    run(ehcp, "amend", "withdraw", "EHCP-0001", "--reason", "The nursery's new report shows no change is needed.",
        "--date", "2026-11-09", "--out", out)
    return {f"{p.parent.name}/{p.name}": docx_text(p) for p in sorted(out.glob("*/*.docx"))}


def termly_list_letters(ehcp, tmp_path: Path) -> dict[str, str]:
    """The covering letters of next term's lists: to each setting's head teacher, the LA's EOTAS lead, health
    and social care."""
    out = tmp_path / "lists"
    run(ehcp, "lists", "--term", "spring-2027", "--today", "2026-11-28", "--out", out)
    return {p.name: docx_text(p) for p in sorted(out.rglob("*-letter.docx"))}


def kind_of(name: str) -> str:
    """The document kind of a file name: `2026-12-10-concern-response-17-copy-2.docx` -> `concern-response`."""
    return re.sub(r"^\d{4}-\d{2}-\d{2}-|(-\d+)?(-copy-\d+)?\.docx$", "", name)


def family(docs: dict[str, str]) -> dict[str, str]:
    """The letters a family reads (not the plan documents, not advice requests to professionals)."""
    return {n: t for n, t in docs.items()
            if kind_of(n) not in NOT_TO_FAMILY and not kind_of(n).startswith("advice-request")}


def both_sets(ehcp, tmp_path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The sample plans added, then the child's set and the young person's set: {file name: text}."""
    run(ehcp, "add", *sample_files())
    return child_set(ehcp, tmp_path / "child"), young_person_set(ehcp, tmp_path / "yp")


CONTACT = re.compile(r"https?://\S+|\S+@\S+|\b0\d{3,4}[ \d]{6,9}\b")


def body(text: str) -> str:
    """The sentences a family reads: lines of 6 words or more ending as a sentence (not the letterhead, address
    block, header, footer or signature), with web addresses, email addresses and phone numbers taken out: the
    syllables of "send@examplemediation.example.org" say nothing about how plainly a letter is written."""
    lines = [CONTACT.sub("", line) for line in text.splitlines() if line.rstrip().endswith((".", "?", ";", ":"))]
    return "\n".join(line for line in lines if len(line.split()) >= 6)
