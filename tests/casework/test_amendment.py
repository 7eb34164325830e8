"""End to end: review -> decide amend -> propose -> respond -> issue; re-assessment and ceasing; ehcp diff."""
import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from docx import Document

from conftest import PLANS, filled_form, git
from ehcp_docs.documents.saving import docx_text

PID = "EHCP-0002"

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def store(ehcp, store_path: Path):
    assert ehcp("add", *sorted(PLANS.glob("*.yaml"))).exit_code == 0
    return store_path


def proposed_file(ehcp, tmp_path: Path) -> tuple[Path, str, str]:
    plan = json.loads(ehcp("show", PID, "--json").stdout)
    f1 = plan["sections"]["F"]["provision"][0]
    old = f1["frequency"]
    f1["frequency"] = "4 sessions a week in term time"
    plan["sections"]["F"]["provision"].append({
        "id": "F9", "area": "cognition-and-learning",
        "description": "Daily touch-typing practice with a typing programme.",
        "delivered_by": "Teaching assistant", "frequency": "daily in term time", "duration": "15 minutes a session",
        "group_size": "individual (1:1)", "location": "classroom", "funded_by": "the school's notional SEN budget",
        "needs": [plan["sections"]["B"]["needs"][0]["id"]], "outcomes": [plan["sections"]["E"]["outcomes"][0]["id"]]})
    f = tmp_path / "proposed.yaml"
    f.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False))
    return f, old, "4 sessions a week in term time"


def runs(path: Path) -> tuple[list[str], list[str]]:
    doc = Document(str(path))
    struck, bold = [], []
    for p in doc.paragraphs:
        for r in p.runs:
            if r.font.strike:
                struck.append(r.text)
            elif r.bold:
                bold.append(r.text)
    return struck, bold


