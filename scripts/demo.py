"""`make demo`: builds ./demo-store from the sample plans, renders every plan to Word, and writes the letters of
a child's annual review (EHCP-0002), a young person's review (EHCP-0005, the decision maker), a progress update and
an early review decision (EHCP-0003), and an amendment with the family's representations answered, then mediation
and an appeal (EHCP-0004), all in demo-store/out/; then prints the next term's due list, the drift report and
the management information. Everything runs through the real `ehcp` command, as a caseworker would.
EHCP_DEMO_STORE=DIR builds the store elsewhere (tests/test_demo.py checks what the demo writes)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
STORE = Path(os.environ.get("EHCP_DEMO_STORE") or ROOT / "demo-store").resolve()
AUTHOR = "Demo Caseworker <demo.caseworker@example.org>"


def ehcp(*args: str, capture: bool = False, stderr_too: bool = False) -> str:
    cmd = [sys.executable, "-m", "ehcp_docs", "--author", AUTHOR, "--store", str(STORE), *args]
    print("$ ehcp " + " ".join(args), flush=True)
    p = subprocess.run(cmd, text=True, capture_output=capture)
    if p.returncode != 0:
        if capture:
            print(p.stdout, p.stderr)
        sys.exit(f"demo: `ehcp {' '.join(args)}` failed (exit {p.returncode})")
    if stderr_too:
        print(p.stderr, end="", file=sys.stderr)
        return p.stdout + p.stderr
    return p.stdout if capture else ""


def fill_meeting_form(form_yaml: str) -> dict:
    form = yaml.safe_load(form_yaml)
    form["attended"] = [{"name": "Sinéad Brennan", "role": "parent"}, {"name": "Mrs R Kaur", "role": "SENCO"},
                        {"name": "Daniel Osei", "role": "LA SEN officer"}]
    form["child_views"] = "Ollie said he is excited about the trains club at his new school but worried about lunch."
    form["family_views"] = ("Sinéad is pleased with Ollie's reading progress and wants the transition visits to "
                            "start early.")
    for row in form["progress"]:
        row["status"], row["evidence"] = "on-track", "Teaching assistant observation log, autumn term 2026."
        for t in row["targets"]:
            t["status"], t["evidence"] = "achieved", "Observation sheet, 5 lessons in November 2026."
    form["differences_of_opinion"] = []
    return form


def main() -> None:
    if STORE.exists():
        shutil.rmtree(STORE)
    subprocess.run([sys.executable, "-m", "ehcp_docs", "--author", AUTHOR, "init", str(STORE)], check=True)
    # the demo's steps happen on fixed dates up to March 2027: its store accepts a --date up to a year ahead (the
    # shipped window is a week, model/plausible.py), set as any LA would set it, in ehcp.toml
    settings = STORE / "ehcp.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("# step_days_ahead = 7 ", "step_days_ahead = 366 "), encoding="utf-8")
    ehcp("settings", "commit")
    samples = sorted(str(p) for p in (ROOT / "plans").glob("*.yaml"))
    ehcp("add", *samples)
    for p in sorted((ROOT / "plans").glob("*.yaml")):
        ehcp("render", p.stem)
    ehcp("render", "EHCP-0006", "--layout", "areas")

    print("\n== A whole annual review of EHCP-0002 (Year 6, moving to secondary) ==")
    ehcp("review", "schedule", "EHCP-0002", "--meeting", "2026-11-10", "--date", "2026-09-29", "--time", "14:00",
         "--venue", "St Aidan's Church of England Primary School, meeting room 2")
    advice = STORE / "out" / "demo-advice.txt"
    advice.write_text("Ollie has made good progress with reading comprehension this term.\n", encoding="utf-8")
    ehcp("review", "advice", "EHCP-0002", "--from", "setting", "--file", str(advice), "--date", "2026-10-23")
    ehcp("review", "advice", "EHCP-0002", "--from", "health", "--file", str(advice), "--date", "2026-10-24")
    ehcp("review", "circulate", "EHCP-0002", "--date", "2026-10-27")
    form = ehcp("review", "record", "EHCP-0002", "--form", capture=True)
    record = STORE / "out" / "demo-meeting.yaml"
    record.write_text(yaml.safe_dump(fill_meeting_form(form), allow_unicode=True, sort_keys=False), encoding="utf-8")
    ehcp("review", "record", "EHCP-0002", "--file", str(record), "--date", "2026-11-10")
    ehcp("review", "report", "EHCP-0002", "--date", "2026-11-17")
    # a maintain decision in a transfer year is refused while Section I does not name the next school (issue
    # 15.10): the caseworker first corrects Section I to the school the family and the academy agreed
    named = yaml.safe_load(ehcp("show", "EHCP-0002", "--json", capture=True))
    named["sections"]["I"] = {"name": named["transfer"]["next_setting"], "type": "Mainstream secondary academy"}
    named_file = STORE / "out" / "demo-section-i-EHCP-0002.yaml"
    named_file.write_text(yaml.safe_dump(named, allow_unicode=True, sort_keys=False), encoding="utf-8")
    ehcp("edit", "EHCP-0002", "--file", str(named_file), "--note", "Section I names the secondary school agreed "
         "for the transfer", "--date", "2026-11-20")
    ehcp("review", "decide", "EHCP-0002", "--decision", "maintain", "--date", "2026-11-24",
         "--reason", "Ollie is making good progress and the plan already names his secondary school.")
    ehcp("review", "status", "EHCP-0002")

    print("\n== An amendment outside a review: EHCP-0004 gets more specialist teaching ==")
    plan = yaml.safe_load(ehcp("show", "EHCP-0004", "--json", capture=True))
    f1 = plan["sections"]["F"]["provision"][0]
    f1["frequency"] = "3 sessions a week in term time"
    f1["duration"] = "45 minutes a session, for the whole of Year 11"
    proposal = STORE / "out" / "demo-proposed-EHCP-0004.yaml"
    proposal.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    evidence = STORE / "out" / "demo-specialist-teacher-report.txt"
    evidence.write_text("Kacper's reading age has risen by 8 months; three sessions a week are recommended.\n",
                        encoding="utf-8")
    ehcp("amend", "propose", "EHCP-0004", "--file", str(proposal), "--date", "2026-10-12",
         "--context", "outside-review", "--reason", "New advice from the specialist dyslexia teacher.",
         "--item-reason", "F1=The specialist teacher recommends three sessions a week before his exams.",
         "--evidence", str(evidence), "--title", "Specialist dyslexia teacher's report", "--author",
         "Specialist teacher, Exampleshire Learning Support", "--dated", "2026-10-05")
    ehcp("diff", "EHCP-0004")
    said = ehcp("amend", "respond", "EHCP-0004", "--text", "We agree with the extra sessions, but would like them "
                "after lunch, not first thing.", "--date", "2026-10-20", capture=True, stderr_too=True)
    seq = re.search(r"representations #(\d+)", said).group(1)
    ehcp("amend", "issue", "EHCP-0004", "--date", "2026-10-23", "--answer", f"{seq}=accepted-in-part",
         "--why", f"{seq}=The school will hold two of the three sessions after lunch; the third has to be in the "
         "morning, when the specialist teacher visits.")

    young_person_review()
    between_reviews()
    disagreement()

    print("\n== Next term's reviews ==")
    ehcp("due", "--term", f"spring-{date.today().year + (1 if date.today().month >= 9 else 0)}")
    print("\n== Drift report ==")
    ehcp("overdue")
    print("\n== Every plan, and what next for EHCP-0004 ==")
    ehcp("list")
    ehcp("status", "EHCP-0004")

    print("\n== Management information ==")
    year = date.today().year
    ehcp("stats", "annual-reviews", "--year", str(year))
    ehcp("stats", "check", "--year", str(year))
    ehcp("sen2", "--census", f"{year + 1}-01-21")
    ehcp("report", "--out", str(STORE / "out" / "report.html"))

    docs = sorted(STORE.glob("out/**/*.docx"))
    print(f"\nmake demo: the plan store is {STORE}")
    print(f"make demo: {len(docs)} Word documents are in {STORE / 'out'}:")
    for d in docs:
        print(f"  {d.relative_to(ROOT) if d.is_relative_to(ROOT) else d}")


def young_person_review() -> None:
    """EHCP-0005: Rhys is 20 and decides for himself, so every letter speaks to him as "you" and his mother gets
    a copy, not a letter of her own."""
    print("\n== A young person's annual review: EHCP-0005 (20, the decision maker) ==")
    pid = "EHCP-0005"
    ehcp("review", "schedule", pid, "--meeting", "2026-12-08", "--date", "2026-10-27", "--time", "10:30",
         "--venue", "Examplemouth College, student services room 4")
    advice = STORE / "out" / "demo-advice-EHCP-0005.txt"
    advice.write_text("Rhys keeps to his shift pattern and asks for help when he needs it.\n", encoding="utf-8")
    for role, day in (("setting", "2026-11-12"), ("health", "2026-11-13"), ("social-care", "2026-11-16")):
        ehcp("review", "advice", pid, "--from", role, "--file", str(advice), "--date", day)
    ehcp("review", "circulate", pid, "--date", "2026-11-20")
    form = yaml.safe_load(ehcp("review", "record", pid, "--form", capture=True))
    form["attended"] = [{"name": "Rhys Llewellyn-Carter", "role": "young person"},
                        {"name": "Bethan Llewellyn", "role": "parent"},
                        {"name": "Priya Shah", "role": "LA SEN officer"}]
    form["child_views"] = "Rhys said he likes working at the café and wants more shifts on his own."
    form["family_views"] = "Bethan supports Rhys's wish to work more on his own."
    form["preparing_for_adulthood"] = "Rhys wants paid work and his own flat within two years."
    for row in form["progress"]:
        row["status"], row["evidence"] = "on-track", "Job coach's shift record, autumn 2026."
        for t in row["targets"]:
            t["status"], t["evidence"] = "achieved", "Shift record, November 2026."
    form["differences_of_opinion"] = []
    record = STORE / "out" / "demo-meeting-EHCP-0005.yaml"
    record.write_text(yaml.safe_dump(form, allow_unicode=True, sort_keys=False), encoding="utf-8")
    ehcp("review", "record", pid, "--file", str(record), "--date", "2026-12-08")
    ehcp("review", "report", pid, "--date", "2026-12-15")
    ehcp("review", "decide", pid, "--decision", "maintain", "--date", "2026-12-15",
         "--reason", "The plan is working well and you are meeting your outcomes.")
    said = ehcp("concern", "add", pid, "--from", "young-person", "--text", "My job coach did not come to two "
                "shifts in January.", "--date", "2027-01-18", capture=True, stderr_too=True)
    n = re.search(r"concern #(\d+)", said).group(1)
    ehcp("concern", "respond", pid, n, "--text", "The job coach was ill. A second coach now covers any shift the "
         "first one cannot do.", "--outcome", "resolved", "--date", "2027-01-25")


def between_reviews() -> None:
    """EHCP-0003: the school's termly progress return becomes the family's progress update, and the family's
    request for an early review gets its own decision letter."""
    print("\n== Between reviews: EHCP-0003's progress update and a request for an early review ==")
    pid = "EHCP-0003"
    progress = yaml.safe_load(ehcp("progress", "add", pid, "--form", capture=True))
    progress["returned_by"] = {"name": "Mr T Adeyemi", "role": "SENCO"}
    for row in progress["progress"]:
        row["status"], row["evidence"] = "on-track", "Physiotherapist's log and class observation, autumn 2026."
        row["next_steps"] = "Keep the same support next term."
        for t in row["targets"]:
            t["status"] = "on-track"
    returned = STORE / "out" / "demo-progress-EHCP-0003.yaml"
    returned.write_text(yaml.safe_dump(progress, allow_unicode=True, sort_keys=False), encoding="utf-8")
    ehcp("progress", "add", pid, "--file", str(returned), "--date", "2026-12-11")
    ehcp("progress", "report", pid)
    asked = ehcp("review", "request", pid, "--by", "parent", "--reason", "Jess has had surgery and now needs "
                 "help with moving around school.", "--date", "2026-12-14", capture=True, stderr_too=True)
    n = re.search(r"#(\d+)", asked).group(1)
    ehcp("review", "request-decide", pid, n, "--decision", "agree", "--date", "2026-12-21")


def family_edits(returned: Path, version1: Path) -> None:
    """What a family does to the working document in Word: a bold addition, a bold strike-through deletion."""
    from docx import Document

    doc = Document(str(version1))
    for table in doc.tables:
        for row in table.rows:
            if row.cells[0].text.strip() == "F1 (how often)":
                p = row.cells[1].paragraphs[0]
                for r in p.runs:
                    if "3 sessions a week" in r.text and not r.bold and not r.italic and not r.font.strike:
                        r.font.strike, r.bold = True, True
                        break
                added = p.add_run(" 4 sessions a week in term time")
                added.bold = True
    doc.save(str(returned))


def disagreement() -> None:
    print("\n== A disagreement: EHCP-0004's family appeals the amended plan, to the Tribunal's order ==")
    ehcp("mediation", "contact", "EHCP-0004", "--wants-mediation", "yes", "--about", "education,health",
         "--date", "2026-10-26")
    ehcp("mediation", "health-notified", "EHCP-0004", "--date", "2026-10-27")
    ehcp("mediation", "arranged", "EHCP-0004", "--date", "2026-11-02", "--mediation-date", "2026-11-16")
    ehcp("mediation", "held", "EHCP-0004", "--outcome", "not-agreed", "--date", "2026-11-16")
    ehcp("mediation", "certificate", "EHCP-0004", "--date", "2026-11-18")
    ehcp("appeal", "register", "EHCP-0004", "--against", "amended-plan", "--about", "F", "--date", "2026-11-25",
         "--reference", "EH123/26/00042")
    ehcp("appeal", "working-document", "EHCP-0004", "--date", "2026-12-01")
    out = STORE / "out" / "EHCP-0004"
    returned = STORE / "out" / "demo-working-document-returned.docx"
    family_edits(returned, out / "2026-12-01-working-document-v1.docx")
    ehcp("appeal", "working-document", "EHCP-0004", "--read", str(returned), "--date", "2026-12-08")
    plan = yaml.safe_load(ehcp("show", "EHCP-0004", "--json", capture=True))
    plan["sections"]["F"]["provision"][0]["duration"] = "50 minutes a session, for the whole of Year 11"
    counter = STORE / "out" / "demo-la-counter-EHCP-0004.yaml"
    counter.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    ehcp("appeal", "working-document", "EHCP-0004", "--agree", "F1", "--proposed", str(counter),
         "--evidence", "F1=Specialist teacher report, specialist dyslexia teacher, 2026-10-05, page 3",
         "--date", "2026-12-15")
    ehcp("appeal", "order", "EHCP-0004", "--order", "amend", "--date", "2027-02-10")
    ordered = yaml.safe_load(ehcp("show", "EHCP-0004", "--json", capture=True))
    ordered["sections"]["F"]["provision"][0]["frequency"] = "4 sessions a week in term time"
    ordered_file = STORE / "out" / "demo-ordered-EHCP-0004.yaml"
    ordered_file.write_text(yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False), encoding="utf-8")
    ehcp("amend", "propose", "EHCP-0004", "--file", str(ordered_file), "--date", "2027-02-17",
         "--reason", "The Tribunal ordered 4 sessions a week.", "--no-evidence", "the Tribunal's order")
    ehcp("amend", "issue", "EHCP-0004", "--date", "2027-03-03")
    ehcp("appeal", "status", "EHCP-0004", "--today", "2027-03-04")


if __name__ == "__main__":
    main()