def test_full_amendment(ehcp, store: Path, tmp_path: Path):
    out = tmp_path / "out"
    ehcp("review", "schedule", PID, "--meeting", "2026-11-10", "--date", "2026-10-20", "--out", out)
    ehcp("review", "record", PID, "--file", filled_form(ehcp, tmp_path), "--date", "2026-11-10")
    ehcp("review", "report", PID, "--date", "2026-11-17", "--out", out)
    assert ehcp("review", "decide", PID, "--decision", "amend", "--date", "2026-11-24", "--out", out).exit_code == 0
    proposal, old_words, new_words = proposed_file(ehcp, tmp_path)
    evidence = tmp_path / "slt-advice.txt"
    evidence.write_text("Therapist advice: increase sessions.")
    r = ehcp("amend", "propose", PID, "--file", proposal, "--date", "2026-11-24", "--reason", "New advice",
             "--item-reason", "F1=Therapist recommends more sessions", "--evidence", evidence,
             "--title", "Speech and language therapy advice", "--author", "A Therapist", "--dated", "2026-11-20",
             "--out", out)
    assert r.exit_code == 0, r.stderr
    assert "2 change(s) proposed" in r.stderr
    d = json.loads(ehcp("deadlines", PID, "--today", "2026-11-25", "--json").stdout)
    assert d["representations_due"] == "2026-12-08"   # notice + 14 (reg 22(2)(c))
    assert d["final_plan_due"] == "2027-01-19"        # notice + 56 (reg 22(3))
    assert d["amendment_notice_due"] is None          # served with the decision
    folder = out / PID
    struck, bold = runs(folder / "2026-11-24-schedule-of-amendments.docx")
    assert old_words.split()[0] in " ".join(struck) and "4" in " ".join(bold)
    schedule = docx_text(folder / "2026-11-24-schedule-of-amendments.docx")
    assert "Therapist recommends more sessions" in schedule
    # evidence by title, author and date, never by file name (issue 15.11)
    assert "Speech and language therapy advice, A Therapist, 20 November 2026" in schedule
    assert "slt-advice.txt" not in schedule
    xml = zipfile.ZipFile(folder / "2026-11-24-proposed-plan-tracked.docx").read("word/document.xml").decode()
    inserted = "".join(re.findall(r"<w:ins [^>]*>.*?</w:ins>", xml, re.S))
    deleted = "".join(re.findall(r"<w:del [^>]*>.*?</w:del>", xml, re.S))
    assert "4" in re.sub(r"<[^>]+>", "", inserted) and "touch-typing" in re.sub(r"<[^>]+>", "", inserted)
    assert re.sub(r"<[^>]+>", "", deleted).strip() == old_words.split()[0]
    notice = docx_text(folder / "2026-11-24-amendment-notice.docx")
    assert "8 December 2026" in notice and "Local Offer" in notice
    assert "Oliver Brennan-Hayes" in docx_text(folder / "2026-11-24-plan-in-force.docx")

    # issuing before the 15 days without a response is refused; the family's response unlocks it
    assert ehcp("amend", "issue", PID, "--date", "2026-12-01").exit_code == 1
    said = ehcp("amend", "respond", PID, "--text", "We agree with the extra sessions.", "--meeting-request",
                "--date", "2026-11-30")
    assert said.exit_code == 0
    n = re.search(r"representations #(\d+)", said.stderr).group(1)
    r = ehcp("amend", "issue", PID, "--date", "2026-12-01", "--answer", f"{n}=accepted", "--out", out)
    assert r.exit_code == 1 and "asked to meet an officer" in r.stderr  # the meeting they asked for comes first
    r = ehcp("amend", "issue", PID, "--date", "2026-12-01", "--answer", f"{n}=accepted-in-part",
             "--why", f"{n}=We agree to four sessions, and will review them at Easter.", "--meeting", "held",
             "--out", out)
    assert r.exit_code == 0, r.stderr
    letter = docx_text(folder / "2026-12-01-amended-plan-letter.docx")
    assert "you said: We agree with the extra sessions." in letter
    assert "Our answer: we agree in part. We agree to four sessions, and will review them at Easter." in letter
    assert "The last day to appeal is 1 February 2027" in letter   # 2 months after the letter
    final = docx_text(folder / "2026-12-01-final-amended-plan.docx")
    assert "Provision F1 (how often changed)" in final and "Provision F9 (new)" in final and new_words in final
    before = json.loads(ehcp("show", PID, "--at", "2026-11-30", "--json").stdout)
    assert before["sections"]["F"]["provision"][0]["frequency"] == old_words
    now = json.loads(ehcp("show", PID, "--json").stdout)
    assert now["sections"]["F"]["provision"][0]["frequency"] == new_words and now["issued"] == "2026-12-01"
    d = json.loads(ehcp("deadlines", PID, "--today", "2026-12-02", "--json").stdout)
    assert d["next_review_due"] == "2027-11-23"   # amendments do not move the review clock
    events = git(store, "log", "-n", "3", "--format=%(trailers:key=EHCP-Event,valueonly)").split()
    assert events == ["amended-plan-issued", "representations", "amendment-proposed"]


def test_diff_json_between_revisions(ehcp, store: Path, tmp_path: Path):
    proposal, old, new = proposed_file(ehcp, tmp_path)
    ehcp("amend", "propose", PID, "--file", proposal, "--date", "2026-11-24", "--context", "outside-review",
         "--no-evidence", "The advice is in the review report.", "--out", tmp_path)
    changes = json.loads(ehcp("diff", PID, "--json").stdout)
    assert [(c["section"], c["item"], c["kind"]) for c in changes] == [("F", "F1", "changed"), ("F", "F9", "added")]
    assert changes[0]["old"] == old and changes[0]["field"] == "how often"
    assert set(changes[0]) == {"section", "item", "field", "kind", "old", "new", "description"}


def test_withdraw_and_stale_proposal(ehcp, store: Path, tmp_path: Path):
    proposal, _, _ = proposed_file(ehcp, tmp_path)
    none = ("--no-evidence", "The advice is in the review report.")
    ehcp("amend", "propose", PID, "--file", proposal, "--date", "2026-11-24", *none, "--out", tmp_path)
    r = ehcp("amend", "propose", PID, "--file", proposal, "--date", "2026-11-25", *none, "--out", tmp_path)
    assert r.exit_code == 1 and "already has amendments served on 2026-11-24" in r.stderr
    r = ehcp("amend", "withdraw", PID, "--reason", "The family's new evidence shows no change is needed.",
             "--date", "2026-12-01", "--out", tmp_path)
    assert r.exit_code == 0
    text = docx_text(tmp_path / PID / "2026-12-01-amendment-withdrawn.docx")
    assert "The last day to appeal is 1 February 2027" in text and "no change is needed" in text
    assert json.loads(ehcp("deadlines", PID, "--today", "2026-12-02", "--json").stdout)["final_plan_due"] is None


def test_reassessment_refused_and_agreed(ehcp, store: Path, tmp_path: Path):
    assert ehcp("reassess", "request", PID, "--by", "parent", "--date", "2026-11-02").exit_code == 0
    assert json.loads(ehcp("deadlines", PID, "--today", "2026-11-03", "--json").stdout)[
        "reassessment_decision_due"] == "2026-11-17"
    r = ehcp("reassess", "decide", PID, "--decision", "refuse", "--date", "2026-11-10", "--out", tmp_path)
    assert r.exit_code == 2  # a refusal needs reasons
    r = ehcp("reassess", "decide", PID, "--decision", "refuse", "--reason", "An assessment was done in May.",
             "--date", "2026-11-10", "--out", tmp_path)
    assert r.exit_code == 0, r.stderr
    letter = docx_text(tmp_path / PID / "2026-11-10-reassessment-decision.docx")
    assert "We have decided not to do a re-assessment" in letter
    assert "The last day to appeal is 11 January 2027" in letter and "mediation" in letter.lower()
    ehcp("reassess", "request", PID, "--by", "setting", "--date", "2026-11-20")
    ehcp("reassess", "decide", PID, "--decision", "agree", "--date", "2026-11-27", "--out", tmp_path)
    assert json.loads(ehcp("deadlines", PID, "--today", "2026-11-28", "--json").stdout)[
        "reassessment_final_plan_due"] == "2027-03-05"   # 14 weeks (reg 27(2))


def test_ceasing_drops_the_plan_from_due_lists(ehcp, store: Path, tmp_path: Path):
    pid = "EHCP-0005"
    assert ehcp("cease", "decide", pid, "--date", "2026-11-02").exit_code == 1  # must consult first
    r = ehcp("cease", "propose", pid, "--reason", "4", "--details", "Rhys has started a paid job.", "--date",
             "2026-10-01", "--out", tmp_path)
    assert r.exit_code == 0, r.stderr
    assert "Rhys has started a paid job." in docx_text(tmp_path / pid / "2026-10-01-cease-consultation.docx")
    r = ehcp("cease", "decide", pid, "--date", "2026-11-02", "--out", tmp_path)
    assert r.exit_code == 0
    notice = docx_text(tmp_path / pid / "2026-11-02-cease-notice.docx")
    # 2 months end on Saturday 2 January: outside the 25 Dec-1 Jan extension, but r.12(2) gives the next working day
    assert "The last day to appeal is 4 January 2027" in notice
    assert "end on Saturday 2 January 2027, when the Tribunal is closed" in notice
    rows = json.loads(ehcp("due", "--from", "2026-01-01", "--to", "2028-12-31", "--today", "2027-02-01",
                           "--json").stdout)
    assert pid not in [r["plan"] for r in rows]
    assert len(json.loads(ehcp("log", pid, "--json").stdout)) == 3   # history kept


def test_amendments_outside_a_review_have_their_own_event_names(ehcp, store: Path, tmp_path: Path):
    proposal, _, _ = proposed_file(ehcp, tmp_path)
    ehcp("amend", "propose", PID, "--file", proposal, "--date", "2026-11-02", "--context", "outside-review",
         "--no-evidence", "The advice is in the review report.", "--out", tmp_path)
    d = json.loads(ehcp("deadlines", PID, "--today", "2026-11-03", "--json").stdout)
    assert (d["representations_due"], d["final_plan_due"]) == ("2026-11-16", "2026-12-28")
    n = re.search(r"representations #(\d+)", ehcp("amend", "respond", PID, "--text", "Agreed.", "--date",
                                                  "2026-11-05").stderr).group(1)
    assert ehcp("amend", "issue", PID, "--date", "2026-11-06", "--out", tmp_path).exit_code == 1  # no answer yet
    assert ehcp("amend", "issue", PID, "--answer", f"{n}=accepted", "--date", "2026-11-06",
                "--out", tmp_path).exit_code == 0
    events = git(store, "log", "-n", "3", "--format=%(trailers:key=EHCP-Event,valueonly)").split()
    assert events == ["amended-plan-issued-outside-review", "representations", "amendment-proposed-outside-review"]
    assert json.loads(ehcp("show", PID, "--at", "2026-11-06", "--json").stdout)["issued"] == "2026-11-06"
    r = ehcp("render", PID, "--doc", "amendment-notice", "--at", "HEAD~2", "--out", tmp_path / "again")
    assert r.exit_code == 0, r.stderr


def f_blocks(path: Path) -> dict[str, list[str]]:
    """Section F's provision blocks (tables whose first label is "What"), by the id in the heading before each:
    the label column of each, as the reader sees it."""
    doc = Document(str(path))
    out, heading = {}, ""
    for el in doc.element.body.iterchildren():
        if el.tag == f"{W}p":
            text = "".join(t.text or "" for t in el.iter(f"{W}t"))
            if text.startswith("Provision F"):
                heading = text
        elif el.tag == f"{W}tbl":
            labels = ["".join(t.text or "" for t in tr.find(f"{W}tc").iter(f"{W}t")) for tr in el.iter(f"{W}tr")]
            if labels and labels[0] == "What" and heading:
                out[heading] = labels
    return out


@pytest.mark.parametrize("layout", ["classic", "areas"])
def test_proposed_and_issued_plans_say_new_or_what_changed_in_the_plans_own_tables(ehcp, store: Path,
                                                                                    tmp_path: Path, layout: str):
    """Issue 16.2 and 16.1, in both layouts ([plan] layout): a new item is marked "new", an amended one says what
    changed, in the tracked, clean and issued plans; the tracked plan's Section F blocks are tables with the same
    labels as the issued plan's, and its w:ins / w:del sit inside their cells."""
    if layout == "areas":
        toml = store / "ehcp.toml"
        toml.write_text(toml.read_text(encoding="utf-8") + '\n[plan]\nlayout = "areas"\n', encoding="utf-8")
    out = tmp_path / "out"
    proposal, _, _ = proposed_file(ehcp, tmp_path)
    r = ehcp("amend", "propose", PID, "--file", proposal, "--date", "2026-11-24", "--context", "outside-review",
             "--no-evidence", "The advice is in the review report.", "--out", out)
    assert r.exit_code == 0, r.stderr
    said = ehcp("amend", "respond", PID, "--text", "We agree.", "--date", "2026-11-30")
    n = re.search(r"representations #(\d+)", said.stderr).group(1)
    r = ehcp("amend", "issue", PID, "--date", "2026-12-01", "--answer", f"{n}=accepted", "--why", f"{n}=Thanks.",
             "--out", out)
    assert r.exit_code == 0, r.stderr
    folder = out / PID
    tracked, clean = folder / "2026-11-24-proposed-plan-tracked.docx", folder / "2026-11-24-proposed-plan.docx"
    final = folder / "2026-12-01-final-amended-plan.docx"
    areas_heading = "Needs, outcomes and provision by area of need"
    for doc in (clean, final):
        text = docx_text(doc)
        assert "Provision F1 (how often changed)" in text and "Provision F9 (new)" in text
        assert "F9 (amended)" not in text and "F1 (amended)" not in text
        assert (areas_heading in text) == (layout == "areas")
    root = Document(str(tracked)).element.body
    accepted = "".join(t.text or "" for t in root.iter(f"{W}t"))
    assert "Provision F9 (new)" in accepted and "F1 (how often changed)" in accepted
    assert (areas_heading in accepted) == (layout == "areas")
    issued, proposed = f_blocks(final), f_blocks(tracked)
    assert issued and set(proposed) == set(issued)
    assert all(proposed[k] == issued[k] for k in issued)   # the same labels, row by row
    revisions = [el for el in root.iter(f"{W}ins", f"{W}del")]
    in_f = [el for el in revisions
            if any(anc.tag == f"{W}tc" for anc in el.iterancestors())
            and "What" in [("".join(t.text or "" for t in tr.find(f"{W}tc").iter(f"{W}t")))
                           for tr in next(a for a in el.iterancestors() if a.tag == f"{W}tbl").iter(f"{W}tr")]]
    assert in_f, "no tracked change inside a Section F table cell"
    words = "".join(t.text or "" for el in in_f for t in el.iter(f"{W}t", f"{W}delText"))
    assert "4 sessions" in words or "4" in words
